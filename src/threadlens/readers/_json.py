"""JSON text with lone surrogates: ``"\\ud83d"`` escaped alone (half of an emoji, cut off by a truncating
scraper) decodes to a string no UTF-8 writer accepts. Readers replace each with U+FFFD and count it.

A well-formed pair (``"\\ud83d\\ude00"``) decodes to one character and is left alone; only text holding a
surrogate escape is walked, so JSON without one costs a regex search.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..thread import Notice, Thread

__all__ = ["loads", "without_lone_surrogates", "has_surrogate_escape", "has_lone_surrogate", "surrogates_notice",
           "noting_surrogates"]

_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE = re.compile("[\ud800-\udfff]")


def has_surrogate_escape(text: str | bytes) -> bool:
    """Whether JSON ``text`` escapes a surrogate (a pair or a lone one) somewhere."""
    return (_ESCAPE_BYTES if isinstance(text, bytes) else _ESCAPE).search(text) is not None  # type: ignore[arg-type]


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point (JSON bytes decoded with ``surrogatepass`` can)."""
    return _LONE.search(text) is not None


def without_lone_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` (a decoded JSON value) with every lone surrogate in its strings, keys included, replaced by
    U+FFFD; and how many strings held one. Lists and dicts are changed in place (a walk, not a recursion)."""
    fixed = 0

    def clean(item: Any) -> Any:
        nonlocal fixed
        if isinstance(item, str):
            replaced, count = _LONE.subn("\ufffd", item)
            fixed += count > 0
            return replaced
        if isinstance(item, (list, dict)):
            stack.append(item)
        return item

    stack: list[Any] = []
    value = clean(value)
    while stack:
        container = stack.pop()
        if isinstance(container, list):
            container[:] = [clean(item) for item in container]
        else:
            items = [(clean(key), clean(item)) for key, item in container.items()]
            container.clear()
            container.update(items)
    return value, fixed


def loads(text: str | bytes) -> tuple[Any, int]:
    """``json.loads(text)`` and the strings it had to clean of lone surrogates (ValueError as json.loads)."""
    value = json.loads(text)
    if isinstance(text, bytes):  # json decodes bytes with "surrogatepass": a surrogate's UTF-8 form starts \xed
        suspect = b"\xed" in text or has_surrogate_escape(text)
    else:
        suspect = has_surrogate_escape(text) or (not text.isascii() and has_lone_surrogate(text))
    return without_lone_surrogates(value) if suspect else (value, 0)


def surrogates_notice(source: str, count: int) -> Notice:
    return Notice("lone_surrogates", f"{source}: replaced lone surrogates (half of a character, such as a cut-off "
                  f"emoji) with U+FFFD in {count} string(s)", count)


def noting_surrogates(threads: list[Thread], source: str, count: int) -> list[Thread]:
    """``threads``, the first noting ``count`` cleaned strings (when there were any)."""
    if count and threads:
        threads[0].notices.append(surrogates_notice(source, count))
    return threads
