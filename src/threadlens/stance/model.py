"""A trained stance model: prediction, the fast embedding path, and persistence — with numpy alone.

:class:`StanceModel` is what labelling needs: it loads a model directory and predicts, without importing
scikit-learn (0.6 s of start-up that ``threadlens analyze`` does not pay). :class:`~threadlens.stance.
classifier.StanceClassifier` adds fitting and the scikit-learn estimator contract on top of it.

A model is one or more *parts* (features + a logistic head) whose probabilities are averaged with
weights: ``embedding`` and ``lexical`` models have one part, ``hybrid`` both. With the embedding backend
``auto``, batches of 64 texts or more are embedded by the int8 ONNX encoder first and every row whose two
best labels are closer than ``cascade_margin_`` is embedded again in fp32 (the reference's numbers) — the
fast path gives the reference's labels at a fraction of its cost.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .features import FAST_PATH_MIN_BATCH, EmbeddingFeatures, TextFeatures
from .head import LinearHead
from .persistence import pack_arrays, pack_json, read_model_dir, unpack_arrays, unpack_json, write_model_dir
from .registry import resolve_model
from .relation import RelationModel
from .schemes import Scheme

__all__ = ["StanceModel", "Part"]


@dataclass(slots=True)
class Part:
    """Features, the head fitted on them, and the part's weight in the averaged probabilities."""

    features: TextFeatures
    head: LinearHead
    weight: float = 1.0


class StanceModel:
    """A fitted stance model: ``predict``, ``predict_proba``, the relation head, ``save`` and ``load``.

    Fitted state: ``parts_``, ``classes_``, ``scheme_``, ``paired_``, ``relation_``, ``cascade_margin_``,
    and after loading ``card_``, ``path_`` and (if trained with it) ``context_words_``.
    """

    def __init__(self, **params: Any) -> None:
        self.params_ = params

    def model_params(self) -> dict[str, Any]:
        """The hyper-parameters the model was made with (saved with it)."""
        return dict(self.params_)

    @classmethod
    def _from_params(cls, params: dict[str, Any]) -> Any:
        return cls(**params)

    @property
    def embedding_features_(self) -> EmbeddingFeatures | None:
        """The embedding features of the model, if it has an embedding part."""
        for part in getattr(self, "parts_", ()):
            if isinstance(part.features, EmbeddingFeatures):
                return part.features
        return None

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

    def predict_relation_proba(self, replies: Sequence[str], targets: Sequence[str], *,
                               reply_proba: np.ndarray | None = None,
                               target_proba: np.ndarray | None = None) -> np.ndarray:
        """Relation probabilities, columns in ``relation_.classes`` order. The stance probabilities of the
        replies and targets (``classes_`` order) may be passed when already computed."""
        self._check_fitted()
        if self.relation_ is None:
            raise self._no_relation()
        return self.relation_.predict_proba(self, list(replies), list(targets), reply_proba=reply_proba,
                                            target_proba=target_proba)

    def _no_relation(self) -> Exception:
        return ModelError("This model has no relation head; fit one with fit_relation()")

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
        config = {"params": self.model_params(), "classes": [str(c) for c in self.classes_],
                  "scheme": self.scheme_.to_dict(), "paired": self.paired_, "parts": parts,
                  "cascade_margin": getattr(self, "cascade_margin_", None),
                  "labeler": {"context_words": getattr(self, "context_words_", None)}}
        files["config.json"] = pack_json(config)
        if self.relation_ is not None:
            files.update(self.relation_.files())
        if card is not None:
            files["card.json"] = pack_json(card)
            files["README.md"] = _card_markdown(card).encode("utf-8")
        return write_model_dir(path, files, kind=f"stance-{self.model_params().get('features', 'model')}",
                               overwrite=overwrite)

    @classmethod
    def load(cls, name_or_path: str | os.PathLike[str] | None = None, *, backend: str | None = None) -> Any:
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
            model = cls._from_params(params)
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
            raise ModelError(f"This {type(self).__name__} has no trained parts; train or load one")


def _margins(proba: np.ndarray) -> np.ndarray:
    """Per row: the best probability minus the second best."""
    top = np.partition(proba, -2, axis=1)
    return top[:, -1] - top[:, -2]


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
