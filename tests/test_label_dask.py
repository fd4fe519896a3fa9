"""The Dask engine: the same units as Dask tasks on a LocalCluster give the local engine's output, byte for byte."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from threadlens.label import label_corpus

from label_corpora import POSTS, write_corpus

distributed = pytest.importorskip("distributed")
MODEL = "connections-lexical"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dask") / "corpus.jsonl"
    write_corpus(path, shuffled=True)  # scattered conversations: units are offset lists
    return path


@pytest.fixture(scope="module")
def mailboxes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A list's archive of three monthly mbox files, one gzip'd (streamed from its decompressed copy), read as
    one; and a maildir (streamed file by file)."""
    from test_label_mbox import _maildir, _mbox_text, _months

    directory = tmp_path_factory.mktemp("mail")
    mbox = directory / "list.mbox"
    mbox.write_text(_mbox_text(seed=5), encoding="utf-8")
    months = _months(mbox.read_bytes().decode("utf-8"), directory / "archive")
    assert any(p.suffix == ".gz" for p in months)
    return [*months, _maildir(mbox, directory / "Maildir")]


def test_dask_output_equals_local(corpus: Path, mailboxes: list[Path], tmp_path: Path) -> None:
    inputs = [corpus, *mailboxes]
    local = tmp_path / "local.jsonl"
    expected = label_corpus(inputs, local, model=MODEL, workers=1, chunk_posts=100)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster:
        on_dask = tmp_path / "dask.jsonl"
        report = label_corpus(inputs, on_dask, model=MODEL, engine="dask", scheduler=cluster.scheduler_address,
                              chunk_posts=100)
    assert report.engine == "dask" and report.workers == 2 and report.units > 5
    assert report.posts == expected.posts > POSTS and report.rejected == expected.rejected > 0
    assert set(report.modes.values()) == {"indexed"} and len(report.modes) == 5
    assert on_dask.read_bytes() == local.read_bytes()


def test_dask_without_address_starts_a_local_cluster(corpus: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from threadlens.cli import app

    out = tmp_path / "labels.jsonl"
    result = CliRunner().invoke(app, ["label", str(corpus), "-o", str(out), "--model", MODEL, "--engine", "dask",
                                      "--workers", "1", "--chunk-size", "400"])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == POSTS


def test_dask_unreachable_scheduler_is_one_line(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from threadlens.cli import app
    from threadlens.label import _engines

    monkeypatch.setattr(_engines, "_CONNECT_TIMEOUT", "1s")

    result = CliRunner().invoke(app, ["label", str(corpus), "-o", str(tmp_path / "x.jsonl"), "--model", MODEL,
                                      "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.output.startswith("error: tcp://127.0.0.1:9: can't connect to the Dask scheduler")
