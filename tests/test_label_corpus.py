"""label_corpus(): the records, the three formats, rejects, refusing to clobber, resuming a broken run."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadlens.errors import InputError
from threadlens.label import flat_columns, label_corpus, label_threads, read_labelled
from threadlens.label import _state

from label_corpora import POSTS, stopped_before_the_join, write_corpus

MODEL = "connections-lexical"
FIELDS = ["id", "thread", "reply_to", "author", "created", "stance", "score", "scores", "relation", "quotes",
          "attributed", "duplicate_of", "model", "model_version"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    write_corpus(path)
    return path


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("reference") / "labels.jsonl"
    label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150)
    return out, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_label_records_follow_the_schema(reference: tuple[Path, list[dict]]) -> None:
    _, records = reference
    assert len(records) == POSTS and all(list(r) == FIELDS for r in records)
    first = records[0]
    assert first["model"] == MODEL and len(first["model_version"]) == 12
    assert first["created"].endswith("Z") and first["thread"] == "c0-a-t001"
    assert set(first["scores"]) == {"worth_connecting", "skill_matters", "neutral"}
    assert first["stance"] == max(first["scores"], key=first["scores"].get)
    replies = [r for r in records if r["relation"] is not None]
    assert replies and all(set(r["relation"]) == {"to", "label", "score"} for r in replies)
    assert sum(r["quotes"] for r in records) >= sum(r["attributed"] for r in records) > 0


def test_label_records_equal_analyze(corpus: Path, reference: tuple[Path, list[dict]]) -> None:
    from threadlens.analysis import analyze_threads
    from threadlens.readers import read_threads

    _, records = reference
    mine = {(r["thread"], r["id"]): r for r in records}
    for analysis in analyze_threads(read_threads(corpus), model=MODEL):
        for post in analysis.posts:
            expected = post.to_dict()
            got = mine[(analysis.thread.id, post.id)]
            assert got["stance"] == expected["stance"]["label"] and got["scores"] == expected["stance"]["scores"]
            assert got["relation"] == expected["relation"]
            assert got["quotes"] == sum(s["kind"] == "quote" for s in expected["segments"])
            assert got["duplicate_of"] == expected["duplicate_of"]


def test_label_threads_in_memory(corpus: Path, reference: tuple[Path, list[dict]]) -> None:
    from threadlens.readers import read_threads

    threads = read_threads(corpus)[:20]
    records = label_threads(threads, model=MODEL, with_text=True)
    _, expected = reference
    assert [{k: v for k, v in r.items() if k != "text"} for r in records] == expected[:len(records)]
    assert records[1]["text"] and "> " not in records[1]["text"]  # the post's own words, quotes left out


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_label_flat_formats_read_back(kind: str, corpus: Path, reference: tuple[Path, list[dict]],
                                      tmp_path: Path) -> None:
    if kind == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"labels.{kind}"
    label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150)
    _, expected = reference
    assert list(read_labelled(out)) == expected
    columns = flat_columns(["worth_connecting", "skill_matters", "neutral"])
    if kind == "csv":
        assert out.read_text(encoding="utf-8").splitlines()[0].split(",") == columns
    else:
        import pyarrow.parquet as pq

        assert pq.ParquetFile(out).schema_arrow.names == columns


def test_label_two_workers_write_the_same_bytes(corpus: Path, reference: tuple[Path, list[dict]],
                                                tmp_path: Path) -> None:
    out = tmp_path / "labels.jsonl"
    report = label_corpus([corpus], out, model=MODEL, workers=2, chunk_posts=150)
    assert report.workers == 2 and report.posts == POSTS and report.units > 5
    assert out.read_bytes() == reference[0].read_bytes()
    assert not (tmp_path / "labels.jsonl.parts").exists()


def test_label_bad_records_go_to_the_rejects_file(tmp_path: Path, seed_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    lines = ['{"id": "a", "conversation_id": "t", "text": "Who you know decides it."}',
             '{"id": "b", "conversation_id": "t", "reply_to": "a", "text": "No, skill does."}',
             "{not json",
             '{"id": "a", "conversation_id": "t", "text": "the same id"}']
    (corpus / "posts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02 not a thread")
    (corpus / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "labels.csv"
    report = label_corpus([corpus], out, model=MODEL, workers=1)
    assert report.posts == 2 + 13 and report.rejected == 2 and report.unreadable_files == 1
    rejects = [json.loads(line) for line in (tmp_path / "labels.rejects.jsonl").read_text().splitlines()]
    assert report.rejects_path == tmp_path / "labels.rejects.jsonl"
    reasons = {(Path(r["source"]).name, r["line"]): r for r in rejects}
    assert reasons[("posts.jsonl", 3)]["record"] == "{not json"
    assert "repeats" in reasons[("posts.jsonl", 4)]["reason"]
    assert "binary" in reasons[("binary.txt", None)]["reason"] and reasons[("binary.txt", None)]["count"] == 0
    assert "rejected" in report.summary()


def test_label_refuses_to_clobber(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.jsonl"
    out.write_text("someone else's\n", encoding="utf-8")
    with pytest.raises(InputError, match="already exists; pass --force"):
        label_corpus([corpus], out, model=MODEL, workers=1)
    assert out.read_text(encoding="utf-8") == "someone else's\n"
    assert not (tmp_path / "labels.jsonl.parts").exists()
    label_corpus([corpus], out, model=MODEL, workers=1, force=True)
    assert len(out.read_text(encoding="utf-8").splitlines()) == POSTS
    (tmp_path / "other.rejects.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(InputError, match="other.rejects.jsonl: already exists"):
        label_corpus([corpus], tmp_path / "other.jsonl", model=MODEL, workers=1)


def test_label_refuses_to_run_beside_a_running_run_of_the_same_output(corpus: Path, tmp_path: Path) -> None:
    """Two runs of one output at once would share its run directory (each cleaning up the other's files)."""
    out = tmp_path / "labels.jsonl"
    running = _state.RunDirectory(out, _state.RecordFormat("jsonl", ("a",)), {})
    running.lock()  # as a run going on in another process holds it
    try:
        with pytest.raises(InputError, match="is being written by another `threadlens label` run right now"):
            label_corpus([corpus], out, model=MODEL, workers=1)
        assert not out.exists() and not (tmp_path / "labels.jsonl.parts").exists()
    finally:
        running.unlock()
    assert label_corpus([corpus], out, model=MODEL, workers=1).posts == POSTS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.jsonl"]  # the lock file went with the run


def test_label_refuses_another_runs_unfinished_output(corpus: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "labels.jsonl"
    _broken_run(corpus, out, monkeypatch)
    with pytest.raises(InputError, match="unfinished labelling run with other inputs or options .*with_text"):
        label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150, with_text=True)
    (tmp_path / "stray.jsonl.parts").mkdir()
    with pytest.raises(InputError, match="not a threadlens labelling run"):
        label_corpus([corpus], tmp_path / "stray.jsonl", model=MODEL, workers=1)


def test_label_refuses_to_resume_a_run_of_another_version(corpus: Path, reference: tuple[Path, list[dict]],
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its chunks hold records written another way (version 1: spaced JSON): resuming would mix the two."""
    out = tmp_path / "labels.jsonl"
    parts = _broken_run(corpus, out, monkeypatch)
    run = json.loads((parts / "run.json").read_text())
    (parts / "run.json").write_text(json.dumps({**run, "version": 1}))
    with pytest.raises(InputError, match="unfinished labelling run .*started by another version of threadlens"):
        label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150)
    report = label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150, force=True)
    assert report.resumed_units == 0 and out.read_bytes() == reference[0].read_bytes()


def test_label_resumes_a_broken_run(corpus: Path, reference: tuple[Path, list[dict]], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "labels.jsonl"
    parts = _broken_run(corpus, out, monkeypatch)
    report = label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150)
    assert report.resumed_units == report.units - 3 and report.labelled_now < POSTS
    assert out.read_bytes() == reference[0].read_bytes()
    assert not parts.exists()


def test_label_finishes_a_run_killed_after_the_rename(corpus: Path, reference: tuple[Path, list[dict]],
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "labels.jsonl"

    def killed(self) -> None:  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt  # the process dies between renaming OUT into place and cleaning up

    with monkeypatch.context() as patch:
        patch.setattr(_state.RunDirectory, "_discard", killed)
        with pytest.raises(KeyboardInterrupt):
            label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150)
    assert out.exists() and (tmp_path / "labels.jsonl.parts").exists()
    report = label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150)
    assert report.resumed_units == report.units and report.labelled_now == 0
    assert out.read_bytes() == reference[0].read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.jsonl"]


def test_a_run_directory_killed_while_deleted_is_gone_whole(corpus: Path, reference: tuple[Path, list[dict]],
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "labels.jsonl"
    original = _state.remove_path

    def killed(path: Path) -> None:
        if path.name.endswith(".removed"):
            (path / "run.json").unlink()  # half deleted ...
            raise KeyboardInterrupt  # ... when the process dies
        original(path)

    with monkeypatch.context() as patch:
        patch.setattr(_state, "remove_path", killed)
        with pytest.raises(KeyboardInterrupt):
            label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150)
    # OUT is whole and no half-deleted run directory sits in OUT.parts' place: the run is simply done.
    assert out.read_bytes() == reference[0].read_bytes() and not (tmp_path / "labels.jsonl.parts").exists()
    with pytest.raises(InputError, match="already exists"):
        label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.jsonl"]  # the hidden leftover went too


def _broken_run(corpus: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run of ``out`` that stopped before the join, with units 1, 3 and 4 lost (files missing or half written)."""
    stopped_before_the_join(lambda: label_corpus([corpus], out, model=MODEL, workers=1, chunk_posts=150), monkeypatch)
    parts = out.with_name(out.name + ".parts")
    (parts / "00000001.json").unlink()
    (parts / "00000003.jsonl").write_bytes(b"half a chunk")  # its summary says otherwise: not done
    (parts / "00000004.json").unlink()
    (parts / "00000004.jsonl").unlink()
    return parts


def test_label_unit_refuses_a_different_model_version(corpus: Path) -> None:
    from threadlens.errors import ModelError
    from threadlens.label._plan import expand_inputs, plan_inputs
    from threadlens.label._work import LabelSettings, label_unit, model_info

    info = model_info(MODEL)
    unit = plan_inputs(expand_inputs([corpus]), chunk_posts=100).units[0]
    settings = LabelSettings(model=MODEL, model_name=info.name, model_version="0123456789ab", labels=info.labels)
    with pytest.raises(ModelError, match="install the same model on every worker"):
        label_unit(unit, settings)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12)


def _nan_as_null(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_nan_as_null(item) for item in value]
    if isinstance(value, dict):
        return {key: _nan_as_null(item) for key, item in value.items()}
    return value


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.text(), _JSON_VALUES, max_size=8), max_size=4))
def test_record_lines_read_back_as_the_records(records: list) -> None:
    from threadlens.label._records import jsonl_lines

    data = jsonl_lines(records)
    lines = data.decode("utf-8").split("\n")
    assert lines.pop() == "" and len(lines) == len(records)
    for line, record in zip(lines, records):
        assert line.splitlines() == [line]  # U+2028, U+2029 and U+0085 escaped
        assert json.loads(line) == _nan_as_null(record)  # NaN and infinities are written as null


def _without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    import threadlens.label._records as records_module

    monkeypatch.setattr(records_module, "_orjson_dumps", None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.text(), _JSON_VALUES, max_size=8), max_size=4))
def test_record_lines_without_orjson_read_back_as_the_records(records: list) -> None:
    from threadlens.label._records import jsonl_lines

    with pytest.MonkeyPatch.context() as monkeypatch:
        _without_orjson(monkeypatch)
        data = jsonl_lines(records)
    assert [json.loads(line) for line in data.decode("utf-8").splitlines()] == _nan_as_null(records)


def test_label_records_are_the_same_bytes_without_orjson(corpus: Path, reference: tuple[Path, list[dict]],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from threadlens.label._records import jsonl_lines

    records = reference[1]
    with_orjson = jsonl_lines(records)
    _without_orjson(monkeypatch)
    assert jsonl_lines(records) == with_orjson == reference[0].read_bytes()
