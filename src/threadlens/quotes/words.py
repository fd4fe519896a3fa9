"""Word tokens for matching quoted text: case, punctuation, whitespace and apostrophe style don't count."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import accumulate
from dataclasses import dataclass

__all__ = ["Words", "words_of"]

# A word, with inner apostrophes (don't, people's). Possessive quantifiers keep this linear.
_WORD = re.compile(r"\w++(?:['\u2019\u02bc]\w++)*+")
_SPLIT = re.compile(f"({_WORD.pattern})")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


@dataclass(frozen=True, slots=True)
class Words:
    """The normalised words of a text with their character offsets (``starts[i]:ends[i]``)."""

    tokens: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.tokens)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Character offsets covering words ``first..last`` (inclusive)."""
        return self.starts[first], self.ends[last]

    @property
    def letters(self) -> int:
        return sum(map(len, self.tokens))


def words_of(text: str, offset: int = 0, *, start: int = 0, end: int | None = None) -> Words:
    """Words of ``text[start:end]`` lower-cased, with offsets shifted by ``offset``."""
    region = text[start:end]
    lowered = region.lower()
    if len(lowered) != len(region) or "\u03a3" in region:
        return _words_slow(region, offset + start)  # lower() changes lengths ("İ") or depends on context (Σ)
    if "\u2019" in lowered or "\u02bc" in lowered:
        lowered = lowered.translate(_APOSTROPHES)
    # Splitting at the words (lower-casing keeps every character a word character or not) gives the words at
    # odd places and, summing the lengths of the pieces, their offsets: all of it in C.
    pieces = _SPLIT.split(lowered)
    if len(pieces) == 1:
        return _EMPTY
    bounds = list(accumulate(map(len, pieces)))
    starts: Iterable[int] = bounds[0:-1:2]
    ends: Iterable[int] = bounds[1::2]
    shift = offset + start
    if shift:
        starts, ends = map(shift.__add__, starts), map(shift.__add__, ends)
    return Words(tuple(pieces[1::2]), tuple(starts), tuple(ends))


def _words_slow(region: str, shift: int) -> Words:
    """Each word lower-cased on its own: for text whose lower-casing isn't one character for one."""
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(region):
        tokens.append(match.group().lower().translate(_APOSTROPHES))
        starts.append(match.start() + shift)
        ends.append(match.end() + shift)
    return Words(tuple(tokens), tuple(starts), tuple(ends))


_EMPTY = Words((), (), ())
