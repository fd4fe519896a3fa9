"""JSONL writer: the core layout, and a round trip through the JSONL reader that loses nothing."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadlens.errors import InputError
from threadlens.readers import read_threads
from threadlens.thread import Post, Segment, Thread
from threadlens.writers import jsonl_lines, threads_to_jsonl, utterance_records, write_jsonl, write_threads

UTC = timezone.utc


def hand_made_thread() -> Thread:
    quote = Segment("quote", 0, 11, source="a1", marker="blockquote", cite="ann", similarity=0.123456789,
                    source_start=4, source_end=15)
    posts = [
        Post("a1", "Tabs are better for everyone.", author="ann", created=datetime(2020, 5, 3, 9, 0, tzinfo=UTC),
             meta={"score": 3, "flags": ["x", "y"], "nested": {"deep": [1, 2.5, None, True]}}),
        Post("b2", "Tabs are b\u2028etter? No.\x85Spaces.", author="bob", reply_to="a1",
             created=datetime(2020, 5, 3, 10, 15, 30, 123456, tzinfo=UTC), markup=(quote,)),
        Post("c3", "", author=None, reply_to="b2",
             created=datetime(2020, 5, 3, 12, 0, tzinfo=timezone(timedelta(hours=2)))),
        Post("d4", "line one\r\nline two\n\u00e9\u00e8 \U0001F600", author="dee", reply_to="gone",
             meta={"timestamp": "last tuesday"}),
    ]
    return Thread(posts=posts, id="t-1", title="Tabs or spaces", meta={"site": "example", "tags": ["style"]})


def same_threads(left: list[Thread], right: list[Thread]) -> None:
    assert [t.id for t in left] == [t.id for t in right]
    assert [t.title for t in left] == [t.title for t in right]
    assert [t.meta for t in left] == [t.meta for t in right]
    for a, b in zip(left, right, strict=True):
        assert a.posts == b.posts


def test_writers_jsonl_record_layout() -> None:
    records = list(utterance_records([hand_made_thread()]))
    first, second = records[0], records[1]
    assert list(first) == ["id", "conversation_id", "reply_to", "speaker", "timestamp", "text", "meta", "thread"]
    assert first["conversation_id"] == "t-1" and first["timestamp"] == 1588496400
    assert first["thread"] == {"title": "Tabs or spaces", "meta": {"site": "example", "tags": ["style"]}}
    assert second["timestamp"] == pytest.approx(1588500930.123456)
    assert second["markup"] == [{"kind": "quote", "start": 0, "end": 11, "source": "a1", "marker": "blockquote",
                                 "cite": "ann", "similarity": 0.123456789, "source_start": 4, "source_end": 15}]
    assert "thread" not in second and "markup" not in first


def test_writers_jsonl_escapes_line_separators_inside_strings() -> None:
    lines = list(jsonl_lines([hand_made_thread()]))
    assert len(lines) == 4
    for line in lines:
        assert line.endswith("\n") and len(line.splitlines()) == 1
        json.loads(line)
    assert "\\u2028" in lines[1] and "\\u0085" in lines[1]


def test_writers_jsonl_round_trip_hand_made(tmp_path: Path) -> None:
    thread = hand_made_thread()
    write_jsonl(thread, tmp_path / "out.jsonl")
    back = read_threads(tmp_path / "out.jsonl")
    same_threads([thread], back)
    assert [n.kind for n in back[0].notices] == ["dangling_reply_to"]


def test_writers_jsonl_round_trip_several_threads_and_missing_ids(tmp_path: Path) -> None:
    threads = [Thread(posts=[Post("p1", "one"), Post("p2", "two", reply_to="p1")], id=None),
               Thread(posts=[Post("q1", "three"), Post("q2", "four")], id="q"),
               Thread(posts=[Post("r1", "five")], id="q")]  # same id as the thread before: named by its root
    write_jsonl(threads, tmp_path / "out.jsonl")
    back = read_threads(tmp_path / "out.jsonl")
    assert [t.id for t in back] == ["p1", "q", "r1"]
    assert [[p.id for p in t.posts] for t in back] == [["p1", "p2"], ["q1", "q2"], ["r1"]]
    assert [t.posts for t in back] == [t.posts for t in threads]


def test_writers_jsonl_seed_round_trip(tmp_path: Path, seed_path: Path) -> None:
    threads = read_threads(seed_path)
    write_threads(threads, tmp_path / "seed.jsonl")
    same_threads(threads, read_threads(tmp_path / "seed.jsonl"))


def test_writers_jsonl_shared_seed_round_trip(tmp_path: Path, shared: Path) -> None:
    threads = read_threads(next((shared / "seed").glob("*.txt")))
    write_threads(threads, tmp_path / "seed.jsonl")
    back = read_threads(tmp_path / "seed.jsonl")
    same_threads(threads, back)
    assert len(back[0].posts) == len(threads[0].posts) > 10


def test_writers_jsonl_text_equals_the_file(tmp_path: Path) -> None:
    write_jsonl(hand_made_thread(), tmp_path / "out.jsonl")
    assert threads_to_jsonl([hand_made_thread()]) == (tmp_path / "out.jsonl").read_text(encoding="utf-8")


def test_writers_jsonl_to_stream() -> None:
    stream = io.StringIO()
    report = write_jsonl(hand_made_thread(), stream)
    assert report.posts == 4 and report.threads == 1 and report.speakers == 3
    assert len(stream.getvalue().splitlines()) == 4


def test_writers_jsonl_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("keep me\n")
    with pytest.raises(InputError, match="already exists; pass --force"):
        write_jsonl(hand_made_thread(), target)
    assert target.read_text() == "keep me\n"
    write_jsonl(hand_made_thread(), target, overwrite=True)
    assert len(target.read_text().splitlines()) == 4


def test_writers_jsonl_bad_meta_leaves_nothing(tmp_path: Path) -> None:
    thread = Thread(posts=[Post("a", "x"), Post("b", "y", meta={"obj": object()})])
    target = tmp_path / "out.jsonl"
    with pytest.raises(InputError, match="post 'b' holds a value of type object"):
        write_jsonl(thread, target)
    assert list(tmp_path.iterdir()) == []


def test_writers_jsonl_nan_becomes_null(tmp_path: Path) -> None:
    thread = Thread(posts=[Post("a", "x", meta={"score": float("nan"), "ok": 1.5})])
    write_jsonl(thread, tmp_path / "out.jsonl")
    assert read_threads(tmp_path / "out.jsonl")[0].posts[0].meta == {"score": None, "ok": 1.5}


def test_writers_jsonl_refuses_ids_repeated_across_threads(tmp_path: Path) -> None:
    threads = [Thread(posts=[Post("p1", "a")], id="x"), Thread(posts=[Post("p1", "b")], id="y")]
    with pytest.raises(InputError, match="post id 'p1' is in two threads"):
        write_jsonl(threads, tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


def test_writers_jsonl_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder .* does not exist"):
        write_jsonl(hand_made_thread(), tmp_path / "no" / "out.jsonl")


# --- property: any thread survives the round trip -----------------------------------------------------------

_texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
_scalars = st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.floats(allow_nan=False, allow_infinity=False) | _texts
_meta = st.dictionaries(st.text(max_size=8), st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                                                         | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                                                         max_leaves=6), max_size=4)
_times = st.none() | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))


@st.composite
def threads(draw: st.DrawFn) -> Thread:
    count = draw(st.integers(1, 6))
    posts = []
    for number in range(count):
        text = draw(_texts)
        reply_to = draw(st.none() | st.sampled_from([f"p{i}" for i in range(number)] or [None]))
        markup: tuple[Segment, ...] = ()
        if text and draw(st.booleans()):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start, len(text)))
            markup = (Segment("quote", start, end, marker="blockquote", cite=draw(st.none() | _texts),
                              similarity=draw(st.none() | st.floats(0, 1))),)
        posts.append(Post(f"p{number}", text, author=draw(st.none() | _texts), reply_to=reply_to,
                          created=draw(_times), meta=draw(_meta), markup=markup))
    return Thread(posts=posts, id=draw(st.none() | st.text(min_size=1, max_size=8)),
                  title=draw(st.none() | _texts), meta=draw(_meta))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threads())
def test_writers_jsonl_property_round_trip(thread: Thread) -> None:
    text = "".join(jsonl_lines([thread]))
    back = read_threads(text.encode("utf-8"), format="jsonl")
    assert len(back) == 1
    assert back[0].posts == thread.posts
    assert back[0].title == thread.title and back[0].meta == thread.meta
    assert back[0].id == (thread.id if thread.id is not None else thread.posts[0].id)
