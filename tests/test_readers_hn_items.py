"""Hacker News item JSON (official API, Algolia) and the 1,000-comment API sample in ../shared."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from threadlens.readers import detect_reader, load_source, read_thread, read_threads
from threadlens.readers.hn import HnItem, threads_from_items

STORY = {"by": "ann", "descendants": 3, "id": 100, "kids": [101, 102], "score": 42, "time": 1700000000,
         "title": "Show HN: A thing", "type": "story", "url": "https://example.com/thing"}
COMMENTS = [
    {"by": "bob", "id": 101, "kids": [103], "parent": 100, "text": "The battery life is what sold me.<p>Also the price.",
     "time": 1700000100, "type": "comment"},
    {"deleted": True, "id": 102, "parent": 100, "time": 1700000200, "type": "comment"},
    {"by": "cat", "dead": True, "id": 103, "parent": 101, "time": 1700000300, "type": "comment",
     "text": "<i>&gt; The battery life is what sold me.</i><p>Mine died in a year."},
]


def nested_official() -> dict:
    story = dict(STORY)
    first, deleted, reply = (dict(c) for c in COMMENTS)
    first["kids"] = [reply]
    story["kids"] = [first, deleted]
    return story


def algolia() -> dict:
    return {"id": 100, "created_at": "2023-11-14T22:13:20.000Z", "created_at_i": 1700000000, "type": "story",
            "author": "ann", "title": "Show HN: A thing", "url": "https://example.com/thing", "text": None,
            "points": 42, "parent_id": None, "story_id": 100, "options": [], "children": [
                {"id": 101, "created_at_i": 1700000100, "type": "comment", "author": "bob", "points": None,
                 "text": "<p>The battery life is what sold me.</p><p>Also the price.</p>", "parent_id": 100,
                 "story_id": 100, "children": [
                     {"id": 103, "created_at_i": 1700000300, "type": "comment", "author": "cat",
                      "text": "<p><i>&gt; The battery life is what sold me.</i></p><p>Mine died in a year.</p>",
                      "parent_id": 101, "story_id": 100, "children": []}]},
                {"id": 102, "created_at_i": 1700000200, "type": "comment", "author": None, "text": None,
                 "parent_id": 100, "story_id": 100, "children": []}]}


@pytest.mark.parametrize("document", [
    pytest.param(json.dumps(nested_official()), id="official-nested"),
    pytest.param(json.dumps(nested_official(), indent=2), id="official-pretty"),
    pytest.param(json.dumps([STORY, *COMMENTS]), id="official-array"),
    pytest.param("\n".join(json.dumps(i) for i in [STORY, *COMMENTS]) + "\n", id="official-jsonl"),
    pytest.param(json.dumps(algolia()), id="algolia"),
])
def test_item_json_becomes_one_thread_rooted_at_the_story(document: str) -> None:
    source = load_source(document.encode())
    assert detect_reader(source).name == "hn-json"
    thread = read_thread(document.encode())
    assert thread.id == "100"
    assert thread.title == "Show HN: A thing"
    assert {p.id: p.reply_to for p in thread} == {"100": None, "101": "100", "102": "100", "103": "101"}
    story = thread["100"]
    assert story.text == "Show HN: A thing" and story.author == "ann"
    assert story.meta["type"] == "story" and story.meta["score"] == 42
    assert thread["101"].text == "The battery life is what sold me.\n\nAlso the price."
    assert thread["101"].created is not None and thread["101"].created.year == 2023
    assert thread["102"].meta.get("deleted") is True and thread["102"].text == ""
    assert thread["103"].text.startswith("> The battery life")
    assert [n.kind for n in thread.notices] == []


def test_dead_comment_is_kept_with_its_text() -> None:
    thread = read_thread(json.dumps(nested_official()).encode())
    assert thread["103"].meta.get("dead") is True
    assert "Mine died" in thread["103"].text


def test_kids_given_as_ids_are_counted_in_a_notice() -> None:
    thread = read_thread(json.dumps(STORY).encode())
    assert [p.id for p in thread] == ["100"]
    assert [(n.kind, n.count) for n in thread.notices] == [("missing_replies", 2)]
    assert "threadlens fetch" in thread.notices[0].message


def test_comments_of_absent_parents_group_by_that_parent() -> None:
    items = [{"id": 1, "by": "a", "parent": 50, "text": "x", "time": 1},
             {"id": 2, "by": "b", "parent": 50, "text": "y", "time": 2},
             {"id": 3, "by": "c", "parent": 1, "text": "z", "time": 3},
             {"id": 4, "by": "d", "parent": 60, "text": "w", "time": 4}]
    threads = threads_from_items(items, source="<test>")
    assert {t.id: [p.id for p in t] for t in threads} == {"50": ["1", "2", "3"], "60": ["4"]}
    assert threads[0]["3"].reply_to == "1"
    assert [(n.kind, n.count) for n in threads[0].notices] == [("dangling_reply_to", 3)]


@pytest.mark.parametrize("record, problem", [
    ({"by": "a", "text": "no id"}, "numeric 'id'"),
    ({"id": "abc", "by": "a"}, "numeric 'id'"),
    ({"id": True, "by": "a"}, "numeric 'id'"),
])
def test_item_without_a_usable_id_is_refused(record: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        HnItem.from_json(record)


def test_unusable_items_are_skipped_and_counted() -> None:
    document = json.dumps([STORY, {"by": "x", "kids": []}, COMMENTS[0]])
    thread = read_thread(document.encode())
    assert [p.id for p in thread] == ["100", "101"]
    assert "skipped_item" in [n.kind for n in thread.notices]


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    depth = 20_000
    node: dict = {"id": depth, "by": "u", "parent": depth - 1, "text": "leaf", "type": "comment"}
    for i in range(depth - 1, 0, -1):
        node = {"id": i, "by": "u", "text": "t", "type": "comment", "kids": [node]}
    node.update(type="story", title="Deep")
    threads = threads_from_items([node], source="<deep>")
    assert len(threads) == 1 and len(threads[0]) == depth


def test_italic_quote_of_the_parent_becomes_markup() -> None:
    items = [{"id": 1, "by": "a", "type": "story", "title": "T"},
             {"id": 2, "by": "b", "parent": 1, "text": "The screen is far too dim for outdoor use."},
             {"id": 3, "by": "c", "parent": 2, "text": "Is <i>far too dim</i> fair? It is 400 nits."}]
    thread = threads_from_items(items, source="<t>")[0]
    post = thread["3"]
    assert [(m.marker, post.text[m.start : m.end]) for m in post.markup] == [("italic", "far too dim")]


# --- the real API sample ---------------------------------------------------------------------------------

QUOTE_AT_PARAGRAPH_START = re.compile(r"(?:^|<p>)&gt;")


@pytest.fixture(scope="module")
def sample(shared: Path) -> Path:
    return shared / "data" / "hn" / "hn-comments-1000-sample.jsonl"


def test_api_sample_reads_every_comment_as_a_reply_to_its_parent(sample: Path) -> None:
    threads = read_threads(sample)
    records = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    posts = {p.id: p for t in threads for p in t}
    assert len(posts) == 1000
    assert all(posts[r["id"]].reply_to == r["parent"] and posts[r["id"]].author == r["by"] for r in records)
    # grouped by the absent parent: siblings share a thread
    assert len(threads) == len({r["parent"] for r in records}) - sum(r["parent"] in posts for r in records)
    notices = [n for t in threads for n in t.notices]
    assert [(n.kind, n.count) for n in notices] == [("dangling_reply_to", 998)]


def test_api_sample_quotes_at_paragraph_start_become_quote_segments(sample: Path) -> None:
    from threadlens.analysis import analyze_threads

    records = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    quoting = {r["id"] for r in records if QUOTE_AT_PARAGRAPH_START.search(r["text"])}
    assert len(quoting) == 118
    analyses = list(analyze_threads(read_threads(sample), stance=False))
    posts = {p.id: p for a in analyses for p in a.posts}
    without = sorted(i for i in quoting if not posts[i].quotes)
    assert without == []
    # the quote is the '>' text and the reply is what follows it
    post = posts["33103581"]
    assert [q.text_of(post.post.text) for q in post.quotes] == ["> No one is quite sure why."]
    assert post.reply_text.startswith("On the contrary")
