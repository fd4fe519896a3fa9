"""``threadlens fetch`` and ``threadlens analyze URL`` against a local server standing in for the HN API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_http import LocalServer, Reply
from typer.testing import CliRunner

from threadlens.cli import app
from threadlens.readers import read_thread
from threadlens.thread import Post, Segment, Thread
from threadlens.writers import threads_to_jsonl

ITEMS = {
    1: {"by": "ann", "id": 1, "kids": [2], "time": 1700000000, "title": "Laptops", "type": "story", "score": 5},
    2: {"by": "bob", "id": 2, "kids": [3], "parent": 1, "time": 1700000100, "type": "comment",
        "text": "The battery life is what sold me on it."},
    3: {"by": "cat", "id": 3, "parent": 2, "time": 1700000200, "type": "comment", "dead": True,
        "text": "So <i>the battery life is what sold</i> you? Mine died."},
}
URL = "https://news.ycombinator.com/item?id=1"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[LocalServer, dict[str, str]]]:
    with LocalServer() as server:
        for item_id, item in ITEMS.items():
            server.route(f"/v0/item/{item_id}.json", item)
        yield server, {"THREADLENS_HN_API": f"{server.url}/v0", "THREADLENS_CACHE_DIR": str(tmp_path / "cache")}


def run(args: list[str], environment: dict[str, str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, args, env=environment)


def test_fetch_writes_the_thread_as_core_jsonl(env, tmp_path: Path) -> None:
    server, environment = env
    out = tmp_path / "thread.jsonl"
    result = run(["fetch", URL, "-o", str(out)], environment)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["conversation_id"], r["reply_to"], r["speaker"]) for r in records] == [
        ("1", "1", None, "ann"), ("2", "1", "1", "bob"), ("3", "1", "2", "cat")]
    assert records[0]["timestamp"] == 1700000000 and records[0]["thread"]["title"] == "Laptops"
    assert records[0]["meta"]["type"] == "story" and records[0]["meta"]["score"] == 5
    assert records[2]["meta"]["dead"] is True
    assert records[2]["markup"] == [{"kind": "quote", "start": 3, "end": 32, "source": None, "marker": "italic"}]
    # the jsonl reader reads it back, italic quote included
    thread = read_thread(out)
    assert [(p.id, p.reply_to) for p in thread] == [("1", None), ("2", "1"), ("3", "2")]
    assert thread["3"].markup == (Segment("quote", 3, 32, marker="italic"),)


def test_fetch_refuses_to_overwrite_without_force(env, tmp_path: Path) -> None:
    _, environment = env
    out = tmp_path / "thread.jsonl"
    out.write_text("keep me")
    result = run(["fetch", URL, "-o", str(out)], environment)
    assert result.exit_code == 2
    assert "exists; pass --force" in result.output
    assert out.read_text() == "keep me"
    assert run(["fetch", URL, "-o", str(out), "--force"], environment).exit_code == 0
    assert out.read_text().startswith('{"id": "1"')


def test_fetch_without_output_writes_stdout(env) -> None:
    _, environment = env
    result = run(["fetch", URL], environment)
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["1", "2", "3"]


@pytest.mark.parametrize("url, reply, options, expected", [
    ("https://news.ycombinator.com/item?id=9", None, [], "HTTP 404 Not Found"),
    (URL, Reply(200, b"{}", delay=1.0), ["--timeout", "0.2", "--retries", "0"], "timed out after 0.2 s"),
    (URL, Reply(200, b"[" + b"0," * 1000 + b"0]"), ["--max-bytes", "100"], "raise --max-bytes"),
    ("https://example.com/blog/post", None, [], "not a URL threadlens can fetch"),
])
def test_fetch_failure_is_one_line_and_writes_nothing(env, tmp_path: Path, url: str, reply: Reply | None,
                                                      options: list[str], expected: str) -> None:
    server, environment = env
    if reply is not None:
        server.route("/v0/item/1.json", reply)
    out = tmp_path / "thread.jsonl"
    result = run(["fetch", url, "-o", str(out), "--no-cache", *options], environment)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert not out.exists()
    assert list(tmp_path.glob(".thread.jsonl.*")) == []


def test_no_cache_goes_to_the_server_each_time(env, tmp_path: Path) -> None:
    server, environment = env
    for _ in range(2):
        assert run(["fetch", URL, "--no-cache"], environment).exit_code == 0
    assert server.requests("/v0/item/1.json") == 2
    assert not (tmp_path / "cache").exists()
    for _ in range(2):
        assert run(["fetch", URL], environment).exit_code == 0
    assert server.requests("/v0/item/1.json") == 3


def test_analyze_reads_a_url(env) -> None:
    _, environment = env
    result = run(["analyze", URL, "--no-stance", "--format", "json"], environment)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["threads"] == [{"id": "1", "title": "Laptops", "posts": 3}]
    post = next(p for p in report["posts"] if p["id"] == "3")
    assert [(s["marker"], s["source"], s["text"]) for s in post["segments"] if s["kind"] == "quote"] == [
        ("italic", "2", "the battery life is what sold")]


def test_writer_keeps_meta_fields_named_like_core_fields_apart() -> None:
    thread = Thread(posts=[Post(id="a", text="hi", meta={"text": "shadow", "lang": "en"})], id="t")
    record = json.loads(threads_to_jsonl([thread]))
    assert record["text"] == "hi" and record["meta"] == {"text": "shadow", "lang": "en"}
