"""Quote forms and traps of the splitter, on hand-made threads (one table per form)."""

from __future__ import annotations

import pytest

import threadlens
from threadlens import Post, Thread

NLP = None


def _analysis(posts: list[tuple[str, str, str | None]]) -> threadlens.ThreadAnalysis:
    global NLP
    if NLP is None:
        NLP = threadlens.pipeline()
    thread = Thread(posts=[Post(id=i, text=t, reply_to=r) for i, t, r in posts])
    return threadlens.analyze(thread, stance=False, nlp=NLP)


def _quotes(analysis: threadlens.ThreadAnalysis, post_id: str) -> list[tuple[str, str | None, str | None]]:
    post = analysis[post_id]
    return [(s.text_of(post.post.text), s.source, s.marker) for s in post.quotes]


PARENT = "Hiring managers pick the candidate they would enjoy having lunch with, not the strongest engineer."
GRANDPARENT = "Skill is what gets you in the door and keeps you there for a decade."


@pytest.mark.parametrize(
    "reply, expected_quote, expected_reply",
    [
        (f"> {PARENT}\n\nNot at the companies I have worked for.", f"> {PARENT}", "Not at the companies I have worked for."),
        (f">{PARENT}\nNot at the companies I have worked for.", f">{PARENT}", "Not at the companies I have worked for."),
        (f"&gt; {PARENT}\n\nNot at the companies I have worked for.", f"&gt; {PARENT}",
         "Not at the companies I have worked for."),
        (f"  > {PARENT}\n\nNot where I worked.", f"  > {PARENT}", "Not where I worked."),
    ],
    ids=["gt-space", "gt-no-space", "html-entity", "indented"],
)
def test_quotes_marker_lines(reply: str, expected_quote: str, expected_reply: str) -> None:
    result = _analysis([("a", PARENT, None), ("b", reply, "a")])
    assert _quotes(result, "b") == [(expected_quote, "a", expected_quote.strip()[: 4 if "&gt;" in expected_quote else 1])]
    assert result["b"].reply_text == expected_reply


def test_quotes_nested_markers_attribute_each_level() -> None:
    reply = f">> {GRANDPARENT}\n> {PARENT}\n\nBoth of you are overthinking it."
    result = _analysis([("g", GRANDPARENT, None), ("a", PARENT, "g"), ("b", reply, "a")])
    assert _quotes(result, "b") == [(f">> {GRANDPARENT}", "g", ">>"), (f"> {PARENT}", "a", ">")]
    assert result["b"].reply_text == "Both of you are overthinking it."


def test_quotes_nested_marker_with_spaces() -> None:
    reply = f"> > {GRANDPARENT}\n\nRight."
    result = _analysis([("g", GRANDPARENT, None), ("a", PARENT, "g"), ("b", reply, "a")])
    assert _quotes(result, "b") == [(f"> > {GRANDPARENT}", "g", ">>")]


def test_quotes_interleaved_keep_order_and_offsets() -> None:
    parent = ("Networking is the only thing that matters in this industry. "
              "Nobody reads your code, they read your name on the intro email.\n\n"
              "Open source contributions are invisible to recruiters and to managers alike.")
    reply = ("> Networking is the only thing that matters in this industry.\n"
             "I got my last two jobs from strangers who read my blog.\n"
             "> Open source contributions are invisible to recruiters and to managers alike.\n"
             "My maintainer role was the first thing my current manager asked about.")
    result = _analysis([("a", parent, None), ("b", reply, "a")])
    post = result["b"]
    kinds = [s.kind for s in post.segments]
    assert kinds == ["quote", "reply", "quote", "reply"]
    assert all(s.source == "a" for s in post.quotes)
    starts = [s.start for s in post.segments]
    assert starts == sorted(starts)
    for segment in post.segments:
        assert post.post.text[segment.start : segment.end] == segment.text_of(post.post.text)
    assert post.reply_text.splitlines() == ["I got my last two jobs from strangers who read my blog.",
                                            "My maintainer role was the first thing my current manager asked about."]


