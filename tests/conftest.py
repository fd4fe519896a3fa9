"""Shared test fixtures: paths to the repository, its corpora, and ../shared (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_dir() -> Path:
    configured = os.environ.get("THREADLENS_SHARED")
    return Path(configured) if configured else ROOT.parent / "shared"


SHARED = _shared_dir()


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared (or $THREADLENS_SHARED); tests using it skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data not available at {SHARED} (set THREADLENS_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return CORPORA / "seed-thread.txt"
