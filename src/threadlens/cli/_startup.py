"""Start-up speed of the command line.

spaCy imports thinc, which imports PyTorch (~0.8 s here) only to offer its PyTorch wrappers; threadlens's
pipeline never uses them. In the CLI process, and only there, spaCy is imported with PyTorch hidden, so
``threadlens analyze`` starts in about half the time. PyTorch itself stays importable afterwards (the
sentence-transformers backend and training import it as usual); only thinc's optional wrappers are off.
"""

from __future__ import annotations

import importlib.abc
import sys

__all__ = ["hide_torch_from_spacy"]


class _HideTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name == "torch" or name.startswith("torch."):
            raise ImportError("threadlens CLI: torch not loaded for spaCy's optional wrappers")
        return None


def hide_torch_from_spacy() -> None:
    """Import spaCy now, without letting thinc pull in PyTorch (no-op if either is already imported)."""
    if "spacy" in sys.modules or "torch" in sys.modules or "thinc" in sys.modules:
        return
    finder = _HideTorch()
    sys.meta_path.insert(0, finder)
    try:
        import spacy  # noqa: F401
    except ImportError:
        pass
    finally:
        sys.meta_path.remove(finder)
