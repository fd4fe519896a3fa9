"""The regex sentence segmenter: boundaries where spaCy's tokenizer + sentencizer put them, in linear time."""

from __future__ import annotations

import pytest

from threadlens._spans import trim_span
from threadlens.quotes.sentences import (
    ABBREVIATIONS, APOSTROPHE_WORDS, EMOTICONS, PUNCT_CHARS, SPLIT_CONTRACTIONS, sentence_spans)
from threadlens.quotes.splitter import _units as splitter_units

from label_corpora import connections_records


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello world. Next one", ["Hello world.", "Next one"]),
    ("Wait... then more", ["Wait... then more"]),
    ("What?! No way", ["What?!", "No way"]),
    ("e.g. this is it", ["e.g. this is it"]),
    ("Mr. Smith went. He did", ["Mr. Smith went.", "He did"]),
    ("The U.S. Army is big", ["The U.S. Army is big"]),
    ("version 3.5 is out", ["version 3.5 is out"]),
    ("end.Next thing", ["end.", "Next thing"]),
    ("see example.com now", ["see example.com now"]),
    ("mail Alexandre.Bounine@idt.com now", ["mail Alexandre.Bounine@idt.com now"]),
    ("See Tribe.AI today", ["See Tribe.", "AI today"]),
    ("(like this.) Next", ["(like this.)", "Next"]),
    ('He said "stop." Then he left', ['He said "stop."', "Then he left"]),
    ('end. "Quote here"', ['end. "', 'Quote here"']),
    ("Hello.\n\nWorld", ["Hello.", "\n\nWorld"]),
    ("No!!! Really", ["No!!!", "Really"]),
    ("Thanks! :D", ["Thanks!", ":D"]),
    ("That's it. :) Bye", ["That's it. :)", "Bye"]),
    ("At first. -1 for me", ["At first.", "-1 for me"]),
    ("while (!interrupted) {", ["while (!", "interrupted) {"]),
    ("Don't tell /b/.  They did", ["Don't tell /b/.  They did"]),
    ("at 2 p.m. today", ["at 2 p.m. today"]),
    ("USA. Yes", ["USA.", "Yes"]),
    ("answer ?'s directly", ["answer ?", "'s directly"]),
    ("I know hes. Sure", ["I know hes. Sure"]),
    ("Done. 'Quoted' too", ["Done. '", "Quoted' too"]),
    ("A. Yes", ["A. Yes"]),
    ("", [""]),
])
def test_sentences_table(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_sentences_lists_match_spacy() -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.lang.tokenizer_exceptions import emoticons
    from spacy.pipeline.sentencizer import Sentencizer

    assert PUNCT_CHARS == frozenset(Sentencizer.default_punct_chars)
    assert EMOTICONS == frozenset(emoticons)
    rules = spacy.blank("en").tokenizer.rules
    assert ABBREVIATIONS <= set(rules)
    assert APOSTROPHE_WORDS == {k for k in rules if k[:1] in "'\u2019" and any(c.isalpha() for c in k)}
    assert SPLIT_CONTRACTIONS == {k for k, pieces in rules.items() if k.isalpha() and len(pieces) > 1
                                  and f"{pieces[-1][65]}." in rules and len(pieces[-1][65]) == 1}  # 65: ORTH


def test_sentences_astral_terminator() -> None:
    # U+11047 BRAHMI DANDA ends a sentence like "." (a class with characters beyond U+FFFF is used for such text)
    assert _sentences("one \U00011047 two") == ["one \U00011047", "two"]


@pytest.mark.parametrize("text", ["!" * 100_000, "a." * 50_000, ". " * 50_000, "x" * 100_000 + ".", "\u2026" * 50_000])
def test_sentences_long_runs_are_linear(text: str) -> None:
    spans = sentence_spans(text)  # finishes at once: every character is looked at a bounded number of times
    assert spans[0][0] == 0 and spans[-1][1] <= len(text)


def _units(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What the splitter makes of sentences: pieces cut at line breaks, whitespace trimmed."""
    return [trim_span(text, start, end) for start, end in splitter_units(text, spans, ())]


def _spacy_units(texts: list[str]) -> list[list[tuple[int, int]]]:
    from threadlens.quotes.pipeline import pipeline

    nlp = pipeline()
    sentencizer = nlp.get_pipe("sentencizer")
    return [_units(t, [(s.start_char, s.end_char) for s in sentencizer(nlp.make_doc(t)).sents]) for t in texts]


def test_sentences_agree_with_spacy_on_connections_corpus() -> None:
    texts = [r["text"] for r in connections_records()]
    expected = _spacy_units(texts)
    assert [_units(t, sentence_spans(t)) for t in texts] == expected


def test_sentences_agree_with_spacy_on_reddit_and_hn(shared) -> None:  # type: ignore[no-untyped-def]
    from threadlens.readers import read_threads

    texts = [p.text for f in ("data/reddit/praw-thread/thread_n49rw.jsonl", "data/hn/hn-comments-1000-sample.jsonl")
             for t in read_threads(shared / f) for p in t]
    expected = _spacy_units(texts)
    differing = [t for t, units in zip(texts, expected) if _units(t, sentence_spans(t)) != units]
    assert not differing, differing[:3]


def test_sentence_chunks_are_what_the_chunk_pattern_finds() -> None:
    """The chunks found from their sentence-final characters are the matches of the plain pattern."""
    import random
    import re

    from threadlens.quotes import sentences

    rng = random.Random(11)
    pieces = ["word", "end.", "wow!", "(see", "it?)", "...", "a.b", "!!", "\u2026", " ", "  ", "\n", "\t", "\r",
              "\xa0", "\u2003", "\x1c", "\U00011047", "x\U00011047y", "\u3002", "\"ok.\"", ""]
    texts = [r["text"] for r in connections_records()]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    for chars, candidates in ((sorted(c for c in PUNCT_CHARS if ord(c) <= 0xFFFF), sentences._CANDIDATE),
                              (sorted(PUNCT_CHARS), sentences._CANDIDATE_ALL)):
        group = re.escape("".join(chars))
        chunk = re.compile(rf"(?<!\S)[^\s{group}]*[{group}]\S*")
        for text in texts:
            assert list(sentences._chunks(text, candidates)) == [m.span() for m in chunk.finditer(text)], text
