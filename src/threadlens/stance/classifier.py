"""``StanceClassifier``: a scikit-learn classifier of post stance, on sentence embeddings or TF-IDF.

It follows the estimator contract (keyword-only hyper-parameters stored by ``__init__``, ``fit`` returns
``self``, learned state ends in ``_``, ``NotFittedError`` before fitting), so it works in
``cross_val_score``, ``Pipeline`` and ``GridSearchCV`` as it is::

    clf = StanceClassifier.load()                 # the shipped `connections` model
    clf.predict(["Nobody cares about your GitHub, they hire their friends."])
    StanceClassifier(features="lexical").fit(texts, labels).save("my-model")

Inputs are texts, or ``(target, text)`` pairs for per-target stance data (SemEval-style): the target's
embedding joins the text's. Saved models are JSON + safetensors with a manifest of hashes — no pickle.

A model is one or more *parts* (features + a logistic head) whose probabilities are averaged with
weights: ``embedding`` and ``lexical`` have one part, ``hybrid`` both. With the embedding backend
``auto``, large batches are embedded by the int8 ONNX encoder first and every row whose two best labels
are closer than ``cascade_margin_`` is embedded again in fp32 (the reference's numbers) — the fast path
gives the reference's labels at a fraction of its cost.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError

from ..errors import ModelError
from .features import FAST_PATH_MIN_BATCH, EmbeddingFeatures, TextFeatures, text_features
from .head import LinearHead, fit_head
from .persistence import pack_arrays, pack_json, read_model_dir, unpack_arrays, unpack_json, write_model_dir
from .registry import resolve_model
from .relation import RelationModel
from .schemes import Scheme, load_scheme

__all__ = ["StanceClassifier"]

_FEATURES = {"embedding": ("embedding",), "lexical": ("lexical",), "hybrid": ("embedding", "lexical")}
_WEIGHT_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass(slots=True)
class Part:
    """Features, the head fitted on them, and the part's weight in the averaged probabilities."""

    features: TextFeatures
    head: LinearHead
    weight: float = 1.0


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Stance of texts under a labelling scheme.

    Parameters
    ----------
    features : {"embedding", "lexical", "hybrid"}
        Sentence embeddings (``encoder``), word 1–2-gram TF-IDF, or both (probabilities averaged).
    encoder : str
        Sentence-transformers model name or path; ``all-MiniLM-L6-v2`` is bundled and runs offline.
    backend : str
        Embedding backend: ``auto`` (int8 ONNX re-checked in fp32 where a label is close; fp32 ONNX for
        small batches), ``onnx`` (fp32 only), ``onnx-int8``, ``sentence-transformers`` (the reference).
    C, class_weight, max_iter
        Of the logistic-regression head.
    min_df, max_features, ngram_max
        Of the lexical features.
    embedding_weight : float or None
        Weight of the embedding part of a ``hybrid`` model (None: chosen by 5-fold CV on the training data).
    scheme : str or None
        Scheme name or path; None builds one from the training labels.
    """

    def __init__(self, *, features: str = "embedding", encoder: str = "all-MiniLM-L6-v2", backend: str = "auto",
                 C: float = 1.0, class_weight: str | None = "balanced", max_iter: int = 2000,
                 min_df: int = 2, max_features: int = 100_000, ngram_max: int = 2,
                 embedding_weight: float | None = None, scheme: str | None = None) -> None:
        self.features = features
        self.encoder = encoder
        self.backend = backend
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.min_df = min_df
        self.max_features = max_features
        self.ngram_max = ngram_max
        self.embedding_weight = embedding_weight
        self.scheme = scheme

    # -- learning ---------------------------------------------------------------------------------
    def fit(self, X: Any, y: Sequence[Any]) -> StanceClassifier:
        """Learn from texts (or ``(target, text)`` pairs) and their labels."""
        if self.features not in _FEATURES:
            raise ValueError(f"features={self.features!r} is not supported; choose one of {tuple(_FEATURES)}")
        texts, targets = _inputs(X)
        labels = [str(label) for label in y]
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} samples but y has {len(labels)}")
        if len(set(labels)) < 2:
            raise ValueError(f"Need at least two classes to learn stance; y holds only {sorted(set(labels))}")
        scheme = load_scheme(self.scheme) if self.scheme else Scheme.from_labels(sorted(set(labels)))
        unknown = sorted(set(labels) - set(scheme.label_names))
        if unknown:
            raise ValueError(f"Labels {unknown} are not in scheme {scheme.name!r}; its labels: {scheme.label_names}")
        parts, matrices = [], []
        for kind in _FEATURES[self.features]:
            features = text_features(kind, texts, encoder=self.encoder, backend=self.backend, min_df=self.min_df,
                                     max_features=self.max_features, ngram_max=self.ngram_max,
                                     paired=targets is not None)
            matrix = features.transform(texts, targets)
            head = fit_head(matrix, labels, C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
            parts.append(Part(features, head))
            matrices.append(matrix)
        if len(parts) == 2:
            weight = self.embedding_weight
            if weight is None:
                weight = _choose_weight(matrices, labels, C=self.C, class_weight=self.class_weight,
                                        max_iter=self.max_iter)
            parts[0].weight, parts[1].weight = float(weight), 1.0 - float(weight)
        self.parts_ = parts
        self.classes_ = np.array(parts[0].head.classes)
        self.scheme_ = scheme
        self.paired_ = targets is not None
        self.relation_: RelationModel | None = None
        self.cascade_margin_ = self._calibrate_cascade(texts, targets)
        return self

    @property
    def embedding_features_(self) -> EmbeddingFeatures | None:
        """The embedding features of the model, if it has an embedding part."""
        for part in getattr(self, "parts_", ()):
            if isinstance(part.features, EmbeddingFeatures):
                return part.features
        return None

    def _calibrate_cascade(self, texts: list[str], targets: list[str] | None) -> float | None:
        """The margin under which a fast (int8) prediction is re-checked exactly: 1.5x the largest margin at
        which the fast path changed a label of the training data (at least 0.05, at most 0.3)."""
        embedding = self.embedding_features_
        if embedding is None or not embedding.has_fast_path:
            return None
        exact = self._proba(texts, targets, exact=True)
        fast = self._proba(texts, targets, exact=False)
        flipped = exact.argmax(axis=1) != fast.argmax(axis=1)
        if not flipped.any():
            return 0.05
        return float(min(0.3, max(0.05, 1.5 * float(_margins(fast)[flipped].max()))))

    def fit_relation(self, replies: Sequence[str], targets: Sequence[str], labels: Sequence[str]) -> StanceClassifier:
        """Learn the reply relation (agree / disagree / neutral) of ``replies`` to the ``targets`` they answer."""
        self._check_fitted()
        self.relation_ = RelationModel.fit(self, list(replies), list(targets), [str(l) for l in labels])
        return self

    # -- prediction -------------------------------------------------------------------------------
    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities, one column per label in ``classes_`` order."""
        self._check_fitted()
        texts, targets = _inputs(X)
        if self.paired_ and targets is None:
            raise ValueError("This model was trained on (target, text) pairs; pass pairs to predict")
        targets = targets if self.paired_ else None
        if not texts:
            return np.zeros((0, len(self.classes_)), dtype=np.float32)
        margin = getattr(self, "cascade_margin_", None)
        embedding = self.embedding_features_
        if margin is None or embedding is None or not embedding.has_fast_path or len(texts) < FAST_PATH_MIN_BATCH:
            return self._proba(texts, targets, exact=True)
        proba = self._proba(texts, targets, exact=False)
        rows = np.flatnonzero(_margins(proba) < margin)
        if len(rows):
            proba[rows] = self._proba([texts[i] for i in rows],
                                      None if targets is None else [targets[i] for i in rows], exact=True)
        return proba

    def _proba(self, texts: list[str], targets: list[str] | None, *, exact: bool) -> np.ndarray:
        total = np.zeros((len(texts), len(self.classes_)), dtype=np.float32)
        for part in self.parts_:
            total += part.weight * part.head.predict_proba(part.features.transform(texts, targets, exact=exact))
        return total

    def predict(self, X: Any) -> list[str]:  # type: ignore[override]
        """The most probable label of each input."""
        proba = self.predict_proba(X)
        return [str(self.classes_[i]) for i in np.argmax(proba, axis=1)] if len(proba) else []

    def predict_relation_proba(self, replies: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        """Relation probabilities, columns in ``relation_.classes`` order."""
        self._check_fitted()
        if self.relation_ is None:
            raise NotFittedError("This model has no relation head; fit one with fit_relation()")
        return self.relation_.predict_proba(self, list(replies), list(targets))

    # -- persistence ------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False,
             card: dict[str, Any] | None = None) -> Path:
        """Write the model as a directory of JSON + safetensors with a manifest of sha256 hashes."""
        self._check_fitted()
        parts, files = [], {}
        for index, part in enumerate(self.parts_):
            parts.append({"features": part.features.describe(), "weight": part.weight,
                          "head": f"head-{index}.safetensors"})
            files[f"head-{index}.safetensors"] = pack_arrays(part.head.arrays())
            files.update(part.features.files())
        config = {"params": self.get_params(), "classes": [str(c) for c in self.classes_],
                  "scheme": self.scheme_.to_dict(), "paired": self.paired_, "parts": parts,
                  "cascade_margin": getattr(self, "cascade_margin_", None),
                  "labeler": {"context_words": getattr(self, "context_words_", None)}}
        files["config.json"] = pack_json(config)
        if self.relation_ is not None:
            files.update(self.relation_.files())
        if card is not None:
            files["card.json"] = pack_json(card)
            files["README.md"] = _card_markdown(card).encode("utf-8")
        return write_model_dir(path, files, kind=f"stance-{self.features}", overwrite=overwrite)

    @classmethod
    def load(cls, name_or_path: str | os.PathLike[str] | None = None, *, backend: str | None = None) -> StanceClassifier:
        """Load a saved model by path, or by name from ``models/`` (None: the default ``connections``).

        ``backend`` overrides the embedding backend (e.g. ``"sentence-transformers"`` for the reference path).
        """
        root = resolve_model(name_or_path)
        manifest, files = read_model_dir(root)
        if not str(manifest.get("kind", "")).startswith("stance-"):
            raise ModelError(f"{root}: is a {manifest.get('kind')!r} model, not a stance model")
        config = unpack_json(files["config.json"], source=str(root / "config.json"))
        try:
            params = dict(config["params"])
            if backend is not None:
                params["backend"] = backend
            model = cls(**params)
            model.parts_ = [
                Part(TextFeatures.from_files(part["features"], files, source=str(root),
                                             backend=params.get("backend", "auto")),
                     LinearHead.from_arrays(unpack_arrays(files[part["head"]], source=str(root)),
                                            classes=config["classes"]),
                     float(part["weight"]))
                for part in config["parts"]]
            model.cascade_margin_ = config.get("cascade_margin")
            model.classes_ = np.array(config["classes"])
            model.scheme_ = Scheme.from_dict(config["scheme"], source=str(root))
            model.paired_ = bool(config.get("paired", False))
            model.relation_ = RelationModel.from_files(files, source=str(root))
            model.card_ = unpack_json(files["card.json"], source=str(root)) if "card.json" in files else None
            context_words = (config.get("labeler") or {}).get("context_words")
            if context_words is not None:
                model.context_words_ = float(context_words)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{root}: model files are inconsistent ({exc}); save the model again") from None
        model.path_ = root
        return model

    def _check_fitted(self) -> None:
        if not hasattr(self, "parts_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit() or load()")

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def _margins(proba: np.ndarray) -> np.ndarray:
    """Per row: the best probability minus the second best."""
    top = np.partition(proba, -2, axis=1)
    return top[:, -1] - top[:, -2]


