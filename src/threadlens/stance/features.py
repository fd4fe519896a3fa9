"""What a stance head sees: sentence embeddings of the text (and of its target), or lexical TF-IDF."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ModelError
from .lexical import LexicalFeatures
from .persistence import pack_arrays, pack_json, unpack_arrays, unpack_json

__all__ = ["FAST_PATH_MIN_BATCH", "TextFeatures", "EmbeddingFeatures", "LexicalTextFeatures", "CachedEncoder", "text_features", "get_encoder"]

_ENCODERS: dict[tuple[str, str, str], CachedEncoder] = {}
FAST_PATH_MIN_BATCH = 64  # smaller batches are embedded exactly (fp32) straight away


class CachedEncoder:
    """A sentence encoder with a bounded cache keyed by a hash of each text: a text is encoded once per process,
    however many models, folds or threads ask for it; identical texts in one call are encoded once too."""

    def __init__(self, encoder: Any, *, cache_size: int = 50_000) -> None:
        self.inner = encoder
        self.name = encoder.name
        self.dim = int(encoder.dim)
        self.backend = getattr(encoder, "backend", "unknown")
        self.weights_sha256 = getattr(encoder, "weights_sha256", None)
        self.cache_size = cache_size
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.encoded = 0  # texts actually sent to the encoder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: dict[bytes, str] = {}
        for row, (key, text) in enumerate(zip(keys, texts)):
            vector = self._cache.get(key)
            if vector is not None:
                out[row] = vector
            elif key not in missing:
                missing[key] = text
        if missing:
            vectors = np.asarray(self.inner.encode(list(missing.values())), dtype=np.float32)
            self.encoded += len(missing)
            fresh = dict(zip(missing, vectors))
            for row, key in enumerate(keys):
                if key in fresh:
                    out[row] = fresh[key]
            self._cache.update(fresh)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return out


def get_encoder(name: str, backend: str = "auto", *, calibration: Sequence[str] | None = None) -> CachedEncoder:
    """A loaded sentence encoder, shared (with its cache) by every model in the process. ``calibration``
    texts (int8 only) tune the quantisation to a model's domain."""
    digest = hashlib.sha256("\x00".join(calibration).encode()).hexdigest() if calibration else ""
    key = (name, backend, digest)
    if key not in _ENCODERS:
        from ..embeddings import load_encoder

        _ENCODERS[key] = CachedEncoder(load_encoder(name, backend=backend, calibration=calibration or None))
    return _ENCODERS[key]


class TextFeatures:
    """Base of the two feature kinds: ``transform`` texts (and optional targets) into a matrix."""

    kind = ""

    def transform(self, texts: Sequence[str], targets: Sequence[str] | None = None, *, exact: bool = True) -> Any:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        raise NotImplementedError

    def files(self) -> dict[str, bytes]:
        return {}

    @staticmethod
    def from_files(description: dict[str, Any], files: dict[str, bytes], *, source: str,
                   backend: str = "auto") -> TextFeatures:
        kind = description.get("kind")
        if kind == "embedding":
            return EmbeddingFeatures.from_description(description, backend=backend, source=source, files=files)
        if kind == "lexical":
            vocabulary = unpack_json(files["lexical.json"], source=source)
            arrays = unpack_arrays(files["lexical.safetensors"], source=source)
            return LexicalTextFeatures(LexicalFeatures(vocabulary["terms"], arrays["idf"],
                                                       ngram_max=int(vocabulary.get("ngram_max", 2))))
        raise ModelError(f"{source}: unknown feature kind {kind!r}; this model needs a newer threadlens")


