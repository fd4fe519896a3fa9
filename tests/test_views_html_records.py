"""Labelled records (``threadlens label`` output) in JSONL, CSV and Parquet, and the corpus overview."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from threadlens.errors import InputError
from threadlens.views.html import looks_labelled, read_labelled, report_pages, write_report
from threadlens.views.html.overview import time_columns

RECORDS = Path(__file__).resolve().parent / "fixtures" / "labelled" / "records.jsonl"


def _records() -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in RECORDS.read_text().splitlines()]


def _flat(record: dict) -> dict:  # type: ignore[type-arg]
    """The CSV / Parquet shape: scores as score_<label>, relation as relation_to/_label/_score."""
    flat = {k: v for k, v in record.items() if k not in ("scores", "relation")}
    for label, value in record["scores"].items():
        flat[f"score_{label}"] = value
    relation = record["relation"] or {}
    flat.update(relation_to=relation.get("to"), relation_label=relation.get("label"),
                relation_score=relation.get("score"))
    return flat


def _write_csv(path: Path, records: list[dict]) -> None:  # type: ignore[type-arg]
    rows = [_flat(r) for r in records]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})


def _summary(threads) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    return [(t.id, [(p.id, p.depth, p.author, p.stance.label, round(p.stance.score, 4),
                     {k: round(v, 4) for k, v in p.stance.scores.items()},
                     p.relation and (p.relation.to, p.relation.label, round(p.relation.score, 4)),
                     p.quotes, p.attributed, p.text, p.created) for p in t.posts]) for t in threads]


def test_views_html_records_jsonl_groups_threads_in_reply_order() -> None:
    threads = read_labelled(RECORDS)
    assert [t.id for t in threads] == ["networking", "hiring"]
    networking = threads[0]
    assert [(p.id, p.depth) for p in networking.posts] == [("c1", 0), ("c2", 1), ("c3", 2), ("c6", 3), ("c4", 2),
                                                           ("c5", 1)]
    c2 = networking.posts[1]
    assert c2.stance is not None and c2.stance.label == "skill_matters" and c2.stance.score == 0.66
    assert c2.relation is not None and (c2.relation.to, c2.relation.label) == ("c1", "disagree")
    assert (c2.quotes, c2.attributed) == (1, 1)
    assert c2.created == datetime(2024, 3, 1, 10, 30, tzinfo=timezone.utc)
    assert networking.model == "connections-lexical 93d4721c4588"


def test_views_html_records_csv_and_parquet_read_like_jsonl(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = _records()
    _write_csv(tmp_path / "labels.csv", records)
    rows = [_flat(r) for r in records]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    pq.write_table(pa.Table.from_pylist([{k: row.get(k) for k in columns} for row in rows]),
                   tmp_path / "labels.parquet")
    expected = _summary(read_labelled(RECORDS))
    assert _summary(read_labelled(tmp_path / "labels.csv")) == expected
    assert _summary(read_labelled(tmp_path / "labels.parquet")) == expected


def test_views_html_records_without_text_say_so() -> None:
    records = [{k: v for k, v in r.items() if k != "text"} for r in _records()]
    from threadlens.views.html import threads_from_records
    from threadlens.views.html.page import thread_page

    html = thread_page(threads_from_records(records)[0])
    assert html.count("text not recorded") == 6
    assert "1 quote (1 attributed)" in html


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "a", "stance": "neutral", "score": 0.5}\n{"id": "b", "stance": ', ":2: is not valid JSON"),
    ('{"id": "a", "stance": "neutral", "score": "high"}\n', ":1: score is 'high', not a number"),
    ('{"id": "a", "stance": "neutral", "score": 0.5, "quotes": -1}\n', ":1: 'quotes' is -1, not a count"),
    ('{"id": "a", "stance": "neutral", "score": 0.5, "created": "yesterday"}\n', "not an ISO 8601 time"),
    ('{"stance": "neutral", "score": 0.5, "id": null}\n', ":1: record has no 'id'"),
    ('{"id": "a", "stance": "n", "score": 0.5}\n{"id": "a", "stance": "n", "score": 0.5}\n',
     ":2: post id 'a' appears twice"),
    ('{"id": "a", "stance": "n", "score": 0.5, "relation": {"label": "agree"}}\n', ":1: 'relation' is"),
    ("", ": is empty"),
])
def test_views_html_records_bad_input_names_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(message)) as info:
        read_labelled(path)
    assert str(info.value).startswith(str(path))


def test_views_html_records_csv_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("id,text\n1,hello\n")
    with pytest.raises(InputError, match="has no id, stance and score columns"):
        read_labelled(path)


@pytest.mark.parametrize(("head", "labelled"), [
    ('{"id": "a", "thread": "t", "stance": "neutral", "score": 0.5, "scores": {}}', True),
    ('{"id": "a", "reply_to": null, "speaker": "ann", "text": "hi", "conversation_id": "a"}', False),
    ("id,thread,reply_to,author,created,stance,score,score_neutral\n", True),
    ("> quoted line\nreply\n", False),
    ('{"posts": [], "summary": {}}', False),
])
def test_views_html_records_are_told_from_threads(head: str, labelled: bool) -> None:
    assert looks_labelled(head) is labelled


@pytest.mark.parametrize(("times", "unit", "columns"), [
    (["2024-03-01T09:00", "2024-03-01T17:30"], "hour", 9),
    (["2024-03-01T09:00", "2024-03-04T18:45"], "day", 4),
    (["2024-03-01", "2024-06-30"], "week", 18),
    (["2020-01-15", "2024-06-30"], "month", 54),
    (["2001-01-01", "2024-06-30"], "year", 24),
])
def test_views_html_records_time_columns_pick_a_unit(times: list[str], unit: str, columns: int) -> None:
    dated = [(datetime.fromisoformat(t).replace(tzinfo=timezone.utc), "neutral") for t in times]
    result, chosen = time_columns([*dated, (None, "neutral")])
    assert chosen == unit and len(result) == columns
    assert sum(sum(c.values()) for _, c in result) == 2


def test_views_html_records_overview_links_every_thread(tmp_path: Path) -> None:
    pages = report_pages(read_labelled(RECORDS))
    assert list(pages) == ["index.html", "thread-0001-networking.html", "thread-0002-hiring.html"]
    index = pages["index.html"]
    assert '<a href="thread-0001-networking.html">networking</a>' in index
    assert "2 threads · 9 posts · 6 authors · 2024-03-01 – 2024-04-11" in index
    assert "Posts per day by stance, 2024-03-01 – 2024-04-11; 1 undated posts not shown" in index
    assert '<a href="index.html">← all threads</a>' in pages["thread-0002-hiring.html"]
    written = write_report(read_labelled(RECORDS), tmp_path / "site")
    assert written.path == tmp_path / "site" / "index.html" and written.pages == 3
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == sorted(pages)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary left behind