@pytest.mark.parametrize(
    "copy",
    [
        "Hiring managers pick the candidate they would enjoy having lunch with, not the strongest engineer.",
        "hiring managers pick the candidate they would enjoy having lunch with not the strongest engineer",
        "Hiring  managers pick the candidate they'd enjoy having lunch with, not the strongest engineer!",
        "Hiring managers pick the candidate they would enjoy having a beer with, not the strongest engineer.",
        "Hiring managers pick the candidate they would enjoy ... not the strongest engineer.",
    ],
    ids=["verbatim", "case-punctuation", "whitespace-contraction", "changed-words", "elision"],
)
def test_quotes_unmarked_copies(copy: str) -> None:
    reply = f"{copy}\nThat has not been my experience at all, it was the take-home test that decided."
    result = _analysis([("a", PARENT, None), ("b", reply, "a")])
    quotes = _quotes(result, "b")
    assert len(quotes) == 1
    assert quotes[0][1:] == ("a", "copy")
    assert result["b"].reply_text == "That has not been my experience at all, it was the take-home test that decided."


def test_quotes_copy_found_beyond_parent() -> None:
    posts = [("a", PARENT, None), ("b", "Completely different remark about the weather today, it is sunny.", None),
             ("c", "Another unrelated comment about keyboards and their switches.", "b"),
             ("d", f"{PARENT}\nI keep hearing this and I still do not buy it.", "c")]
    assert _quotes(_analysis(posts), "d")[0][1] == "a"


def test_quotes_text_copied_without_marker_resolves_to_its_first_author() -> None:
    shared = "Reliability is what makes people want you on their team."
    posts = [("a", f"{shared} Everything else is noise.", None),
             ("b", f"Exactly.\n{shared}", None),
             ("c", f"> {shared}\n\nNo, charm is.", "b")]
    result = _analysis(posts)
    assert _quotes(result, "b") == [(shared, "a", "copy")]
    assert _quotes(result, "c")[0][1] == "a"


def test_quotes_short_quote_is_looked_up_in_the_parent_first() -> None:
    posts = [("a", "Charm wins, every single time, in every office.", None),
             ("b", "Charm wins in sales, maybe.", None),
             ("c", "> Charm wins\n\nNot in engineering.", "b")]
    assert _quotes(_analysis(posts), "c") == [("> Charm wins", "b", ">")]


def test_quotes_from_outside_the_thread_have_no_source() -> None:
    posts = [("a", PARENT, None),
             ("b", "> The article claims that remote work kills careers for juniors.\n\nI doubt that.", "a")]
    assert _quotes(_analysis(posts), "b") == [
        ("> The article claims that remote work kills careers for juniors.", None, ">")]


@pytest.mark.parametrize(
    "reply, expected",
    [
        ('I keep hearing "pick the candidate they would enjoy having lunch with" and it is nonsense.',
         '"pick the candidate they would enjoy having lunch with"'),
        ("You said \u201cnot the strongest engineer\u201d but you mean the loudest.", "\u201cnot the strongest engineer\u201d"),
    ],
    ids=["straight", "curly"],
)
def test_quotes_inline(reply: str, expected: str) -> None:
    result = _analysis([("a", PARENT, None), ("b", reply, "a")])
    assert _quotes(result, "b") == [(expected, "a", "inline")]
    assert expected not in result["b"].reply_text


@pytest.mark.parametrize(
    "posts, post_id",
    [
        # scare quotes: one word, even one that occurs earlier
        ([("a", "Our so-called meritocracy rewards the loud.", None),
          ("b", 'The so-called "meritocracy" is a myth.', "a")], "b"),
        # a short common phrase that happens to occur elsewhere
        ([("a", "I agree. Lunch matters more than code.", None), ("b", "I agree.", "a")], "b"),
        ([("a", "I agree. Lunch matters more than code.", None), ("b", "I agree. Ship it and see.", "a")], "b"),
        ([("a", "I read it like this: skill first, network second, luck third.", None),
          ("b", "I read it like this\nand I think you have the order backwards.", "a")], "b"),
        # a post repeating its own sentence
        ([("a", "Completely unrelated opener about the conference.", None),
          ("b", "Skill compounds over a career. I mean it. Skill compounds over a career.", "a")], "b"),
        # quoted words that appear nowhere earlier
        ([("a", PARENT, None), ("b", 'My manager calls it "culture fit at the whiteboard" every time.', "a")], "b"),
    ],
    ids=["scare-quotes", "i-agree", "i-agree-plus", "stock-phrase", "own-repeat", "quoted-unknown"],
)
def test_quotes_traps_are_not_attributed_quotes(posts: list[tuple[str, str, str | None]], post_id: str) -> None:
    result = _analysis(posts)
    assert [q for q in _quotes(result, post_id) if q[1] is not None] == []
    assert result[post_id].reply_text == result[post_id].post.text.strip()


