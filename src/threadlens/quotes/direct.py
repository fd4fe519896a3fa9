"""Splitting a thread without spaCy: the same splitter, with sentences from :mod:`.sentences`.

:func:`split_thread` does what the ``threadlens_quotes`` pipeline does — posts in the order they were written,
each split against the posts before it, quotes attributed, over-long posts cut at ``max_post_chars`` with the
rest given back as reply text — but takes sentence boundaries from a function of the post's text instead of
spaCy's tokenizer and sentencizer. With :func:`~.sentences.sentence_spans` (the default) it is many times
faster and gives the same splits on almost every post (the README's label *Speed* section has the figures); with
``sentences=spacy_sentences(nlp)`` it gives exactly what the pipeline gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..thread import Post, Thread
from .sentences import sentence_spans
from .splitter import (
    DEFAULT_MAX_POST_CHARS,
    PREFERRED_ANCESTORS,
    PostSplit,
    SplitConfig,
    ThreadSplitter,
    give_back_tail,
)

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["split_thread", "spacy_sentences", "Sentences"]

#: A sentence segmenter: ``(start, end)`` offsets of the sentences of a text.
Sentences = Callable[[str], Sequence[tuple[int, int]]]

_DEFAULT_CONFIG = SplitConfig()


def split_thread(thread: Thread, *, config: SplitConfig | None = None, sentences: Sentences = sentence_spans,
                 max_post_chars: int = DEFAULT_MAX_POST_CHARS) -> dict[str, PostSplit]:
    """Per post id: its segments (quotes and replies, offsets into the post's text) and ``duplicate_of``."""
    splitter = ThreadSplitter(config or _DEFAULT_CONFIG)
    out: dict[str, PostSplit] = {}
    order = thread.chronological()
    ancestry = _Ancestry(thread)
    for position, post in enumerate(order):
        body = post.text[:max_post_chars]
        split = splitter.split(post.id, body, sentences=_Lazy(sentences, body),
                               markup=[m for m in post.markup if m.end <= len(body)],
                               prefer=ancestry.of(post), author=post.author, last=position == len(order) - 1)
        if len(post.text) > len(body):
            give_back_tail(split.segments, post.text, len(body), post.markup)
        out[post.id] = split
    return out


class _Ancestry:
    """The ids of a post's nearest ``PREFERRED_ANCESTORS`` ancestors (``Thread.ancestors``: parent first), a
    post's list made from its parent's when the parent came first (as in written order): a step, not a walk up
    the thread. Lists are kept for the posts with fewer (memory stays bounded by the thread's size); the posts
    below them, and the posts of a thread whose reply links loop, are walked up as ``Thread.ancestors`` walks
    them, at most ``PREFERRED_ANCESTORS`` steps."""

    __slots__ = ("_thread", "_known", "_loops")

    def __init__(self, thread: Thread) -> None:
        from ..readers._linking import find_cycle

        self._thread = thread
        self._known: dict[str, list[str]] = {}
        self._loops = bool(find_cycle({p.id: p.reply_to for p in thread.posts}))

    def of(self, post: Post) -> list[str]:
        known = self._known.get(post.id)
        if known is not None:
            return known
        parent = self._thread.get(post.reply_to)
        above = self._known.get(parent.id) if parent is not None and not self._loops else None
        if parent is None:
            known = []
        elif above is not None:
            known = [parent.id, *above[: PREFERRED_ANCESTORS - 1]]
        else:  # the parent not seen yet, deep, or on a loop: walk up
            known = [p.id for p in self._thread.ancestors(post.id, limit=PREFERRED_ANCESTORS)]
        if len(known) < PREFERRED_ANCESTORS and not self._loops:
            self._known[post.id] = known
        return known


class _Lazy(Sequence[tuple[int, int]]):
    """A post's sentences, found on first use: the splitter only reads them for a post that shares words
    with an earlier one."""

    __slots__ = ("_segment", "_text", "_spans")

    def __init__(self, segment: Sentences, text: str) -> None:
        self._segment = segment
        self._text = text
        self._spans: Sequence[tuple[int, int]] | None = None

    def _get(self) -> Sequence[tuple[int, int]]:
        if self._spans is None:
            self._spans = self._segment(self._text)
        return self._spans

    def __len__(self) -> int:
        return len(self._get())

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._get()[index]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._get())


def spacy_sentences(nlp: Language) -> Sentences:
    """A segmenter running ``nlp``'s tokenizer and sentencizer on each post (the pipeline's own boundaries)."""
    sentencizer = nlp.get_pipe("sentencizer")

    def segment(text: str) -> list[tuple[int, int]]:
        doc = sentencizer(nlp.make_doc(text))
        return [(s.start_char, s.end_char) for s in doc.sents]

    return segment
