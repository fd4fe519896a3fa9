"""``threadlens stats``: stance shares overall, per thread, author and period; who agrees with whom; the plot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.cli import app
from threadlens.label.stats import UNKNOWN_AUTHOR, corpus_stats

LABELS = {"pro": 0.0, "con": 0.0, "neutral": 0.0}


def _record(post_id: str, thread: str, author: str | None, stance: str, created: str | None,
            relation: tuple[str, str] | None = None) -> dict:
    return {"id": post_id, "thread": thread, "reply_to": None, "author": author, "created": created,
            "stance": stance, "score": 0.9, "scores": {**LABELS, stance: 0.9},
            "relation": {"to": relation[0], "label": relation[1], "score": 0.8} if relation else None,
            "quotes": 0, "attributed": 0, "duplicate_of": None, "model": "m", "model_version": "v1"}


RECORDS = [
    _record("a1", "t1", "ann", "pro", "2024-01-01T10:00:00Z"),
    _record("a2", "t1", "bob", "con", "2024-01-02T10:00:00Z", ("a1", "disagree")),
    _record("a3", "t1", "cat", "con", "2024-01-09T10:00:00Z", ("a4", "agree")),  # answers a post listed after it
    _record("a4", "t1", "bob", "con", "2024-01-03T10:00:00Z", ("a2", "agree")),
    _record("b1", "t2", "ann", "neutral", None, ("gone", "neutral")),
    _record("b2", "t2", None, "pro", "2024-02-20T00:00:00+00:00"),
]


def test_stats_counts() -> None:
    stats = corpus_stats(RECORDS)
    assert stats.posts == 6 and stats.labels == ["pro", "con", "neutral"] and stats.undated == 1
    summary = stats.to_dict(top=None)
    assert summary["stance"]["con"] == {"posts": 3, "share": 0.5}
    assert [t["thread"] for t in summary["by_thread"]] == ["t1", "t2"]
    assert {a["author"]: a["posts"] for a in summary["by_author"]} == {"bob": 2, "ann": 2, "cat": 1, UNKNOWN_AUTHOR: 1}
    assert summary["over_time"]["period"] == "day"
    pairs = {(p["from"], p["to"]): p for p in summary["relations"]["pairs"]}
    assert pairs[("bob", "ann")]["disagree"] == 1 and pairs[("cat", "bob")]["agree"] == 1
    assert pairs[("bob", "bob")]["agree"] == 1 and pairs[("ann", UNKNOWN_AUTHOR)]["neutral"] == 1
    assert summary["relations"]["totals"] == {"agree": 2, "disagree": 1, "neutral": 1}
    assert stats.pair_counts(("bob", "ann")) == {"disagree": 1} and stats.pair_counts(("ann", "bob")) == {}


def test_stats_pair_counts_hold_many_labels_and_large_counts() -> None:
    """A pair's relation counts share one int, a field of 40 bits per label: neighbours never bleed."""
    records = [_record("r", "t", "ann", "pro", None)]
    labels = ["agree", "disagree", "neutral", "sarcastic"]
    records += [_record(f"p{i}", "t", "bob", "con", None, ("r", labels[i % 4])) for i in range(4 * 300)]
    stats = corpus_stats(records)
    assert stats.pair_counts(("bob", "ann")) == {label: 300 for label in labels}
    assert stats.to_dict()["relations"]["pairs"] == [{"from": "bob", "to": "ann", **{label: 300 for label in labels}}]
    stats.pairs[("bob", "ann")] += (1 << 40) - 1 - 300  # "agree" at the most its field holds
    assert stats.pair_counts(("bob", "ann")) == {"agree": (1 << 40) - 1, "disagree": 300, "neutral": 300,
                                                 "sarcastic": 300}


@pytest.mark.parametrize(("period", "keys"), [
    ("week", ["2024-W01", "2024-W02", "2024-W08"]),
    ("month", ["2024-01", "2024-02"]),
    ("year", ["2024"]),
])
def test_stats_periods(period: str, keys: list[str]) -> None:
    rows = corpus_stats(RECORDS).over_time(period)
    assert [key for key, _ in rows] == keys
    assert sum(sum(c.values()) for _, c in rows) == 5


def test_stats_counts_a_malformed_date_as_undated() -> None:
    """A ``created`` shaped like a date but no date ("2024-13-45", from a hand-edited CSV) is undated; it made
    ``over_time`` raise."""
    records = [_record("x1", "t", "ann", "pro", "2024-13-45T99:99:99Z"), _record("x2", "t", "bob", "con", "soon"),
               _record("x3", "t", "cat", "pro", "2024-02-29T10:00:00Z")]
    stats = corpus_stats(records)
    assert stats.undated == 2 and [key for key, _ in stats.over_time("month")] == ["2024-02"]
    assert stats.to_dict()["over_time"]["rows"][0]["posts"] == 1


def test_stats_tidy_rows_and_table() -> None:
    stats = corpus_stats(RECORDS)
    rows = list(stats.rows(top=1, period="month"))
    assert rows[0] == ["section", "key", "to", "label", "count", "share"]
    assert ["stance", "", "", "con", 3, 0.5] in rows
    assert ["time", "2024-02", "", "pro", 1, 1.0] in rows
    assert sum(1 for r in rows if r[0] == "thread") == 3  # the largest thread, one row per label
    text = stats.to_text(top=5)
    assert "6 posts in 2 threads by 4 authors; model: m v1" in text
    assert "Who agrees or disagrees with whom" in text and "Stance by day (1 undated posts left out)" in text


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stats") / "labels.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def test_cli_stats_formats(labelled: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["stats", str(labelled), "--format", "json", "--top", "0"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["posts"] == 6
    result = runner.invoke(app, ["stats", str(labelled), "-f", "csv", "--period", "month"])
    assert result.stdout.splitlines()[0] == "section,key,to,label,count,share"
    result = runner.invoke(app, ["stats", str(labelled)])
    assert result.exit_code == 0 and "Stance" in result.stdout


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_cli_stats_plot(labelled: Path, tmp_path: Path, suffix: str) -> None:
    pytest.importorskip("matplotlib")
    picture = tmp_path / f"stance{suffix}"
    result = CliRunner().invoke(app, ["stats", str(labelled), "--plot", str(picture), "-o", str(tmp_path / "s.txt")])
    assert result.exit_code == 0, result.output
    data = picture.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:500]


@pytest.mark.parametrize(("content", "args", "message"), [
    ('{"id": "x", "thread": "t", "stance": "pro", "created": null}\n', ["--plot", "{tmp}/p.png"],
     "no post has a 'created' time"),
    ('{"id": "x", "text": "not labelled"}\n', [], "is not a labelled record"),
    ("", ["--plot", "{tmp}/p.gif"], "can't tell the picture format"),
])
def test_cli_stats_bad_input(tmp_path: Path, content: str, args: list[str], message: str) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["stats", str(path), *[a.format(tmp=tmp_path) for a in args]])
    assert result.exit_code == 2 and message in result.output and result.output.startswith("error: ")
    assert not list(tmp_path.glob("p.*"))
