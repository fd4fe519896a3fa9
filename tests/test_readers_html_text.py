"""html_to_text: the HTML-to-text step every HTML reader shares (paragraphs, quotes, italics, hostile input)."""

from __future__ import annotations

import pytest

from threadlens.readers._html import QuoteInfo, html_to_text


@pytest.mark.parametrize(
    "markup, text",
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("&gt; quoted<p>reply &amp; more", "> quoted\n\nreply & more"),
        ("<ul><li>one</li><li>two</li></ul>after", "- one\n- two\n\nafter"),
        ("<pre>code\n  indented</pre>", "code\n  indented"),
        ("  lots   of\n\n spaces  ", "lots of spaces"),
        ("<script>alert(1)</script><style>p{}</style>visible<!-- hidden -->", "visible"),
        ('<img src=x onerror="alert(1)">text &lt;script&gt;', "text <script>"),
        ('<?xml version="1.0" encoding="utf-8"?><html><body><p>declared</p></body></html>', "declared"),
        ("", ""),
    ],
    ids=["paragraphs", "breaks", "entities", "list", "pre", "spaces", "dropped", "hostile", "xml-declaration", "empty"],
)
def test_html_text(markup: str, text: str) -> None:
    assert html_to_text(markup).text == text


def test_html_quotes_nested_give_one_segment_per_level() -> None:
    result = html_to_text('<blockquote>outer <blockquote cite="b">inner</blockquote> again</blockquote><p>reply</p>')
    pieces = [(result.text[q.start : q.end], q.marker, q.cite) for q in result.quotes]
    assert pieces == [("outer", "blockquote", None), ("inner", "blockquote:2", "b"), ("again", "blockquote", None)]
    assert result.text.endswith("reply")


def test_html_classifier_hook_marks_and_drops() -> None:
    def classify(element):  # type: ignore[no-untyped-def]
        if element.get("class") == "quote":
            return QuoteInfo(cite=element.get("data-user"), source=element.get("data-post"), marker="aside")
        if element.get("class") == "signature":
            return False
        return None

    markup = '<div class="quote" data-user="ann" data-post="7">quoted words</div><p>mine</p><div class="signature">sig</div>'
    result = html_to_text(markup, classify=classify)
    assert result.text == "quoted words\n\nmine"
    assert [(q.cite, q.source, q.marker) for q in result.quotes] == [("ann", "7", "aside")]


def test_html_italics_are_kept_as_ranges() -> None:
    result = html_to_text("<p><i>an italic quote</i></p><p>and <em>one</em> word</p>")
    assert [result.text[a:b] for a, b in result.italics] == ["an italic quote", "one"]


@pytest.mark.parametrize("depth", [500, 20_000])
def test_html_deep_nesting_does_not_crash(depth: int) -> None:
    result = html_to_text("<div>" * depth + "x" + "</div>" * depth)
    assert result.text in ("x", "")  # libxml2 cuts what is nested beyond its limit
