"""ConvoKit corpus directories: ConvoKit's documented layout, atomic writes, and lossless round trips."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

from threadlens.errors import InputError
from threadlens.readers import read_threads
from threadlens.thread import Post, Thread
from threadlens.writers import output_format, write_convokit, write_threads

from test_writers_jsonl import hand_made_thread, same_threads, threads

UTC = timezone.utc
FILES = {"utterances.jsonl", "speakers.json", "conversations.json", "corpus.json", "index.json"}


def load(directory: Path, name: str) -> object:
    return json.loads((directory / name).read_text(encoding="utf-8"))


def utterances(directory: Path) -> list[dict]:
    return [json.loads(line) for line in (directory / "utterances.jsonl").read_text(encoding="utf-8").splitlines()]


def test_writers_convokit_layout(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    report = write_convokit(hand_made_thread(), corpus, corpus_meta={"name": "tabs"})
    assert {p.name for p in corpus.iterdir()} == FILES
    assert report.format == "convokit" and report.posts == 4

    rows = utterances(corpus)
    assert list(rows[0]) == ["id", "speaker", "conversation_id", "reply_to", "timestamp", "text", "meta"]
    assert [r["conversation_id"] for r in rows] == ["a1"] * 4  # the thread's root utterance
    assert [r["speaker"] for r in rows] == ["ann", "bob", "[unknown]", "dee"]
    assert [r["reply_to"] for r in rows] == [None, "a1", "b2", "gone"]
    assert rows[0]["timestamp"] == 1588496400 and isinstance(rows[0]["timestamp"], int)
    assert rows[2]["timestamp"] == 1588500000  # 12:00 at +02:00
    assert rows[3]["timestamp"] is None and rows[3]["meta"] == {"timestamp": "last tuesday"}
    assert rows[1]["meta"]["threadlens_markup"][0]["similarity"] == 0.123456789

    assert load(corpus, "speakers.json") == {"ann": {}, "bob": {}, "[unknown]": {"threadlens_unknown": True},
                                             "dee": {}}
    assert load(corpus, "conversations.json") == {"a1": {"site": "example", "tags": ["style"],
                                                         "title": "Tabs or spaces", "threadlens_thread_id": "t-1"}}
    assert load(corpus, "corpus.json") == {"name": "tabs"}
    index = load(corpus, "index.json")
    assert index["utterances-index"] == {"score": ["<class 'int'>"], "flags": ["<class 'list'>"],
                                         "nested": ["<class 'dict'>"], "threadlens_markup": ["<class 'list'>"],
                                         "timestamp": ["<class 'str'>"]}
    assert index["speakers-index"] == {"threadlens_unknown": ["<class 'bool'>"]}
    assert index["conversations-index"]["title"] == ["<class 'str'>"]
    assert index["overall-index"] == {"name": ["<class 'str'>"]}
    assert index["version"] == 1 and index["vectors"] == []


@pytest.mark.parametrize(("values", "expected"), [
    ([1, 2], ["<class 'int'>"]),
    ([1, 2.5, "x"], ["<class 'int'>", "<class 'float'>", "<class 'str'>"]),
    ([None, True], ["<class 'bool'>"]),
    ([None, None], []),
    ([(1, 2), {3}], ["<class 'list'>"]),
    ([datetime(2020, 1, 1)], ["<class 'str'>"]),
])
def test_writers_convokit_index_types(tmp_path: Path, values: list, expected: list) -> None:
    thread = Thread(posts=[Post(f"p{i}", "x", meta={"field": value}) for i, value in enumerate(values)])
    write_convokit(thread, tmp_path / "c")
    assert load(tmp_path / "c", "index.json")["utterances-index"] == {"field": expected}


def test_writers_convokit_wraps_meta_holding_a_meta_key(tmp_path: Path) -> None:
    thread = Thread(posts=[Post("p1", "x")], meta={"meta": {"a": 1}})
    write_convokit(thread, tmp_path / "c")
    assert load(tmp_path / "c", "conversations.json") == {"p1": {"meta": {"meta": {"a": 1}}, "vectors": []}}
    assert read_threads(tmp_path / "c")[0].meta == {"meta": {"a": 1}}


def test_writers_convokit_unknown_speaker_name_taken(tmp_path: Path) -> None:
    thread = Thread(posts=[Post("p1", "x", author="[unknown]"), Post("p2", "y", author=None)])
    write_convokit(thread, tmp_path / "c")
    assert [r["speaker"] for r in utterances(tmp_path / "c")] == ["[unknown]", "[unknown-2]"]
    assert [p.author for p in read_threads(tmp_path / "c")[0].posts] == ["[unknown]", None]


def test_writers_convokit_round_trip_hand_made(tmp_path: Path) -> None:
    thread = hand_made_thread()
    write_convokit(thread, tmp_path / "c")
    same_threads([thread], read_threads(tmp_path / "c"))


def test_writers_convokit_round_trip_speaker_meta(tmp_path: Path) -> None:
    thread = Thread(posts=[Post("p1", "x", author="ann"), Post("p2", "y", author="bob", reply_to="p1")], id="p1",
                    meta={"speakers": {"ann": {"karma": 5}}})
    write_convokit(thread, tmp_path / "c")
    assert load(tmp_path / "c", "speakers.json") == {"ann": {"karma": 5}, "bob": {}}
    assert load(tmp_path / "c", "conversations.json") == {"p1": {}}
    same_threads([thread], read_threads(tmp_path / "c"))


def test_writers_convokit_seed_round_trip_through_jsonl(tmp_path: Path, seed_path: Path) -> None:
    threads = read_threads(seed_path)
    write_threads(threads, tmp_path / "seed.jsonl")
    write_threads(read_threads(tmp_path / "seed.jsonl"), tmp_path / "corpus", to="convokit")
    back = read_threads(tmp_path / "corpus")
    same_threads(threads, back)
    assert back[0].notices == []


def test_writers_convokit_reddit_thread_round_trip(tmp_path: Path, shared: Path) -> None:
    rows = [json.loads(line) for line in
            (shared / "data/reddit/praw-thread/thread_n49rw.jsonl").read_text(encoding="utf-8").splitlines()]
    posts = [Post(row["id"], row.get("body", row.get("selftext", "")), author=row["author"],
                  reply_to=row["parent_id"][3:] if "parent_id" in row else None,
                  created=datetime.fromtimestamp(row["created_utc"], tz=UTC),
                  meta={k: row[k] for k in ("score", "depth", "subreddit") if k in row}) for row in rows]
    thread = Thread(posts=posts, id="n49rw", title=rows[0]["title"])
    write_convokit(thread, tmp_path / "reddit")
    back = read_threads(tmp_path / "reddit")
    same_threads([thread], back)
    assert len(back[0].posts) == 1429 and back[0].notices == []
    assert len(load(tmp_path / "reddit", "speakers.json")) == len({p.author for p in posts})


def test_writers_convokit_refuses_existing_directory(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="already exists; pass --force"):
        write_convokit(hand_made_thread(), corpus)
    assert [p.name for p in corpus.iterdir()] == ["keep.txt"]
    write_convokit(hand_made_thread(), corpus, overwrite=True)
    assert {p.name for p in corpus.iterdir()} == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]  # no temporary left beside it


def test_writers_convokit_into_empty_existing_directory(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    write_convokit(hand_made_thread(), tmp_path / "c")
    assert {p.name for p in (tmp_path / "c").iterdir()} == FILES


def test_writers_convokit_failure_leaves_nothing(tmp_path: Path) -> None:
    bad = Thread(posts=[Post("a", "x"), Post("b", "y", meta={"obj": object()})])
    with pytest.raises(InputError, match="post 'b'"):
        write_convokit(bad, tmp_path / "c")
    assert list(tmp_path.iterdir()) == []


def test_writers_convokit_failure_keeps_the_old_directory(tmp_path: Path) -> None:
    write_convokit(hand_made_thread(), tmp_path / "c")
    before = {p.name: p.read_bytes() for p in (tmp_path / "c").iterdir()}
    bad = Thread(posts=[Post("a", "x", meta={"obj": object()})])
    with pytest.raises(InputError):
        write_convokit(bad, tmp_path / "c", overwrite=True)
    assert {p.name: p.read_bytes() for p in (tmp_path / "c").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]


def test_writers_convokit_files_get_the_usual_mode(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    write_convokit(hand_made_thread(), tmp_path / "c")
    assert (tmp_path / "c").stat().st_mode & 0o777 == 0o777 & ~mask
    assert (tmp_path / "c" / "index.json").stat().st_mode & 0o777 == 0o666 & ~mask


def test_writers_convokit_skips_empty_threads(tmp_path: Path) -> None:
    report = write_convokit([Thread(posts=[]), Thread(posts=[Post("p1", "x")])], tmp_path / "c")
    assert report.threads == 1
    assert load(tmp_path / "c", "conversations.json") == {"p1": {}}


@pytest.mark.parametrize(("name", "to", "expected"), [
    ("out.jsonl", None, "jsonl"),
    ("OUT.JSONL", None, "jsonl"),
    ("-", None, "jsonl"),
    ("corpus", None, "convokit"),
    ("corpus/", None, "convokit"),
    ("out.data", "convokit", "convokit"),
    ("corpus", "jsonl", "jsonl"),
])
def test_writers_output_format(name: str, to: str | None, expected: str) -> None:
    assert output_format(name, to) == expected


@pytest.mark.parametrize(("name", "to", "message"), [
    ("out.json", None, "can't tell which format"),
    ("out.txt", None, "can't tell which format"),
    ("corpus", "csv", "unknown output format 'csv'"),
])
def test_writers_output_format_refuses(name: str, to: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        output_format(name, to)


def test_writers_output_format_existing_directory_with_suffix(tmp_path: Path) -> None:
    (tmp_path / "corpus.v2").mkdir()
    assert output_format(tmp_path / "corpus.v2") == "convokit"


def test_writers_convokit_not_to_stdout() -> None:
    with pytest.raises(InputError, match="can't go to stdout"):
        write_threads(hand_made_thread(), "-", to="convokit")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(threads())
def test_writers_convokit_property_round_trip(thread: Thread) -> None:
    import tempfile

    assume(not {"title", "threadlens_thread_id", "speakers"} & set(thread.meta))  # reserved conversation keys
    with tempfile.TemporaryDirectory() as directory:
        write_convokit(thread, Path(directory) / "c")
        back = read_threads(Path(directory) / "c")
    assert len(back) == 1
    assert back[0].posts == thread.posts
    assert back[0].title == thread.title
    assert back[0].id == (thread.id if thread.id is not None else thread.posts[0].id)
    assert back[0].meta == thread.meta
