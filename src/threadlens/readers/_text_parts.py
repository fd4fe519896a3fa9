"""A plain text built piece by piece from markup, knowing its length and the line breaks it ends with."""

from __future__ import annotations

__all__ = ["TextParts"]


class TextParts:
    """The text rendered so far: ``length`` is where the next piece starts (quote spans are recorded as such
    offsets), ``trailing`` the line breaks it ends with."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.trailing = 0

    def append(self, value: str) -> None:
        if not value:
            return
        self.parts.append(value)
        self.length += len(value)
        stripped = value.rstrip("\n")
        self.trailing = len(value) - len(stripped) if stripped else self.trailing + len(value)

    def breaks(self, count: int) -> None:
        """End the text so far with at least ``count`` line breaks (nothing at the very start)."""
        if self.length and self.trailing < count:
            self.append("\n" * (count - self.trailing))

    def value(self) -> str:
        return "".join(self.parts)
