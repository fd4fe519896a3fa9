"""``threadlens report`` through the CLI: one page, a corpus site, overwriting, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.cli import app

RECORDS = Path(__file__).resolve().parent / "fixtures" / "labelled" / "records.jsonl"
runner = CliRunner()


def _run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=stdin)


def test_cli_report_writes_one_page(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = _run("report", str(seed_path), "--model", "connections-lexical", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count('class="post') == 13
    assert "stance model connections-lexical " in html
    assert result.stderr.startswith("wrote 1 page (1 thread, 13 posts)")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_cli_report_refuses_to_overwrite_without_force(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("keep me")
    result = _run("report", str(seed_path), "--no-stance", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {out}: already exists; pass --force (overwrite=True) to replace it, " \
                                    "or choose another path"
    assert out.read_text() == "keep me"
    assert _run("report", str(seed_path), "--no-stance", "-o", str(out), "--force").exit_code == 0
    assert "seed-thread" in out.read_text()


def test_cli_report_labelled_corpus_gives_a_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = _run("report", str(RECORDS), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "thread-0001-networking.html",
                                                      "thread-0002-hiring.html"]
    assert "wrote 3 pages (2 threads, 9 posts)" in result.stderr


def test_cli_report_reads_labelled_records_from_stdin(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = _run("report", "-", "-o", str(out), "--title", "Labelled <corpus>", stdin=RECORDS.read_text())
    assert result.exit_code == 0, result.output
    assert "<h1>Labelled &lt;corpus&gt;</h1>" in (out / "index.html").read_text()


def test_cli_report_one_page_for_many_threads_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = _run("report", str(RECORDS), "-o", str(out))
    assert result.exit_code == 2
    assert "input holds 2 threads; give a directory" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "stance": "neutral", "score": 0.5}\n{"id": "b", "stance": "neutral", "score": "x"}\n',
     ":2: score is 'x', not a number"),
    ('{"id": "a", "thread": "t", "stance": "neutral", "score": 0.5, "created": "soon"}\n', "not an ISO 8601 time"),
])
def test_cli_report_bad_records_exit_2_and_write_nothing(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "labels.jsonl"
    source.write_text(content)
    out = tmp_path / "site"
    result = _run("report", str(source), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {source}") and message in result.stderr
    assert not out.exists()


def test_cli_report_missing_input_and_missing_folder(tmp_path: Path, seed_path: Path) -> None:
    result = _run("report", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and "nope.txt" in result.stderr
    result = _run("report", str(seed_path), "--no-stance", "-o", str(tmp_path / "no" / "r.html"))
    assert result.exit_code == 2 and "folder" in result.stderr and "does not exist" in result.stderr


def test_cli_report_unknown_model_is_one_line(seed_path: Path, tmp_path: Path) -> None:
    result = _run("report", str(seed_path), "--model", "no-such-model", "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no-such-model: no such model")
    assert not list(tmp_path.iterdir())


def test_cli_report_thread_jsonl_with_two_threads_gives_overview(tmp_path: Path) -> None:
    lines = [{"id": "a", "conversation_id": "a", "speaker": "ann", "text": "Skill is what matters at work."},
             {"id": "b", "reply_to": "a", "conversation_id": "a", "speaker": "bo",
              "text": "> Skill is what matters at work.\nNot where I work."},
             {"id": "x", "conversation_id": "x", "speaker": "cy", "text": "A different thread about coffee."}]
    source = tmp_path / "threads.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "site"
    result = _run("report", str(source), "--no-stance", "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in out.iterdir())
    assert len(pages) == 3 and pages[0] == "index.html"
    first = (out / pages[1]).read_text()
    assert 'class="jump" href="#p-0" data-ss="0" data-se="29"' in first
