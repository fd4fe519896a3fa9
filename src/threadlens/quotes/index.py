"""Finding where a piece of text was taken from among the earlier posts of a thread.

Earlier posts are indexed by word 3-grams (shingles). A query votes for the posts sharing its shingles;
the best few are aligned word by word (``difflib``), so case, punctuation, whitespace, a few changed
words and ``...`` elisions still match. Found text is resolved to its origin: words that were
themselves a quote in the post they were found in lead to that quote's source.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .words import Words

__all__ = ["Match", "ThreadIndex"]

_SHINGLE = 3  # add() and find() build shingles with zip(tokens, tokens[1:], tokens[2:])
_MAX_POSTINGS = 400   # a shingle in more places than this is too common to say anything
_MAX_CANDIDATES = 8
_MAX_QUERY_WORDS = 400
# A posting — where a shingle occurs — is one int: the entry's number shifted left by this many bits, plus the
# word's position in it (a post's words are fewer than 2**24: its text is cut at 200,000 characters long
# before). Ints, unlike (entry, position) tuples, aren't tracked by the garbage collector: cheaper to make.
_POSITION_BITS = 24
_POSITION_MASK = (1 << _POSITION_BITS) - 1


@dataclass(frozen=True, slots=True)
class Match:
    """Where a query was found: in post ``found_in``, words ``source_start:source_end`` (characters);
    ``source`` is where the words originate (None when the found words were themselves quoted from
    outside the thread)."""

    found_in: str
    source: str | None
    similarity: float
    matched_words: int
    source_start: int
    source_end: int
    coverage: float  # share of the found post's words the match covers
    query_first: int  # first and last query word that matched
    query_last: int


@dataclass(slots=True)
class _Entry:
    post_id: str
    words: Words
    origins: list[str | None]  # per word: the post its words come from (the post itself for its own words)
    author: str | None
    rank: int


class ThreadIndex:
    """Earlier posts of one thread, searchable for quoted text."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._by_id: dict[str, int] = {}
        self._postings: dict[tuple[str, ...], list[int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, post_id: object) -> bool:
        return post_id in self._by_id

    def add(self, post_id: str, words: Words, *, quotes: Sequence[tuple[int, int, str | None]] = (),
            duplicate_of: str | None = None, author: str | None = None) -> None:
        """Index a post: ``quotes`` are ``(start, end, source)`` character ranges of text it quoted."""
        own = duplicate_of or post_id
        origins: list[str | None] = [own] * len(words)
        for start, end, source in quotes:
            first, last = bisect_left(words.starts, start), bisect_right(words.ends, end)
            origins[first:last] = [source] * (last - first)  # nothing when no word is inside (last <= first)
        index = len(self._entries)
        self._entries.append(_Entry(post_id, words, origins, author, index))
        self._by_id[post_id] = index
        tokens = words.tokens if len(words) <= _POSITION_MASK else words.tokens[:_POSITION_MASK]
        postings = self._postings
        for posting, shingle in enumerate(zip(tokens, tokens[1:], tokens[2:]), index << _POSITION_BITS):
            postings.setdefault(shingle, []).append(posting)

    def shingle_hits(self, words: Words) -> list[int]:
        """Positions of ``words`` whose 3-word shingle is in an earlier post (one ``find`` would consider).

        A query made of these words can only be found where one of its shingles starts at such a position.
        """
        postings = self._postings
        tokens = words.tokens
        if postings.keys().isdisjoint(zip(tokens, tokens[1:], tokens[2:])):
            return []  # most posts: checked in C
        out = []
        for i, shingle in enumerate(zip(tokens, tokens[1:], tokens[2:])):
            found = postings.get(shingle)
            if found is not None and len(found) <= _MAX_POSTINGS:
                out.append(i)
        return out

    def find(self, query: Words, *, prefer: Sequence[str] = (), min_similarity: float = 0.8,
             only: Sequence[str] | None = None) -> Match | None:
        """The best place ``query`` was taken from, or None below ``min_similarity``.

        Among matches about as good as the best, the first post in ``prefer`` (parent, ancestors ...)
        wins, then the earliest post. ``only`` restricts the search to those posts.
        """
        if not len(query) or not self._entries:
            return None
        allowed = None if only is None else {self._by_id[p] for p in only if p in self._by_id}
        tokens = query.tokens[:_MAX_QUERY_WORDS]
        if len(tokens) < _SHINGLE:
            return self._find_short(tokens, prefer if only is None else only)
        hits: dict[int, list[int]] = {}
        for shingle in zip(tokens, tokens[1:], tokens[2:]):
            postings = self._postings.get(shingle)
            if postings is None or len(postings) > _MAX_POSTINGS:
                continue
            for posting in postings:
                entry = posting >> _POSITION_BITS
                if allowed is None or entry in allowed:
                    hits.setdefault(entry, []).append(posting & _POSITION_MASK)
        if not hits:
            return None
        candidates = sorted(hits, key=lambda e: -len(hits[e]))[:_MAX_CANDIDATES]
        preferred = [self._by_id[p] for p in prefer if p in self._by_id and self._by_id[p] in hits]
        candidates.extend(e for e in preferred if e not in candidates)
        matches = [m for m in (self._align(tokens, self._entries[e], hits[e], min_similarity) for e in candidates)
                   if m is not None and m.similarity >= min_similarity]
        if not matches:
            return None
        best = max(m.similarity for m in matches)
        rank = {p: i for i, p in enumerate(prefer)}
        close = [m for m in matches if m.similarity >= best - 0.05]
        return min(close, key=lambda m: (rank.get(m.found_in, len(rank)), self._by_id[m.found_in]))

    def _align(self, tokens: tuple[str, ...], entry: _Entry, positions: list[int],
               minimum: float = 0.0) -> Match | None:
        positions.sort()
        width = len(tokens) + len(tokens) // 2 + _SHINGLE
        best_lo, best_count, lo = 0, 0, 0
        for hi in range(len(positions)):
            while positions[hi] - positions[lo] > width:
                lo += 1
            if hi - lo + 1 > best_count:
                best_lo, best_count = lo, hi - lo + 1
        first, last = positions[best_lo], positions[best_lo + best_count - 1]
        slack = len(tokens) // 2 + _SHINGLE
        window_start = max(0, first - slack)
        window = entry.words.tokens[window_start : last + _SHINGLE + slack]
        # Matched words are query words found in the window: when too few are, the alignment can't reach
        # ``minimum`` and is skipped (the same test as the caller's, so results don't change).
        present = frozenset(window)
        if sum(1 for token in tokens if token in present) / len(tokens) < minimum:
            return None
        blocks = [b for b in SequenceMatcher(None, tokens, window, autojunk=False).get_matching_blocks() if b.size]
        if not blocks:
            return None
        matched = sum(b.size for b in blocks)
        return self._match(entry, window_start + blocks[0].b, window_start + blocks[-1].b + blocks[-1].size - 1,
                           matched / len(tokens), matched, blocks[0].a, blocks[-1].a + blocks[-1].size - 1)

    def _find_short(self, tokens: tuple[str, ...], prefer: Sequence[str]) -> Match | None:
        n = len(tokens)
        for post_id in prefer:
            entry = self._entries[self._by_id[post_id]] if post_id in self._by_id else None
            if entry is None:
                continue
            words = entry.words.tokens
            for i in range(len(words) - n + 1):
                if words[i : i + n] == tokens:
                    return self._match(entry, i, i + n - 1, 1.0, n, 0, n - 1)
        return None

    def _match(self, entry: _Entry, first: int, last: int, similarity: float, matched: int,
               query_first: int, query_last: int) -> Match:
        origins = entry.origins[first : last + 1]
        source = max(set(origins), key=lambda o: (origins.count(o), o == entry.origins[first]))
        start, end = entry.words.span(first, last)
        return Match(found_in=entry.post_id, source=source, similarity=similarity, matched_words=matched,
                     source_start=start, source_end=end, coverage=(last - first + 1) / max(1, len(entry.words)),
                     query_first=query_first, query_last=query_last)
