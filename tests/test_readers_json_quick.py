"""``quick_loads``: orjson where it reads JSON exactly as ``json.loads`` does, a refusal (``NotQuick``) where it
might not — so the readers and ``label`` get ``json``'s values, only sooner."""

from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadlens.readers import _json
from threadlens.readers._json import NotQuick, loads, quick_loads

_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=16)


def _same(a: object, b: object) -> bool:
    """Equal, with types (1 is not 1.0) and NaN equal to itself."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # type: ignore[index]
    return a == b


@settings(max_examples=500, deadline=None)
@given(_VALUES, st.booleans(), st.booleans())
def test_quick_loads_gives_json_loads_or_declines(value: object, ascii_only: bool, as_bytes: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    data: str | bytes = text.encode("utf-8", "surrogatepass") if as_bytes else text
    try:
        quick = quick_loads(data)
    except NotQuick:
        return
    assert _same(quick, json.loads(data))


@pytest.mark.parametrize("text", [
    '{"id": 123456789012345678901234567890}',  # orjson alone would read a float
    '{"id": -9223372036854775809}', '{"id": 18446744073709551616}', '{"a": NaN}', '{"a": -Infinity}',
    '{"a": 1e400}', '\ufeff{"a": 1}', '{"a": "\\ud83d"}', '{"a": 1} x', "", "nul",
])
def test_quick_loads_declines_what_orjson_would_read_otherwise_or_refuse(text: str) -> None:
    with pytest.raises(NotQuick):
        quick_loads(text)
    with pytest.raises(NotQuick):
        quick_loads(text.encode("utf-8", "surrogatepass"))


def test_quick_loads_reads_ids_of_18_digits() -> None:
    text = '{"id": 999999999999999999, "min": -999999999999999999, "ts": 1700000000123, "text": "12345678"}'
    assert quick_loads(text) == json.loads(text)
    with pytest.raises(NotQuick):  # 19 digits: still 64-bit, but declined (the test is kept simple)
        quick_loads('{"id": 1234567890123456789}')


def test_long_numbers_are_found_across_windows() -> None:
    data = b"x" * 40 + b"1" * 19 + b"y" * 40
    for window in (1, 5, 18, 19, 20, 41, 50, 1 << 20):
        assert _json._has_long_number(data, window)
        assert not _json._has_long_number(data.replace(b"1" * 19, b"1" * 18 + b"z"), window)
    noisy = bytes(range(256)) * 50 + b"9" * 25
    assert _json._has_long_number(noisy, 1000) == bool(re.search(rb"[0-9]{19}", noisy))


def test_loads_without_orjson_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '{"id": "1", "text": "grin \\ud83d\\ude00 and \\ud83d", "n": [1, 2.5, null, true]}'
    quick = loads(text)
    monkeypatch.setattr(_json, "_orjson_loads", None)
    with pytest.raises(NotQuick):
        quick_loads(text)
    assert loads(text) == quick == ({"id": "1", "text": "grin \U0001f600 and \ufffd", "n": [1, 2.5, None, True]},
                                    1)
