"""The linear head every stance model ends in: logistic regression fitted by scikit-learn, applied in numpy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["LinearHead", "fit_head", "softmax"]


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


@dataclass(frozen=True, slots=True)
class LinearHead:
    """Multinomial logistic regression: ``softmax(X @ coef.T + intercept)``; one row of ``coef`` per class."""

    coef: np.ndarray
    intercept: np.ndarray
    classes: list[str]

    def predict_proba(self, matrix: Any) -> np.ndarray:
        scores = np.asarray(matrix @ self.coef.T, dtype=np.float64) + self.intercept
        return softmax(scores).astype(np.float32)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        return {f"{prefix}coef": self.coef.astype(np.float32), f"{prefix}intercept": self.intercept.astype(np.float32)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], *, classes: Sequence[str], prefix: str = "") -> LinearHead:
        coef, intercept = arrays[f"{prefix}coef"], arrays[f"{prefix}intercept"]
        if coef.ndim != 2 or coef.shape[0] != len(classes) or intercept.shape != (len(classes),):
            raise ValueError(f"head shapes {coef.shape}/{intercept.shape} do not fit {len(classes)} classes")
        return cls(coef=coef.astype(np.float32), intercept=intercept.astype(np.float32), classes=list(classes))


def fit_head(matrix: Any, labels: Sequence[str], *, C: float = 1.0, class_weight: str | None = "balanced",
             max_iter: int = 2000) -> LinearHead:
    """Fit a logistic-regression head (a binary one is stored as two softmax rows)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, class_weight=class_weight, max_iter=max_iter)
    model.fit(matrix, list(labels))
    coef = np.asarray(model.coef_, dtype=np.float32)
    intercept = np.asarray(model.intercept_, dtype=np.float32)
    if len(model.classes_) == 2:  # sigmoid(z) == softmax([-z/2, z/2])
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    return LinearHead(coef=coef, intercept=intercept, classes=[str(c) for c in model.classes_])
