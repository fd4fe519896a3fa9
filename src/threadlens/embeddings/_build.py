"""Turn a model directory into a cached ONNX file for one variant ("fp32" | "int8")."""

from __future__ import annotations

from pathlib import Path

from ._cache import get_or_build
from ._model_files import ModelFiles
from .encoder import EncoderError

# Bump when the emitted graph or the quantisation recipe changes: old cache files are then ignored.
BUILDER_VERSION = 1
VARIANTS = ("fp32", "int8")


def cache_key(files: ModelFiles, variant: str) -> str:
    key = f"{_slug(files.name)}-{files.weights_sha256[:16]}-{variant}-b{BUILDER_VERSION}"
    if variant == "int8":  # the quantiser is onnxruntime's: its version is part of the recipe
        import onnxruntime

        key += f"-ort{onnxruntime.__version__}"
    return key


def prepare(files: ModelFiles, variant: str) -> Path:
    """Verified path of the cached ONNX file, built on first use."""
    if variant not in VARIANTS:
        raise EncoderError(f"unknown ONNX variant {variant!r}; use one of {', '.join(VARIANTS)}")
    return get_or_build(cache_key(files, variant), lambda: build_bytes(files, variant))


def build_bytes(files: ModelFiles, variant: str) -> bytes:
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

    from ._quantize import CALIBRATION_TEXTS, quantize_int8
    from ._tokenize import Batcher

    batcher = Batcher(files.tokenizer, files.max_seq_length)
    return quantize_int8(model, (feeds for _, feeds in batcher.batches(CALIBRATION_TEXTS, batch_size=8)))


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:64] or "model"
