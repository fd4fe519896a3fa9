"""``StanceClassifier``: a scikit-learn classifier of post stance, on sentence embeddings or TF-IDF.

It follows the estimator contract (keyword-only hyper-parameters stored by ``__init__``, ``fit`` returns
``self``, learned state ends in ``_``, ``NotFittedError`` before fitting), so it works in
``cross_val_score``, ``Pipeline`` and ``GridSearchCV`` as it is::

    clf = StanceClassifier.load()                 # the shipped `connections` model
    clf.predict(["Nobody cares about your GitHub, they hire their friends."])
    StanceClassifier(features="lexical").fit(texts, labels).save("my-model")

Inputs are texts, or ``(target, text)`` pairs for per-target stance data (SemEval-style): the target's
embedding joins the text's. Saved models are JSON + safetensors with a manifest of hashes — no pickle.

Prediction, the fast embedding path and persistence come from :class:`~threadlens.stance.model.StanceModel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError

from .features import text_features
from .head import fit_head
from .model import Part, StanceModel, _inputs, _margins
from .relation import RelationModel
from .schemes import Scheme, load_scheme

__all__ = ["StanceClassifier"]

_FEATURES = {"embedding": ("embedding",), "lexical": ("lexical",), "hybrid": ("embedding", "lexical")}
_WEIGHT_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


class StanceClassifier(StanceModel, ClassifierMixin, BaseEstimator):
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

    def model_params(self) -> dict[str, Any]:
        return self.get_params()

    @classmethod
    def _from_params(cls, params: dict[str, Any]) -> StanceClassifier:
        return cls(**params)

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

    def _calibrate_cascade(self, texts: list[str], targets: list[str] | None) -> float | None:
        """The margin under which a fast (int8) prediction is re-checked exactly: twice the largest margin at
        which the fast path changed a label of the training data (at least 0.02, at most 0.3)."""
        embedding = self.embedding_features_
        if embedding is None or not embedding.has_fast_path:
            return None
        exact = self._proba(texts, targets, exact=True)
        fast = self._proba(texts, targets, exact=False)
        flipped = exact.argmax(axis=1) != fast.argmax(axis=1)
        if not flipped.any():
            return 0.02
        return float(min(0.3, max(0.02, 2.0 * float(_margins(fast)[flipped].max()))))

    def fit_relation(self, replies: Sequence[str], targets: Sequence[str], labels: Sequence[str]) -> StanceClassifier:
        """Learn the reply relation (agree / disagree / neutral) of ``replies`` to the ``targets`` they answer."""
        self._check_fitted()
        self.relation_ = RelationModel.fit(self, list(replies), list(targets), [str(l) for l in labels])
        return self

    def predict(self, X: Any) -> list[str]:  # type: ignore[override]
        """The most probable label of each input."""
        return StanceModel.predict(self, X)

    def _no_relation(self) -> Exception:
        return NotFittedError("This model has no relation head; fit one with fit_relation()")

    def _check_fitted(self) -> None:
        if not hasattr(self, "parts_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit() or load()")

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


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


