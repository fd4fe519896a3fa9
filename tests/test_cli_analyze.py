"""``threadlens analyze`` through the CLI: views, JSON contract, output files and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.cli import app

runner = CliRunner()


def _run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=stdin)


def test_cli_analyze_terminal_view(seed_path: Path) -> None:
    result = _run("analyze", str(seed_path), "--no-stance")
    assert result.exit_code == 0, result.output
    assert "quoting p2 [copy]" in result.stdout
    assert "quoting p9 [inline]" in result.stdout
    assert "duplicate of p2" in result.stdout
    assert "13 posts · 4 quotes (3 attributed) · 1 duplicate" in result.stdout


def test_cli_analyze_json_contract(seed_path: Path) -> None:
    result = _run("analyze", str(seed_path), "--no-stance", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"posts", "summary"}
    post = data["posts"][2]
    assert set(post) >= {"id", "reply_to", "author", "text", "segments", "duplicate_of"}
    segment = post["segments"][0]
    assert set(segment) >= {"kind", "start", "end", "text", "source", "marker"}
    assert segment == {**segment, "kind": "quote", "source": "p2", "marker": "copy",
                       "text": post["text"][segment["start"] : segment["end"]]}
    assert data["summary"] | {"posts": 13, "quotes": 4, "attributed": 3, "duplicates": 1} == data["summary"]
    assert data["posts"][12]["duplicate_of"] == "p2"


def test_cli_analyze_reads_stdin() -> None:
    result = _run("analyze", "-", "--no-stance", "--format", "json",
                  stdin="Skill is all that matters here.\n> Skill is all that matters here.\nNope.\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["posts"] == 3


def test_cli_analyze_writes_output_file(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed.json"
    result = _run("analyze", str(seed_path), "--no-stance", "-f", "json", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["summary"]["posts"] == 13
    assert [p.name for p in tmp_path.iterdir()] == ["seed.json"]


def test_cli_analyze_warns_about_recovered_input(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "a", "text": "hi"}\nnot json\n{"id": "b", "text": "yo", "reply_to": "zz"}\n')
    result = _run("analyze", str(path), "--no-stance", "-f", "json")
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "skipped 1 line(s): line 2" in result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert summary["notices"] == {"dangling_reply_to": 1, "skipped_line": 1}


def _cycle(tmp_path: Path) -> Path:
    path = tmp_path / "cycle.jsonl"
    path.write_text('{"id": "a", "text": "x", "reply_to": "b"}\n{"id": "b", "text": "y", "reply_to": "a"}\n')
    return path


def _binary(tmp_path: Path) -> Path:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 4)
    return path


@pytest.mark.parametrize(
    "make_path, expected",
    [
        (lambda tmp: tmp / "missing.txt", "missing.txt: no such file; check the path"),
        (lambda tmp: tmp, "is a directory"),
        (_binary, "blob.bin: looks like a binary file"),
        (_cycle, "cycle.jsonl:1: reply_to links form a cycle"),
    ],
    ids=["missing", "directory", "binary", "cycle"],
)
def test_cli_analyze_bad_input_is_one_line_exit_2(tmp_path: Path, make_path, expected: str) -> None:  # type: ignore[no-untyped-def]
    result = _run("analyze", str(make_path(tmp_path)), "--no-stance")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_analyze_refuses_unknown_input_format(seed_path: Path) -> None:
    result = _run("analyze", str(seed_path), "--no-stance", "--input-format", "nope")
    assert result.exit_code == 2 and "unknown input format 'nope'" in result.stderr


def test_cli_analyze_output_into_missing_folder_writes_nothing(seed_path: Path, tmp_path: Path) -> None:
    result = _run("analyze", str(seed_path), "--no-stance", "-o", str(tmp_path / "nope" / "x.json"))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_console_script_runs_in_a_subprocess(seed_path: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "threadlens", "analyze", str(seed_path), "--no-stance",
                                "-f", "json"], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["summary"]["duplicates"] == 1


def test_cli_analyze_output_file_gets_a_normal_mode(seed_path: Path, tmp_path: Path) -> None:
    import os
    import stat

    out = tmp_path / "seed.json"
    assert _run("analyze", str(seed_path), "--no-stance", "-f", "json", "-o", str(out)).exit_code == 0
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
