"""SentenceEncoder running a cached ONNX graph with onnxruntime (no torch)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort

from ._model_files import ModelFiles
from ._tokenize import Batcher
from .encoder import EncoderError


def _threads_from_env() -> int | None:
    """``$THREADLENS_THREADS``: how many cores one encoder may use (set per worker by ``threadlens label``)."""
    value = os.environ.get("THREADLENS_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


class OnnxEncoder:
    """Tokenise with ``tokenizers``, run batches through onnxruntime, return rows in input order."""

    def __init__(self, files: ModelFiles, onnx_path: Path, backend: str, threads: int | None = None) -> None:
        self.name = files.name
        self.backend = backend
        self.dim = int(files.config["hidden_size"])
        self.weights_sha256 = files.weights_sha256
        self._batcher = Batcher(files.tokenizer, files.max_seq_length)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or _threads_from_env() or os.cpu_count() or 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EncoderError(
                f"onnxruntime cannot load {onnx_path} ({exc}); delete the file to rebuild it"
            ) from exc

    def encode(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """Embed ``texts`` in length-sorted batches. Small batches are faster here on CPU (less padding,
        better cache use; measured: int8 323 texts/s at 16 against 265 at 64, fp32 188 against 155)."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for rows, feeds in self._batcher.batches(texts, batch_size):
            out[rows] = self._session.run(["sentence_embedding"], feeds)[0]
        return out

    def __repr__(self) -> str:
        return f"OnnxEncoder(name={self.name!r}, backend={self.backend!r}, dim={self.dim})"
