"""The faster relation cues, lexical features and word tokens give exactly what the plain versions give."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from threadlens.quotes.words import _words_slow, words_of
from threadlens.stance import relation
from threadlens.stance.lexical import LexicalFeatures, _grams, tokens_of

from label_corpora import connections_records

TRICKY = ["Yes", "YES!", "yeſ", "İstanbul", "ıt", "THIS.", "This!", "No,", "Sure,", "RİGHT", "\u212aelvin", "100%",
          "+1", "/s", "Actually", "WRONG", "ſame here", "ΣΟΦΟΣ'", "don\u2019t", "it\u02bcs", "Couldn't agree", "\n"]


def _texts() -> list[str]:
    rng = random.Random(3)
    texts = [r["text"] for r in connections_records()]
    texts += [" ".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 80))) for _ in range(2000)]
    # Cues straddling the end of the 160-character opening, where it is scanned on its own.
    cues = ["this.", "this", "no", "nope", "thank you for saying", "yeah right", "same here", "100%", "/s", "+1"]
    texts += [f"{head}{'x' * (160 - len(head) - k)} {cue} {tail}" for k in range(40) for cue in cues
              for head in ("", "No, yes. ") for tail in ("", "really", ".")]
    # Every cue, written out, in runs where cues sharing a first letter meet (the fast patterns group those).
    written = [re.sub(r"\\b|\(\?=.*\)|\?", "", cue).replace("\\", "")
               for cue in relation._AGREE_CUES + relation._DISAGREE_CUES]
    texts += [" ".join(rng.choice([*written, "This.", "agreement", "NOPE", "x"]) for _ in range(rng.randint(1, 60)))
              for _ in range(2000)]
    return texts


def test_a_cue_attempt_reads_less_than_the_reach() -> None:
    from re import _parser  # type: ignore[attr-defined]

    widest = max(_parser.parse(p.pattern).getwidth()[1] for p in (relation._AGREE, relation._DISAGREE))
    assert widest + 1 < relation._REACH  # one more for a look-ahead or a \b after the cue


def _plain_cues(texts: list[str]) -> np.ndarray:
    rows = []
    for text in texts:
        opening = text[:160]
        rows.append([len(relation._AGREE.findall(opening)), len(relation._DISAGREE.findall(opening)),
                     min(3, len(relation._AGREE.findall(text[:4000]))),
                     min(3, len(relation._DISAGREE.findall(text[:4000]))),
                     float("?" in opening), float(len(text.split()) < 8)])
    return np.log1p(np.asarray(rows, dtype=np.float32))


def test_relation_cues_equal_ignorecase_matching() -> None:
    texts = _texts()
    assert np.array_equal(relation.cue_features(texts), _plain_cues(texts))


@pytest.mark.parametrize("ngram_max", [1, 2, 3])
def test_lexical_transform_equals_the_plain_loop(ngram_max: int) -> None:
    texts = _texts()
    features = LexicalFeatures.fit(texts[:600], min_df=2, ngram_max=ngram_max)
    matrix = features.transform(texts)
    for row, text in enumerate(texts[:300] + texts[-300:]):
        counts: dict[int, int] = {}
        for gram in _grams(tokens_of(text), features.ngram_max):
            column = features.index.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        row = row if row < 300 else len(texts) - 600 + row
        assert list(matrix[row].indices) == list(counts)
        weights = (1 + np.log(np.array(list(counts.values()), dtype=np.float32))) * features.idf[list(counts)]
        assert np.allclose(matrix[row].data, weights / np.linalg.norm(weights) if len(weights) else weights)


@pytest.mark.parametrize("text", TRICKY + [" ".join(TRICKY), "ΣΣ σ Σ.", ""])
def test_words_of_equals_word_by_word_lowering(text: str) -> None:
    assert words_of(text, 5, start=1) == _words_slow(text[1:], 6)


def test_words_of_ascii_and_unicode_texts_equal_word_by_word_lowering() -> None:
    rng = random.Random(5)
    ascii_noise = ["snake_case", "x\x1cy", "a\x1fb", "don't", "it's'", "'quoted'", "10_000", "\t", "__", "A1b2"]
    texts = _texts()[:3000] + [" ".join(rng.choice(ascii_noise + TRICKY[:6]) for _ in range(rng.randint(0, 40)))
                               for _ in range(500)]
    assert sum(t.isascii() for t in texts) > 1000
    for text in texts:
        assert words_of(text) == _words_slow(text, 0)
