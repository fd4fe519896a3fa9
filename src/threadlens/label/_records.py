"""The labelled-record schema, and the three output formats that carry it (JSONL, CSV, Parquet).

One record per post::

    {"id", "thread", "reply_to", "author", "created", "stance", "score", "scores", "relation",
     "quotes", "attributed", "duplicate_of", "model", "model_version"}      (+ "text" with --with-text)

``created`` is ISO 8601 (UTC) or null; ``scores`` maps every label to its probability; ``relation`` is
``{"to", "label", "score"}`` or null; ``quotes`` counts the post's quotes and ``attributed`` those whose source
post was found; ``text`` is the post's own words (its reply text, quotes left out). CSV and Parquet flatten
``scores`` to ``score_<label>`` columns and ``relation`` to ``relation_to``, ``relation_label`` and
``relation_score``; :func:`read_labelled` reads any of the three back into the JSON shape.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..readers._json import NotQuick, quick_loads

if TYPE_CHECKING:
    from ..analysis import PostAnalysis, RelationResult, StanceResult

__all__ = ["LABEL_FORMATS", "RecordFormat", "label_record", "flat_columns", "flatten", "unflatten",
           "read_labelled", "format_of", "jsonl_lines"]

LABEL_FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
_FLOAT_FIELDS = ("score", "relation_score")
_INT_FIELDS = ("quotes", "attributed")


def format_of(path: str | os.PathLike[str], *, what: str = "output") -> str:
    """``jsonl``, ``csv`` or ``parquet`` from a file name; InputError for anything else (naming ``what`` the
    file is: the ``output``, a ``labelled corpus``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(f"can't tell the {what} format from the suffix {suffix or '(none)'!r}; "
                         f"{'end the name in' if what == 'output' else 'give a file whose name ends in'} "
                         ".jsonl, .csv or .parquet", source=os.fspath(path))
    return _SUFFIXES[suffix]


def label_record(post: PostAnalysis, *, model: str, model_version: str, with_text: bool = False) -> dict[str, Any]:
    """The labelled record of one analysed post (stance and relation as the labeller gave them)."""
    return post_record(post, post.stance, post.relation, model=model, model_version=model_version,
                       with_text=with_text)


def post_record(post: PostAnalysis, stance: StanceResult | None, relation: RelationResult | None, *, model: str,
                model_version: str, with_text: bool = False) -> dict[str, Any]:
    """The labelled record of an analysed post with these labels (``label`` writes these without making the
    labelled :class:`PostAnalysis`)."""
    source = post.post
    attributed = 0
    quotes = 0
    for segment in post.segments:
        if segment.kind == "quote":
            quotes += 1
            attributed += segment.source is not None
    record: dict[str, Any] = {
        "id": source.id, "thread": post.thread_id, "reply_to": source.reply_to, "author": source.author,
        "created": source.created.isoformat().replace("+00:00", "Z") if source.created is not None else None,
        "stance": stance.label if stance is not None else None,
        "score": round(stance.score, 4) if stance is not None else None,
        "scores": {label: round(value, 4) for label, value in stance.scores.items()} if stance is not None else {},
        "relation": ({"to": relation.to, "label": relation.label, "score": round(relation.score, 4)}
                     if relation is not None else None),
        "quotes": quotes, "attributed": attributed, "duplicate_of": post.duplicate_of,
        "model": model, "model_version": model_version,
    }
    if with_text:
        record["text"] = post.reply_text
    return record


def flat_columns(labels: Sequence[str], *, with_text: bool = False) -> list[str]:
    """The CSV / Parquet columns for a model with these labels."""
    return ["id", "thread", "reply_to", "author", "created", "stance", "score",
            *(f"score_{label}" for label in labels), "relation_to", "relation_label", "relation_score",
            "quotes", "attributed", "duplicate_of", "model", "model_version", *(["text"] if with_text else [])]


def flatten(record: dict[str, Any], labels: Sequence[str]) -> dict[str, Any]:
    """A record with ``scores`` and ``relation`` spread over flat columns."""
    flat = {key: value for key, value in record.items() if key not in ("scores", "relation")}
    scores = record.get("scores") or {}
    for label in labels:
        flat[f"score_{label}"] = scores.get(label)
    relation = record.get("relation") or {}
    flat["relation_to"] = relation.get("to")
    flat["relation_label"] = relation.get("label")
    flat["relation_score"] = relation.get("score")
    return flat


def unflatten(row: dict[str, Any]) -> dict[str, Any]:
    """The JSON shape of a flat (CSV or Parquet) row."""
    record: dict[str, Any] = {}
    scores: dict[str, Any] = {}
    for key, value in row.items():
        if key.startswith("score_"):
            if value is not None:
                scores[key[len("score_"):]] = value
        elif not key.startswith("relation_"):
            record[key] = value
    record["scores"] = scores
    to = row.get("relation_to")
    record["relation"] = ({"to": to, "label": row.get("relation_label"), "score": row.get("relation_score")}
                          if to is not None else None)
    order = ["id", "thread", "reply_to", "author", "created", "stance", "score", "scores", "relation", "quotes",
             "attributed", "duplicate_of", "model", "model_version", "text"]
    return {key: record[key] for key in order if key in record} | {k: v for k, v in record.items() if k not in order}


@dataclass(frozen=True, slots=True)
class RecordFormat:
    """How chunks of records are written in one output format, and how the chunks become the output file."""

    name: str
    labels: tuple[str, ...]
    with_text: bool = False

    @property
    def columns(self) -> list[str]:
        return flat_columns(self.labels, with_text=self.with_text)

    def encode(self, records: Sequence[dict[str, Any]]) -> bytes:
        """One chunk: JSONL lines, CSV rows without a header, or a Parquet file."""
        if self.name == "jsonl":
            return jsonl_lines(records)
        if self.name == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            columns = self.columns
            for record in records:
                flat = flatten(record, self.labels)
                writer.writerow(["" if flat.get(c) is None else flat[c] for c in columns])
            return buffer.getvalue().encode("utf-8")
        if self.name == "parquet":
            import pyarrow.parquet as pq

            sink = io.BytesIO()
            pq.write_table(self._table(records), sink)
            return sink.getvalue()
        raise ValueError(f"unknown label format {self.name!r}; choose one of {', '.join(LABEL_FORMATS)}")

    def header(self) -> bytes:
        """What the output starts with: the CSV header row, nothing for the other formats."""
        if self.name != "csv":
            return b""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(self.columns)
        return buffer.getvalue().encode("utf-8")

    def schema(self) -> Any:
        import pyarrow as pa

        types = {"score": pa.float64(), "relation_score": pa.float64(), "quotes": pa.int64(),
                 "attributed": pa.int64()}
        return pa.schema([(c, types.get(c, pa.float64() if c.startswith("score_") else pa.string()))
                          for c in self.columns])

    def _table(self, records: Sequence[dict[str, Any]]) -> Any:
        import pyarrow as pa

        flat = [flatten(record, self.labels) for record in records]
        schema = self.schema()
        return pa.table({c: pa.array([row.get(c) for row in flat], type=schema.field(c).type) for c in self.columns},
                        schema=schema)

    def assemble(self, chunks: Sequence[Path], target: Path) -> None:
        """Write the chunks, in order, as one file at ``target`` (which must not exist yet)."""
        if self.name == "parquet":
            import pyarrow.parquet as pq

            with pq.ParquetWriter(target, self.schema()) as writer:
                for chunk in chunks:
                    table = pq.read_table(chunk, schema=self.schema())
                    if table.num_rows:
                        writer.write_table(table)
            return
        with open(target, "wb") as out:
            out.write(self.header())
            for chunk in chunks:
                with open(chunk, "rb") as part:
                    while block := part.read(1 << 20):
                        out.write(block)


try:
    from orjson import dumps as _orjson_dumps
except ImportError:  # pragma: no cover - orjson is a dependency; a platform without its wheels still works
    _orjson_dumps = None


# The json module's compact form of a record, for where orjson is absent or declines one.
_encode_json = partial(json.dumps, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _json_bytes(record: dict[str, Any]) -> bytes:
    """A record as compact JSON by the ``json`` module; NaN and infinities written as ``null``, as orjson does
    (``NaN`` isn't JSON)."""
    try:
        return _encode_json(record).encode("utf-8")
    except ValueError:  # a float that isn't finite
        return _encode_json(_finite(record)).encode("utf-8")


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def jsonl_lines(records: Sequence[dict[str, Any]]) -> bytes:
    """Records as JSON lines (UTF-8): compact JSON, one object per line, by orjson where it is installed (about
    five times faster) and by ``json`` otherwise — the same bytes for the values records hold (strings, ints,
    floats rounded to 4 places, None); NaN and infinities are written as ``null``. U+2028, U+2029 and U+0085
    are escaped: readers that split lines on them (``str.splitlines``, JavaScript) see one record per line."""
    encode = _orjson_dumps or _json_bytes
    try:
        data = b"".join([encode(record) + b"\n" for record in records])
    except TypeError:  # orjson refuses an int past 64 bits, a key that isn't a string: json writes them
        data = b"".join([_json_bytes(record) + b"\n" for record in records])
    if not data.isascii():  # the three are non-ASCII; and only in strings, as JSON's own syntax is ASCII
        for char, escape in _LINE_BREAKERS.items():
            data = data.replace(char.encode("utf-8"), escape.encode("ascii"))
    return data


def read_labelled(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The records of a labelled corpus (``.jsonl``, ``.csv`` or ``.parquet``), lazily, in the JSON shape."""
    name = os.fspath(path)
    file = Path(name)
    if not file.is_file():
        raise InputError("no such file; check the path" if not file.exists() else "is not a file", source=name)
    kind = format_of(file, what="labelled corpus")
    if kind == "jsonl":
        return _read_jsonl(file)
    if kind == "csv":
        return _read_csv(file)
    return _read_parquet(file)


def _read_jsonl(file: Path) -> Iterator[dict[str, Any]]:
    with open(file, encoding="utf-8", errors="replace", newline="") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = _loads(line)
            except ValueError:
                raise InputError("is not a labelled record (not valid JSON); pass a file written by "
                                 "`threadlens label`", source=str(file), line=number) from None
            if not isinstance(record, dict) or "stance" not in record or "id" not in record:
                raise InputError("is not a labelled record (no 'id' or 'stance'); pass a file written by "
                                 "`threadlens label`", source=str(file), line=number)
            yield record


def _loads(line: str) -> Any:
    try:
        return quick_loads(line)
    except NotQuick:
        return json.loads(line)


def _read_csv(file: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(1 << 30)
    with open(file, encoding="utf-8", errors="replace", newline="") as stream:
        reader = csv.DictReader(stream)
        if reader.fieldnames is None or "stance" not in reader.fieldnames or "id" not in reader.fieldnames:
            raise InputError("has no 'id' and 'stance' columns; pass a file written by `threadlens label`",
                             source=str(file))
        for row in reader:
            typed: dict[str, Any] = {}
            for key, value in row.items():
                if value == "" or value is None:
                    typed[key] = None
                elif key in _INT_FIELDS:
                    typed[key] = int(value)
                elif key in _FLOAT_FIELDS or key.startswith("score_"):
                    typed[key] = float(value)
                else:
                    typed[key] = value
            yield unflatten(typed)


def _read_parquet(file: Path) -> Iterator[dict[str, Any]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow; install threadlens[parquet]", source=str(file)) from None
    try:
        parquet = pq.ParquetFile(file)
    except Exception as exc:  # pyarrow raises its own error types
        raise InputError(f"is not a Parquet file ({exc})", source=str(file)) from None
    if "stance" not in parquet.schema_arrow.names:
        raise InputError("has no 'stance' column; pass a file written by `threadlens label`", source=str(file))
    for batch in parquet.iter_batches(batch_size=10_000):
        for row in batch.to_pylist():
            yield unflatten(row)