def test_quotes_repost_is_duplicate_not_quote() -> None:
    posts = [("a", PARENT, None), ("b", "Something else entirely, about hiring pipelines.", None),
             ("c", PARENT, None)]
    result = _analysis(posts)
    assert result["c"].duplicate_of == "a"
    assert result["c"].quotes == []
    assert result["c"].reply_text == PARENT
    assert result["a"].duplicate_of is None


def test_quotes_copy_of_a_quote_resolves_to_the_original() -> None:
    posts = [("a", PARENT, None), ("b", f"> {PARENT}\n\nStrongly disagree.", "a"),
             ("c", f"> {PARENT}\n\nWhat does lunch have to do with it?", "b")]
    assert _quotes(_analysis(posts), "c")[0][1] == "a"


def test_quotes_short_marker_quote_attributed_only_verbatim_in_ancestors() -> None:
    posts = [("a", "TMTOWTDI...", None), ("b", "> TMTOWTDI...\n\nOh no, not Perl again.", "a"),
             ("c", "> rm\n\nDelete", "b")]
    result = _analysis(posts)
    assert _quotes(result, "b") == [("> TMTOWTDI...", "a", ">")]
    assert _quotes(result, "c") == [("> rm", None, ">")]


def test_quotes_pipeline_runs_on_a_plain_text_doc() -> None:
    nlp = threadlens.pipeline()
    doc = nlp("> a quoted line from somewhere\n\nmy own answer")
    labels = [span.label_ for span in doc.spans["threadlens"]]
    assert labels == ["quote", "reply"]
    assert doc.spans["threadlens"][0]._.tl_marker == ">"


def test_quotes_pipeline_is_safe_with_two_processes() -> None:
    from threadlens.quotes import splits_from_doc, thread_docs

    threads = [Thread(posts=[Post(id="a", text=PARENT), Post(id="b", text=f"> {PARENT}\n\nNo.", reply_to="a"),
                             Post(id="c", text=f'Still "{PARENT[:40]}" is wrong.', reply_to="b")], id=f"t{i}")
               for i in range(4)]
    nlp = threadlens.pipeline()
    single = [splits_from_doc(doc) for doc in nlp.pipe(thread_docs(nlp, threads))]
    double = [splits_from_doc(doc) for doc in nlp.pipe(thread_docs(nlp, threads), n_process=2, batch_size=1)]
    assert [{k: v.segments for k, v in s.items()} for s in single] == \
           [{k: v.segments for k, v in s.items()} for s in double]
    assert single[0]["b"].segments[0].source == "a"


@pytest.mark.parametrize(
    "text",
    [">" * 100_000, "&gt;" * 20_000, '"' * 10_000, ('"a b c" ' * 10_000), "word" + '"' * 10_000,
     "\n".join([">" * 30 + " deep"] * 2_000), "(" * 50_000 + "x" + ")" * 50_000],
    ids=["100k-gt", "20k-entity", "10k-quote-marks", "10k-quoted-phrases", "trailing-quotes", "deep-nesting", "parens"],
)
def test_quotes_adversarial_input_completes_with_valid_segments(text: str) -> None:
    result = _analysis([("a", PARENT, None), ("b", text, "a")])
    post = result["b"]
    assert post.segments
    for segment in post.segments:
        assert 0 <= segment.start < segment.end <= len(text)
    ends = [(s.start, s.end) for s in post.segments]
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(ends, ends[1:]))


def test_quotes_long_post_is_split_on_its_head_and_keeps_its_tail() -> None:
    text = f"> {PARENT}\n\n" + "word " * 100_000
    result = _analysis([("a", PARENT, None), ("b", text, "a")])
    post = result["b"]
    assert post.quotes[0].source == "a"
    assert post.segments[-1].end == len(text.rstrip())
