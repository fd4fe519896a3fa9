"""Plain-text and JSONL readers, input loading and the recoveries every reader shares."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import threadlens
from threadlens import InputError
from threadlens.readers.text import split_posts


@pytest.mark.parametrize(
    "text, expected",
    [
        ("one\ntwo\nthree\n\n", ["one", "two", "three"]),
        ("one\n\ntwo\n\nthree", ["one", "two", "three"]),
        ("first post\nstill first\n\nsecond post\n\n\nthird\n", ["first post\nstill first", "second post", "third"]),
        ("only line", ["only line"]),
        ("\n\n  \n", []),
        ("a\r\nb\r\n", ["a", "b"]),
    ],
    ids=["lines", "blank-separated-lines", "blocks", "single", "blank", "crlf"],
)
def test_readers_text_split(text: str, expected: list[str]) -> None:
    assert [body for _, body in split_posts(text)] == expected


def test_readers_text_forced_modes() -> None:
    text = "a\nb\n\nc\n"
    assert [p.text for p in threadlens.read_thread(text, format="lines")] == ["a", "b", "c"]
    assert [p.text for p in threadlens.read_thread(text, format="blocks")] == ["a\nb", "c"]


def test_readers_text_ids_and_lines(seed_path: Path) -> None:
    thread = threadlens.read_thread(seed_path)
    assert len(thread) == 13
    assert thread["p1"].text.startswith("> This whole thing")
    assert thread["p13"].meta["line"] == 13
    assert all(p.reply_to is None for p in thread)


def _jsonl(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


UTTERANCES = [
    {"id": "u1", "conversation_id": "u1", "reply_to": None, "speaker": "ann", "timestamp": 1700000000,
     "text": "Who you know matters more than what you know.", "meta": {"score": 3}, "subreddit": "cscareers"},
    {"id": "u2", "conversation_id": "u1", "reply_to": "u1", "speaker": "bob", "timestamp": 1700000060,
     "text": "> Who you know matters more than what you know.\n\nNot in my field."},
    {"id": "v1", "conversation_id": "v1", "reply_to": None, "speaker": "cy", "timestamp": 1700000100, "text": "Other."},
]


def test_readers_jsonl_convokit_fields() -> None:
    threads = threadlens.read_threads(_jsonl(*UTTERANCES))
    assert [t.id for t in threads] == ["u1", "v1"]
    first = threads[0]
    assert [p.id for p in first] == ["u1", "u2"]
    assert first["u2"].reply_to == "u1" and first["u2"].author == "bob"
    assert first["u1"].meta == {"score": 3, "subreddit": "cscareers"}
    assert first["u1"].created is not None and first["u1"].created.year == 2023


def test_readers_jsonl_groups_by_reply_chain_without_conversation_id() -> None:
    records = [{k: v for k, v in r.items() if k != "conversation_id"} for r in UTTERANCES]
    assert [len(t) for t in threadlens.read_threads(_jsonl(*records))] == [2, 1]


def test_readers_jsonl_groups_a_chain_twenty_thousand_replies_deep() -> None:
    """Each post's chain root is found once for all the posts below it (a walk up from every post took the
    square of the chain's length: minutes at this depth)."""
    records = [{"id": "r", "text": "root", "conversation_id": "c"}]
    records += [{"id": f"n{i}", "text": "x", "reply_to": f"n{i - 1}" if i else "r"} for i in range(20_000)]
    records.append({"id": "other", "text": "a root of its own"})
    threads = threadlens.read_threads(_jsonl(*records))
    assert [(t.id, len(t)) for t in threads] == [("c", 20_001), ("other", 1)]
    assert threads[0].depth("n19999") == 20_000


def test_readers_read_thread_refuses_many_threads() -> None:
    with pytest.raises(InputError, match="holds 2 threads; use threadlens.read_threads"):
        threadlens.read_thread(_jsonl(*UTTERANCES))


def test_readers_jsonl_skips_broken_lines_and_counts_them() -> None:
    text = _jsonl(UTTERANCES[0], '{"id": "x", "text": ', "[1, 2]", {"text": "no id"}, UTTERANCES[1])
    thread = threadlens.read_thread(text, format="jsonl")
    assert [p.id for p in thread] == ["u1", "u2"]
    kinds = {n.kind: n.count for n in thread.notices}
    assert kinds == {"skipped_line": 3} or sum(n.count for n in thread.notices if n.kind == "skipped_line") == 3
    assert any("line 2" in n.message for n in thread.notices)


def test_readers_jsonl_dangling_reply_to_becomes_root() -> None:
    record = dict(UTTERANCES[1], conversation_id=None, reply_to="missing")
    thread = threadlens.read_thread(_jsonl(record))
    assert thread.roots()[0].id == "u2"
    assert thread["u2"].reply_to == "missing"
    assert [n.kind for n in thread.notices] == ["dangling_reply_to"]


def test_readers_jsonl_duplicate_ids_keep_the_first() -> None:
    thread = threadlens.read_thread(_jsonl(UTTERANCES[0], dict(UTTERANCES[0], text="again")))
    assert thread["u1"].text.startswith("Who you know")
    assert [n.kind for n in thread.notices] == ["duplicate_id"]


