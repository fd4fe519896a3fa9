"""The Discourse reader: topic JSON, cooked quote asides, raw [quote] tags, reply links, detection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threadlens.analysis import analyze
from threadlens.errors import InputError
from threadlens.readers import detect_reader, load_source, read_thread, read_threads
from threadlens.readers.discourse import threads_from_json

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "forums" / "discourse_topic.json"


@pytest.fixture()
def topic() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_discourse_topic_is_detected_and_read() -> None:
    assert detect_reader(load_source(FIXTURE)).name == "discourse"
    thread = read_thread(FIXTURE)
    assert thread.id == "555" and thread.title == "Keep markdown or text?"
    assert [p.id for p in thread] == ["9001", "9002", "9004", "9005"]  # the small action (post_type 3) left out
    assert thread.meta["small_actions"] == 1 and thread.meta["tags"] == ["design"]
    first = thread["9001"]
    assert first.author == "ann" and first.created is not None and first.created.hour == 10
    assert first.meta["post_number"] == 1 and first.meta["raw"].startswith("Should the library")


def test_discourse_reply_links(topic: dict) -> None:
    [thread] = threads_from_json(topic, source="t.json")
    assert thread["9001"].reply_to is None
    assert thread["9002"].reply_to == "9001"  # no reply_to_post_number: answers the topic
    assert thread["9004"].reply_to == "9002"  # reply_to_post_number 2
    assert thread["9005"].reply_to == "9001"  # replies to post 5, not in the input
    kinds = {n.kind: n.count for n in thread.notices}
    assert kinds == {"more_posts": 2, "unresolved_reply": 1}


def test_discourse_cooked_quotes(topic: dict) -> None:
    [thread] = threads_from_json(topic, source="t.json")
    post = thread["9004"]
    assert "ann:" not in post.text and "bob:" not in post.text  # quote titles dropped
    assert "Preview text" not in post.text  # onebox dropped
    assert [(post.text[s.start:s.end], s.source, s.cite, s.marker) for s in post.markup] == [
        ("Keeping both doubles the memory.", "9001", "ann", "discourse:2"),
        ("Memory is cheap; losing the source is not.", "9002", "bob", "discourse"),
        ("We measured 2.1 GB for the whole archive.", None, "dee", "discourse"),  # another topic
        ("Premature optimization is the root of all evil.", None, None, "blockquote"),
    ]


def test_discourse_raw_only_posts_use_the_quote_tags(topic: dict) -> None:
    for post in topic["post_stream"]["posts"]:
        post.pop("cooked", None)
    [thread] = threads_from_json(topic, source="t.json")
    post = thread["9002"]
    assert post.text == "Keeping both doubles the memory.\n\nMemory is cheap; losing the source is not. Keep both."
    assert [(s.source, s.cite, s.marker) for s in post.markup] == [("9001", "ann", "bbcode")]


def test_discourse_analysis_keeps_markup_attribution() -> None:
    analysis = analyze(read_thread(FIXTURE), stance=False)
    quotes = [(q.source, q.marker) for q in analysis["9004"].quotes]
    assert ("9001", "discourse:2") in quotes and ("9002", "discourse") in quotes
    assert analysis["9004"].reply_text.startswith("Cheap until you index")


def test_discourse_latest_posts_are_grouped_by_topic(topic: dict) -> None:
    posts = [dict(p, topic_title="Keep markdown or text?") for p in topic["post_stream"]["posts"]]
    other = {"id": 1, "username": "zed", "cooked": "<p>elsewhere</p>", "post_number": 1, "topic_id": 777,
             "topic_title": "Other", "created_at": "2024-01-01T00:00:00Z"}
    threads = threads_from_json({"latest_posts": list(reversed(posts)) + [other]}, source="posts.json")
    assert {t.id: t.title for t in threads} == {"555": "Keep markdown or text?", "777": "Other"}
    assert [p.id for p in threads[0]][0] == "9001"  # sorted by post number


@pytest.mark.parametrize("data", [{}, [], {"post_stream": []}, {"posts": []}, "text"])
def test_discourse_refuses_what_is_not_a_topic(data: object) -> None:
    with pytest.raises(InputError, match="is not a Discourse topic"):
        threads_from_json(data, source="x.json")


def test_discourse_forced_on_broken_json_is_an_input_error() -> None:
    with pytest.raises(InputError, match="is not valid JSON"):
        read_threads('{"post_stream": ', format="discourse")


def test_discourse_is_not_detected_for_other_json() -> None:
    assert detect_reader(load_source('{"id": "1", "text": "cooked"}\n')).name == "jsonl"
