"""Turn a model directory into a cached ONNX file for one variant ("fp32" | "int8")."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ._cache import get_or_build
from ._model_files import ModelFiles
from .encoder import EncoderError

# Bump when the emitted graph or the quantisation recipe changes: old cache files are then ignored.
BUILDER_VERSION = 1
VARIANTS = ("fp32", "int8")


def cache_key(files: ModelFiles, variant: str, calibration: Sequence[str] | None = None) -> str:
    key = f"{_slug(files.name)}-{files.weights_sha256[:16]}-{variant}-b{BUILDER_VERSION}"
    if variant == "int8":  # the quantiser is onnxruntime's: its version is part of the recipe
        import onnxruntime

        key += f"-ort{onnxruntime.__version__}"
        if calibration is not None:
            key += f"-cal{_texts_sha(calibration)[:12]}"
    return key


def prepare(files: ModelFiles, variant: str, calibration: Sequence[str] | None = None) -> Path:
    """Verified path of the cached ONNX file, built on first use.

    ``calibration`` (int8 only): in-domain texts used to smooth activation outliers
    before quantising; without them the int8 model is plain per-channel quantize_dynamic.
    """
    if variant not in VARIANTS:
        raise EncoderError(f"unknown ONNX variant {variant!r}; use one of {', '.join(VARIANTS)}")
    if calibration is not None and variant != "int8":
        raise EncoderError("calibration texts only apply to backend='onnx-int8'; drop them or switch backend")
    if calibration is not None and not calibration:
        raise EncoderError("calibration is empty; pass some in-domain texts (64 is plenty) or None")
    return get_or_build(cache_key(files, variant, calibration), lambda: build_bytes(files, variant, calibration))


def build_bytes(files: ModelFiles, variant: str, calibration: Sequence[str] | None = None) -> bytes:
    """Serialized ONNX model; deterministic for given weights, variant and library versions."""
    from safetensors.numpy import load_file

    from ._bert_graph import BertSpec, build_bert_onnx

    try:
        weights = load_file(str(files.weights))
        model = build_bert_onnx(weights, BertSpec.from_config(files.config, files.pooling))
    except (KeyError, ValueError, OSError) as exc:
        raise EncoderError(
            f"cannot build an ONNX graph from {files.root} ({type(exc).__name__}: {exc}); "
            "use backend='sentence-transformers'"
        ) from exc
    if variant == "fp32":
        return model.SerializeToString()

    from ._quantize import quantize_int8
    from ._tokenize import Batcher

    if calibration is None:
        return quantize_int8(model)
    batches = Batcher(files.tokenizer, files.max_seq_length).batches(calibration, batch_size=16)
    return quantize_int8(model, (feeds for _, feeds in batches))


def _texts_sha(texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(hashlib.sha256(t.encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:64] or "model"
