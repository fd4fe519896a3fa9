"""``threadlens label`` through the CLI: summary, options, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.cli import app

from label_corpora import POSTS, THREADS, write_corpus

MODEL = "connections-lexical"
runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "corpus.jsonl"
    write_corpus(path)
    return path


def _label(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["label", *args])


def test_cli_label_writes_records_and_a_summary(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.jsonl"
    result = _label(str(corpus), "-o", str(out), "--model", MODEL, "--workers", "1", "--with-text",
                    "--report", str(tmp_path / "report.json"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"labelled {POSTS:,} posts in {THREADS:,} threads to {out}")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == POSTS and all("text" in r for r in records)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["posts"] == POSTS and report["rejected"] == 0 and report["model"] == MODEL


@pytest.mark.parametrize(("args", "message"), [
    (["missing.jsonl", "-o", "{tmp}/x.jsonl"], "error: missing.jsonl: no such file or directory; check the path"),
    (["{corpus}", "-o", "{tmp}/x.txt"], "error: {tmp}/x.txt: can't tell the output format from the suffix '.txt'"),
    (["{corpus}", "-o", "{tmp}/no/x.jsonl"], "error: {tmp}/no/x.jsonl: can't be written: folder"),
    (["{corpus}", "-o", "{tmp}/x.jsonl", "--scheduler", "tcp://h:8786"], "error: --scheduler needs --engine dask"),
    (["{corpus}", "-o", "{tmp}/x.jsonl", "--model", "nope"], "error: nope: no such model"),
    (["{corpus}", "-o", "{tmp}/taken.jsonl"], "error: {tmp}/taken.jsonl: already exists; pass --force"),
])
def test_cli_label_bad_input_is_one_line(corpus: Path, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "taken.jsonl").write_text("mine\n", encoding="utf-8")
    filled = [a.format(tmp=tmp_path, corpus=corpus) for a in args]
    if "--model" not in filled:
        filled += ["--model", MODEL]
    result = _label(*filled)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(message.format(tmp=tmp_path)), result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (tmp_path / "taken.jsonl").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.jsonl"]  # nothing half-written


def test_cli_label_with_the_regex_segmenter_never_imports_spacy(corpus: Path, tmp_path: Path) -> None:
    """spaCy (and the PyTorch its thinc pulls in) would add most of a second to every run's start-up."""
    import subprocess
    import sys

    out = tmp_path / "labels.jsonl"
    probe = ("import sys, runpy; sys.argv = ['threadlens', 'label', sys.argv[1], '-o', sys.argv[2], '--model', "
             f"'{MODEL}', '--workers', '1', '-q']\n"
             "try:\n    runpy.run_module('threadlens', run_name='__main__')\n"
             "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
             "print(sorted(m for m in ('spacy', 'thinc', 'torch') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe, str(corpus), str(out)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert len(out.read_text(encoding="utf-8").splitlines()) == POSTS
