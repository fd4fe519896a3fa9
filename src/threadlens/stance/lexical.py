"""TF-IDF features for the lexical stance model: word 1–2-grams, fast enough for corpora too big to embed.

Written here rather than taken from scikit-learn's ``TfidfVectorizer`` for two reasons: the fitted state is
plain data (a vocabulary list and an idf array, saved as JSON + safetensors, never pickled), and the
transform is a tight loop over a compiled regex and a dict (several times faster than the vectorizer's
generic analyzer on short posts).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain, pairwise

import numpy as np

try:
    from _collections import _count_elements  # what Counter(iterable) runs, without its Python layers
except ImportError:  # pragma: no cover - another Python: the same in Python
    def _count_elements(mapping: dict, iterable: Iterable) -> None:  # type: ignore[type-arg,misc]
        get = mapping.get
        for element in iterable:
            mapping[element] = get(element, 0) + 1

__all__ = ["LexicalFeatures", "tokens_of", "EmptyVocabulary"]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|[!?]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_MAX_CHARS = 20_000


class EmptyVocabulary(ValueError):
    """No term occurs in enough of the training texts to be a feature: there is nothing to learn from."""


def tokens_of(text: str) -> list[str]:
    """Lower-cased word tokens (with inner apostrophes) plus ``!``/``?``; long texts are cut at 20k chars."""
    lowered = text[:_MAX_CHARS].lower()
    if "\u2019" in lowered or "\u2018" in lowered or "\u02bc" in lowered:
        lowered = lowered.translate(_APOSTROPHES)
    return _TOKEN.findall(lowered)


def _grams(tokens: list[str], ngram_max: int) -> list[str]:
    grams = list(tokens)
    if ngram_max >= 2:
        grams.extend([f"{a} {b}" for a, b in zip(tokens, tokens[1:])])
    if ngram_max >= 3:
        grams.extend([f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:])])
    return grams


class LexicalFeatures:
    """Sublinear TF-IDF over a fixed vocabulary, rows L2-normalised."""

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, *, ngram_max: int = 2) -> None:
        self.vocabulary = list(vocabulary)
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        # The same columns keyed by what a text's tokens give without building strings: a word for a 1-gram,
        # a tuple of words for a longer one (tokens hold no spaces, so a term's words are its space-split parts).
        # Numbered from 1, so that ``filter(None, ...)`` drops the grams outside the vocabulary (None) in C.
        self._columns: dict[str | tuple[str, ...], int] = {
            (term if " " not in term else tuple(term.split(" "))): i + 1 for term, i in self.index.items()}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.ngram_max = ngram_max
        if len(self.idf) != len(self.vocabulary):
            raise ValueError("idf and vocabulary lengths differ")

    @property
    def dim(self) -> int:
        return len(self.vocabulary)

    @classmethod
    def fit(cls, texts: Iterable[str], *, ngram_max: int = 2, min_df: int = 2,
            max_features: int = 100_000) -> LexicalFeatures:
        document_frequency: Counter[str] = Counter()
        n = 0
        for text in texts:
            n += 1
            document_frequency.update(set(_grams(tokens_of(text), ngram_max)))
        kept = [(term, df) for term, df in document_frequency.items() if df >= min_df]
        if not kept:
            raise EmptyVocabulary(f"no word or word pair occurs in {min_df} or more of the {n} texts: there is "
                                  "nothing to learn from (are the texts empty?)")
        kept.sort(key=lambda item: (-item[1], item[0]))
        kept = sorted(kept[:max_features])
        idf = np.array([math.log((1 + n) / (1 + df)) + 1.0 for _, df in kept], dtype=np.float32)
        return cls([term for term, _ in kept], idf, ngram_max=ngram_max)

    def transform(self, texts: Sequence[str]):  # type: ignore[no-untyped-def]  # -> scipy.sparse.csr_matrix
        from scipy.sparse import csr_matrix

        column = self._columns.get
        indptr = [0]
        indices: list[int] = []
        counts: list[int] = []
        for text in texts:
            # Columns (from 1) in order of first occurrence (1-grams, then 2-grams ...: the order of _grams), with
            # their counts (Counter counts in C; the grams outside the vocabulary are filtered out in C).
            tokens = tokens_of(text)
            grams = [map(column, tokens)]
            if self.ngram_max >= 2:
                grams.append(map(column, pairwise(tokens)))
            if self.ngram_max >= 3:
                grams.append(map(column, zip(tokens, tokens[1:], tokens[2:])))
            row: dict[int, int] = {}
            _count_elements(row, filter(None, chain.from_iterable(grams)))
            indices.extend(row)
            counts.extend(row.values())
            indptr.append(len(indices))
        columns = np.asarray(indices, dtype=np.int32)
        columns -= 1
        data = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * self.idf[columns]
        pointers = np.asarray(indptr, dtype=np.int64)
        rows = np.repeat(np.arange(len(texts)), np.diff(pointers))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(texts))).astype(np.float32)
        data /= norms[rows]
        return csr_matrix((data, columns, pointers), shape=(len(texts), self.dim), dtype=np.float32)
