"""Splitting one post into quoted text and the author's own words, given the earlier posts of its thread.

The forms, in the order they are looked for:

1. quotes the source markup marks (``Post.markup``: HTML blockquote, BBCode, Discourse);
2. a whole post that repeats an earlier post is a *duplicate*, not a quote;
3. marker lines (``>``, ``>>``, ``&gt;``);
4. unmarked copies: a sentence or line repeating an earlier post verbatim or nearly;
5. inline quotes: words in double quotes repeating an earlier post.

Each quote is attributed through :class:`~threadlens.quotes.index.ThreadIndex`. What is left,
trimmed, is the reply.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..thread import Segment
from .index import Match, ThreadIndex
from .inline import quoted_spans
from .markers import marked_blocks
from .words import Words, words_of

__all__ = ["SplitConfig", "PostSplit", "ThreadSplitter", "split_post", "reply_segments", "give_back_tail",
           "DEFAULT_MAX_POST_CHARS", "PREFERRED_ANCESTORS"]

#: Posts are split on their first this many characters; the rest is reply text (see :func:`give_back_tail`).
DEFAULT_MAX_POST_CHARS = 200_000
#: A quote is attributed first to the parent and the ancestors above it, up to this many (``prefer``): the
#: posts further up are searched like any other earlier post. Without a bound, a chain of replies thousands
#: deep (a counting thread, two people arguing all night) would take time growing with the square of its length.
PREFERRED_ANCESTORS = 64


@dataclass(frozen=True, slots=True)
class SplitConfig:
    """Thresholds of the quote splitter.

    An unmarked copy needs ``copy_min_words`` words (``copy_min_letters`` letters: short stock phrases
    such as "I read it like this" don't count) matching an earlier post at ``copy_min_similarity`` (share
    of its words found in order); an inline quote ``inline_min_words`` (or two long words found
    in the parent or an ancestor); a marker quote is attributed from ``marker_min_similarity``; a post is a
    duplicate when it repeats an earlier post of at least ``duplicate_min_words`` words almost entirely.
    """

    copy_min_words: int = 5
    copy_min_letters: int = 20
    copy_min_similarity: float = 0.8
    inline_min_words: int = 3
    inline_min_similarity: float = 0.8
    inline_pair_min_letters: int = 9
    marker_min_similarity: float = 0.6
    duplicate_min_words: int = 8
    duplicate_min_similarity: float = 0.9


@dataclass(slots=True)
class PostSplit:
    """The segments of one post (quotes and replies, in text order) and what it duplicates, if anything."""

    segments: list[Segment]
    duplicate_of: str | None = None


def split_post(text: str, *, index: ThreadIndex, sentences: Sequence[tuple[int, int]] = (),
               markup: Sequence[Segment] = (), prefer: Sequence[str] = (), cited_authors: dict[str, list[str]] | None = None,
               config: SplitConfig = SplitConfig(), words: Words | None = None) -> PostSplit:
    """Split a post's ``text``.

    ``sentences`` are ``(start, end)`` sentence offsets (from the pipeline's sentencizer; boundaries fall
    between words, and they are only read when the post shares words with an earlier one), ``prefer`` the
    ids to attribute to first (the parent, then the ancestors: callers pass the nearest
    ``PREFERRED_ANCESTORS``), ``cited_authors`` maps an author name to their earlier posts (for markup that
    names whom it quotes). ``words`` may pass ``words_of(text)`` when the caller has it already.
    """
    quotes: list[Segment] = []
    for segment in markup:
        if segment.kind == "quote" and segment.source is None:
            only = (cited_authors or {}).get(segment.cite or "") or None
            match = _find(index, text, segment.start, segment.end, prefer, config.marker_min_similarity, only=only)
            if match is None and only:
                match = _find(index, text, segment.start, segment.end, prefer, config.marker_min_similarity)
            segment = _attributed(segment, match)
        quotes.append(segment)

    duplicate_of = None
    all_words = words if words is not None else words_of(text)
    hits = index.shingle_hits(all_words)  # where the post shares three words in a row with an earlier one
    if hits and len(all_words) >= config.duplicate_min_words:
        match = index.find(all_words, prefer=prefer, min_similarity=config.duplicate_min_similarity)
        if match is not None and match.coverage >= config.duplicate_min_similarity:
            duplicate_of = match.source or match.found_in

    for block in marked_blocks(text):
        if _overlaps(block.start, block.end, quotes):
            continue
        ordered = [*prefer[block.depth - 1 :], *prefer[: block.depth - 1]]
        content = _content_words(text, block.content)
        match = _attribute(index, content, ordered, config.marker_min_similarity)
        quotes.append(_attributed(Segment("quote", block.start, block.end, marker=block.marker), match))

    if duplicate_of is None:
        found = []
        # A sentence can only be a copy where it shares a shingle with an earlier post (its words are the
        # post's words unless markup cuts a word).
        if hits or markup or config.copy_min_words < 3:
            found = _copies(text, index, sentences, quotes, prefer, config, all_words, hits)
        found += _inline(text, index, quotes, prefer, config)
        quotes.extend(_resolve_overlaps(found))

    quotes = _merge_adjacent(text, sorted(quotes, key=lambda s: s.start))
    return PostSplit(segments=sorted([*quotes, *reply_segments(text, quotes)], key=lambda s: s.start),
                     duplicate_of=duplicate_of)


class ThreadSplitter:
    """Splits the posts of one thread in the order they were written, each against the posts before it
    (the loop shared by the spaCy component and the spaCy-free :func:`~.direct.split_thread`)."""

    def __init__(self, config: SplitConfig = SplitConfig()) -> None:
        self.config = config
        self.index = ThreadIndex()
        self.by_author: dict[str, list[str]] = {}

    def split(self, post_id: str, text: str, *, sentences: Sequence[tuple[int, int]], markup: Sequence[Segment] = (),
              prefer: Sequence[str] = (), author: str | None = None, last: bool = False) -> PostSplit:
        """Split one post, then index it for the posts after it (``last``: nothing comes after)."""
        words = words_of(text)
        split = split_post(text, index=self.index, sentences=sentences, markup=markup, prefer=prefer,
                           cited_authors=self.by_author, config=self.config, words=words)
        if not last:
            self.index.add(post_id, words, duplicate_of=split.duplicate_of, author=author,
                           quotes=[(s.start, s.end, s.source) for s in split.segments if s.kind == "quote"])
        if author:
            self.by_author.setdefault(author, []).append(post_id)
        return split


def give_back_tail(segments: list[Segment], full_text: str, kept: int, markup: Sequence[Segment] = ()) -> None:
    """Complete the segments of a post that was split on its first ``kept`` characters: the rest is reply
    text (joined to a reply that runs up to the cut), and markup past the cut (a mail signature, a list
    footer) comes back as the reader gave it."""
    beyond = [m for m in markup if m.start >= kept]
    tail = sorted([*reply_segments(full_text, [Segment("quote", 0, kept), *beyond]), *beyond], key=lambda s: s.start)
    for piece in tail:
        if piece.kind == "reply" and segments and segments[-1].kind == "reply" and segments[-1].end >= kept - 1:
            segments[-1] = Segment("reply", segments[-1].start, piece.end)
        else:
            segments.append(piece)


def reply_segments(text: str, taken: Sequence[Segment]) -> list[Segment]:
    """The author's own words: the text outside ``taken``, one segment per gap, whitespace trimmed."""
    out: list[Segment] = []
    position = 0
    for segment in sorted(taken, key=lambda s: s.start):
        _add_gap(text, position, segment.start, out)
        position = max(position, segment.end)
    _add_gap(text, position, len(text), out)
    return out


