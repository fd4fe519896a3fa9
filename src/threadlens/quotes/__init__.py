"""Quote splitting and attribution: which words of a post are quoted, and from which post.

The spaCy-free parts (the splitter, the markers, :func:`~.direct.split_thread`) load without spaCy; the
spaCy pipeline's names are imported from :mod:`.pipeline` on first use (``threadlens.quotes.pipeline`` is
that module; the function building the pipeline is ``threadlens.pipeline``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .splitter import PostSplit, SplitConfig, split_post

if TYPE_CHECKING:
    from .pipeline import (
        SPANS_KEY,
        QuoteSplitter,
        splits_from_doc,
        thread_doc,
        thread_docs,
    )

__all__ = ["SPANS_KEY", "QuoteSplitter", "splits_from_doc", "thread_doc", "thread_docs", "PostSplit", "SplitConfig",
           "split_post"]

_FROM_PIPELINE = frozenset({"SPANS_KEY", "QuoteSplitter", "splits_from_doc", "thread_doc", "thread_docs"})


def __getattr__(name: str) -> Any:
    if name not in _FROM_PIPELINE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import pipeline

    return getattr(pipeline, name)
