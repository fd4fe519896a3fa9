"""Stance schemes: the question a classifier answers, its labels with one-line descriptions.

A scheme is a small JSON file::

    {"name": "connections", "question": "...",
     "labels": [{"name": "worth_connecting", "description": "..."}, ...],
     "neutral": "neutral",                                    # optional: the no-lean label
     "opposites": {"worth_connecting": "skill_matters", ...}} # optional: what disagreeing flips to

Built-in schemes ship in ``threadlens/stance/schemes/``; any path to such a file loads the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["Scheme", "LabelInfo", "load_scheme", "builtin_schemes"]


@dataclass(frozen=True, slots=True)
class LabelInfo:
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Scheme:
    """A labelling scheme. ``opposites`` maps a label to the one a disagreeing reply leans to."""

    name: str
    labels: tuple[LabelInfo, ...]
    question: str = ""
    neutral: str | None = None
    opposites: dict[str, str] = field(default_factory=dict)

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    def opposite(self, label: str) -> str:
        return self.opposites.get(label, label)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "question": self.question,
                "labels": [{"name": l.name, "description": l.description} for l in self.labels],
                "neutral": self.neutral, "opposites": dict(self.opposites)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "scheme") -> Scheme:
        try:
            labels = tuple(LabelInfo(str(l["name"]), str(l.get("description", ""))) if isinstance(l, dict)
                           else LabelInfo(str(l)) for l in data["labels"])
            scheme = cls(name=str(data["name"]), labels=labels, question=str(data.get("question", "")),
                         neutral=data.get("neutral"), opposites=dict(data.get("opposites") or {}))
        except (KeyError, TypeError) as exc:
            raise InputError(f"is not a stance scheme (missing or malformed {exc}); see the README for the format",
                             source=source) from None
        names = scheme.label_names
        if len(names) < 2 or len(set(names)) != len(names):
            raise InputError("a scheme needs at least two distinct labels", source=source)
        unknown = {scheme.neutral, *scheme.opposites, *scheme.opposites.values()} - {None, *names}
        if unknown:
            raise InputError(f"names labels that are not in its list: {', '.join(sorted(map(str, unknown)))}",
                             source=source)
        return scheme

    @classmethod
    def from_labels(cls, labels: list[str], *, name: str = "custom") -> Scheme:
        """A scheme made from the labels found in training data (no descriptions)."""
        neutral = next((l for l in labels if l.lower() in ("neutral", "none", "other", "unrelated")), None)
        return cls(name=name, labels=tuple(LabelInfo(l) for l in labels), neutral=neutral)


def builtin_schemes() -> list[str]:
    return sorted(p.name[: -len(".json")] for p in files(__package__).joinpath("schemes").iterdir()
                  if p.name.endswith(".json"))


def load_scheme(name_or_path: str | Path) -> Scheme:
    """A built-in scheme by name (``"connections"``) or a scheme file by path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".json" or candidate.exists():
        if not candidate.is_file():
            raise InputError("no such scheme file; check the path", source=str(candidate))
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"is not valid JSON ({exc})", source=str(candidate)) from None
        return Scheme.from_dict(data, source=str(candidate))
    resource = files(__package__).joinpath("schemes", f"{name_or_path}.json")
    if not resource.is_file():
        raise InputError(f"unknown scheme {str(name_or_path)!r}; built-in: {', '.join(builtin_schemes())}, "
                         "or pass a path to a scheme JSON file")
    return Scheme.from_dict(json.loads(resource.read_text(encoding="utf-8")), source=str(name_or_path))