def _add_gap(text: str, start: int, end: int, out: list[Segment]) -> None:
    """Append ``text[start:end]``, whitespace trimmed, as a reply segment (unless nothing is left)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Segment("reply", start, end))


def _copies(text: str, index: ThreadIndex, sentences: Sequence[tuple[int, int]], taken: Sequence[Segment],
            prefer: Sequence[str], config: SplitConfig, all_words: Words, hits: list[int]) -> list[Segment]:
    found: list[Segment] = []
    for start, end in _units(text, sentences, taken):
        words, first = _words_between(text, all_words, start, end)
        if len(words) < config.copy_min_words or words.letters < config.copy_min_letters:
            continue
        if first is not None and len(words) >= 3 and not _shares_shingle(hits, first, len(words)):
            continue  # none of its shingles is in an earlier post: find() would find nothing
        match = index.find(words, prefer=prefer, min_similarity=config.copy_min_similarity)
        if match is None or match.matched_words < config.copy_min_words - 1:
            continue
        seg_start, seg_end = _widen(text, words.starts[match.query_first], words.ends[match.query_last], start, end)
        found.append(_attributed(Segment("quote", seg_start, seg_end, marker="copy"), match))
    return found


def _shares_shingle(hits: list[int], first: int, count: int) -> bool:
    """Whether one of the shingle positions ``hits`` starts a shingle inside words ``first:first + count``."""
    i = bisect_left(hits, first)
    return i < len(hits) and hits[i] <= first + count - 3


def _words_between(text: str, words: Words, start: int, end: int) -> tuple[Words, int | None]:
    """``words_of(text, start=start, end=end)``, and where they start among ``words`` — taken from them when no
    word straddles an edge (else computed, and None)."""
    first = bisect_left(words.starts, start)
    last = bisect_right(words.ends, end)
    if (first > 0 and words.ends[first - 1] > start) or (last < len(words) and words.starts[last] < end):
        return words_of(text, start=start, end=end), None
    return Words(words.tokens[first:last], words.starts[first:last], words.ends[first:last]), first


def _inline(text: str, index: ThreadIndex, taken: Sequence[Segment], prefer: Sequence[str],
            config: SplitConfig) -> list[Segment]:
    found: list[Segment] = []
    for open_at, close_at in quoted_spans(text):
        if _overlaps(open_at, close_at, taken):
            continue
        words = words_of(text, start=open_at + 1, end=close_at - 1)
        match = None
        if len(words) >= config.inline_min_words:
            match = index.find(words, prefer=prefer, min_similarity=config.inline_min_similarity)
        elif len(words) == 2 and words.letters >= config.inline_pair_min_letters:
            match = index.find(words, prefer=prefer, only=prefer)
        if match is not None:
            found.append(_attributed(Segment("quote", open_at, close_at, marker="inline"), match))
    return found


def _units(text: str, sentences: Sequence[tuple[int, int]], taken: Sequence[Segment]) -> list[tuple[int, int]]:
    """Sentences cut at line breaks and at quotes already found: the pieces to test as unmarked copies."""
    bounds = sentences or [(0, len(text))]
    units: list[tuple[int, int]] = []
    for sent_start, sent_end in bounds:
        position = sent_start
        while position < sent_end:
            newline = text.find("\n", position, sent_end)
            line_end = sent_end if newline < 0 else newline
            for start, end in _subtract(position, line_end, taken):
                if text[start:end].strip():
                    units.append((start, end))
            position = line_end + 1
    return units


def _subtract(start: int, end: int, taken: Sequence[Segment]) -> list[tuple[int, int]]:
    pieces = [(start, end)]
    for segment in taken:
        next_pieces = []
        for s, e in pieces:
            if segment.end <= s or segment.start >= e:
                next_pieces.append((s, e))
                continue
            if segment.start > s:
                next_pieces.append((s, segment.start))
            if segment.end < e:
                next_pieces.append((segment.end, e))
        pieces = next_pieces
    return pieces


def _resolve_overlaps(found: list[Segment]) -> list[Segment]:
    """Copies and inline quotes may overlap: the same source merges into one span, else the longer wins."""
    kept: list[Segment] = []
    for segment in sorted(found, key=lambda s: (-(s.end - s.start), s.start)):
        clash = next((k for k in kept if segment.start < k.end and k.start < segment.end), None)
        if clash is None:
            kept.append(segment)
        elif clash.source == segment.source:
            kept[kept.index(clash)] = replace(clash, start=min(clash.start, segment.start),
                                              end=max(clash.end, segment.end))
    return kept


def _merge_adjacent(text: str, quotes: list[Segment]) -> list[Segment]:
    """Join quotes of the same source and form separated only by whitespace (a pasted paragraph)."""
    merged: list[Segment] = []
    for segment in quotes:
        previous = merged[-1] if merged else None
        if (previous is not None and previous.kind == segment.kind == "quote"
                and previous.source == segment.source and previous.marker == segment.marker
                and previous.source is not None and not text[previous.end : segment.start].strip()):
            merged[-1] = replace(previous, end=max(previous.end, segment.end),
                                 source_end=max(previous.source_end or 0, segment.source_end or 0) or None)
        else:
            merged.append(segment)
    return merged


def _find(index: ThreadIndex, text: str, start: int, end: int, prefer: Sequence[str], minimum: float,
          *, only: Sequence[str] | None = None) -> Match | None:
    return _attribute(index, words_of(text, start=start, end=end), prefer, minimum, only=only)


def _attribute(index: ThreadIndex, words: Words, prefer: Sequence[str], minimum: float,
               *, only: Sequence[str] | None = None) -> Match | None:
    """Attribution of text known to be a quote: short quotes only count when found in ``prefer`` verbatim."""
    if len(words) < 3:
        return index.find(words, prefer=prefer, only=only or prefer) if words.letters >= 3 else None
    return index.find(words, prefer=prefer, min_similarity=minimum, only=only)


def _content_words(text: str, ranges: Sequence[tuple[int, int]]) -> Words:
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in ranges:
        words = words_of(text, start=start, end=end)
        tokens.extend(words.tokens)
        starts.extend(words.starts)
        ends.extend(words.ends)
    return Words(tuple(tokens), tuple(starts), tuple(ends))


def _attributed(segment: Segment, match: Match | None) -> Segment:
    if match is None:
        return segment
    return replace(segment, source=match.source, similarity=match.similarity,
                   source_start=match.source_start if match.source == match.found_in else None,
                   source_end=match.source_end if match.source == match.found_in else None)


def _widen(text: str, start: int, end: int, lower: int, upper: int) -> tuple[int, int]:
    """Extend a matched range over punctuation touching it (an opening quote, a closing '.' or '?"')."""
    while start > lower and not text[start - 1].isspace() and not text[start - 1].isalnum():
        start -= 1
    while end < upper and not text[end].isspace() and not text[end].isalnum():
        end += 1
    return start, end


def _overlaps(start: int, end: int, segments: Sequence[Segment]) -> bool:
    return any(start < s.end and s.start < end for s in segments)
