"""threadlens: who said what, quoting whom, arguing which side.

>>> import threadlens
>>> thread = threadlens.read_thread("corpora/seed-thread.txt")
>>> result = threadlens.analyze(thread, stance=False)
>>> [s.kind for s in result["p3"].segments]
['quote']

Heavy parts (spaCy, the stance models) load on first use, so ``import threadlens`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import FetchError, InputError, ModelError, ThreadlensError
from .thread import Notice, Post, Segment, Thread

if TYPE_CHECKING:
    from spacy.language import Language

    from .analysis import PostAnalysis, RelationResult, StanceResult, Summary, ThreadAnalysis
    from .quotes.splitter import SplitConfig
    from .stance.classifier import StanceClassifier

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "Thread", "Post", "Segment", "Notice",
    "read_thread", "read_threads",
    "analyze", "analyze_threads", "pipeline", "render",
    "ThreadAnalysis", "PostAnalysis", "Summary", "StanceResult", "RelationResult", "SplitConfig",
    "StanceClassifier",
    "ThreadlensError", "InputError", "ModelError", "FetchError",
]

_LAZY = {
    "ThreadAnalysis": "analysis", "PostAnalysis": "analysis", "Summary": "analysis",
    "StanceResult": "analysis", "RelationResult": "analysis", "analyze": "analysis", "analyze_threads": "analysis",
    "SplitConfig": "quotes.splitter",
    "StanceClassifier": "stance.classifier",
    "render": "views.displacy",
}


def read_thread(source: Any, *, format: str | None = None) -> Thread:
    """Read one thread from a path, ``"-"`` (stdin), a URL, raw text, bytes or a file object.

    ``format`` forces an input format (``threadlens formats`` lists them); otherwise it is detected.
    """
    from .readers import read_thread as _read_thread

    return _read_thread(source, format=format)


def read_threads(source: Any, *, format: str | None = None) -> list[Thread]:
    """Read every thread in a source (a JSONL corpus or mailbox may hold many)."""
    from .readers import read_threads as _read_threads

    return _read_threads(source, format=format)


def pipeline(*, config: SplitConfig | None = None) -> Language:
    """The spaCy pipeline: ``spacy.blank("en")`` + ``sentencizer`` + ``threadlens_quotes``."""
    from .quotes.pipeline import pipeline as _pipeline

    return _pipeline(config=config)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'threadlens' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
