"""Word tokens for matching quoted text: case, punctuation, whitespace and apostrophe style don't count."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Words", "words_of"]

# A word, with inner apostrophes (don't, people's). Possessive quantifiers keep this linear.
_WORD = re.compile(r"\w++(?:['\u2019\u02bc]\w++)*+")
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
        return sum(len(t) for t in self.tokens)


def words_of(text: str, offset: int = 0, *, start: int = 0, end: int | None = None) -> Words:
    """Words of ``text[start:end]`` lower-cased, with offsets shifted by ``offset``."""
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(text, start, len(text) if end is None else end):
        tokens.append(match.group().lower().translate(_APOSTROPHES))
        starts.append(match.start() + offset)
        ends.append(match.end() + offset)
    return Words(tuple(tokens), tuple(starts), tuple(ends))
