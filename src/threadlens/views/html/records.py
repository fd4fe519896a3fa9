"""Reading the labelled records of ``threadlens label`` (JSONL, CSV or Parquet) into report threads.

One record per post: ``id``, ``thread``, ``reply_to``, ``author``, ``created`` (ISO 8601 or null), ``stance``,
``score``, ``scores`` ({label: probability}), ``relation`` ({``to``, ``label``, ``score``} or null),
``quotes``, ``attributed``, ``duplicate_of``, ``model``, ``model_version`` and, with ``--with-text``, ``text``
(the post's own words). CSV and Parquet flatten ``scores`` to ``score_<label>`` columns and ``relation``
to ``relation_to``, ``relation_label``, ``relation_score``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ...analysis import RelationResult, StanceResult
from ...errors import InputError
from ...thread import Post, Thread, parse_time
from .model import ReportPost, ReportThread

__all__ = ["read_labelled", "threads_from_records", "looks_labelled", "LABELLED_FIELDS"]

LABELLED_FIELDS: tuple[str, ...] = ("id", "thread", "reply_to", "author", "created", "stance", "score", "scores",
                                    "relation", "quotes", "attributed", "duplicate_of", "model", "model_version",
                                    "text")
_SIGNATURE = {"id", "stance", "score"}
_EXPECTED = ("expected the records of `threadlens label` (JSONL, CSV or Parquet with id, thread, reply_to, "
             "author, created, stance, score, scores, relation, ...)")


def looks_labelled(data: bytes | str, *, name: str = "") -> bool:
    """Whether the start of a file holds labelled records (JSONL objects or a CSV header with id, stance,
    score) rather than a thread."""
    if name.lower().endswith(".parquet"):
        return True
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("{"):
        try:
            record = json.loads(first)
        except ValueError:
            return False
        return isinstance(record, dict) and _SIGNATURE <= set(record)
    header = next(csv.reader([first]), [])
    return _SIGNATURE <= {cell.strip() for cell in header}


def read_labelled(source: str | os.PathLike[str] | bytes, *, name: str | None = None) -> list[ReportThread]:
    """The threads of a labelled-records file (by suffix: ``.parquet``, ``.csv``, else JSONL), or of its
    bytes (``name`` says which file they came from). Raises InputError naming the file and line."""
    if isinstance(source, bytes):
        where, data = name or "<stdin>", source
    else:
        where, data = os.fspath(source), None
    if where.lower().endswith(".parquet"):
        rows: Iterable[tuple[int, dict[str, Any]]] = _parquet_rows(where, data)
    else:
        if data is None:
            try:
                data = Path(where).read_bytes()
            except OSError as exc:
                raise InputError(f"can't be read ({exc.strerror or exc})", source=where) from None
        text = data.decode("utf-8-sig", "replace")
        if not text.strip():
            raise InputError(f"is empty; {_EXPECTED}", source=where)
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        rows = _jsonl_rows(text, where) if first.startswith("{") else _csv_rows(text, where)
    return threads_from_records(rows, source=where)


def threads_from_records(records: Iterable[Mapping[str, Any] | tuple[int, Mapping[str, Any]]], *,
                         source: str = "records") -> list[ReportThread]:
    """Group records by ``thread`` (in order of first appearance) and lay each thread out in thread order.

    ``records`` are mappings in the JSONL shape or the flat CSV shape, or ``(line, mapping)`` pairs (the
    line names the record in errors)."""
    groups: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
    for number, item in enumerate(records, start=1):
        line, record = item if isinstance(item, tuple) else (number, item)
        parsed = _parse_record(record, source, line)
        groups.setdefault(parsed["thread"], []).append((line, parsed))
    if not groups:
        raise InputError(f"holds no records; {_EXPECTED}", source=source)
    return [_thread(thread_id, rows, source) for thread_id, rows in groups.items()]


def _thread(thread_id: Any, rows: list[tuple[int, dict[str, Any]]], source: str) -> ReportThread:
    by_id: dict[str, dict[str, Any]] = {}
    for line, record in rows:
        if record["id"] in by_id:
            where = f"thread {thread_id!r}" if thread_id is not None else "the records"
            raise InputError(f"post id {record['id']!r} appears twice in {where}; each post needs its own id",
                             source=source, line=line)
        by_id[record["id"]] = record
    thread = Thread(posts=[Post(id=r["id"], text="", author=r["author"], reply_to=r["reply_to"],
                                created=r["created"]) for r in by_id.values()])
    posts = []
    for post, depth in thread.in_thread_order():
        r = by_id[post.id]
        posts.append(ReportPost(id=post.id, text=r["text"] or "", depth=depth, author=r["author"],
                                reply_to=r["reply_to"] if r["reply_to"] in by_id else None, created=r["created"],
                                stance=r["stance"], relation=r["relation"], duplicate_of=r["duplicate_of"],
                                quotes=r["quotes"], attributed=r["attributed"], has_text=r["text"] is not None))
    models = sorted({f"{r['model']} {r['model_version']}".strip() for r in by_id.values() if r["model"]})
    return ReportThread(posts=posts, id=None if thread_id is None else str(thread_id),
                        model=", ".join(models) or None)


def _parse_record(record: Mapping[str, Any], source: str, line: int) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise InputError(f"is a JSON {type(record).__name__}, not an object; {_EXPECTED}", source=source, line=line)
    record = {k: _blank_to_none(v) for k, v in record.items()}
    if record.get("id") is None:
        raise InputError(f"record has no 'id'; {_EXPECTED}", source=source, line=line)
    try:
        created = parse_time(record.get("created"))
    except (ValueError, OverflowError):
        raise InputError(f"'created' is {record.get('created')!r}, not an ISO 8601 time; give a time such as "
                         "2011-12-08T03:07:10Z or leave it empty", source=source, line=line) from None
    return {
        "id": str(record["id"]), "thread": record.get("thread"),
        "reply_to": None if record.get("reply_to") is None else str(record["reply_to"]),
        "author": None if record.get("author") is None else str(record["author"]),
        "created": created,
        "stance": _stance(record, source, line), "relation": _relation(record, source, line),
        "quotes": _int(record, "quotes", source, line), "attributed": _int(record, "attributed", source, line),
        "duplicate_of": None if record.get("duplicate_of") is None else str(record["duplicate_of"]),
        "model": record.get("model"), "model_version": record.get("model_version") or "",
        "text": None if record.get("text") is None else str(record["text"]),
    }


def _stance(record: Mapping[str, Any], source: str, line: int) -> StanceResult | None:
    label = record.get("stance")
    if label is None:
        return None
    scores = record.get("scores")
    if scores is None:
        scores = {key[len("score_"):]: value for key, value in record.items()
                  if key.startswith("score_") and value is not None}
    if not isinstance(scores, Mapping):
        raise InputError(f"'scores' is {scores!r}, not an object of label: probability", source=source, line=line)
    parsed = {str(k): _float(v, f"scores.{k}", source, line) for k, v in scores.items()}
    score = record.get("score")
    value = _float(score, "score", source, line) if score is not None else parsed.get(str(label), 0.0)
    return StanceResult(label=str(label), score=value, scores=parsed)


def _relation(record: Mapping[str, Any], source: str, line: int) -> RelationResult | None:
    relation = record.get("relation")
    if relation is None and record.get("relation_label") is not None:
        relation = {"to": record.get("relation_to"), "label": record["relation_label"],
                    "score": record.get("relation_score")}
    if relation is None:
        return None
    if not isinstance(relation, Mapping) or relation.get("label") is None or relation.get("to") is None:
        raise InputError(f"'relation' is {relation!r}; expected {{\"to\", \"label\", \"score\"}} or null",
                         source=source, line=line)
    score = relation.get("score")
    return RelationResult(to=str(relation["to"]), label=str(relation["label"]),
                          score=_float(score, "relation score", source, line) if score is not None else 0.0)


def _float(value: Any, what: str, source: str, line: int) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or isinstance(value, bool):
        raise InputError(f"{what} is {value!r}, not a number", source=source, line=line)
    return number


def _int(record: Mapping[str, Any], key: str, source: str, line: int) -> int:
    value = record.get(key)
    if value is None:
        return 0
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or number != int(number) or number < 0 or isinstance(value, bool):
        raise InputError(f"'{key}' is {value!r}, not a count", source=source, line=line)
    return int(number)


def _blank_to_none(value: Any) -> Any:
    if value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _jsonl_rows(text: str, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as exc:
            raise InputError(f"is not valid JSON ({exc.msg}); {_EXPECTED}", source=where, line=number) from None


def _csv_rows(text: str, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not _SIGNATURE <= set(reader.fieldnames):
        raise InputError(f"has no id, stance and score columns; {_EXPECTED}", source=where)
    for row in reader:
        if None in row:
            raise InputError("has more cells than the header has columns", source=where, line=reader.line_num)
        yield reader.line_num, dict(row)


def _parquet_rows(where: str, data: bytes | None) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("is Parquet, which needs pyarrow; pip install 'threadlens[parquet]'",
                         source=where) from None
    try:
        table = pq.read_table(io.BytesIO(data) if data is not None else where)
    except OSError as exc:
        raise InputError(f"can't be read as Parquet ({exc})", source=where) from None
    columns = set(table.column_names)
    if not _SIGNATURE <= columns:
        raise InputError(f"has no id, stance and score columns; {_EXPECTED}", source=where)
    for number, row in enumerate(table.to_pylist(), start=1):
        yield number, row
