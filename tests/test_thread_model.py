"""The data model: validation, JSON round trips, reply-tree navigation."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import threadlens
from threadlens import Notice, Post, Segment, Thread


def _thread() -> Thread:
    return Thread(posts=[
        Post(id="r", text="root", author="ann", created=datetime(2024, 1, 1, tzinfo=timezone.utc)),
        Post(id="c2", text="late child", reply_to="r", created=datetime(2024, 1, 3, tzinfo=timezone.utc)),
        Post(id="c1", text="early child", reply_to="r", created=datetime(2024, 1, 2, tzinfo=timezone.utc),
             markup=(Segment("quote", 0, 5, marker="blockquote", cite="ann"),)),
        Post(id="g", text="grandchild", reply_to="c1", created=datetime(2024, 1, 4, tzinfo=timezone.utc),
             meta={"score": 2}),
    ], id="t", title="A thread", notices=[Notice("skipped_line", "x: skipped 1 line(s)")])


def test_thread_model_json_round_trip() -> None:
    thread = _thread()
    data = json.loads(json.dumps(thread.to_dict()))
    assert Thread.from_dict(data) == thread
    assert data["posts"][0]["created"] == "2024-01-01T00:00:00Z"


def test_thread_model_navigation() -> None:
    thread = _thread()
    assert [p.id for p in thread.children("r")] == ["c2", "c1"]
    assert [p.id for p in thread.ancestors("g")] == ["c1", "r"]
    assert thread.depth("g") == 2
    assert [(p.id, d) for p, d in thread.in_thread_order()] == [("r", 0), ("c2", 1), ("c1", 1), ("g", 2)]
    assert [p.id for p in thread.chronological()] == ["r", "c1", "c2", "g"]


def test_thread_model_chronological_puts_parents_first() -> None:
    thread = Thread(posts=[Post(id="child", text="x", reply_to="parent", created=datetime(2020, 1, 1)),
                           Post(id="parent", text="y", created=datetime(2021, 1, 1))])
    assert [p.id for p in thread.chronological()] == ["parent", "child"]


def _chronological_by_recursion(thread: Thread) -> list[str]:
    """The recursive definition ``chronological`` implements with a walk: place a post's parent first."""
    if all(p.created is not None for p in thread.posts):
        ordered = sorted(thread.posts, key=lambda p: p.created)  # type: ignore[arg-type,return-value]
    else:
        ordered = list(thread.posts)
    out: list[str] = []

    def place(post: Post, trail: set[str]) -> None:
        if post.id in out or post.id in trail:
            return
        parent = thread.get(post.reply_to)
        if parent is not None:
            place(parent, trail | {post.id})
        out.append(post.id)

    for post in ordered:
        place(post, set())
    return out


def test_thread_model_chronological_matches_its_recursive_definition() -> None:
    import random

    rng = random.Random(5)
    for _ in range(400):
        n = rng.randint(1, 40)
        dated = rng.random() < 0.7
        posts = [Post(id=f"p{i}", text="x", reply_to=rng.choice([None, f"p{rng.randrange(n)}", "gone"]),
                      created=datetime(2024, 1, 1 + rng.randrange(28)) if dated else None) for i in range(n)]
        thread = Thread(posts=posts)
        assert [p.id for p in thread.chronological()] == _chronological_by_recursion(thread)


def test_thread_model_chronological_of_a_deep_chain_dated_newest_first() -> None:
    """Parents first, however deep the chain (a recursion stopped at Python's limit: 'internal error')."""
    n = 5000
    thread = Thread(posts=[Post(id=f"p{i}", text="x", reply_to=f"p{i - 1}" if i else None,
                                created=datetime.fromtimestamp(10**9 + n - i, tz=timezone.utc)) for i in range(n)])
    assert [p.id for p in thread.chronological()] == [f"p{i}" for i in range(n)]


def test_thread_model_survives_a_cycle_built_by_hand() -> None:
    thread = Thread(posts=[Post(id="a", text="x", reply_to="b"), Post(id="b", text="y", reply_to="a")])
    assert [p.id for p in thread.ancestors("a")] == ["b"]
    assert sorted(p.id for p, _ in thread.in_thread_order()) == ["a", "b"]


@pytest.mark.parametrize("kwargs, message", [
    ({"kind": "note", "start": 0, "end": 1}, "kind 'note'"),
    ({"kind": "quote", "start": 5, "end": 1}, "0 <= start <= end"),
])
def test_thread_model_segment_validation(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        Segment(**kwargs)


def test_thread_model_unique_ids() -> None:
    with pytest.raises(ValueError, match="repeated: a"):
        Thread(posts=[Post(id="a", text="x"), Post(id="a", text="y")])


def test_thread_model_public_api() -> None:
    for name in threadlens.__all__:
        assert getattr(threadlens, name) is not None, name
    from importlib.resources import files

    assert files("threadlens").joinpath("py.typed").is_file()
    nlp = threadlens.pipeline()
    assert nlp.pipe_names == ["sentencizer", "threadlens_quotes"]
