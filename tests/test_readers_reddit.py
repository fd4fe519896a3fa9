"""The Reddit reader: listing JSON, PRAW / Pushshift JSONL, markdown quotes, detection, the real thread."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from threadlens.errors import InputError
from threadlens.readers import detect_reader, load_source, read_thread, read_threads
from threadlens.readers._markdown import markdown_to_text, unescape_reddit
from threadlens.readers.reddit import threads_from_json, threads_from_records

ROOT = Path(__file__).resolve().parents[1]


def _comment(cid: str, parent: str, body: str, *, author: str = "ann", replies: list | None = None,
             link: str = "t3_abc") -> dict:
    data = {"id": cid, "name": f"t1_{cid}", "parent_id": parent, "link_id": link, "author": author, "body": body,
            "created_utc": 1700000000.0, "score": 3, "subreddit": "test",
            "replies": {"kind": "Listing", "data": {"children": replies}} if replies else ""}
    return {"kind": "t1", "data": data}


def _listing_pair(comments: list, *, selftext: str = "Is it &gt; 3?", title: str = "Q &amp; A") -> list:
    submission = {"kind": "t3", "data": {"id": "abc", "name": "t3_abc", "title": title, "selftext": selftext,
                                         "author": "op", "created_utc": 1699999999, "subreddit": "test",
                                         "num_comments": 9, "permalink": "/r/test/comments/abc/q/"}}
    return [{"kind": "Listing", "data": {"children": [submission]}},
            {"kind": "Listing", "data": {"children": comments}}]


@pytest.fixture()
def pair() -> list:
    more = {"kind": "more", "data": {"count": 5, "children": ["x1", "x2"], "parent_id": "t3_abc", "id": "x1"}}
    deep = {"kind": "more", "data": {"count": 0, "children": [], "parent_id": "t1_c2", "id": "_"}}
    return _listing_pair([
        _comment("c1", "t3_abc", "&gt; Is it &gt; 3?\n\nYes, it is.", replies=[
            _comment("c2", "t1_c1", "&gt;&gt; Is it\n&gt;\n&gt; Yes\n\nNo &amp; never", author="bob", replies=[deep]),
        ]),
        _comment("c3", "t3_abc", "[deleted]", author="[deleted]"),
        more,
    ])


def test_reddit_listing_builds_the_tree(pair: list) -> None:
    [thread] = threads_from_json(pair, source="t.json")
    assert [p.id for p in thread] == ["abc", "c1", "c2", "c3"]
    assert thread.id == "abc" and thread.title == "Q & A"
    assert thread["c1"].reply_to == "abc" and thread["c2"].reply_to == "c1" and thread["abc"].reply_to is None
    assert thread["abc"].text == "Is it > 3?"
    assert thread.meta["subreddit"] == "test" and thread.meta["num_comments"] == 9
    assert thread["c3"].text == "[deleted]" and thread["c3"].author == "[deleted]"
    assert thread["c1"].meta["markdown"] == "> Is it > 3?\n\nYes, it is."
    assert thread["c1"].meta["score"] == 3 and "body_html" not in thread["c1"].meta
    assert thread["c1"].created is not None and thread["c1"].created.year == 2023


def test_reddit_more_stubs_are_counted_in_a_notice(pair: list) -> None:
    [thread] = threads_from_json(pair, source="t.json")
    [notice] = [n for n in thread.notices if n.kind == "more_comments"]
    assert notice.count == 6
    assert "5 comment(s) behind 1 'load more' stub(s)" in notice.message
    assert "1 'continue this thread' link(s)" in notice.message


def test_reddit_quotes_become_markup_with_depth(pair: list) -> None:
    [thread] = threads_from_json(pair, source="t.json")
    c1, c2 = thread["c1"], thread["c2"]
    assert [(c1.text[s.start:s.end], s.marker, s.source) for s in c1.markup] == [("Is it > 3?", ">", None)]
    assert c2.text == "Is it\n\nYes\n\nNo & never"
    assert [(c2.text[s.start:s.end], s.marker) for s in c2.markup] == [("Is it", ">>"), ("Yes", ">")]


@pytest.mark.parametrize(("markdown", "text", "quoted"), [
    ("> quoted\n\nreply", "quoted\n\nreply", ["quoted"]),
    (">no space\nlazy continuation\n\nreply", "no space\nlazy continuation\n\nreply", ["no space\nlazy continuation"]),
    ("intro:\n\n>     code line\n>     more\n\nFTFY", "intro:\n\ncode line\nmore\n\nFTFY", ["code line\nmore"]),
    ("a  \n  \n> q  \n  \nb", "a\n\nq\n\nb", ["q"]),
    (">> inner\n> lazy: still the inner paragraph", "inner\nlazy: still the inner paragraph",
     ["inner\nlazy: still the inner paragraph"]),
    ("> **bold** and [a link](http://x.org) `code`\n\nok", "bold and a link code\n\nok", ["bold and a link code"]),
    ("End!</paulbot>", "End!", []),
    ("x > y, not a quote", "x > y, not a quote", []),
    (">!spoiler!< text", ">!spoiler!< text", []),
    ("    > indented code, not a quote", "> indented code, not a quote", []),
    ("* one\n* two\n\n1. first", "- one\n- two\n\n1. first", []),
    ("", "", []),
])
def test_markdown_to_text_finds_blockquotes_as_commonmark_does(markdown: str, text: str, quoted: list[str]) -> None:
    rendered = markdown_to_text(markdown)
    assert rendered.text == text
    assert [rendered.text[s.start:s.end] for s in rendered.quotes] == quoted


def test_markdown_deep_nesting_and_long_marker_lines_are_fast() -> None:
    start = time.perf_counter()
    markdown_to_text(">" * 100_000 + " deep\n\nreply")
    markdown_to_text("\n".join(">" * (i % 60) + " line" for i in range(5000)))
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(("escaped", "raw"), [
    ("&gt; q", "> q"), ("a &amp;gt; b", "a &gt; b"), ("&lt;3", "<3"), ("plain", "plain"), ("&quot;", "&quot;"),
])
def test_unescape_reddit_undoes_one_level(escaped: str, raw: str) -> None:
    assert unescape_reddit(escaped) == raw


def test_reddit_raw_json_bodies_are_not_unescaped() -> None:
    raw = _listing_pair([_comment("c1", "t3_abc", "> quoted\n\nwrote &gt; literally")], selftext="x")
    [thread] = threads_from_json(raw, source="raw.json")
    assert thread["c1"].text == "quoted\n\nwrote > literally"  # markdown's own entity, rendered once
    assert thread["c1"].meta["markdown"] == "> quoted\n\nwrote &gt; literally"


PUSHSHIFT = [
    {"id": "s1", "title": "First", "selftext": "", "author": "op", "created_utc": 1600000000, "subreddit": "a",
     "num_comments": 2},
    {"id": "k1", "parent_id": "t3_s1", "link_id": "t3_s1", "author": "ann", "body": "hello", "created_utc": 1600000100,
     "score": 1, "subreddit": "a"},
    {"id": "k2", "parent_id": "t1_k1", "link_id": "t3_s1", "author": "bob", "body": "&gt; hello\n\nhi",
     "created_utc": "1600000200", "score": 2, "subreddit": "a"},
    {"id": "m1", "parent_id": "t3_s2", "link_id": "t3_s2", "author": "cy", "body": "[removed]",
     "created_utc": 1600000300, "score": 1, "subreddit": "b"},
    {"id": "m2", "parent_id": "t1_gone", "link_id": "t3_s2", "author": "dee", "body": "orphan",
     "created_utc": 1600000400, "score": 1, "subreddit": "b"},
]


def test_reddit_pushshift_dump_groups_threads_by_link_id() -> None:
    text = "\n".join(json.dumps(r) for r in PUSHSHIFT) + "\n"
    threads = read_threads(text)
    by_id = {t.id: t for t in threads}
    assert set(by_id) == {"s1", "s2"}
    assert [p.id for p in by_id["s1"]] == ["s1", "k1", "k2"] and by_id["s1"].title == "First"
    assert by_id["s1"]["k2"].reply_to == "k1" and by_id["s1"]["k2"].markup[0].marker == ">"
    assert [p.id for p in by_id["s2"]] == ["m1", "m2"] and by_id["s2"].title is None
    assert by_id["s2"]["m1"].text == "[removed]"
    dangling = [n for t in threads for n in t.notices if n.kind == "dangling_reply_to"]
    assert dangling and dangling[0].count == 2  # m1 (submission not in the dump) and m2 (parent deleted)


def test_reddit_praw_jsonl_and_wrapped_things() -> None:
    lines = [{"kind": "submission", "id": "s1", "name": "t3_s1", "title": "T", "selftext": "body", "author": "op",
              "created_utc": 1.0},
             {"kind": "comment", "id": "c1", "name": "t1_c1", "parent_id": "t3_s1", "link_id": "t3_s1",
              "author": "a", "body": "x", "created_utc": 2.0},
             {"kind": "t1", "data": {"id": "c2", "parent_id": "t1_c1", "link_id": "t3_s1", "author": "b",
                                     "body": "y", "created_utc": 3.0}},
             {"kind": "more", "data": {"count": 7, "children": ["z"]}},
             "not an object"]
    thread = read_thread("\n".join(json.dumps(x) for x in lines), format="reddit")
    assert [p.id for p in thread] == ["s1", "c1", "c2"] and thread["c2"].reply_to == "c1"
    kinds = {n.kind: n.count for n in thread.notices}
    assert kinds["more_comments"] == 7 and kinds["skipped_line"] == 1


def test_threads_from_records_accepts_decoded_records() -> None:
    [thread] = threads_from_records(PUSHSHIFT[:3], source="api")
    assert len(thread) == 3


@pytest.mark.parametrize("data", [[], {"kind": "Listing", "data": {"children": []}}, {"hello": 1}, "text", 3])
def test_threads_from_json_refuses_what_is_not_a_listing(data: object) -> None:
    with pytest.raises(InputError, match="is not a Reddit thread listing"):
        threads_from_json(data, source="x.json")


def test_reddit_forced_on_unrelated_jsonl_is_an_input_error() -> None:
    with pytest.raises(InputError, match="holds no Reddit submissions or comments"):
        read_threads('{"a": 1}\n{"b": 2}\n', format="reddit")


def test_reddit_broken_listing_json_is_an_input_error() -> None:
    with pytest.raises(InputError, match="is not valid JSON"):
        read_threads('[{"kind": "Listing", "data": ', format="reddit")


@pytest.mark.parametrize(("text", "expected"), [
    (json.dumps(_listing_pair([_comment("c1", "t3_abc", "hi")]), indent=1), "reddit"),
    (json.dumps(_listing_pair([_comment("c1", "t3_abc", "hi")])), "reddit"),
    ("\n".join(json.dumps(r) for r in PUSHSHIFT), "reddit"),
    (json.dumps({"kind": "comment", "id": "c", "body": "b", "parent_id": "x"}), "reddit"),
    (json.dumps({"id": "1", "text": "core layout", "reply_to": None}), "jsonl"),
    (json.dumps({"id": "1", "text": "core", "subreddit": "x"}), "jsonl"),
])
def test_reddit_detection_against_the_core_jsonl(text: str, expected: str) -> None:
    assert detect_reader(load_source(text + "\n")).name == expected


def test_reddit_real_thread_rebuilds_with_every_parent(shared: Path) -> None:
    path = shared / "data/reddit/praw-thread/thread_n49rw.jsonl"
    assert detect_reader(load_source(path)).name == "reddit"
    thread = read_thread(path)
    assert len(thread) == 1429 and thread.id == "n49rw" and thread.title == "We're back"
    assert all(p.reply_to in thread for p in thread if p.id != "n49rw")
    assert thread.roots() == [thread["n49rw"]]
    assert not [n for n in thread.notices if n.kind == "dangling_reply_to"]
    assert sum(1 for p in thread if p.author == "[deleted]") == 172
    assert sum(1 for p in thread if p.markup) >= 30


def test_reddit_gold_agreement_is_at_least_98_percent(shared: Path) -> None:
    spec = importlib.util.spec_from_file_location("reddit_gold", ROOT / "scripts" / "reddit_gold.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script loads
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    report = module.evaluate(shared)
    assert report.comments == 30 and report.parents_missing == 0
    assert report.agreement >= 0.98
    assert report.unaligned == 0


def _as_listing_pair(lines: list[dict]) -> list:
    """The thread of a PRAW JSONL export re-nested as the .json listing pair Reddit serves."""
    submission, comments = lines[0], lines[1:]
    things = {c["id"]: {"kind": "t1", "data": {**c, "replies": ""}} for c in comments}
    top: list = []
    for comment in comments:
        parent = comment["parent_id"]
        if parent.startswith("t3_"):
            top.append(things[comment["id"]])
        else:
            holder = things[parent[3:]]["data"]
            if not holder["replies"]:
                holder["replies"] = {"kind": "Listing", "data": {"children": []}}
            holder["replies"]["data"]["children"].append(things[comment["id"]])
    return [{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": submission}]}},
            {"kind": "Listing", "data": {"children": top}}]


def test_reddit_listing_and_jsonl_of_the_real_thread_agree(shared: Path) -> None:
    path = shared / "data/reddit/praw-thread/thread_n49rw.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    [from_listing] = threads_from_json(_as_listing_pair(lines), source="n49rw.json")
    from_jsonl = read_thread(path)
    assert len(from_listing) == len(from_jsonl) == 1429
    for post in from_jsonl:
        other = from_listing[post.id]
        assert (other.text, other.reply_to, other.author, other.markup) == (post.text, post.reply_to, post.author,
                                                                          post.markup)


_MD = st.sampled_from(["> ", ">", ">> ", "text", " ", "\n", "\n\n", "    ", "*", "`", "[a](b)", "&gt;", "1. ",
                       "- ", "<b>", "```", ">!s!<", "|", "#"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MD, max_size=40))
@example(["> "] * 9 + ["*"])  # nine levels deep: the marker switches to its short form
def test_markdown_quote_spans_always_lie_inside_the_text(pieces: list[str]) -> None:
    rendered = markdown_to_text("".join(pieces))
    for quote in rendered.quotes:
        assert 0 <= quote.start < quote.end <= len(rendered.text)
        # one ">" per level up to eight, then the depth in digits (">x9"): a marker never grows with the input
        assert quote.marker is not None and re.fullmatch(r">{1,8}|>x(?:9|[1-9]\d+)", quote.marker)
    assert all(a.end <= b.start for a, b in zip(rendered.quotes, rendered.quotes[1:]))
