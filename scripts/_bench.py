"""What the benchmark scripts share: run the real ``threadlens`` command line, find ../shared, print tables.

The scripts drive the CLI as a user would (``python -m threadlens`` in a subprocess, with this checkout's
``src`` first on ``PYTHONPATH``), so a benchmark measures the shipped commands, not a private code path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

__all__ = ["ROOT", "SRC", "CliRun", "run_threadlens", "shared_dir", "format_table", "platform_note"]


@dataclass(slots=True)
class CliRun:
    """One ``threadlens`` invocation: its exit code, output, wall time and (on failure) its one-line error."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def error(self) -> str:
        """The ``error:`` line the CLI printed (or the last line of stderr)."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        for line in reversed(lines):
            if line.startswith("error:"):
                return line
        return lines[-1] if lines else f"exit code {self.returncode}"

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_threadlens(args: Sequence[str], *, timeout: float | None = None) -> CliRun:
    """Run ``python -m threadlens ARGS`` with this checkout's sources first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("THREADLENS_DEBUG", None)
    command = [sys.executable, "-m", "threadlens", *map(str, args)]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)
    return CliRun(list(map(str, args)), proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - started)


def shared_dir(given: str | os.PathLike[str] | None = None) -> Path:
    """../shared (or $THREADLENS_SHARED, or the path given); exits with a one-line error when missing."""
    path = Path(given) if given else Path(os.environ.get("THREADLENS_SHARED") or ROOT.parent / "shared")
    if not path.is_dir():
        sys.exit(f"error: {path}: shared data not found; pass its path or set THREADLENS_SHARED")
    return path


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table; floats with three decimals, None as a dash."""
    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.3f}"
        return str(value)

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def platform_note() -> str:
    """Cores and load while the figures were measured (run times depend on both)."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return f"{os.cpu_count()} cores, load average {load:.1f} at the end of the run"
