"""SentenceEncoder over sentence-transformers, imported lazily (it pulls in torch, ~4 s)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._tokenize import _check_texts
from .encoder import EncoderError


class STEncoder:
    """The reference path; also the fallback for models the ONNX builder does not cover."""

    backend = "sentence-transformers"

    def __init__(self, source: str, name: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderError(
                f"{name!r} needs sentence-transformers: pip install sentence-transformers"
            ) from exc
        self.name = name
        self._model: Any = _load(SentenceTransformer, source)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        _check_texts(texts)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        emb = self._model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(emb, dtype=np.float32)

    def __repr__(self) -> str:
        return f"STEncoder(name={self.name!r}, dim={self.dim})"


def _load(cls: Any, source: str) -> Any:
    """Local files first (works offline from a local dir or the HF cache), then the hub."""
    try:
        return cls(source, device="cpu", local_files_only=True)
    except Exception:
        pass
    try:
        return cls(source, device="cpu")
    except Exception as exc:
        raise EncoderError(
            f"sentence-transformers cannot load {source!r} ({type(exc).__name__}); "
            "pass a local model directory, or download it first with hub access"
        ) from exc
