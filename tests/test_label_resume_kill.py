"""``threadlens label`` killed with SIGKILL at random points, then rerun: every post once, the same bytes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from threadlens.label import label_corpus

from label_corpora import write_corpus

ROOT = Path(__file__).resolve().parents[1]
MODEL = "connections-lexical"
CHUNK = "60"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _command(corpus: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "threadlens", "label", str(corpus), "-o", str(out), "--model", MODEL,
            "--chunk-size", CHUNK, "--workers", "2", "--quiet"]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _committed(parts: Path) -> int:
    try:
        return sum(1 for name in os.listdir(parts) if name.endswith(".json") and name[:-5].isdigit())
    except FileNotFoundError:
        return 0


def _processes_writing(out: Path) -> list[int]:
    """Processes (a run or its workers) whose command line names ``out``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(out).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("compressed", [False, True], ids=["jsonl", "jsonl.zst"])
def test_label_survives_kill_9_at_random_points(tmp_path: Path, compressed: bool) -> None:
    corpus = tmp_path / "corpus.jsonl"
    posts = write_corpus(corpus, copies=3)
    reference = tmp_path / "reference.jsonl"
    label_corpus([corpus], reference, model=MODEL, workers=1, chunk_posts=int(CHUNK))
    if compressed:  # kills also land while the run decompresses it into OUT.parts/inputs/
        import zstandard

        packed = tmp_path / "corpus.jsonl.zst"
        packed.write_bytes(zstandard.ZstdCompressor().compress(corpus.read_bytes()))
        corpus.unlink()
        corpus = packed
    units = -(-posts // int(CHUNK))
    out = tmp_path / "labels.jsonl"
    parts = tmp_path / "labels.jsonl.parts"
    rng = random.Random(os.environ.get("THREADLENS_KILL_SEED", "5"))
    kills = 0
    for _ in range(3):
        process = subprocess.Popen(_command(corpus, out), env=_env(), stderr=subprocess.PIPE)
        done = _committed(parts)
        target = done + rng.randrange(0, max(1, units - done))  # kill after this many units (as many: at start-up)
        deadline = time.monotonic() + 60
        while process.poll() is None and _committed(parts) < target and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.03))
        if process.poll() is not None:
            assert process.returncode == 0, process.stderr.read().decode() if process.stderr else ""
            break
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        # Its workers die with it.
        deadline = time.monotonic() + 5
        while _processes_writing(out) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _processes_writing(out)
        # Nothing half-written in OUT's place; and the run directory is whole or gone, never half-deleted.
        assert not out.exists() or not parts.exists() or _committed(parts) == units
        if out.exists() and not parts.exists():
            break  # the kill came after the run had finished
    assert kills >= 1
    if parts.exists() or not out.exists():
        finished = subprocess.run(_command(corpus, out), env=_env(), capture_output=True, timeout=120)
        assert finished.returncode == 0, finished.stderr.decode()
        assert not list(tmp_path.glob(".labels*"))  # no run directory or output left half made or deleted
    assert not parts.exists()
    assert out.read_bytes() == reference.read_bytes()
    keys = [(r["thread"], r["id"]) for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())]
    assert len(keys) == len(set(keys)) == posts  # every post exactly once
