"""Hacker News comment HTML: italics carried across <p>, and which italics are quotes."""

from __future__ import annotations

import time

import pytest

from threadlens.readers.hn import comment_text, italic_quotes
from threadlens.readers.hn._markup import reopen_italics


@pytest.mark.parametrize("markup, expected", [
    ("<i>a<p>b</i><p>c", "<i>a</i><p><i>b</i><p>c"),
    ("<i>a</i><p>b", "<i>a</i><p>b"),
    ("plain<p>text", "plain<p>text"),
    ("<i><i>a<p>b</i></i>", "<i><i>a</i></i><p><i><i>b</i></i>"),
    # an element end stops the carry: a stray <i> can't italicise the next comment of a page
    ('<div class="commtext"><i>open</div><p>next', '<div class="commtext"><i>open</div><p>next'),
])
def test_reopen_italics_carries_italics_over_paragraphs(markup: str, expected: str) -> None:
    assert reopen_italics(markup) == expected


def test_reopen_italics_is_linear_on_an_unclosed_tag() -> None:
    hostile = "<i>x<p>" + "<" + "a" * 200_000 + "<p>" * 20_000
    started = time.perf_counter()
    reopen_italics(hostile)
    assert time.perf_counter() - started < 1.0


def test_comment_text_keeps_italics_spanning_paragraphs() -> None:
    body = comment_text("<i>A notebook that weighs more than a kilo<p>– Linus Torvalds</i><p>If you are an adult")
    assert body.text == "A notebook that weighs more than a kilo\n\n– Linus Torvalds\n\nIf you are an adult"
    assert [body.text[s:e] for s, e in body.italics] == ["A notebook that weighs more than a kilo",
                                                         "– Linus Torvalds"]


def test_comment_text_turns_escaped_marker_into_a_line_start() -> None:
    assert comment_text("&gt; No one is quite sure why.<p>On the contrary").text == (
        "> No one is quite sure why.\n\nOn the contrary")


PARENT = "Honestly the battery life is what sold me, more than the screen."


@pytest.mark.parametrize("markup, ancestors, quoted", [
    # a whole paragraph in italics is a quote, wherever it comes from
    ("<i>a kilo is simply too heavy</i><p>I disagree.", [], ["a kilo is simply too heavy"]),
    # consecutive italic paragraphs form one quote
    ("<i>first line here<p>second line here</i><p>Reply.", [], ["first line here\n\nsecond line here"]),
    # quote marks around the italics don't matter
    ('"<i>a kilo is simply too heavy</i>"<p>I disagree.', [], ['"a kilo is simply too heavy"']),
    # an italic phrase of 3+ words found in an ancestor is a quote (normalised: case, punctuation)
    ("So <i>the Battery life</i> sold you? Mine died.", [PARENT], ["the Battery life"]),
    ("So <i>the battery life?</i> Really.", ["unrelated", PARENT], ["the battery life?"]),
    # ... but not when no ancestor holds it
    ("So <i>the battery life</i> sold you?", ["Something else entirely."], []),
    # one emphasised word (or two) is emphasis
    ("I <i>really</i> disagree.<p>More.", [PARENT], []),
    ("It is <i>battery life</i> that matters.", [PARENT], []),
    ("<i>Really</i><p>More text.", [], []),
    # a post all in italics is emphasis, unless an ancestor holds the words
    ("<i>this whole post is in italics</i>", [], []),
    ("<i>the battery life is what sold me</i>", [PARENT], ["the battery life is what sold me"]),
    # italics on a '>' line are the core's marker quote, not an italic one
    ("<i>&gt; the battery life is what sold me</i><p>Sure.", [PARENT], []),
    # regression: a stray '*' footnote italicises from mid-paragraph on (brianc_second.html, 3454305)
    ("We use Grails<i>. Recent grads welcome.<p>If you are strong, talk to us.<p></i> Grails will go.", [], []),
])
def test_italic_quotes(markup: str, ancestors: list[str], quoted: list[str]) -> None:
    body = comment_text(markup)
    segments = italic_quotes(body.text, body.italics, ancestors)
    assert [body.text[s.start : s.end] for s in segments] == quoted
    assert all(s.kind == "quote" and s.marker == "italic" and s.source is None for s in segments)


def test_italic_quotes_cost_stays_linear_with_many_italics() -> None:
    markup = "<p>".join(f"<i>word{i} and more words</i> tail" for i in range(5_000))
    body = comment_text(markup)
    started = time.perf_counter()
    italic_quotes(body.text, body.italics, ["x " * 50_000])
    assert time.perf_counter() - started < 2.0


def test_comment_text_of_a_parsed_element_keeps_empty_italics_empty() -> None:
    """Regression: ``<i></i>`` serialised as XML (``<i/>``) reopened as italics to the end (brianc_first.html)."""
    from threadlens.readers._html import parse_html

    element = parse_html('<span class="comment"><i></i>* Hiring *<p>We build apps.<p>Apply.</span>').find(".//span")
    body = comment_text(element)
    assert body.text == "* Hiring *\n\nWe build apps.\n\nApply."
    assert body.italics == []


@pytest.mark.parametrize("markup, text", [
    ("&gt; quoted line\nmy reply", "> quoted line\nmy reply"),
    ("<pre><code>  a\n  b\n</code></pre>after", "  a\n  b\n\nafter"),
    ('<a href="x"\nrel="nofollow">link</a>', "link"),
])
def test_comment_text_keeps_typed_line_breaks(markup: str, text: str) -> None:
    """Regression: a newline after a '>' line ran the reply into the quote (API sample, 33094519)."""
    assert comment_text(markup).text == text
