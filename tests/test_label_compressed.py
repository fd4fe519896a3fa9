"""Compressed inputs: gzip, bzip2, xz and Zstandard, read whole by ``analyze`` and streamed by ``label``."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard

from threadlens import read_threads
from threadlens.errors import InputError
from threadlens.label import label_corpus
from threadlens.label._plan import expand_inputs
from threadlens.readers import _compressed
from threadlens.readers._compressed import compression_of, read_decompressed

from label_corpora import stopped_before_the_join, write_corpus

MODEL = "connections-lexical"
ROOT = Path(__file__).resolve().parents[1]
COMPRESS = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    # Two frames, as a dump concatenated from parts is: both are read.
    "zst": lambda data: (zstandard.ZstdCompressor(level=3).compress(data[: len(data) // 2])
                         + zstandard.ZstdCompressor(level=3).compress(data[len(data) // 2 :])),
}


def _compressed_copy(path: Path, suffix: str) -> Path:
    target = path.with_name(path.name + "." + suffix)
    target.write_bytes(COMPRESS[suffix](path.read_bytes()))
    return target


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("compressed") / "corpus.jsonl"
    write_corpus(path, copies=1)
    with path.open("a", encoding="utf-8") as out:
        out.write("not json at all\n")  # a reject, named by the compressed file's path
    return path


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("reference") / "labels.jsonl"
    label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=100)
    return out.read_bytes()


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
def test_label_streams_a_compressed_corpus_with_the_same_records(corpus: Path, reference: bytes, tmp_path: Path,
                                                                suffix: str) -> None:
    compressed = _compressed_copy(corpus, suffix)
    assert compression_of(compressed) is not None
    assert expand_inputs([compressed])[0].kind == "jsonl"
    out = tmp_path / "labels.jsonl"
    report = label_corpus([compressed], out, model=MODEL, workers=1, chunk_posts=100)
    assert report.modes == {str(compressed): "contiguous"}
    assert out.read_bytes() == reference
    rejects = [json.loads(line) for line in (tmp_path / "labels.rejects.jsonl").read_text().splitlines()]
    assert [r["source"] for r in rejects] == [str(compressed)]
    assert not (tmp_path / "labels.jsonl.parts").exists()  # the decompressed copy went with the run


def test_a_rerun_reuses_the_decompressed_copy(corpus: Path, reference: bytes, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    compressed = _compressed_copy(corpus, "zst")
    out = tmp_path / "labels.jsonl"

    stopped_before_the_join(lambda: label_corpus([compressed], out, model=MODEL, workers=1, chunk_posts=100),
                            monkeypatch)
    spooled = list((tmp_path / "labels.jsonl.parts" / "inputs").iterdir())
    assert len(spooled) == 1

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("decompressed again")

    monkeypatch.setattr(_compressed, "decompress_to", refuse)
    report = label_corpus([compressed], out, model=MODEL, workers=1, chunk_posts=100)
    assert report.resumed_units == report.units
    assert out.read_bytes() == reference


def test_a_run_stopped_while_decompressing_starts_again(corpus: Path, reference: bytes, tmp_path: Path) -> None:
    compressed = _compressed_copy(corpus, "gz")
    out = tmp_path / "labels.jsonl"
    inputs = tmp_path / "labels.jsonl.parts" / "inputs"
    inputs.mkdir(parents=True)
    (inputs / ".0000-half.jsonl.tmp").write_bytes(b"half")  # what a kill during the copy leaves
    label_corpus([compressed], out, model=MODEL, workers=1, chunk_posts=100)
    assert out.read_bytes() == reference


def test_a_damaged_compressed_input_is_refused_in_one_line(corpus: Path, tmp_path: Path) -> None:
    compressed = _compressed_copy(corpus, "zst")
    truncated = tmp_path / "truncated.jsonl.zst"
    truncated.write_bytes(compressed.read_bytes()[: compressed.stat().st_size // 2])
    out = tmp_path / "labels.jsonl"
    with pytest.raises(InputError, match="truncated.jsonl.zst: is zstd-compressed but can't be decompressed"):
        label_corpus([truncated], out, model=MODEL, workers=1)
    assert not out.exists() and not list((tmp_path / "labels.jsonl.parts" / "inputs").iterdir())
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-m", "threadlens", "label", str(truncated), "-o", str(out),
                             "--model", MODEL, "--force"], capture_output=True, text=True, env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "truncated.jsonl.zst" in result.stderr


def test_analyze_reads_compressed_threads(shared: Path, tmp_path: Path) -> None:
    seed = next((shared / "seed").iterdir())
    expected = read_threads(seed)[0]
    for suffix in COMPRESS:
        copy = tmp_path / (seed.name + "." + suffix)
        copy.write_bytes(COMPRESS[suffix](seed.read_bytes()))
        thread = read_threads(copy)[0]
        assert [(p.id, p.author, p.text) for p in thread.posts] == [(p.id, p.author, p.text) for p in expected.posts]


def test_a_decompression_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.zst"
    bomb.write_bytes(zstandard.ZstdCompressor(level=19).compress(b"a: " + b"x" * (64 << 20)))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InputError, match="decompresses to more than 16 MB"):
        read_decompressed(bomb, "zstd", name=str(bomb), limit=16 << 20)


def test_label_streams_a_compressed_mbox(tmp_path: Path) -> None:
    from test_label_mbox import _mbox_text

    mbox = tmp_path / "list.mbox"
    mbox.write_text(_mbox_text(seed=3), encoding="utf-8")
    plain, packed = tmp_path / "plain.jsonl", tmp_path / "packed.jsonl"
    label_corpus([mbox], plain, model=MODEL, workers=1, chunk_posts=4)
    report = label_corpus([_compressed_copy(mbox, "xz")], packed, model=MODEL, workers=1, chunk_posts=4)
    assert report.modes == {str(mbox) + ".xz": "indexed"}
    assert packed.read_bytes() == plain.read_bytes()
