"""Model directories without pickle: JSON, safetensors and a manifest of sha256 hashes.

A model directory holds ``manifest.json`` (format, version, and the sha256 of every other file) plus the
files it lists. Loading reads the manifest, refuses an unknown format or a newer format version, and
checks every listed file's hash before anything is parsed — a tampered, truncated or missing file is
refused with a clear message. Nothing is ever unpickled or executed: weights are safetensors, the rest
is JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError

__all__ = ["FORMAT", "FORMAT_VERSION", "write_model_dir", "read_model_dir", "pack_arrays", "unpack_arrays",
           "pack_json", "unpack_json"]

FORMAT = "threadlens-model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


def pack_arrays(arrays: dict[str, np.ndarray]) -> bytes:
    from safetensors.numpy import save

    return save({name: np.ascontiguousarray(array) for name, array in arrays.items()})


def unpack_arrays(data: bytes, *, source: str) -> dict[str, np.ndarray]:
    from safetensors.numpy import load

    try:
        return load(data)
    except Exception as exc:  # safetensors raises its own error types
        raise ModelError(f"{source}: weights can't be read ({exc}); the model is damaged, save it again") from None


def pack_json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def unpack_json(data: bytes, *, source: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{source}: is not valid JSON ({exc}); the model is damaged, save it again") from None


def write_model_dir(path: str | os.PathLike[str], files: dict[str, bytes], *, kind: str,
                    overwrite: bool = False, extra: dict[str, Any] | None = None) -> Path:
    """Write ``files`` and their manifest to ``path`` in one step (a sibling temp dir, then a rename)."""
    from .. import __version__

    target = Path(path)
    if target.exists() and not overwrite:
        raise ModelError(f"{target}: already exists; choose another directory or overwrite it explicitly")
    if target.exists() and not target.is_dir():  # a file, a device (/dev/null): never replaced by a model
        raise ModelError(f"{target}: exists and is not a directory; a model is a directory: choose another name")
    if target.exists() and not (target / MANIFEST).is_file() and any(target.iterdir()):
        raise ModelError(f"{target}: exists and is not a threadlens model; refusing to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "kind": kind,
                    "threadlens_version": __version__,
                    "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
                    **(extra or {})}
        (staging / MANIFEST).write_bytes(pack_json(manifest))
        if target.exists():
            retired = target.with_name(f".{target.name}.old")
            shutil.rmtree(retired, ignore_errors=True)
            os.replace(target, retired)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def read_model_dir(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and the verified bytes of every file it lists."""
    root = Path(path)
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise ModelError(f"{root}: is not a threadlens model directory (no {MANIFEST}); train one with "
                         "`threadlens train` or pass a model name such as 'connections'")
    manifest = unpack_json(manifest_path.read_bytes(), source=str(manifest_path))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{manifest_path}: not a {FORMAT} manifest")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise ModelError(f"{root}: model format version {version!r} is not supported by this threadlens "
                         f"(reads version {FORMAT_VERSION}); upgrade threadlens or retrain the model")
    listed = manifest.get("files")
    if not isinstance(listed, dict) or not listed:
        raise ModelError(f"{manifest_path}: lists no files")
    contents: dict[str, bytes] = {}
    for name, expected in listed.items():
        if Path(name).name != name:
            raise ModelError(f"{manifest_path}: file name {name!r} points outside the model directory")
        file_path = root / name
        if not file_path.is_file():
            raise ModelError(f"{root}: {name} is missing; the model is incomplete, save or copy it again")
        data = file_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != expected:
            raise ModelError(f"{file_path}: sha256 does not match the manifest; the file was changed or truncated "
                             "— refusing to load it")
        contents[name] = data
    return manifest, contents
