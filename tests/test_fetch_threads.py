"""fetch_threads against a local server: Hacker News through its API, Discourse chunks, Reddit, URL kinds."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_http import LocalServer, Reply

from threadlens.errors import FetchError
from threadlens.fetch import DiskCache, HttpClient, Sites, classify_url, fetch_discourse_topic, fetch_threads
from threadlens.readers import read_threads

STORY = {"by": "ann", "id": 1, "kids": [2, 3], "score": 10, "time": 1700000000, "title": "Ask HN: Laptops?",
         "type": "story", "text": "Which one do you use?"}
ITEMS = {
    1: STORY,
    2: {"by": "bob", "id": 2, "kids": [4, 5], "parent": 1, "time": 1700000100, "type": "comment",
        "text": "A used x1 carbon is a better deal than anything new."},
    3: {"deleted": True, "id": 3, "parent": 1, "time": 1700000200, "type": "comment"},
    4: {"by": "cat", "id": 4, "parent": 2, "time": 1700000300, "type": "comment",
        "text": "&gt; A used x1 carbon is a better deal than anything new.<p>Not with that screen."},
    5: {"by": "dan", "dead": True, "id": 5, "kids": [6], "parent": 2, "time": 1700000400, "type": "comment",
        "text": "[flagged by users]"},
    6: {"by": "eve", "id": 6, "parent": 5, "time": 1700000500, "type": "comment", "text": "Why?"},
}
HN_URL = "https://news.ycombinator.com/item?id=1"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def serve_items(server: LocalServer, items: dict = ITEMS) -> None:
    for item_id, item in items.items():
        server.route(f"/v0/item/{item_id}.json", item)


def http(tmp_path: Path, **options) -> HttpClient:
    options.setdefault("cache", DiskCache(tmp_path / "cache"))
    return HttpClient(rate=0, sleep=lambda s: None, **options)


def test_hn_item_url_fetches_the_whole_tree_through_the_api(server: LocalServer, tmp_path: Path) -> None:
    serve_items(server)
    with http(tmp_path) as client:
        threads = fetch_threads(HN_URL, client=client, sites=Sites(hn_api=f"{server.url}/v0"))
    assert len(threads) == 1
    thread = threads[0]
    assert thread.id == "1" and thread.title == "Ask HN: Laptops?"
    assert [(p.id, p.reply_to) for p in thread] == [("1", None), ("2", "1"), ("4", "2"), ("5", "2"), ("6", "5"),
                                                    ("3", "1")]
    assert thread["1"].text == "Ask HN: Laptops?\n\nWhich one do you use?"
    assert thread["3"].meta["deleted"] is True and thread["5"].meta["dead"] is True
    assert thread.meta["source_url"] == HN_URL
    assert thread.notices == []
    assert all(server.requests(f"/v0/item/{i}.json") == 1 for i in ITEMS)


def test_hn_thread_analyses_with_its_quotes(server: LocalServer, tmp_path: Path) -> None:
    from threadlens.analysis import analyze

    serve_items(server)
    with http(tmp_path) as client:
        thread = fetch_threads(HN_URL, client=client, sites=Sites(hn_api=f"{server.url}/v0"))[0]
    post = analyze(thread, stance=False)["4"]
    assert [(q.source, q.marker) for q in post.quotes] == [("2", ">")]


def test_hn_reply_that_fails_is_left_out_with_a_notice(server: LocalServer, tmp_path: Path) -> None:
    serve_items(server, {i: item for i, item in ITEMS.items() if i != 5})
    server.route("/v0/item/5.json", Reply(200, b"null"))
    with http(tmp_path) as client:
        thread = fetch_threads(HN_URL, client=client, sites=Sites(hn_api=f"{server.url}/v0"))[0]
    assert [p.id for p in thread] == ["1", "2", "4", "3"]
    assert [(n.kind, n.count) for n in thread.notices] == [("missing_item", 1)]
    assert "5 (the API returned null)" in thread.notices[0].message


def test_hn_fetch_stops_at_max_items(server: LocalServer, tmp_path: Path) -> None:
    serve_items(server)
    with http(tmp_path) as client:
        thread = fetch_threads(HN_URL, client=client, sites=Sites(hn_api=f"{server.url}/v0"), max_items=3)[0]
    assert len(thread) == 3
    assert [n.kind for n in thread.notices] == ["truncated"]


def test_hn_comment_url_roots_the_thread_at_the_comment(server: LocalServer, tmp_path: Path) -> None:
    serve_items(server)
    with http(tmp_path) as client:
        thread = fetch_threads("https://news.ycombinator.com/item?id=2", client=client,
                               sites=Sites(hn_api=f"{server.url}/v0"))[0]
    assert [p.id for p in thread.roots()] == ["2"] and len(thread) == 4
    assert [n.kind for n in thread.notices] == ["dangling_reply_to"]


@pytest.mark.parametrize("reply, expected", [
    (Reply(200, b"null"), "no Hacker News item 1 (the API returned null)"),
    (Reply(404), "HTTP 404 Not Found; check the URL"),
    (Reply(200, b"<html>"), "not valid JSON"),
])
def test_hn_root_failure_raises(server: LocalServer, tmp_path: Path, reply: Reply, expected: str) -> None:
    server.route("/v0/item/1.json", reply)
    with http(tmp_path) as client, pytest.raises(FetchError, match=re.escape(expected)):
        fetch_threads(HN_URL, client=client, sites=Sites(hn_api=f"{server.url}/v0"))


def test_read_threads_routes_urls_to_fetch(server: LocalServer, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    serve_items(server)
    monkeypatch.setenv("THREADLENS_HN_API", f"{server.url}/v0")
    monkeypatch.setenv("THREADLENS_CACHE_DIR", str(tmp_path / "cache"))
    threads = read_threads(HN_URL)
    assert len(threads[0]) == 6
    assert list((tmp_path / "cache").glob("*.http"))


# --- URL kinds ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, kind, data_url", [
    ("https://news.ycombinator.com/item?id=48350598", "hn", "https://hacker-news.firebaseio.com/v0/item/48350598.json"),
    ("https://news.ycombinator.com/item?id=7&p=2", "hn", "https://hacker-news.firebaseio.com/v0/item/7.json"),
    ("https://www.reddit.com/r/python/comments/abc12/a_title/", "reddit",
     "https://www.reddit.com/r/python/comments/abc12/a_title.json"),
    ("https://old.reddit.com/r/python/comments/abc12/a_title/?sort=top", "reddit",
     "https://www.reddit.com/r/python/comments/abc12/a_title.json"),
    ("https://reddit.com/comments/abc12", "reddit", "https://www.reddit.com/comments/abc12.json"),
    ("https://meta.discourse.org/t/some-topic/1234", "discourse", "https://meta.discourse.org/t/1234.json"),
    ("https://forum.example.org/t/some-topic/1234/17?u=x", "discourse", "https://forum.example.org/t/1234.json"),
    ("http://127.0.0.1:8080/t/5", "discourse", "http://127.0.0.1:8080/t/5.json"),
])
def test_classify_url(url: str, kind: str, data_url: str) -> None:
    target = classify_url(url, Sites())
    assert (target.kind, target.data_url) == (kind, data_url)


@pytest.mark.parametrize("url, expected", [
    ("https://example.com/article", "not a URL threadlens can fetch"),
    ("https://news.ycombinator.com/news", "not a Hacker News item URL"),
    ("https://news.ycombinator.com/item?id=abc", "not a Hacker News item URL"),
    ("https://www.reddit.com/r/python/", "not a Reddit thread URL"),
    ("ftp://example.com/t/x/1", "not an http(s) URL"),
])
def test_unknown_urls_are_refused(url: str, expected: str) -> None:
    with pytest.raises(FetchError, match=re.escape(expected)) as caught:
        fetch_threads(url)
    assert str(caught.value).startswith(url)


# --- Discourse and Reddit ---------------------------------------------------------------------------------

def discourse_topic(total: int, first: int = 20) -> tuple[dict, dict[int, dict]]:
    posts = {i: {"id": 100 + i, "post_number": i, "username": f"u{i % 3}", "cooked": f"<p>post {i}</p>",
                 "reply_to_post_number": None if i == 1 else i - 1} for i in range(1, total + 1)}
    topic = {"id": 5, "title": "A topic", "post_stream": {
        "posts": [posts[i] for i in range(1, first + 1)], "stream": [100 + i for i in range(1, total + 1)]}}
    return topic, posts


def test_discourse_topic_fetches_the_rest_in_chunks_of_20(server: LocalServer, tmp_path: Path) -> None:
    topic, posts = discourse_topic(45)
    server.route("/t/5.json", topic)
    for start in (21, 41):
        chunk = list(range(start, min(start + 20, 46)))
        query = "&".join(f"post_ids%5B%5D={100 + i}" for i in chunk)
        server.route(f"/t/5/posts.json?{query}", {"post_stream": {"posts": [posts[i] for i in chunk]}})
    with http(tmp_path) as client:
        merged = fetch_discourse_topic(client, f"{server.url}/t/5.json")
    assert [p["post_number"] for p in merged["post_stream"]["posts"]] == list(range(1, 46))
    assert merged["title"] == "A topic"
    assert server.requests("/t/5/posts.json") == 2


def test_discourse_topic_without_a_post_stream_is_refused(server: LocalServer, tmp_path: Path) -> None:
    server.route("/t/5.json", {"errors": ["not found"]})
    with http(tmp_path) as client, pytest.raises(FetchError, match="not a Discourse topic"):
        fetch_discourse_topic(client, f"{server.url}/t/5.json")


needs_discourse = pytest.mark.skipif(importlib.util.find_spec("threadlens.readers.discourse") is None,
                                     reason="threadlens.readers.discourse is not written yet (another branch)")
needs_reddit = pytest.mark.skipif(importlib.util.find_spec("threadlens.readers.reddit") is None,
                                  reason="threadlens.readers.reddit is not written yet (another branch)")


@needs_discourse
def test_discourse_url_fetches_a_thread(server: LocalServer, tmp_path: Path) -> None:
    topic, _ = discourse_topic(3, first=3)
    server.route("/t/5.json", topic)
    with http(tmp_path) as client:
        threads = fetch_threads(f"{server.url}/t/a-topic/5", client=client)
    assert sum(len(t) for t in threads) == 3


@needs_reddit
def test_reddit_url_fetches_the_json_listing(server: LocalServer, tmp_path: Path) -> None:
    listing = [
        {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
            "id": "abc12", "name": "t3_abc12", "title": "A title", "selftext": "Body", "author": "ann",
            "created_utc": 1700000000, "subreddit": "python"}}]}},
        {"kind": "Listing", "data": {"children": [{"kind": "t1", "data": {
            "id": "c1", "name": "t1_c1", "parent_id": "t3_abc12", "link_id": "t3_abc12", "body": "A reply",
            "author": "bob", "created_utc": 1700000100, "replies": ""}}]}},
    ]
    server.route("/r/python/comments/abc12/a_title.json", listing)
    with http(tmp_path) as client:
        threads = fetch_threads("https://www.reddit.com/r/python/comments/abc12/a_title/", client=client,
                                sites=Sites(reddit=server.url))
    assert sum(len(t) for t in threads) == 2


# --- concurrency within the rate limit ------------------------------------------------------------------

def wide_story(kids: int) -> dict[int, dict]:
    items = {1: {"by": "ann", "id": 1, "kids": list(range(2, kids + 2)), "title": "Wide", "type": "story"}}
    for i in range(2, kids + 2):
        items[i] = {"by": f"u{i}", "id": i, "parent": 1, "text": f"comment {i}", "type": "comment"}
    return items


def test_hn_kids_are_fetched_concurrently(server: LocalServer, tmp_path: Path) -> None:
    import time

    items = wide_story(10)
    for item_id, item in items.items():
        server.route(f"/v0/item/{item_id}.json", Reply(200, item, {"Content-Type": "application/json"},
                                                      delay=0.3 if item_id > 1 else 0.0))
    started = time.perf_counter()
    with http(tmp_path) as client:
        thread = fetch_threads(HN_URL, client=client, sites=Sites(hn_api=f"{server.url}/v0"), concurrency=10)[0]
    elapsed = time.perf_counter() - started
    assert len(thread) == 11
    assert elapsed < 1.5  # one after another would take 3 s


def test_hn_fetch_keeps_to_the_rate_limit(server: LocalServer, tmp_path: Path) -> None:
    import time

    serve_items(server, wide_story(5))
    started = time.perf_counter()
    with HttpClient(rate=10.0, cache=False) as client:
        fetch_threads(HN_URL, client=client, sites=Sites(hn_api=f"{server.url}/v0"), concurrency=8)
    assert time.perf_counter() - started >= 0.5  # robots.txt + 6 items, 0.1 s apart


def test_default_rate_is_faster_for_the_hn_api_only() -> None:
    from threadlens.fetch._ratelimit import HostRateLimiter

    clock, waits = [0.0], []
    limiter = HostRateLimiter(5.0, per_host={"hacker-news.firebaseio.com": 20.0}, clock=lambda: clock[0],
                              sleep=waits.append)
    limiter.wait("hacker-news.firebaseio.com")
    limiter.wait("hacker-news.firebaseio.com")
    limiter.wait("www.reddit.com")
    limiter.wait("www.reddit.com")
    assert waits == [0.05, 0.2]


@needs_discourse
def test_discourse_fixture_topic_is_completed_from_its_stream(server: LocalServer, tmp_path: Path) -> None:
    import json

    fixture = Path(__file__).resolve().parent / "fixtures" / "forums" / "discourse_topic.json"
    topic = json.loads(fixture.read_text(encoding="utf-8"))
    assert topic["post_stream"]["stream"][-2:] == [9006, 9007]  # listed, not included
    late = [{"id": 9006, "post_number": 7, "username": "eve", "created_at": "2024-03-02T10:00:00.000Z",
             "cooked": "<p>Markdown, always.</p>", "reply_to_post_number": 1, "post_type": 1},
            {"id": 9007, "post_number": 8, "username": "fay", "created_at": "2024-03-02T11:00:00.000Z",
             "cooked": "<p>Text is enough.</p>", "reply_to_post_number": 7, "post_type": 1}]
    server.route("/t/555.json", topic)
    server.route("/t/555/posts.json?post_ids%5B%5D=9006&post_ids%5B%5D=9007", {"post_stream": {"posts": late}})
    with http(tmp_path) as client:
        [thread] = fetch_threads(f"{server.url}/t/keep-markdown-or-text/555", client=client)
    assert thread.id == "555"
    assert [p.id for p in thread][-2:] == ["9006", "9007"]
    assert thread["9007"].reply_to == "9006" and thread["9006"].author == "eve"
