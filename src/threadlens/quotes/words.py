"""Word tokens for matching quoted text: case, punctuation, whitespace and apostrophe style don't count."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import accumulate

__all__ = ["Words", "words_of"]

# A word, with inner apostrophes (don't, people's). Possessive quantifiers keep this linear.
_WORD = re.compile(r"\w++(?:['\u2019\u02bc]\w++)*+")
_SPLIT = re.compile(f"({_WORD.pattern})")
# The same for ASCII text, where ``\w`` means the same with the ASCII flag (faster: a table, not a Unicode lookup).
_SPLIT_ASCII = re.compile(_SPLIT.pattern, re.ASCII)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


class Words:
    """The normalised words of a text with their character offsets (``starts[i]:ends[i]``).

    :func:`words_of` works the offsets out only when they are first asked for: most posts' words are only
    compared, never placed.
    """

    __slots__ = ("tokens", "_starts", "_ends", "_pieces", "_shift")

    def __init__(self, tokens: tuple[str, ...], starts: tuple[int, ...], ends: tuple[int, ...]) -> None:
        self.tokens = tokens
        self._starts: tuple[int, ...] | None = starts
        self._ends: tuple[int, ...] | None = ends
        self._pieces: list[str] | None = None
        self._shift = 0

    @classmethod
    def _of_pieces(cls, pieces: list[str], shift: int) -> Words:
        """The words at the odd places of ``pieces`` (a split at the words), offsets found later."""
        words = cls.__new__(cls)
        words.tokens = tuple(pieces[1::2])
        words._starts = words._ends = None
        words._pieces = pieces
        words._shift = shift
        return words

    @property
    def starts(self) -> tuple[int, ...]:
        if self._starts is None:
            self._place()
        return self._starts  # type: ignore[return-value]

    @property
    def ends(self) -> tuple[int, ...]:
        if self._ends is None:
            self._place()
        return self._ends  # type: ignore[return-value]

    def _place(self) -> None:
        # Summing the lengths of the pieces gives the offsets: all of it in C.
        bounds = list(accumulate(map(len, self._pieces or ())))
        starts: Iterable[int] = bounds[0:-1:2]
        ends: Iterable[int] = bounds[1::2]
        if self._shift:
            starts, ends = map(self._shift.__add__, starts), map(self._shift.__add__, ends)
        self._starts, self._ends, self._pieces = tuple(starts), tuple(ends), None

    def __len__(self) -> int:
        return len(self.tokens)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Words):
            return NotImplemented
        return (self.tokens, self.starts, self.ends) == (other.tokens, other.starts, other.ends)

    def __hash__(self) -> int:
        return hash((self.tokens, self.starts, self.ends))

    def __repr__(self) -> str:
        return f"Words(tokens={self.tokens!r}, starts={self.starts!r}, ends={self.ends!r})"

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
    # odd places, and the lengths of the pieces their offsets.
    pieces = (_SPLIT_ASCII if lowered.isascii() else _SPLIT).split(lowered)
    if len(pieces) == 1:
        return _EMPTY
    return Words._of_pieces(pieces, offset + start)


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
