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

from ..thread import Thread
from .sentences import sentence_spans
from .splitter import (
    DEFAULT_MAX_POST_CHARS,
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
    for position, post in enumerate(order):
        body = post.text[:max_post_chars]
        split = splitter.split(post.id, body, sentences=_Lazy(sentences, body),
                               markup=[m for m in post.markup if m.end <= len(body)],
                               prefer=[p.id for p in thread.ancestors(post.id)], author=post.author,
                               last=position == len(order) - 1)
        if len(post.text) > len(body):
            give_back_tail(split.segments, post.text, len(body), post.markup)
        out[post.id] = split
    return out


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