def _choose_weight(matrices: list[Any], labels: list[str], *, C: float, class_weight: str | None,
                   max_iter: int) -> float:
    """The embedding part's weight with the best out-of-fold macro-F1 (5 stratified folds)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(labels)
    folds = max(2, min(5, int(min(np.unique(y, return_counts=True)[1]))))
    out_of_fold = [np.zeros((len(y), len(set(labels))), dtype=np.float32) for _ in matrices]
    classes = sorted(set(labels))
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        for matrix, store in zip(matrices, out_of_fold):
            head = fit_head(matrix[train], y[train], C=C, class_weight=class_weight, max_iter=max_iter)
            store[np.ix_(test, [classes.index(c) for c in head.classes])] = head.predict_proba(matrix[test])
    scores = {w: f1_score(y, np.asarray(classes)[(w * out_of_fold[0] + (1 - w) * out_of_fold[1]).argmax(axis=1)],
                          average="macro") for w in _WEIGHT_GRID}
    return max(scores, key=lambda w: (round(scores[w], 6), -abs(w - 0.5)))


def _inputs(X: Any) -> tuple[list[str], list[str] | None]:
    """Texts, and targets when X holds ``(target, text)`` pairs (a 2-column array or frame)."""
    if hasattr(X, "columns") and len(getattr(X, "columns")) == 2:  # a DataFrame of (target, text)
        values = X.to_numpy()
        return [str(v) for v in values[:, 1]], [str(v) for v in values[:, 0]]
    if isinstance(X, np.ndarray) and X.ndim == 2:
        if X.shape[1] == 1:
            return [str(v) for v in X[:, 0]], None
        if X.shape[1] == 2:
            return [str(v) for v in X[:, 1]], [str(v) for v in X[:, 0]]
        raise ValueError(f"X must hold texts or (target, text) pairs; got an array of shape {X.shape}")
    items = list(X)
    if items and isinstance(items[0], (tuple, list)):
        if any(len(item) != 2 for item in items):
            raise ValueError("Pairs in X must be (target, text)")
        return [str(item[1]) for item in items], [str(item[0]) for item in items]
    if any(not isinstance(item, str) for item in items):
        kinds = sorted({type(item).__name__ for item in items if not isinstance(item, str)})
        raise ValueError(f"X must hold texts (str); found {', '.join(kinds)}")
    return items, None


def _card_markdown(card: dict[str, Any]) -> str:
    lines = [f"# Model card: {card.get('name', 'stance model')}", ""]
    for key, value in card.items():
        if isinstance(value, dict):
            lines.append(f"## {key}")
            lines.extend(f"- {k}: {v}" for k, v in value.items())
            lines.append("")
        else:
            lines.append(f"- **{key}**: {value}")
    return "\n".join(lines) + "\n"
