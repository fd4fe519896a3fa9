"""A full disk in the middle of a parallel run: a one-line error that says the run resumes, the process ends
(the worker pool is stopped, not waited for forever), and the same command then finishes the run exactly."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from threadlens.label import label_corpus

from label_corpora import write_corpus

MODEL = "connections-lexical"

# Runs label_corpus with two workers and small units, the output's disk "full" from the third file write on
# (the first unit's chunk and summary get written).
_FULL_DISK_RUN = textwrap.dedent("""
    import errno, sys
    from threadlens.errors import InputError
    from threadlens.label import _state, label_corpus

    real_write, writes = _state._write, []

    def write(path, data, *, sync=False):
        writes.append(path)
        if len(writes) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, data, sync=sync)

    _state._write = write
    try:
        label_corpus([sys.argv[1]], sys.argv[2], model=%r, workers=2, chunk_posts=40)
    except InputError as exc:
        print(exc)
        sys.exit(2)
    """) % MODEL


def test_a_full_disk_stops_the_run_and_the_same_command_resumes_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, copies=2)
    out = tmp_path / "labels.jsonl"
    run = subprocess.run([sys.executable, "-c", _FULL_DISK_RUN, str(corpus), str(out)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 2, run.stderr
    assert run.stdout.strip() == (f"{out}: can't be written (No space left on device); the units labelled so far "
                                  "are kept: free some space and run the same command again to resume")
    assert not out.exists()
    resumed = label_corpus([corpus], out, model=MODEL, workers=2, chunk_posts=40)
    assert resumed.resumed_units == 1 and resumed.units > 4
    fresh = label_corpus([corpus], tmp_path / "fresh.jsonl", model=MODEL, workers=1, chunk_posts=40)
    assert out.read_bytes() == (tmp_path / "fresh.jsonl").read_bytes()
    assert resumed.posts == fresh.posts
