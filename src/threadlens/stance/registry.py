"""Finding a model by name: ``connections`` and ``connections-lexical`` ship in ``models/``.

Search order for a name: ``$THREADLENS_MODELS`` (folders separated by ``os.pathsep``), the models
installed with the package, then ``models/`` of a source checkout. A path to a model directory is
used as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ModelError

__all__ = ["DEFAULT_MODEL", "model_dirs", "resolve_model", "available_models"]

DEFAULT_MODEL = "connections"


def model_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("THREADLENS_MODELS", "").split(os.pathsep) if p]
    package = Path(__file__).resolve().parents[1]
    dirs.append(package / "_models")
    dirs.append(package.parents[1] / "models")  # src/threadlens -> repository root
    return [d for d in dirs if d.is_dir()]


def available_models() -> list[str]:
    names = {p.name for d in model_dirs() for p in d.iterdir() if (p / "manifest.json").is_file()}
    return sorted(names)


def resolve_model(name_or_path: str | os.PathLike[str] | None = None) -> Path:
    """The directory of a model given by name or path (None: the default model)."""
    value = os.fspath(name_or_path) if name_or_path is not None else DEFAULT_MODEL
    candidate = Path(value)
    if candidate.is_dir():
        return candidate
    if os.sep not in value and "/" not in value:
        for directory in model_dirs():
            if (directory / value / "manifest.json").is_file():
                return directory / value
    names = ", ".join(available_models()) or "none found"
    raise ModelError(f"{value}: no such model; pass a model directory or one of: {names}")
