"""Supercite quoting (Emacs Gnus and others): ``LK> quoted text``, the quoted author's initials before '>'.

A run needs two lines or more with the same initials (1 to 4 letters after at most three spaces), blank
lines allowed between them, so that a lone ``Note> ...`` stays text.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._lines import Line

__all__ = ["supercite_prefix", "supercite_runs"]

_MAX_INDENT = 3
_MAX_INITIALS = 4


def supercite_prefix(text: str) -> str | None:
    """The initials of a supercite line (``" LK> text"`` -> ``"LK"``), or None."""
    stripped = text.lstrip(" ")
    if len(text) - len(stripped) > _MAX_INDENT:
        return None
    marker = stripped.find(">", 0, _MAX_INITIALS + 1)
    if marker <= 0:
        return None
    initials = stripped[:marker]
    if not initials.isalpha() or not any(c.isupper() for c in initials):
        return None
    if len(stripped) > marker + 1 and stripped[marker + 1] not in " \t>":
        return None
    return initials


def supercite_runs(lines: Sequence[Line]) -> list[tuple[int, int, str]]:
    """``(first, last, initials)`` of each run of supercite lines among plain lines."""
    runs: list[tuple[int, int, str]] = []
    first = last = -1
    current: str | None = None
    count = 0

    def close() -> None:
        if current is not None and count >= 2:
            runs.append((first, last, current))

    for index, line in enumerate(lines):
        if line.blank:
            continue
        initials = supercite_prefix(line.text) if line.plain else None
        if initials is not None and initials == current:
            last, count = index, count + 1
            continue
        close()
        current, first, last, count = initials, index, index, 1 if initials else 0
    close()
    return runs
