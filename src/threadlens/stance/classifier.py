"""``StanceClassifier``: a scikit-learn classifier of post stance, on sentence embeddings or TF-IDF.

It follows the estimator contract (keyword-only hyper-parameters stored by ``__init__``, ``fit`` returns
``self``, learned state ends in ``_``, ``NotFittedError`` before fitting), so it works in
``cross_val_score``, ``Pipeline`` and ``GridSearchCV`` as it is::

    clf = StanceClassifier.load()                 # the shipped `connections` model
    clf.predict(["Nobody cares about your GitHub, they hire their friends."])
    StanceClassifier(features="lexical").fit(texts, labels).save("my-model")

Inputs are texts, or ``(target, text)`` pairs for per-target stance data (SemEval-style): the target's
embedding joins the text's. Saved models are JSON + safetensors with a manifest of hashes — no pickle.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError

from ..errors import ModelError
from .features import TextFeatures, text_features
from .head import LinearHead, fit_head
from .persistence import pack_arrays, pack_json, read_model_dir, unpack_arrays, unpack_json, write_model_dir
from .registry import resolve_model
from .relation import RelationModel
from .schemes import Scheme, load_scheme

__all__ = ["StanceClassifier"]

_FEATURES = ("embedding", "lexical")


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Stance of texts under a labelling scheme.

    Parameters
    ----------
    features : {"embedding", "lexical"}
        Sentence embeddings (``encoder``) or word 1–2-gram TF-IDF.
    encoder : str
        Sentence-transformers model name or path; ``all-MiniLM-L6-v2`` is bundled and runs offline.
    backend : str
        Embedding backend: ``auto`` (fast ONNX path where possible), ``onnx``, ``onnx-int8``,
        ``sentence-transformers``.
    C, class_weight, max_iter
        Of the logistic-regression head.
    min_df, max_features, ngram_max
        Of the lexical features.
    scheme : str or None
        Scheme name or path; None builds one from the training labels.
    """

    def __init__(self, *, features: str = "embedding", encoder: str = "all-MiniLM-L6-v2", backend: str = "auto",
                 C: float = 1.0, class_weight: str | None = "balanced", max_iter: int = 2000,
                 min_df: int = 2, max_features: int = 100_000, ngram_max: int = 2,
                 scheme: str | None = None) -> None:
        self.features = features
        self.encoder = encoder
        self.backend = backend
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.min_df = min_df
        self.max_features = max_features
        self.ngram_max = ngram_max
        self.scheme = scheme

    # -- learning ---------------------------------------------------------------------------------
    def fit(self, X: Any, y: Sequence[Any]) -> StanceClassifier:
        """Learn from texts (or ``(target, text)`` pairs) and their labels."""
        if self.features not in _FEATURES:
            raise ValueError(f"features={self.features!r} is not supported; choose one of {_FEATURES}")
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
        self.text_features_ = text_features(self.features, texts, encoder=self.encoder, backend=self.backend,
                                            min_df=self.min_df, max_features=self.max_features,
                                            ngram_max=self.ngram_max, paired=targets is not None)
        matrix = self.text_features_.transform(texts, targets)
        self.head_ = fit_head(matrix, labels, C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
        self.classes_ = np.array(self.head_.classes)
        self.scheme_ = scheme
        self.paired_ = targets is not None
        self.relation_: RelationModel | None = None
        return self

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
        if not texts:
            return np.zeros((0, len(self.classes_)), dtype=np.float32)
        return self.head_.predict_proba(self.text_features_.transform(texts, targets if self.paired_ else None))

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
        config = {"params": self.get_params(), "classes": [str(c) for c in self.classes_],
                  "scheme": self.scheme_.to_dict(), "paired": self.paired_,
                  "features": self.text_features_.describe(),
                  "labeler": {"context_words": getattr(self, "context_words_", None)}}
        files = {"config.json": pack_json(config), "head.safetensors": pack_arrays(self.head_.arrays()),
                 **self.text_features_.files()}
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
            model.text_features_ = TextFeatures.from_files(config["features"], files, source=str(root),
                                                           backend=params.get("backend", "auto"))
            model.head_ = LinearHead.from_arrays(unpack_arrays(files["head.safetensors"], source=str(root)),
                                                 classes=config["classes"])
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
        if not hasattr(self, "head_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet; call fit() or load()")

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


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
