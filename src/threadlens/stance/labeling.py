"""Thread-aware stance labelling: classify each post's own words, and lean on context when they say little.

For every post of an analysed thread:

1. its own words (reply segments — never what it quotes) get stance probabilities ``p_own``;
2. its *target* is the post it quotes (first attributed quote), else the post it answers; the reply
   relation to the target (agree / disagree / neutral) is predicted from both texts;
3. context: agreeing inherits the target's stance, disagreeing flips it (the scheme's ``opposites``):
   ``p_ctx = P(agree)·p_target + P(disagree)·flip(p_target) + P(neutral)·p_own``;
4. ``p = w·p_own + (1 - w)·p_ctx`` with ``w = min(1, own words / context_words)``: "I'd disagree with
   this." (5 words) is mostly context, a paragraph is its own evidence.

A post with no words of its own (it only quotes) gets the scheme's neutral label with uniform scores.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis import PostAnalysis, RelationResult, StanceResult, ThreadAnalysis
from .model import StanceModel

__all__ = ["StanceLabeler", "default_labeler", "post_target", "PostLabels"]

#: A post's stance and its relation to the post it argues with (None without one).
PostLabels = tuple[StanceResult, "RelationResult | None"]

_LABELERS: dict[tuple[str, str | None], StanceLabeler] = {}


def post_target(post: PostAnalysis, ids: set[str] | dict[str, Any]) -> str | None:
    """The post this one argues with: the source of its first attributed quote, else its parent."""
    for segment in post.quotes:
        if segment.source is not None and segment.source in ids and segment.source != post.id:
            return segment.source
    parent = post.post.reply_to
    return parent if parent in ids and parent != post.id else None


class StanceLabeler:
    """Adds stance and relation labels to analysed threads using a trained model (a :class:`StanceModel`,
    e.g. a loaded or fitted ``StanceClassifier``)."""

    def __init__(self, model: StanceModel, *, context_words: float | None = None) -> None:
        self.model = model
        self.context_words = context_words if context_words is not None else getattr(model, "context_words_", 12.0)
        scheme = model.scheme_
        self.labels = [label for label in scheme.label_names if label in set(map(str, model.classes_))]
        self._columns = [list(map(str, model.classes_)).index(label) for label in self.labels]
        self._flip = [self.labels.index(scheme.opposite(label)) if scheme.opposite(label) in self.labels else i
                      for i, label in enumerate(self.labels)]
        self._neutral = scheme.neutral if scheme.neutral in self.labels else None

    @property
    def model_name(self) -> str:
        path = getattr(self.model, "path_", None)
        return Path(path).name if path is not None else "unsaved"

    @property
    def model_version(self) -> str:
        """A short hash of the model's manifest (changes whenever the model does)."""
        path = getattr(self.model, "path_", None)
        if path is None or not (Path(path) / "manifest.json").is_file():
            return "unsaved"
        return hashlib.sha256((Path(path) / "manifest.json").read_bytes()).hexdigest()[:12]

    def label(self, analysis: ThreadAnalysis) -> ThreadAnalysis:
        return self.label_many([analysis])[0]

    def label_many(self, analyses: Sequence[ThreadAnalysis]) -> list[ThreadAnalysis]:
        """Label several threads with one batched pass of the model."""
        return [ThreadAnalysis(thread=analysis.thread, posts=[post.labelled(*results[post.id])
                                                              for post in analysis.posts])
                for analysis, results in zip(analyses, self.results_many(analyses))]

    def results_many(self, analyses: Sequence[ThreadAnalysis]) -> list[dict[str, PostLabels]]:
        """Per thread, each post's stance and relation — what :meth:`label_many` puts on the posts, without
        making the labelled posts (``threadlens label`` writes records straight from these)."""
        own = {(i, p.id): p.reply_text.strip() for i, a in enumerate(analyses) for p in a.posts}
        texts = sorted({t for t in own.values() if t})
        matrix = self.model.predict_proba(texts) if texts else np.zeros((0, len(self.model.classes_)))
        raw = dict(zip(texts, matrix))  # classes_ order
        # Per text, its probabilities in scheme order as Python floats: the per-post arithmetic below is on
        # a handful of numbers, where lists are several times faster than numpy.
        proba = dict(zip(texts, matrix[:, self._columns].astype(np.float64).tolist()))
        pairs: dict[tuple[int, str], tuple[str, str]] = {}
        targets: dict[tuple[int, str], str | None] = {}
        for i, analysis in enumerate(analyses):
            by_id = {p.id: p for p in analysis.posts}
            for post in analysis.posts:
                target = targets[(i, post.id)] = post_target(post, by_id)
                if target is not None and own[(i, post.id)]:
                    pairs[(i, post.id)] = (own[(i, post.id)], own[(i, target)] or by_id[target].post.text)
        relation_proba = self._relation_proba(list(pairs.values()), raw)
        relations = dict(zip(pairs, relation_proba.astype(np.float64).tolist())) if relation_proba is not None else {}
        return [self._thread_results(i, analysis, own, targets, proba, relations)
                for i, analysis in enumerate(analyses)]

    def _thread_results(self, index: int, analysis: ThreadAnalysis, own: dict[tuple[int, str], str],
                        targets: dict[tuple[int, str], str | None], proba: dict[str, list[float]],
                        relations: dict[tuple[int, str], list[float]]) -> dict[str, PostLabels]:
        final: dict[str, list[float]] = {}
        results: dict[str, PostLabels] = {}
        relation_classes = self.model.relation_.classes if self.model.relation_ is not None else []
        columns = {name: relation_classes.index(name) if name in relation_classes else None
                   for name in ("agree", "disagree", "neutral")}
        flip = self._flip
        uniform = [1.0 / len(self.labels)] * len(self.labels)
        for post in _written_order(analysis):
            text = own[(index, post.id)]
            target = targets[(index, post.id)]
            relation = relations.get((index, post.id))
            if not text:
                label = self._neutral or self.labels[_argmax(uniform)]
                results[post.id] = (self._stance(uniform, label), None)
                final[post.id] = uniform
                continue
            p = proba[text]
            if target is not None and relation is not None and target in final:
                agree, disagree, neutral = (relation[c] if c is not None else 0.0 for c in columns.values())
                p_target = final[target]
                w = min(1.0, len(text.split()) / self.context_words) if self.context_words > 0 else 1.0
                mixed = [w * own_p + (1 - w) * (agree * p_target[k] + disagree * p_target[flip[k]] + neutral * own_p)
                         for k, own_p in enumerate(p)]
                total = sum(mixed)
                p = [value / total for value in mixed]
            final[post.id] = p
            relation_result = None
            if target is not None and relation is not None:
                best = _argmax(relation)
                relation_result = RelationResult(to=target, label=relation_classes[best], score=relation[best])
            results[post.id] = (self._stance(p), relation_result)
        return results

    def _stance(self, p: list[float], label: str | None = None) -> StanceResult:
        best = _argmax(p) if label is None else self.labels.index(label)
        return StanceResult(label=self.labels[best], score=p[best], scores=dict(zip(self.labels, p)))

    def _relation_proba(self, pairs: list[tuple[str, str]], known: dict[str, np.ndarray]) -> np.ndarray | None:
        """Relation probabilities of (reply, target) pairs, reusing the stance probabilities already computed."""
        if self.model.relation_ is None or not pairs:
            return None
        replies, targets = (list(side) for side in zip(*pairs))
        missing = sorted({t for t in targets if t not in known})
        if missing:
            known = {**known, **dict(zip(missing, self.model.predict_proba(missing)))}
        return self.model.predict_relation_proba(replies, targets,
                                                 reply_proba=np.stack([known[t] for t in replies]),
                                                 target_proba=np.stack([known[t] for t in targets]))


def _argmax(values: list[float]) -> int:
    """The index of the largest value (the first of equals, as ``np.argmax``): ``max`` returns the first of
    equals, and ``index`` finds that very object (it compares by identity first), NaN included."""
    return values.index(max(values))


def _written_order(analysis: ThreadAnalysis) -> list[PostAnalysis]:
    by_id = {p.id: p for p in analysis.posts}
    return [by_id[p.id] for p in analysis.thread.chronological() if p.id in by_id]


def default_labeler(model: str | os.PathLike[str] | None = None, *, backend: str | None = None) -> StanceLabeler:
    """The labeler of a model by name or path (None: the shipped ``connections``), loaded once per process."""
    key = (os.fspath(model) if model is not None else "", backend)
    if key not in _LABELERS:
        _LABELERS[key] = StanceLabeler(StanceModel.load(model, backend=backend))
    return _LABELERS[key]