def test_readers_jsonl_cycle_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "cycle.jsonl"
    path.write_text(_jsonl({"id": "a", "text": "x", "reply_to": None},
                           {"id": "b", "text": "y", "reply_to": "c"}, {"id": "c", "text": "z", "reply_to": "b"}))
    with pytest.raises(InputError) as info:
        threadlens.read_threads(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2: reply_to links form a cycle")
    assert "\n" not in message


def test_readers_invalid_utf8_is_replaced_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "bytes.txt"
    path.write_bytes("caf\u00e9 ok\n".encode() + b"bad \xff\xfe bytes\n")
    thread = threadlens.read_thread(path)
    assert thread["p2"].text == "bad \ufffd\ufffd bytes"
    assert [(n.kind, n.count) for n in thread.notices] == [("replaced_bytes", 2)]


def test_readers_legacy_encoding_is_read_as_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Caf\u00e9 \u201cquoted\u201d\n".encode("cp1252"))
    thread = threadlens.read_thread(path)
    assert thread["p1"].text == "Caf\u00e9 \u201cquoted\u201d"
    assert [n.kind for n in thread.notices] == ["decoded_cp1252"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_readers_byte_order_marks(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("first\nsecond\n".encode(encoding))
    assert [p.text for p in threadlens.read_thread(path)] == ["first", "second"]


def test_readers_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError, match="binary file"):
        threadlens.read_thread(path)


def test_readers_missing_path_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        threadlens.read_thread(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        threadlens.read_thread(tmp_path)


def test_readers_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match="unknown input format 'nope'; choose one of: .*jsonl"):
        threadlens.read_thread("a\nb\n", format="nope")


@pytest.mark.parametrize(
    "source, expected",
    [("line one\nline two", ["line one", "line two"]), (b"bytes one\nbytes two\n", ["bytes one", "bytes two"]),
     (io.StringIO("stream one\nstream two"), ["stream one", "stream two"]),
     ("A single sentence of text.", ["A single sentence of text."])],
    ids=["text", "bytes", "stream", "one-sentence"],
)
def test_readers_sources(source: object, expected: list[str]) -> None:
    assert [p.text for p in threadlens.read_thread(source)] == expected


def test_readers_empty_file_gives_an_empty_thread(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    thread = threadlens.read_thread(path)
    assert len(thread) == 0
    assert threadlens.analyze(thread, stance=False).summary.posts == 0


def test_readers_fifty_megabyte_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * (10 * 1024 * 1024))
    thread = threadlens.read_thread(path)
    analysis = threadlens.analyze(thread, stance=False)
    post = analysis.posts[0]
    assert len(post.post.text) == 50 * 1024 * 1024
    assert post.segments[-1].end == len(post.post.text) - 1
    assert [(s.kind, s.start) for s in post.segments] == [("reply", 0)]


def _through_a_fifo(tmp_path: Path, data: bytes, read):  # type: ignore[no-untyped-def]
    """``read(path)`` of a named pipe a thread writes ``data`` into (as ``<(zcat x.gz)`` gives a command)."""
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as stream:
            stream.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        return read(fifo)
    finally:
        writer.join(timeout=10)


@pytest.mark.parametrize("compressed", [False, True])
def test_readers_read_a_pipe_whole_once(tmp_path: Path, compressed: bool) -> None:
    """A pipe can be read once: its first bytes are not taken by the sniffing of its compression and format."""
    import gzip

    text = _jsonl(*UTTERANCES).encode()
    threads = _through_a_fifo(tmp_path, gzip.compress(text) if compressed else text, threadlens.read_threads)
    assert [(t.id, [p.id for p in t]) for t in threads] == [("u1", ["u1", "u2"]), ("v1", ["v1"])]


def test_readers_mail_through_a_pipe_or_stdin_decodes_each_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An mbox read from a pipe or stdin gives the posts read from its file (each part's own charset)."""
    import sys

    mbox = (b"From a@b Mon Jan  1 00:00:00 2024\nFrom: Ann <a@x.org>\nMessage-ID: <m1@x>\nSubject: caf\xc3\xa9\n"
            b"Content-Type: text/plain; charset=iso-8859-1\n\nCaf\xe9 au lait is what matters.\n\n"
            b"From b@c Mon Jan  1 00:01:00 2024\nFrom: Bob <b@x.org>\nMessage-ID: <m2@x>\nIn-Reply-To: <m1@x>\n"
            b"Content-Type: text/plain; charset=utf-8\n\n> Caf\xc3\xa9 au lait is what matters.\nNo, tea.\n")
    path = tmp_path / "list.mbox"
    path.write_bytes(mbox)
    expected = [(p.id, p.text) for t in threadlens.read_threads(path) for p in t]
    assert expected[0][1].startswith("Café au lait")
    piped = _through_a_fifo(tmp_path, mbox, lambda fifo: threadlens.read_threads(fifo, format="mbox"))
    assert [(p.id, p.text) for t in piped for p in t] == expected
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(mbox)))
    assert [(p.id, p.text) for t in threadlens.read_threads("-", format="mbox") for p in t] == expected


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_readers_refuse_a_device_they_would_read_without_end(tmp_path: Path) -> None:
    from threadlens.label import label_corpus

    with pytest.raises(InputError, match="is a device, not a file"):
        threadlens.read_threads("/dev/zero")
    with pytest.raises(InputError, match="is not a regular file"):
        label_corpus(["/dev/zero"], tmp_path / "out.jsonl", model="connections-lexical")
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_readers_utf16_without_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    """Windows tools write UTF-16 without a BOM at times: every other byte zero is read as such, not refused as
    binary; bytes with zeros anywhere else still are."""
    path = tmp_path / "t.jsonl"
    path.write_bytes(_jsonl(*UTTERANCES).encode(encoding))
    threads = threadlens.read_threads(path)
    assert [(t.id, [p.id for p in t]) for t in threads] == [("u1", ["u1", "u2"]), ("v1", ["v1"])]
    assert [n.kind for n in threads[0].notices] == ["decoded_utf16"]
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputError, match="looks like a binary file"):
        threadlens.read_threads(binary)
