"""BBCode: the parser (quote tags of every board, other tags to text, linear time) and the JSONL reader."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from threadlens.analysis import analyze
from threadlens.readers import detect_reader, load_source, read_thread, read_threads
from threadlens.readers._bbcode import QuoteAttrs, bbcode_to_text, parse_quote_attrs


@pytest.mark.parametrize(("option", "expected"), [
    ("", QuoteAttrs()),
    ("=ann", QuoteAttrs(cite="ann")),
    ('="Ann Lee"', QuoteAttrs(cite="Ann Lee")),
    ('="ann" post_id=12 time=1600000000 user_id=3', QuoteAttrs(cite="ann", post="12", user_id="3", time="1600000000")),
    ("=Bob Smith;12345", QuoteAttrs(cite="Bob Smith", post="12345")),
    ("=bob;n778", QuoteAttrs(cite="bob", post="778")),
    (" author=John Smith link=msg=123 date=1600000000", QuoteAttrs(cite="John Smith", post="123", time="1600000000")),
    (" author=jo link=topic=9.msg456#msg456 date=1", QuoteAttrs(cite="jo", post="456", time="1")),
    ("='myb' pid='77' dateline='1600000000'", QuoteAttrs(cite="myb", post="77", time="1600000000")),
    ('="sam, post:3, topic:1234, full:true"', QuoteAttrs(cite="sam", post="3", topic="1234")),
    ('="Sam Saffron, post:3, topic:9, username:sam"', QuoteAttrs(cite="sam", post="3", topic="9")),
    ('="Ann, post: 12, member: 3"', QuoteAttrs(cite="Ann", post="12", user_id="3")),
    ("=name post_id=abc", QuoteAttrs(cite="name")),
])
def test_parse_quote_attrs_reads_every_board(option: str, expected: QuoteAttrs) -> None:
    assert parse_quote_attrs(option) == expected


@pytest.mark.parametrize(("source", "text", "quotes"), [
    ('[quote="ann" post_id=12]hello [b]world[/b][/quote]\nmy reply', "hello world\n\nmy reply",
     [("hello world", 1, "ann", "12")]),
    ("[QUOTE=Bob;99]vb[/QUOTE]reply", "vb\n\nreply", [("vb", 1, "Bob", "99")]),
    ("[Quote]mixed case[/qUoTe] ok", "mixed case\n\nok", [("mixed case", 1, None, None)]),
    ("[quote]outer [quote=in]inner[/quote] after[/quote]tail", "outer\n\ninner\n\nafter\n\ntail",
     [("outer", 1, None, None), ("inner", 2, "in", None), ("after", 1, None, None)]),
    ("[/quote] stray [quote]unclosed", "stray\n\nunclosed", [("unclosed", 1, None, None)]),
    ("[quote=&quot;admin&quot;:2kxb3q2j]old[/quote:2kxb3q2j] and [b:2kxb3q2j]b[/b:2kxb3q2j]", "old\n\nand b",
     [("old", 1, "admin", None)]),
    ('<r><QUOTE author="x" post_id="5"><s>[quote="x" post_id=5]</s>xml<e>[/quote]</e></QUOTE>a &amp; b</r>',
     "xml\n\na & b", [("xml", 1, "x", "5")]),
    ("a [sic] b [1] [citation needed]", "a [sic] b [1] [citation needed]", []),
    ("[url=http://x.org]label[/url] and [url]http://y.org[/url]", "label and http://y.org", []),
    ("pic: [img]http://i/x.png[/img] done", "pic: done", []),
    ("[list][*]one[*]two[/list]after", "- one\n- two\n\nafter", []),
    ("[code]x = [b]1[/b]\n  y[/code]text", "x = [b]1[/b]\n  y\ntext", []),
    ("[color=red]red[/color] [size=150]big[/size] [font=Arial]f[/font]", "red big f", []),
    ("line<br />next &quot;q&quot;", 'line\nnext "q"', []),
    ("[quote]only[/quote]", "only", [("only", 1, None, None)]),
    ("[quote][/quote]empty", "empty", []),
    ("[b]unclosed bold", "unclosed bold", []),
    ("[code]never closed", "never closed", []),
])
def test_bbcode_to_text(source: str, text: str, quotes: list[tuple]) -> None:
    parsed = bbcode_to_text(source)
    assert parsed.text == text
    assert [(parsed.text[q.start:q.end], q.depth, q.attrs.cite, q.attrs.post) for q in parsed.quotes] == quotes


def test_bbcode_counts_unbalanced_quote_tags() -> None:
    assert bbcode_to_text("[/quote]a[quote]b[quote]c").unbalanced == 3
    assert bbcode_to_text("[quote]a[/quote]").unbalanced == 0


@pytest.mark.parametrize("source", [
    "[quote]" * 100_000,
    "[/quote]" * 100_000,
    "[" * 300_000,
    "[quote" * 100_000,
    "[code]" * 100_000,
    "[img]" * 100_000,
    "[quote]a[/quote]" * 30_000,
    "[b]" + "x" * 600 + "]" * 100_000,
])
def test_bbcode_is_linear_on_hostile_input(source: str) -> None:
    started = time.perf_counter()
    parsed = bbcode_to_text(source)
    assert time.perf_counter() - started < 3
    assert len(parsed.text) <= len(source)


ROWS = [
    {"id": "1", "speaker": "ann", "text": "I think tabs are better than spaces for indentation."},
    {"id": "2", "speaker": "bob", "reply_to": "1",
     "text": '[quote="ann" post_id=1]I think tabs are better than spaces[/quote]\nNo way, spaces win.'},
    {"id": "3", "speaker": "cy", "reply_to": "2",
     "text": "[QUOTE=bob;2]No way, spaces win.[/QUOTE]Agreed. [quote=ann]tabs are better than spaces for "
             "indentation[/quote] nope [quote=zed;999]not in this thread[/quote]"},
]


def _jsonl(rows: list[dict]) -> str:
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def test_bbcode_jsonl_is_detected_over_the_core_jsonl() -> None:
    assert detect_reader(load_source(_jsonl(ROWS))).name == "bbcode"
    plain = [{"id": "1", "text": "no quote tags [b]here[/b]"}]
    assert detect_reader(load_source(_jsonl(plain))).name == "jsonl"


def test_bbcode_jsonl_reader_keeps_source_and_resolves_ids_in_the_thread() -> None:
    thread = read_thread(_jsonl(ROWS))
    third = thread["3"]
    assert third.meta["bbcode"] == ROWS[2]["text"]
    assert [(third.text[s.start:s.end], s.source, s.cite, s.marker) for s in third.markup] == [
        ("No way, spaces win.", "2", "bob", "bbcode"),
        ("tabs are better than spaces for indentation", None, "ann", "bbcode"),
        ("not in this thread", None, "zed", "bbcode"),
    ]


def test_bbcode_quotes_are_attributed_by_the_pipeline() -> None:
    analysis = analyze(read_thread(_jsonl(ROWS)), stance=False)
    quotes = {analysis["3"].post.text[q.start:q.end]: q.source for q in analysis["3"].quotes}
    assert quotes["No way, spaces win."] == "2"
    assert quotes["tabs are better than spaces for indentation"] == "1"  # by text, cite "ann" preferred
    assert quotes["not in this thread"] is None


def test_bbcode_forced_format_and_unbalanced_notice() -> None:
    rows = [{"id": "a", "text": "[/quote] stray and [quote]open"}]
    [thread] = read_threads(_jsonl(rows), format="bbcode")
    [notice] = [n for n in thread.notices if n.kind == "unbalanced_quote"]
    assert notice.count == 2


def test_bbcode_jsonl_takes_the_thread_object_as_the_core_jsonl_does() -> None:
    rows = [{**ROWS[0], "conversation_id": "t", "thread": {"title": "Tabs or spaces", "meta": {"forum": "dev"}}},
            *({**row, "conversation_id": "t"} for row in ROWS[1:])]
    [thread] = read_threads(_jsonl(rows), format="bbcode")
    assert (thread.title, thread.meta.get("forum")) == ("Tabs or spaces", "dev")


def test_cli_analyze_reads_bbcode_jsonl(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from threadlens.cli import app

    path = tmp_path / "board.jsonl"
    path.write_text(_jsonl(ROWS), encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(path), "--no-stance", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["posts"] == 3 and report["summary"]["quotes"] == 4


_PIECES = st.sampled_from(["[quote]", "[/quote]", "[quote=ann]", '[quote="b" post_id=2]', "[QUOTE=c;3]", "[b]",
                           "[/b]", "[code]", "[/code]", "[img]", "[/img]", "[list]", "[*]", "[url=x]", "[/url]",
                           "[", "]", "text ", "\n", "&amp;", "<br>", " "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_bbcode_spans_always_lie_inside_the_text(pieces: list[str]) -> None:
    parsed = bbcode_to_text("".join(pieces))
    for quote in parsed.quotes:
        assert 0 <= quote.start < quote.end <= len(parsed.text)
        assert parsed.text[quote.start:quote.end].strip() == parsed.text[quote.start:quote.end]
    assert [q.start for q in parsed.quotes] == sorted(q.start for q in parsed.quotes)
    assert all(a.end <= b.start for a, b in zip(parsed.quotes, parsed.quotes[1:]))
