"""Outputs that are written into, not replaced: a pipe (``-o >(gzip > x.gz)``) or a character device
(``-o /dev/stdout``, ``-o /dev/null``). Replacing one put a regular file in its place (run as root, ``-o
/dev/null`` replaced the system's /dev/null)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.cli import app

MODEL = "connections-lexical"
runner = CliRunner()


def _through_a_fifo(tmp_path: Path, args: list[str]) -> tuple[int, bytes, Path]:
    """Run the command with ``{out}`` a named pipe a thread reads; the exit code, what came through, the pipe."""
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def drain() -> None:
        with open(fifo, "rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        result = runner.invoke(app, [a.replace("{out}", str(fifo)) for a in args])
    finally:
        if not received:  # the command never opened the pipe: let the reader go
            with open(fifo, "wb"):
                pass
        reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    return result.exit_code, received[0], fifo


@pytest.mark.parametrize("command", [
    ["analyze", "{input}", "--no-stance", "-f", "json", "-o", "{out}"],
    ["convert", "{input}", "-o", "{out}", "--to", "jsonl"],
])
def test_a_pipe_output_gets_what_a_file_gets(tmp_path: Path, seed_path: Path, command: list[str]) -> None:
    file_out = tmp_path / "file.out"
    args = [a.replace("{input}", str(seed_path)) for a in command]
    assert runner.invoke(app, [a.replace("{out}", str(file_out)) for a in args]).exit_code == 0
    _, received, fifo = _through_a_fifo(tmp_path, args)
    assert received == file_out.read_bytes() and received
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the pipe, not a file put in its place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.out", "out.pipe"]  # no temporary left


@pytest.mark.parametrize("command, message", [
    (["label", "{input}", "-o", "{pipe}", "--model", MODEL], "is a device or a pipe; label writes a file it can resume"),
    (["convert", "{input}", "-o", "{pipe}", "--to", "convokit", "--force"], "this output is a directory"),
])
def test_outputs_that_must_be_files_or_directories_refuse_a_pipe(tmp_path: Path, seed_path: Path,
                                                                 command: list[str], message: str) -> None:
    pipe = tmp_path / "out.jsonl"
    os.mkfifo(pipe)
    result = runner.invoke(app, [a.replace("{input}", str(seed_path)).replace("{pipe}", str(pipe)) for a in command])
    assert result.exit_code == 2 and message in result.output, result.output
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_train_never_replaces_a_file_or_device_with_a_model(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("text,label\n" + "".join(f"skill wins {i},skill\nbe liked {i},liked\n" for i in range(6)),
                    encoding="utf-8")
    pipe = tmp_path / "model"
    os.mkfifo(pipe)
    result = runner.invoke(app, ["train", str(data), "-o", str(pipe), "--force", "--features", "lexical", "--C", "1"])
    assert result.exit_code == 2 and "exists and is not a directory" in result.output, result.output
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a device needs root")
def test_a_character_device_output_stays_a_device(tmp_path: Path, seed_path: Path) -> None:
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
    for args in (["analyze", str(seed_path), "--no-stance", "-o", str(device)],
                 ["convert", str(seed_path), "-o", str(device), "--to", "jsonl"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert stat.S_ISCHR(os.stat(device).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]
