"""The JSONL reader's fields for what the utterance layout has no place for (markup, thread) and its line
splitting."""

from __future__ import annotations

import json

import pytest

from threadlens.readers import read_threads
from threadlens.thread import Segment


def read(*records: object, raw: str = "") -> list:
    text = "".join(json.dumps(r) + "\n" for r in records) + raw
    return read_threads(text.encode("utf-8"), format="jsonl")


@pytest.mark.parametrize(("markup", "expected_markup", "expected_meta"), [
    ([{"kind": "quote", "start": 0, "end": 5, "source": "a", "marker": "blockquote", "cite": "ann"}],
     (Segment("quote", 0, 5, source="a", marker="blockquote", cite="ann"),), {}),
    ([], (), {}),
    (None, (), {}),
    ("not a list", (), {"markup": "not a list"}),
    ([{"kind": "shout", "start": 0, "end": 5}], (), {"markup": [{"kind": "shout", "start": 0, "end": 5}]}),
    ([{"kind": "quote", "start": 3, "end": 99}], (), {"markup": [{"kind": "quote", "start": 3, "end": 99}]}),
    ([{"kind": "quote", "end": 2}], (), {"markup": [{"kind": "quote", "end": 2}]}),
])
def test_readers_jsonl_markup_field(markup: object, expected_markup: tuple, expected_meta: dict) -> None:
    post = read({"id": "b", "text": "hello world", "markup": markup})[0].posts[0]
    assert post.markup == expected_markup
    assert post.meta == expected_meta


def test_readers_jsonl_thread_field() -> None:
    threads = read({"id": "a", "conversation_id": "t1", "text": "x", "thread": {"title": "T", "meta": {"k": [1]}}},
                   {"id": "b", "conversation_id": "t1", "text": "y", "thread": {"title": "ignored"}},
                   {"id": "c", "conversation_id": "t2", "text": "z"},
                   {"id": "d", "conversation_id": "t3", "text": "w", "thread": "not an object"})
    assert [(t.id, t.title, t.meta) for t in threads] == [("t1", "T", {"k": [1]}), ("t2", None, {}), ("t3", None, {})]
    assert all("thread" not in p.meta for t in threads for p in t.posts)


@pytest.mark.parametrize("key", ["reply_to", "reply-to"])
def test_readers_jsonl_reply_to_spellings(key: str) -> None:
    thread = read({"id": "a", "text": "x"}, {"id": "b", "text": "y", key: "a"})[0]
    assert thread.posts[1].reply_to == "a" and thread.posts[1].meta == {}


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_readers_jsonl_lines_end_only_at_newlines(separator: str) -> None:
    # JSON allows these three unescaped in strings; str.splitlines() would cut the line at them.
    raw = '{"id": "a", "text": "one' + separator + 'two"}\r\n{"id": "b", "text": "three"}\r{"id": "c", "text": "4"}\n'
    threads = read(raw=raw)
    assert [p.text for t in threads for p in t.posts] == [f"one{separator}two", "three", "4"]
    assert [n for t in threads for n in t.notices] == []


def test_readers_jsonl_too_deep_line_is_skipped() -> None:
    thread = read(raw='{"id": "a", "text": "x", "meta": ' + "[" * 100_000 + "}\n" + '{"id": "b", "text": "y"}\n')[0]
    assert [p.id for p in thread.posts] == ["b"]
    assert "nests too deeply" in thread.notices[0].message
