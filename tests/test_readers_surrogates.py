"""Lone surrogates in JSON input ("\\ud83d" alone: half of an emoji a scraper cut off) become U+FFFD with a
notice, in every reader and in ``label``'s line parser, so no output (JSONL, CSV, Parquet, HTML, a ConvoKit
corpus) fails to encode them. A well-formed pair stays the character it stands for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import threadlens
from threadlens.cli import app
from threadlens.label._plan import parse_line
from threadlens.readers._json import loads, without_lone_surrogates

runner = CliRunner()
LONE = '{"id": "1", "text": "skill \\ud83d matters", "speaker": "ann\\udfff", "meta": {"k\\ud800": ["\\udc00"]}}'
PAIR = '{"id": "2", "text": "grin \\ud83d\\ude00", "reply_to": "1", "speaker": "bob"}'


def test_loads_replaces_lone_surrogates_and_keeps_pairs() -> None:
    value, fixed = loads(LONE)
    assert value == {"id": "1", "text": "skill \ufffd matters", "speaker": "ann\ufffd", "meta": {"k\ufffd": ["\ufffd"]}}
    assert fixed == 4
    assert loads(PAIR) == ({"id": "2", "text": "grin \U0001f600", "reply_to": "1", "speaker": "bob"}, 0)
    raw = b'{"text": "' + "\ud800".encode("utf-8", "surrogatepass") + b'"}'  # a surrogate as bytes
    assert loads(raw) == ({"text": "\ufffd"}, 1)


def test_without_lone_surrogates_walks_any_depth() -> None:
    deep: list = ["\ud800"]
    for _ in range(50_000):  # deeper than a recursion could go
        deep = [deep]
    cleaned, fixed = without_lone_surrogates(deep)
    assert fixed == 1
    for _ in range(50_000):
        cleaned = cleaned[0]
    assert cleaned == ["\ufffd"]


def test_parse_line_cleans_as_the_reader_does() -> None:
    value, replaced = parse_line(LONE.encode() + b"\n")
    assert replaced and value == loads(LONE)[0]
    assert parse_line(PAIR.encode() + b"\n") == (json.loads(PAIR), False)
    cesu = LONE.replace("\\ud83d", "\ud83d").encode("utf-8", "surrogatepass")  # raw surrogate bytes
    assert parse_line(cesu)[0]["text"] == "skill \ufffd matters"


def test_readers_note_what_they_replaced(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(LONE + "\n" + PAIR + "\n", encoding="utf-8")
    thread = threadlens.read_thread(path)
    assert thread["1"].text == "skill \ufffd matters" and thread["2"].text == "grin \U0001f600"
    assert [n.kind for n in thread.notices] == ["lone_surrogates"]
    listing = tmp_path / "reddit.json"
    listing.write_text(json.dumps([{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
        "id": "s1", "name": "t3_s1", "title": "Skill", "selftext": "half \ud83d", "author": "ann",
        "created_utc": 1}}]}}, {"kind": "Listing", "data": {"children": []}}]), encoding="utf-8")
    thread = threadlens.read_thread(listing)
    assert "half \ufffd" in thread.posts[0].text and thread.notices[-1].kind == "lone_surrogates"


@pytest.mark.parametrize("args", [
    ["label", "{input}", "-o", "{tmp}/out.jsonl", "--with-text", "--model", "connections-lexical"],
    ["label", "{input}", "-o", "{tmp}/out.csv", "--with-text", "--model", "connections-lexical"],
    ["label", "{input}", "-o", "{tmp}/out.parquet", "--with-text", "--model", "connections-lexical"],
    ["analyze", "{input}", "--no-stance", "-f", "json", "-o", "{tmp}/out.json"],
    ["convert", "{input}", "-o", "{tmp}/out.jsonl"],
    ["convert", "{input}", "-o", "{tmp}/corpus", "--to", "convokit"],
    ["report", "{input}", "--no-stance", "-o", "{tmp}/report"],
])
def test_every_output_takes_input_with_lone_surrogates(tmp_path: Path, args: list[str]) -> None:
    source = tmp_path / "in" / "t.jsonl"
    source.parent.mkdir()
    source.write_text(LONE + "\n" + PAIR + "\n", encoding="utf-8")
    result = runner.invoke(app, [a.format(input=source, tmp=tmp_path) for a in args])
    assert result.exit_code == 0, result.output
    assert "U+FFFD" in result.stderr
    for written in (p for p in tmp_path.rglob("*") if p.is_file() and p.parent.name != "in"):
        if written.suffix != ".parquet":
            written.read_bytes().decode("utf-8")  # valid UTF-8 throughout


def test_mail_headers_whose_encoded_words_do_not_decode(tmp_path: Path) -> None:
    """``=?utf-8?b?7aCA?=`` is a surrogate's bytes: the stdlib leaves a surrogate per byte in the name; each becomes U+FFFD, noted."""
    mbox = tmp_path / "list.mbox"
    mbox.write_bytes(b"From a@b Mon Jan  1 00:00:00 2024\nFrom: =?utf-8?b?7aCA?= Ann <ann@x.org>\n"
                     b"Subject: =?utf-8?q?=ED=A0=80?=\nMessage-ID: <m1@x>\n\nSkill matters.\n")
    thread = threadlens.read_thread(mbox)
    assert thread.posts[0].author == "\ufffd" * 3 + " Ann" and (thread.title or "").strip("\ufffd ") == ""
    assert "undecodable_header" in {n.kind for n in thread.notices}
    result = runner.invoke(app, ["label", str(mbox), "-o", str(tmp_path / "out.csv"), "--model", "connections-lexical"])
    assert result.exit_code == 0, result.output
    assert "\ufffd\ufffd\ufffd Ann" in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_file_names_that_are_not_utf8(tmp_path: Path, seed_path: Path) -> None:
    """A file name's bytes that aren't UTF-8 (Python keeps them as surrogates) reach no output raw: a thread
    named after its file gets U+FFFD, and the rejects file writes the name as JSON escapes that read back."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    try:
        (folder / os.fsdecode(b"seed\xe9.txt")).write_bytes(seed_path.read_bytes())
        (folder / os.fsdecode(b"bin\xff.txt")).write_bytes(b"\x00\x01 not a thread")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that aren't UTF-8")
    out = tmp_path / "labels.jsonl"
    result = runner.invoke(app, ["label", str(folder), "-o", str(out), "--model", "connections-lexical"])
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["thread"] for line in out.read_text(encoding="utf-8").splitlines()} == {"seed\ufffd"}
    rejects = [json.loads(line) for line in (tmp_path / "labels.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [os.fsencode(r["source"]) for r in rejects] == [os.fsencode(str(folder)) + b"/bin\xff.txt"]
    converted = tmp_path / "seed.jsonl"
    result = runner.invoke(app, ["convert", str(folder / os.fsdecode(b"seed\xe9.txt")), "-o", str(converted)])
    assert result.exit_code == 0, result.output
    assert json.loads(converted.read_text(encoding="utf-8").splitlines()[0])["conversation_id"] == "seed\ufffd"
