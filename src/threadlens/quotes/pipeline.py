"""The spaCy side of quote splitting: a thread becomes one ``Doc``, each post a stretch of it.

``threadlens_quotes`` is a registered factory. It reads the posts laid out in ``doc._.tl_posts`` (in the
order they were written), splits each with :func:`~threadlens.quotes.splitter.split_post` using the
sentencizer's boundaries, and writes every segment to ``doc.spans["threadlens"]`` (``label_`` =
segment kind) with ``Span._.tl_post``, ``tl_source``, ``tl_marker``, ``tl_similarity``, ``tl_cite`` and
``tl_offsets``: the exact ``(start, end)`` characters in the post's own text (the Span itself covers
the tokens around them). The exact segments of each post are also in ``doc._.tl_posts[i]["segments"]``,
which :func:`splits_from_doc` reads: spaCy keys span extension values by character offsets, so two
segments that fall inside one token (a URL) would share theirs.
A plain ``nlp(text)`` is treated as a one-post thread.

One thread is one Doc, so ``nlp.pipe(docs, n_process=2)`` parallelises over threads and every
component sees the whole thread; the extension values are plain JSON-like data, so they survive
the byte serialisation between processes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import compile_prefix_regex

from ..thread import Segment, Thread
from .splitter import (
    DEFAULT_MAX_POST_CHARS,
    PREFERRED_ANCESTORS,
    PostSplit,
    SplitConfig,
    ThreadSplitter,
    give_back_tail,
)

__all__ = ["SPANS_KEY", "pipeline", "thread_doc", "thread_docs", "splits_from_doc", "QuoteSplitter"]

SPANS_KEY = "threadlens"
_SEPARATOR = "\n\n"
_LONG_PUNCTUATION_RUN = re.compile(r"[^\s]*?[^\w\s]{64}")

for _name in ("tl_post", "tl_offsets", "tl_source", "tl_marker", "tl_similarity", "tl_cite", "tl_source_start", "tl_source_end"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)
if not Doc.has_extension("tl_posts"):
    Doc.set_extension("tl_posts", default=None)


@Language.factory(
    "threadlens_quotes",
    assigns=["doc.spans", "doc._.tl_posts", "span._.tl_source", "span._.tl_marker"],
    requires=["token.is_sent_start"],
    default_config={"copy_min_words": 5, "copy_min_letters": 20, "copy_min_similarity": 0.8, "inline_min_words": 3,
                    "inline_min_similarity": 0.8, "marker_min_similarity": 0.6, "duplicate_min_words": 8,
                    "duplicate_min_similarity": 0.9},
)
def make_quote_splitter(nlp: Language, name: str, copy_min_words: int, copy_min_letters: int,
                        copy_min_similarity: float,
                        inline_min_words: int, inline_min_similarity: float, marker_min_similarity: float,
                        duplicate_min_words: int, duplicate_min_similarity: float) -> QuoteSplitter:
    return QuoteSplitter(SplitConfig(
        copy_min_words=copy_min_words, copy_min_letters=copy_min_letters, copy_min_similarity=copy_min_similarity, inline_min_words=inline_min_words,
        inline_min_similarity=inline_min_similarity, marker_min_similarity=marker_min_similarity,
        duplicate_min_words=duplicate_min_words, duplicate_min_similarity=duplicate_min_similarity))


class QuoteSplitter:
    """Splits every post of a thread Doc into quote and reply spans and attributes the quotes."""

    def __init__(self, config: SplitConfig = SplitConfig()) -> None:
        self.config = config

    def __call__(self, doc: Doc) -> Doc:
        posts = doc._.tl_posts
        if posts is None:
            posts = [{"id": "p1", "start": 0, "end": len(doc.text), "reply_to": None, "author": None}]
            doc._.tl_posts = posts
        text = doc.text
        sentence_starts, sentence_ends = _sentence_bounds(doc)
        by_id = {post["id"]: post for post in posts}
        splitter = ThreadSplitter(self.config)
        group = SpanGroup(doc, name=SPANS_KEY)
        for post in posts:
            start, end = post["start"], post["end"]
            split = splitter.split(post["id"], text[start:end],
                                   sentences=_sentences_in(sentence_starts, sentence_ends, start, end),
                                   markup=[Segment.from_dict(m) for m in post.get("markup") or ()],
                                   prefer=_ancestors(post, by_id), author=post.get("author"))
            post["duplicate_of"] = split.duplicate_of
            # The segments themselves live here: span extension values are keyed by character offsets, so
            # two segments inside one long token (a URL) would share them.
            post["segments"] = [segment.to_dict() for segment in split.segments]
            for segment in split.segments:
                span = _token_span(doc, start + segment.start, start + segment.end, start, end, segment.kind)
                span._.tl_post = post["id"]
                span._.tl_offsets = (segment.start, segment.end)
                span._.tl_source = segment.source
                span._.tl_marker = segment.marker
                span._.tl_similarity = segment.similarity
                span._.tl_cite = segment.cite
                span._.tl_source_start = segment.source_start
                span._.tl_source_end = segment.source_end
                group.append(span)
        doc.spans[SPANS_KEY] = group
        doc._.tl_posts = posts
        return doc

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:  # config lives in nlp's config
        return None

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> QuoteSplitter:
        return self


def pipeline(*, config: SplitConfig | None = None) -> Language:
    """A blank English spaCy pipeline: tokenizer that splits quote markers, ``sentencizer``, ``threadlens_quotes``."""
    nlp = spacy.blank("en")
    prefixes = [*nlp.Defaults.prefixes, "&gt;", ">"]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    # spaCy strips affixes one at a time, copying the rest each time: quadratic on a run of thousands of
    # '>' or '"'. A chunk holding such a run is kept as one token instead.
    nlp.tokenizer.token_match = _LONG_PUNCTUATION_RUN.match
    nlp.add_pipe("sentencizer")
    settings = asdict(config) if config is not None else {}
    settings.pop("inline_pair_min_letters", None)
    nlp.add_pipe("threadlens_quotes", config=settings)
    nlp.max_length = max(nlp.max_length, 20_000_000)
    return nlp


def thread_doc(nlp: Language, thread: Thread, *, max_post_chars: int = DEFAULT_MAX_POST_CHARS) -> Doc:
    """The Doc of a thread, ready for ``nlp(doc)`` / ``nlp.pipe(docs)``: posts in the order they were written,
    separated by a blank line, their ids, links and markup in ``doc._.tl_posts``.

    A post longer than ``max_post_chars`` enters with its first ``max_post_chars`` characters (its
    ``"truncated"`` entry says how many it has); :func:`splits_from_doc` gives the rest back as reply text.
    """
    parts: list[str] = []
    posts: list[dict[str, Any]] = []
    position = 0
    for post in thread.chronological():
        body = post.text[:max_post_chars]
        if parts:
            parts.append(_SEPARATOR)
            position += len(_SEPARATOR)
        parts.append(body)
        entry: dict[str, Any] = {"id": post.id, "start": position, "end": position + len(body),
                                 "reply_to": post.reply_to if post.reply_to in thread else None,
                                 "author": post.author,
                                 "markup": [m.to_dict() for m in post.markup if m.end <= len(body)]}
        if len(post.text) > len(body):
            entry["truncated"] = len(post.text)
        posts.append(entry)
        position += len(body)
    doc = nlp.make_doc("".join(parts))
    doc._.tl_posts = posts
    return doc


def thread_docs(nlp: Language, threads: Iterable[Thread], **kwargs: Any) -> Iterator[Doc]:
    """:func:`thread_doc` for each thread, lazily (feed it to ``nlp.pipe``)."""
    for thread in threads:
        yield thread_doc(nlp, thread, **kwargs)


def splits_from_doc(doc: Doc, thread: Thread | None = None) -> dict[str, PostSplit]:
    """Per post id: its segments (offsets into the post's own text) and ``duplicate_of``.

    Pass the ``thread`` to give text cut off by ``max_post_chars`` back as a final reply segment (and the
    post's markup segments that lie past the cut as they are).
    """
    posts = doc._.tl_posts or []
    out: dict[str, PostSplit] = {post["id"]: PostSplit(segments=[], duplicate_of=post.get("duplicate_of"))
                                 for post in posts}
    for post in posts:
        out[post["id"]].segments.extend(Segment.from_dict(s) for s in post.get("segments") or ())
    for post in posts:
        if post.get("truncated") and thread is not None and post["id"] in thread:
            full = thread[post["id"]]
            give_back_tail(out[post["id"]].segments, full.text, post["end"] - post["start"], full.markup)
    return out


def _token_span(doc: Doc, start: int, end: int, post_start: int, post_end: int, label: str) -> Span:
    """The tokens covering ``[start, end)``, kept inside the post (whitespace tokens may straddle posts)."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is not None and span.start_char >= post_start and span.end_char <= post_end:
        return span
    span = doc.char_span(start, end, label=label, alignment_mode="contract")
    if span is not None and len(span):
        return span
    first = doc.char_span(start, end, alignment_mode="expand")
    token = first[0].i if first is not None and len(first) else 0
    return Span(doc, token, token + 1, label=label)


def _sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for sent in doc.sents:
        starts.append(sent.start_char)
        ends.append(sent.end_char)
    return starts, ends


def _sentences_in(starts: list[int], ends: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """Sentences clipped to ``[start, end)``, relative to ``start``."""
    out: list[tuple[int, int]] = []
    i = max(0, bisect_left(ends, start + 1))
    while i < len(starts) and starts[i] < end:
        s, e = max(starts[i], start), min(ends[i], end)
        if e > s:
            out.append((s - start, e - start))
        i += 1
    return out


def _ancestors(post: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[str]:
    """The ids of the post's nearest ``PREFERRED_ANCESTORS`` ancestors, parent first (as ``split_thread``)."""
    out: list[str] = []
    seen = {post["id"]}
    current = by_id.get(post.get("reply_to") or "")
    while current is not None and current["id"] not in seen and len(out) < PREFERRED_ANCESTORS:
        out.append(current["id"])
        seen.add(current["id"])
        current = by_id.get(current.get("reply_to") or "")
    return out
