"""JSON text with lone surrogates: ``"\\ud83d"`` escaped alone (half of an emoji, cut off by a truncating
scraper) decodes to a string no UTF-8 writer accepts. Readers replace each with U+FFFD and count it.

A well-formed pair (``"\\ud83d\\ude00"``) decodes to one character and is left alone; only text holding a
surrogate escape is walked, so JSON without one costs a regex search.

:func:`quick_loads` parses with orjson (about three times faster than ``json``) where that gives exactly what
``json.loads`` gives, and declines otherwise: callers then take the ``json`` path, lenient and slower.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..thread import Notice, Thread

__all__ = ["loads", "quick_loads", "NotQuick", "without_lone_surrogates", "has_surrogate_escape",
           "has_lone_surrogate", "surrogates_notice", "noting_surrogates"]

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


class NotQuick(ValueError):
    """:func:`quick_loads` declined: parse with ``json`` (the text may be fine, or not JSON at all)."""


try:
    from orjson import JSONDecodeError as _OrjsonError
    from orjson import loads as _orjson_loads
except ImportError:  # pragma: no cover - orjson is a dependency; a platform without its wheels still works
    _orjson_loads = None

# orjson reads an integer past 64 bits as a float, where json keeps it exact (an id can be one): text with a run
# of 19 or more digits (past -2**63, the smallest 64-bit integer; in a string too, to keep the test simple)
# takes the json path. Found by mapping every digit to "0" and searching for 19 of them (memmem): a regex
# would cost more than orjson's whole parse.
_DIGITS_AS_ZERO = bytes(ord("0") if ord("0") <= i <= ord("9") else i for i in range(256))
_LONG_NUMBER = b"0" * 19
_WINDOW = 1 << 20


def _has_long_number(data: bytes, window: int = _WINDOW) -> bool:
    """Whether ``data`` holds 19 digits in a row (a big file a window at a time: no second copy of it whole)."""
    if len(data) <= window:
        return _LONG_NUMBER in data.translate(_DIGITS_AS_ZERO)
    overlap = len(_LONG_NUMBER) - 1
    return any(_LONG_NUMBER in data[start:start + window + overlap].translate(_DIGITS_AS_ZERO)
               for start in range(0, len(data), window))


def quick_loads(text: str | bytes) -> Any:
    """``json.loads(text)`` by orjson, for text it reads exactly as ``json`` does: standard JSON, valid UTF-8,
    no lone surrogates, no integer past 64 bits. Raises :class:`NotQuick` for anything else (``NaN``, a byte
    order mark, invalid UTF-8, an escaped lone surrogate, a long number, text that isn't JSON) and where orjson
    isn't installed."""
    if _orjson_loads is None:
        raise NotQuick("orjson is not installed")
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    # (a line, the common case, without the function call)
    if (_LONG_NUMBER in data.translate(_DIGITS_AS_ZERO)) if len(data) <= _WINDOW else _has_long_number(data):
        raise NotQuick("holds a number orjson may not read exactly")
    try:
        return _orjson_loads(data)
    except _OrjsonError:
        raise NotQuick("not standard JSON in valid UTF-8") from None


def loads(text: str | bytes) -> tuple[Any, int]:
    """``json.loads(text)`` and the strings it had to clean of lone surrogates (ValueError as json.loads)."""
    try:
        return quick_loads(text), 0  # orjson refuses lone surrogates: nothing to clean
    except NotQuick:
        pass
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
