"""``threadlens convert``: formats by name or --to, --force, stdout, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.cli import app
from threadlens.readers import read_threads

FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()


def convert(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["convert", *args], input=input)


def test_cli_convert_text_to_jsonl_to_convokit_and_back(tmp_path: Path, seed_path: Path) -> None:
    result = convert(str(seed_path), "-o", str(tmp_path / "seed.jsonl"))
    assert result.exit_code == 0, result.output
    assert "wrote 13 posts by 0 speakers in 1 thread to" in result.stderr and "(jsonl)" in result.stderr
    result = convert(str(tmp_path / "seed.jsonl"), "-o", str(tmp_path / "corpus"))
    assert result.exit_code == 0, result.output
    assert "(convokit)" in result.stderr
    result = convert(str(tmp_path / "corpus"), "-o", str(tmp_path / "again.jsonl"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again.jsonl").read_text() == (tmp_path / "seed.jsonl").read_text()
    assert read_threads(tmp_path / "again.jsonl")[0].posts == read_threads(seed_path)[0].posts


def test_cli_convert_html_page_to_convokit(tmp_path: Path) -> None:
    result = convert(str(FIXTURES / "html_generic" / "wordpress_comments.html"), "-o", str(tmp_path / "wp/"))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "wp" / "utterances.jsonl").read_text().splitlines()]
    assert [(r["id"], r["speaker"], r["reply_to"]) for r in rows] == [
        ("post-5", "Ann", None), ("comment-11", "Bob", "post-5"), ("comment-12", "Ann", "comment-11"),
        ("comment-13", "Carol", "post-5")]
    assert rows[2]["meta"]["threadlens_markup"][0]["cite"] == "Bob"


def test_cli_convert_to_stdout(seed_path: Path) -> None:
    result = convert(str(seed_path), "-o", "-")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 13 and json.loads(lines[0])["id"] == "p1"


def test_cli_convert_stdin_with_input_format(tmp_path: Path) -> None:
    result = convert("-", "-o", str(tmp_path / "out.jsonl"), "--input-format", "lines", input="one\ntwo\n\nthree\n")
    assert result.exit_code == 0, result.output
    assert [p.text for p in read_threads(tmp_path / "out.jsonl")[0].posts] == ["one", "two", "three"]


def test_cli_convert_to_forces_format(tmp_path: Path, seed_path: Path) -> None:
    result = convert(str(seed_path), "-o", str(tmp_path / "out.data"), "--to", "convokit")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.data" / "index.json").is_file()
    result = convert(str(seed_path), "-o", str(tmp_path / "plain"), "--to", "jsonl")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plain").is_file()


def test_cli_convert_force(tmp_path: Path, seed_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("precious\n")
    result = convert(str(seed_path), "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "already exists; pass --force" in result.stderr
    assert target.read_text() == "precious\n"
    result = convert(str(seed_path), "-o", str(target), "--force")
    assert result.exit_code == 0 and len(target.read_text().splitlines()) == 13


@pytest.mark.parametrize(("args", "message"), [
    (["{missing}", "-o", "{tmp}/out.jsonl"], "no such file"),
    (["{seed}", "-o", "{tmp}/out.json"], "can't tell which format to write"),
    (["{seed}", "-o", "-", "--to", "convokit"], "can't go to stdout"),
    (["{seed}", "-o", "{tmp}/nowhere/out.jsonl"], "does not exist"),
    (["{seed}", "-o", "{tmp}/out.jsonl", "--input-format", "nope"], "unknown input format 'nope'"),
    (["{tmp}", "-o", "{tmp}/x.jsonl"], "is a directory"),
])
def test_cli_convert_errors(tmp_path: Path, seed_path: Path, args: list[str], message: str) -> None:
    filled = [a.format(tmp=tmp_path, seed=seed_path, missing=tmp_path / "missing.txt") for a in args]
    result = convert(*filled)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "x.jsonl").exists()


def test_cli_convert_bad_to_value(tmp_path: Path, seed_path: Path) -> None:
    result = convert(str(seed_path), "-o", str(tmp_path / "x"), "--to", "csv")
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_cli_convert_warns_about_notices(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "x"}\nnot json\n{"id": "b", "text": "y", "reply_to": "z"}\n')
    result = convert(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "skipped 1 line(s)" in result.stderr
    assert "reply to posts not in the input" in result.stderr


def test_cli_formats_lists_new_readers() -> None:
    result = runner.invoke(app, ["formats"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert "convokit" in names and "html" in names
