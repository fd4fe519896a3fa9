"""Quote splitting and attribution: which words of a post are quoted, and from which post."""

from .pipeline import SPANS_KEY, QuoteSplitter, pipeline, splits_from_doc, thread_doc, thread_docs
from .splitter import PostSplit, SplitConfig, split_post

__all__ = ["SPANS_KEY", "QuoteSplitter", "pipeline", "splits_from_doc", "thread_doc", "thread_docs",
           "PostSplit", "SplitConfig", "split_post"]
