"""No command writes over its own input, ``--force`` or not: the output (or a file the run writes beside it)
being an input, by any name, is a one-line error with exit code 2, and the input stays byte for byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.cli import app
from threadlens.errors import InputError
from threadlens.label import label_corpus

from label_corpora import write_corpus

MODEL = "connections-lexical"
runner = CliRunner()


@pytest.fixture()
def thread(tmp_path: Path, seed_path: Path) -> Path:
    path = tmp_path / "thread.txt"
    shutil.copyfile(seed_path, path)
    return path


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    write_corpus(path)
    return path


def _refused(args: list[str], kept: Path, message: str) -> None:
    before = kept.read_bytes()
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {message}"), result.output
    assert len(result.output.strip().splitlines()) == 1
    assert kept.read_bytes() == before


@pytest.mark.parametrize("command", [
    ["analyze", "{input}", "--no-stance", "-o", "{input}"],
    ["analyze", "{input}", "--no-stance", "-f", "json", "-o", "{input}"],
    ["convert", "{input}", "-o", "{input}", "--force"],
    ["report", "{input}", "--no-stance", "-o", "{input}", "--force"],
])
def test_thread_commands_refuse_their_input_as_output(thread: Path, command: list[str]) -> None:
    args = [a.format(input=thread) for a in command]
    _refused(args, thread, f"{thread}: is also an input; choose another output path")


def test_an_input_reached_by_another_name_is_the_input(thread: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias.txt"
    alias.symlink_to(thread)
    _refused(["analyze", str(alias), "--no-stance", "-o", str(thread)], thread,
             f"{thread}: is also an input (as {alias})")
    hard = tmp_path / "hard.txt"
    os.link(thread, hard)
    _refused(["convert", str(hard), "-o", str(thread), "--force"], thread, f"{thread}: is also an input (as {hard})")


def test_a_directory_output_holding_the_input_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    data = folder / "train.csv"
    data.write_text("text,label\n" + "".join(f"skill wins {i},skill\nbe liked {i},liked\n" for i in range(10)),
                    encoding="utf-8")
    _refused(["train", str(data), "-o", str(folder), "--force", "--features", "lexical"], data,
             f"{folder}: holds an input ({data}) and would be replaced whole")
    thread = tmp_path / "model" / "thread.txt"
    thread.write_text("ann: Skill is all that matters.\nbob: Nope, people hire friends.\n", encoding="utf-8")
    _refused(["convert", str(thread), "-o", str(folder), "--to", "convokit", "--force"], thread,
             f"{folder}: holds an input ({thread})")


def test_label_refuses_its_input_as_output_or_rejects_file(corpus: Path, tmp_path: Path) -> None:
    _refused(["label", str(corpus), "-o", str(corpus), "--force", "--model", MODEL], corpus,
             f"{corpus}: is also an input")
    rejects = tmp_path / "out.rejects.jsonl"
    shutil.copyfile(corpus, rejects)
    _refused(["label", str(rejects), "-o", str(tmp_path / "out.jsonl"), "--force", "--model", MODEL], rejects,
             f"{rejects}: the rejects file of {tmp_path / 'out.jsonl'} is also an input")
    _refused(["label", str(corpus), "-o", str(tmp_path / "x.jsonl"), "--report", str(corpus), "--model", MODEL],
             corpus, f"{corpus}: the --report file is also an input")
    assert not (tmp_path / "x.jsonl").exists() and not (tmp_path / "out.jsonl").exists()
    with pytest.raises(InputError, match="is also an input"):
        label_corpus([corpus], corpus, model=MODEL, workers=1, force=True)


def test_label_of_a_directory_may_write_into_it(corpus: Path) -> None:
    """The output inside an input directory is no input: it is left out of the directory's files."""
    out = corpus.parent / "labels.jsonl"
    first = label_corpus([corpus.parent], out, model=MODEL, workers=1)
    again = label_corpus([corpus.parent], out, model=MODEL, workers=1, force=True)
    assert first.posts == again.posts > 0


def test_stats_refuses_its_corpus_as_output_or_plot(corpus: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    label_corpus([corpus], labels, model=MODEL, workers=1)
    _refused(["stats", str(labels), "-o", str(labels)], labels, f"{labels}: is also an input")
    _refused(["stats", str(labels), "--plot", str(labels)], labels, f"{labels}: is also an input")


def test_analyze_warns_when_it_finds_no_posts(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(empty), "--no-stance"])
    assert result.exit_code == 0
    assert f"warning: {empty}: no posts found" in result.output
