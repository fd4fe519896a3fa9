"""displaCy: quote and reply spans in threadlens colours, and ``threadlens.render`` for notebooks."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
from spacy import displacy

import threadlens
from threadlens.errors import InputError
from threadlens.quotes import SPANS_KEY, thread_doc
from threadlens.views.colors import SEGMENT_COLORS
from threadlens.views.displacy import displacy_options, post_spans, render

QUOTE, REPLY = SEGMENT_COLORS["quote"], SEGMENT_COLORS["reply"]


@pytest.fixture(scope="module")
def seed_doc(seed_path: Path):  # type: ignore[no-untyped-def]
    nlp = threadlens.pipeline()
    return nlp(thread_doc(nlp, threadlens.read_thread(seed_path)))


def test_views_displacy_doc_renders_with_threadlens_colours(seed_doc) -> None:  # type: ignore[no-untyped-def]
    html = displacy.render(seed_doc, style="span", options=displacy_options(), jupyter=False)
    assert QUOTE in html and REPLY in html
    assert html.count(f"background: {QUOTE}; z-index") == 4  # one label per quote span of the seed
    assert render(seed_doc, jupyter=False) == html


def test_views_displacy_plain_call_picks_up_the_entry_point(seed_doc) -> None:  # type: ignore[no-untyped-def]
    if not [e for e in metadata.entry_points(group="spacy_displacy_colors") if e.name == "threadlens"]:
        pytest.skip("threadlens is installed without its entry points here; pip install -e . registers them")
    html = displacy.render(seed_doc, style="span", options={"spans_key": SPANS_KEY}, jupyter=False)
    assert QUOTE in html and REPLY in html


def test_views_displacy_render_titles_each_post(seed_path: Path) -> None:
    analysis = threadlens.analyze(seed_path, stance=False)
    html = threadlens.render(analysis, jupyter=False)
    assert html.count("<h2") == 13
    assert '<h2 style="margin: 0">p3 · quotes p2</h2>' in html
    assert ">← p2</a>" in html  # the quote's label names its source
    spans = post_spans(analysis["p4"])
    assert [s["label"] for s in spans["spans"]] == ["reply", "quote"]
    first = spans["spans"][1]
    assert " ".join(spans["tokens"][first["start_token"]:first["end_token"]]).startswith('" the person who does X')


def test_views_displacy_render_reads_text_and_labels_stance() -> None:
    thread = threadlens.Thread(posts=[
        threadlens.Post(id="a", author="ann", text="Skill is what matters at work, nothing else."),
        threadlens.Post(id="b", author="bo", reply_to="a",
                        text="> Skill is what matters at work, nothing else.\nNot where I work: people hire friends."),
    ])
    html = render(thread, stance=True, model="connections-lexical", jupyter=False)
    assert html is not None and html.count("<h2") == 2
    assert "b · bo · reply to a · " in html and " with a · quotes a</h2>" in html
    assert render("Just one post, read as text.", jupyter=False).count("<h2") == 1


def test_views_displacy_doc_without_spans_is_refused() -> None:
    import spacy

    with pytest.raises(InputError, match=r"no spans under doc.spans\['threadlens'\]"):
        render(spacy.blank("en")("plain text"), jupyter=False)