class EmbeddingFeatures(TextFeatures):
    """Sentence embeddings; with targets, ``[text, target, text * target]``.

    ``backend="auto"`` gives two precisions for an ONNX-capable encoder: *exact* (fp32 ONNX, the same
    embeddings as sentence-transformers) and *fast* (int8 ONNX, a few times quicker, slightly perturbed).
    The classifier uses the fast one for large batches and re-checks its uncertain rows exactly. Any other
    backend is used for both.
    """

    kind = "embedding"

    def __init__(self, encoder_name: str, *, backend: str = "auto", calibration: Sequence[str] = ()) -> None:
        self.encoder_name = encoder_name
        self.backend = backend
        self.calibration = list(calibration)  # in-domain texts the int8 encoder is calibrated on
        self._capable: bool | None = None

    @property
    def has_fast_path(self) -> bool:
        if self.backend != "auto":
            return False
        if self._capable is None:
            from ..embeddings import onnx_capable

            self._capable = onnx_capable(self.encoder_name)
        return self._capable

    def encoder_for(self, *, exact: bool = True) -> CachedEncoder:
        if self.has_fast_path:
            if exact:
                return get_encoder(self.encoder_name, "onnx")
            return get_encoder(self.encoder_name, "onnx-int8", calibration=self.calibration)
        return get_encoder(self.encoder_name, self.backend,
                           calibration=self.calibration if self.backend == "onnx-int8" else None)

    @property
    def encoder(self) -> CachedEncoder:
        return self.encoder_for(exact=True)

    def embed(self, texts: Sequence[str], *, exact: bool = True) -> np.ndarray:
        """Embeddings of ``texts`` (float32, one row each); texts seen before come from the cache."""
        return self.encoder_for(exact=exact).encode(list(texts))

    def transform(self, texts: Sequence[str], targets: Sequence[str] | None = None, *,
                  exact: bool = True) -> np.ndarray:
        vectors = self.embed(texts, exact=exact)
        if targets is None:
            return vectors
        target_vectors = self.embed(targets, exact=exact)
        return np.hstack([vectors, target_vectors, vectors * target_vectors])

    def describe(self) -> dict[str, Any]:
        encoder = self.encoder
        return {"kind": "embedding", "encoder": self.encoder_name, "dim": int(encoder.dim),
                "weights_sha256": getattr(encoder, "weights_sha256", None),
                "calibration": "calibration.json" if self.calibration else None}

    def files(self) -> dict[str, bytes]:
        return {"calibration.json": pack_json(self.calibration)} if self.calibration else {}

    @classmethod
    def from_description(cls, description: dict[str, Any], *, backend: str, source: str,
                         files: dict[str, bytes] | None = None) -> EmbeddingFeatures:
        calibration: list[str] = []
        if description.get("calibration"):
            calibration = unpack_json((files or {})[description["calibration"]], source=source)
            if not isinstance(calibration, list) or not all(isinstance(t, str) for t in calibration):
                raise ModelError(f"{source}: calibration.json is not a list of texts; save the model again")
        features = cls(str(description["encoder"]), backend=backend, calibration=calibration)
        expected = description.get("weights_sha256")
        if expected:
            actual = getattr(features.encoder, "weights_sha256", None)
            if actual is not None and actual != expected:
                raise ModelError(f"{source}: trained with encoder weights {expected[:12]}…, but "
                                 f"{description['encoder']!r} here has {actual[:12]}…; install the matching encoder "
                                 "or retrain the model")
        return features


def calibration_texts(texts: Sequence[str], count: int = 64) -> list[str]:
    """``count`` training texts of 5 words or more, picked by a hash of their text (reproducible, spread over
    the data): what the int8 encoder's quantisation is calibrated on."""
    candidates = sorted({t for t in texts if len(t.split()) >= 5},
                        key=lambda t: hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest())
    return candidates[:count]


class LexicalTextFeatures(TextFeatures):
    kind = "lexical"

    def __init__(self, features: LexicalFeatures) -> None:
        self.features = features

    def transform(self, texts: Sequence[str], targets: Sequence[str] | None = None, *, exact: bool = True) -> Any:
        return self.features.transform(texts)

    def describe(self) -> dict[str, Any]:
        return {"kind": "lexical", "terms": self.features.dim, "ngram_max": self.features.ngram_max}

    def files(self) -> dict[str, bytes]:
        return {"lexical.json": pack_json({"terms": self.features.vocabulary, "ngram_max": self.features.ngram_max}),
                "lexical.safetensors": pack_arrays({"idf": self.features.idf})}


def text_features(kind: str, texts: Sequence[str], *, encoder: str, backend: str, min_df: int,
                  max_features: int, ngram_max: int, paired: bool) -> TextFeatures:
    """Feature extraction fitted to ``texts`` (the lexical vocabulary; the int8 encoder's calibration texts)."""
    if kind == "embedding":
        return EmbeddingFeatures(encoder, backend=backend, calibration=calibration_texts(texts))
    return LexicalTextFeatures(LexicalFeatures.fit(texts, ngram_max=ngram_max, min_df=min_df,
                                                   max_features=max_features))
