"""Reading ConvoKit corpus directories: what ConvoKit's dump writes, older corpora, and broken ones."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from threadlens.errors import InputError
from threadlens.readers import read_thread, read_threads
from threadlens.readers.convokit import read_convokit, sniff_convokit
from threadlens.writers import write_convokit



CORPORA = Path(__file__).resolve().parent / "fixtures" / "convokit"


def kinds(threads: list) -> list[str]:
    return [notice.kind for thread in threads for notice in thread.notices]


def test_readers_convokit_dump_layout() -> None:
    threads = read_threads(CORPORA / "reddit_dump")
    assert [t.id for t in threads] == ["9bo6sx", "9c01ab"]
    assert [t.title for t in threads] == ["Bridge schedule", "Late night study spots"]
    first = threads[0]
    assert [(p.id, p.author, p.reply_to) for p in first.posts] == [
        ("e5ci7m0", "pat_k", None), ("e5cj1aa", "quinn", "e5ci7m0"), ("e5cjz0b", "[deleted]", "e5cj1aa")]
    assert first.posts[0].created == datetime(2018, 8, 29, 22, 0, tzinfo=timezone.utc)
    assert first.posts[1].meta["author_flair_text"] == "ECE '20"
    assert "parsed" not in first.posts[0].meta and "vectors" not in first.posts[1].meta
    assert first.meta["subreddit"] == "Cornell" and "title" not in first.meta
    assert first.meta["speakers"] == {"pat_k": {"num_posts": 1, "num_comments": 1},
                                      "quinn": {"num_posts": 1, "num_comments": 1}}
    assert kinds(threads) == ["binary_meta", "vectors_skipped"]
    assert threads[0].notices[0].count == 5


def test_readers_convokit_legacy_layout() -> None:
    threads = read_threads(CORPORA / "legacy")
    assert len(threads) == 1
    thread = threads[0]
    assert thread.id == "198" and thread.title == "United States v. Example"
    assert [(p.id, p.author, p.reply_to) for p in thread.posts] == [
        ("200", "mr. srinivasan", "199"), ("198", "justice rehnquist", None), ("199", "justice scalia", "198"),
        ("201", "justice scalia", "200")]
    assert thread.posts[1].created is None  # NaN timestamp
    assert thread.posts[3].meta == {}
    assert thread.meta["speakers"]["justice scalia"] == {"is-justice": True, "gender": "male"}
    assert sorted(kinds(threads)) == ["self_reply", "skipped_line"]


def test_readers_convokit_round_trip_of_a_real_layout(tmp_path: Path) -> None:
    threads = read_threads(CORPORA / "reddit_dump")
    write_convokit(threads, tmp_path / "again")
    back = read_threads(tmp_path / "again")
    assert [t.posts for t in back] == [t.posts for t in threads]
    assert [(t.id, t.title, t.meta) for t in back] == [(t.id, t.title, t.meta) for t in threads]
    speakers = json.loads((tmp_path / "again" / "speakers.json").read_text())
    assert speakers["quinn"] == {"num_posts": 1, "num_comments": 1} and speakers["[deleted]"] == {}


@pytest.mark.parametrize(("files", "score"), [
    ({"utterances.jsonl": "", "speakers.json": "{}", "corpus.json": "{}"}, 0.9),
    ({"utterances.json": "[]", "users.json": "{}", "index.json": "{}"}, 0.9),
    ({"utterances.jsonl": ""}, 0.6),
    ({"speakers.json": "{}", "corpus.json": "{}"}, 0.0),
    ({"notes.txt": "x"}, 0.0),
])
def test_readers_convokit_sniff(tmp_path: Path, files: dict[str, str], score: float) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    assert sniff_convokit(tmp_path) == score


def test_readers_convokit_missing_utterances(tmp_path: Path) -> None:
    (tmp_path / "speakers.json").write_text("{}")
    with pytest.raises(InputError, match="holds no utterances.jsonl"):
        read_convokit(tmp_path)
    with pytest.raises(InputError, match="is a directory"):
        read_threads(tmp_path)  # nothing claims it


def test_readers_convokit_forced_format_on_a_file(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(InputError, match="reads directories, not single files"):
        read_threads(tmp_path / "x.txt", format="convokit")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("speakers.json", "{not json", "not valid JSON"),
    ("conversations.json", "[1, 2]", "not a JSON object"),
])
def test_readers_convokit_broken_component_is_a_notice(tmp_path: Path, name: str, content: str, message: str) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(CORPORA / "reddit_dump", corpus)
    (corpus / name).write_text(content)
    threads = read_threads(corpus)
    assert len(threads) == 2 and sum(len(t.posts) for t in threads) == 5
    notice = next(n for t in threads for n in t.notices if n.kind == "bad_corpus_file")
    assert message in notice.message and name in notice.message


def test_readers_convokit_broken_utterances(tmp_path: Path) -> None:
    (tmp_path / "utterances.jsonl").write_text(
        '{"id": "a", "speaker": "s", "conversation_id": "a", "reply_to": null, "timestamp": 5, "text": "hi"}\n'
        'garbage\n'
        '{"speaker": "s", "text": "no id"}\n'
        '{"id": 7, "speaker": 3, "conversation_id": "a", "reply_to": "a", "timestamp": "soon", "text": null}\n')
    (tmp_path / "corpus.json").write_text("{}")
    (tmp_path / "index.json").write_text("{}")
    thread = read_thread(tmp_path)
    assert [(p.id, p.author, p.reply_to, p.text) for p in thread.posts] == [("a", "s", None, "hi"), ("7", "3", "a", "")]
    assert thread.posts[1].meta == {"timestamp": "soon"}
    assert kinds([thread]) == ["skipped_line", "skipped_line"]


def test_readers_convokit_utterances_json_not_a_list(tmp_path: Path) -> None:
    (tmp_path / "utterances.json").write_text('{"id": "a"}')
    with pytest.raises(InputError, match="not a JSON list of utterances"):
        read_convokit(tmp_path)


def test_readers_convokit_cycle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "utterances.jsonl").write_text(
        '{"id": "a", "speaker": "s", "conversation_id": "a", "reply_to": "b", "text": "x"}\n'
        '{"id": "b", "speaker": "s", "conversation_id": "a", "reply_to": "a", "text": "y"}\n')
    with pytest.raises(InputError, match="cycle"):
        read_convokit(tmp_path)


def test_readers_convokit_never_unpickles(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(CORPORA / "reddit_dump", corpus)
    # A pickle that would create a file if loaded.
    marker = tmp_path / "pwned"
    payload = (b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    (corpus / "parsed-bin.p").write_bytes(payload)
    read_threads(corpus)
    assert not marker.exists()


def test_readers_convokit_reads_what_convokit_dumped() -> None:
    """convokit5_dump/ is ConvoKit 5.0.0's own dump of the corpus threadlens wrote from the WordPress page."""
    from_convokit = read_threads(CORPORA / "convokit5_dump")
    from_page = read_threads(CORPORA.parent / "html_generic" / "wordpress_comments.html")
    assert [t.posts for t in from_convokit] == [t.posts for t in from_page]
    assert [(t.id, t.title, t.meta) for t in from_convokit] == [(t.id, t.title, t.meta) for t in from_page]
    assert kinds(from_convokit) == []
