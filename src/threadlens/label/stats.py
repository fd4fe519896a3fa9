"""What a labelled corpus says: stance shares overall, per thread, per author and over time; who agrees with whom.

>>> from threadlens.label.stats import corpus_stats
>>> stats = corpus_stats("labels.parquet")          # doctest: +SKIP
>>> stats.to_dict(top=10)["stance"]                 # doctest: +SKIP
{'neutral': {'posts': 790, 'share': 0.3686}, ...}

One pass over the records (``.jsonl``, ``.csv`` or ``.parquet`` as ``threadlens label`` writes them). Memory
grows with the number of threads, authors, days and author pairs, not with posts; an author pair, the most
numerous, takes one int (its relation counts packed) and two references to names held once. A relation
names the post it answers; its author is found among the posts of the same thread, which ``label`` writes
together (a target outside the thread's block counts as an unknown author).
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..errors import InputError
from ._records import read_labelled

__all__ = ["CorpusStats", "corpus_stats", "PERIODS", "UNKNOWN_AUTHOR"]

PERIODS = ("auto", "day", "week", "month", "year")
UNKNOWN_AUTHOR = "(unknown)"
_RELATIONS = ("agree", "disagree", "neutral")
_SLOT_BITS = 40  # a pair's count of one relation label, in its packed int: up to 2**40 replies
_SLOT_MASK = (1 << _SLOT_BITS) - 1


@dataclass(slots=True)
class CorpusStats:
    """Counts over a labelled corpus. ``days`` keys are ISO dates; see :meth:`over_time` for periods.

    ``pairs`` maps (author, author replied to) to the counts of each relation label packed in one int (label
    ``relation_slots[i]`` in bits ``40·i`` up): :meth:`pair_counts` reads them. A million pairs take a
    fraction of what a ``Counter`` each would.
    """

    posts: int = 0
    labels: list[str] = field(default_factory=list)
    stance: Counter[str] = field(default_factory=Counter)
    threads: dict[str, Counter[str]] = field(default_factory=dict)
    authors: dict[str, Counter[str]] = field(default_factory=dict)
    days: dict[str, Counter[str]] = field(default_factory=dict)
    undated: int = 0
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    relation_slots: list[str] = field(default_factory=list)
    relations: Counter[str] = field(default_factory=Counter)
    models: Counter[str] = field(default_factory=Counter)

    def pair_counts(self, pair: tuple[str, str]) -> Counter[str]:
        """How many replies of ``pair[0]`` to ``pair[1]`` carry each relation label."""
        return self._unpacked(self.pairs.get(pair, 0))

    def _unpacked(self, packed: int) -> Counter[str]:
        return Counter({label: count for slot, label in enumerate(self.relation_slots)
                        if (count := (packed >> (_SLOT_BITS * slot)) & _SLOT_MASK)})

    def _largest_pairs(self, top: int | None) -> list[tuple[tuple[str, str], Counter[str]]]:
        """The pairs with the most replies (then by name), their counts unpacked."""
        slots = range(len(self.relation_slots))

        def total(packed: int) -> int:
            return sum((packed >> (_SLOT_BITS * slot)) & _SLOT_MASK for slot in slots)

        items = sorted(self.pairs.items(), key=lambda item: (-total(item[1]), str(item[0])))
        chosen = items if top is None or top <= 0 else items[:top]
        return [(pair, self._unpacked(packed)) for pair, packed in chosen]

    # -- derived -----------------------------------------------------------------------------------------
    def period(self, period: str = "auto") -> str:
        """The period ``auto`` stands for: days for up to two months, weeks up to a year, months up to ten."""
        if period != "auto":
            if period not in PERIODS:
                raise InputError(f"unknown period {period!r}; choose one of: {', '.join(PERIODS)}")
            return period
        if not self.days:
            return "day"
        first, last = date.fromisoformat(min(self.days)), date.fromisoformat(max(self.days))
        span = (last - first).days
        return "day" if span <= 62 else "week" if span <= 366 else "month" if span <= 3660 else "year"

    def over_time(self, period: str = "auto") -> list[tuple[str, Counter[str]]]:
        """Stance counts per period (``2023-12-13``, ``2023-W50``, ``2023-12``, ``2023``), in time order."""
        chosen = self.period(period)
        rolled: dict[str, Counter[str]] = {}
        for day, counts in self.days.items():
            rolled.setdefault(_period_key(day, chosen), Counter()).update(counts)
        return sorted(rolled.items())

    def to_dict(self, *, top: int | None = 20, period: str = "auto") -> dict[str, Any]:
        """The JSON summary; ``top`` limits the thread, author and pair lists (None: all)."""
        chosen = self.period(period)
        return {
            "posts": self.posts, "threads": len(self.threads), "authors": len(self.authors),
            "models": dict(self.models.most_common()), "labels": self.labels,
            "stance": self._shares(self.stance),
            "over_time": {"period": chosen, "undated_posts": self.undated,
                          "rows": [{"period": key, "posts": sum(c.values()), "stance": self._shares(c)}
                                   for key, c in self.over_time(chosen)]},
            "by_thread": [{"thread": key, "posts": sum(c.values()), "stance": self._shares(c)}
                          for key, c in _largest(self.threads, top)],
            "by_author": [{"author": key, "posts": sum(c.values()), "stance": self._shares(c)}
                          for key, c in _largest(self.authors, top)],
            "relations": {"totals": {label: self.relations.get(label, 0) for label in self._relation_labels()},
                          "pairs": [{"from": a, "to": b, **{label: c.get(label, 0) for label in self._relation_labels()}}
                                    for (a, b), c in self._largest_pairs(top)]},
        }

    def rows(self, *, top: int | None = 20, period: str = "auto") -> Iterator[list[Any]]:
        """Tidy rows ``section, key, to, label, count, share``: what ``--format csv`` writes."""
        yield ["section", "key", "to", "label", "count", "share"]
        for label, share in self._share_items(self.stance):
            yield ["stance", "", "", label, self.stance.get(label, 0), share]
        for key, counts in self.over_time(period):
            for label, share in self._share_items(counts):
                yield ["time", key, "", label, counts.get(label, 0), share]
        for section, table in (("thread", self.threads), ("author", self.authors)):
            for key, counts in _largest(table, top):
                for label, share in self._share_items(counts):
                    yield [section, key, "", label, counts.get(label, 0), share]
        for (a, b), counts in self._largest_pairs(top):
            total = sum(counts.values())
            for label in self._relation_labels():
                yield ["relation", a, b, label, counts.get(label, 0), round(counts.get(label, 0) / total, 4)]

    def to_csv(self, *, top: int | None = 20, period: str = "auto") -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows(self.rows(top=top, period=period))
        return buffer.getvalue()

    def to_text(self, *, top: int | None = 20, period: str = "auto", width: int = 100) -> str:
        """Plain-text tables (what ``--format table`` prints)."""
        from ._stats_table import render_tables

        return render_tables(self, top=top, period=period, width=width)

    def _relation_labels(self) -> list[str]:
        return [*_RELATIONS, *sorted(set(self.relations) - set(_RELATIONS))]

    def _share_items(self, counts: Counter[str]) -> list[tuple[str, float]]:
        total = sum(counts.values())
        return [(label, round(counts.get(label, 0) / total, 4) if total else 0.0) for label in self.labels]

    def _shares(self, counts: Counter[str]) -> dict[str, dict[str, float]]:
        return {label: {"posts": counts.get(label, 0), "share": share} for label, share in self._share_items(counts)}


def corpus_stats(path: str | os.PathLike[str] | Iterable[dict[str, Any]]) -> CorpusStats:
    """Count a labelled corpus: a ``.jsonl``, ``.csv`` or ``.parquet`` file, or records already read."""
    records = read_labelled(path) if isinstance(path, (str, os.PathLike)) else iter(path)
    stats = CorpusStats()
    labels: dict[str, None] = {}
    thread_key: object = object()
    authors_here: dict[str, str] = {}
    pending: list[tuple[str, str, str]] = []  # (author, target post, relation label) in the current thread
    names: dict[str, str] = {}  # each author's name as first read: the pairs hold it once, not a copy a record
    slots: dict[str, int] = {}  # relation label -> its place in the pairs' packed counts
    pairs = stats.pairs

    def close_thread() -> None:
        for author, target, label in pending:
            pair = (author, authors_here.get(target, UNKNOWN_AUTHOR))
            slot = slots.get(label)
            if slot is None:
                slot = slots[label] = len(stats.relation_slots)
                stats.relation_slots.append(label)
            pairs[pair] = pairs.get(pair, 0) + (1 << (_SLOT_BITS * slot))
        pending.clear()
        authors_here.clear()

    for record in records:
        thread = record.get("thread")
        if thread != thread_key:
            close_thread()
            thread_key = thread
        stance = record.get("stance")
        if stance is None:
            continue
        stats.posts += 1
        for label in record.get("scores") or ():
            labels.setdefault(label, None)
        labels.setdefault(stance, None)
        author = record.get("author") or UNKNOWN_AUTHOR
        author = names.setdefault(author, author)
        stats.stance[stance] += 1
        stats.threads.setdefault(str(thread), Counter())[stance] += 1
        stats.authors.setdefault(author, Counter())[stance] += 1
        stats.models[f"{record.get('model')} {record.get('model_version')}"] += 1
        day = _day(record.get("created"))
        if day is None:
            stats.undated += 1
        else:
            stats.days.setdefault(day, Counter())[stance] += 1
        authors_here[str(record.get("id"))] = author
        relation = record.get("relation")
        if relation and relation.get("to") is not None and relation.get("label"):
            stats.relations[relation["label"]] += 1
            pending.append((author, str(relation["to"]), relation["label"]))
    close_thread()
    stats.labels = list(labels)
    return stats


def _day(created: Any) -> str | None:
    if not created:
        return None
    text = str(created)
    try:
        if len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
            return date.fromisoformat(text[:10]).isoformat()  # checked: "2024-13-45" is no day
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def _period_key(day: str, period: str) -> str:
    if period == "day":
        return day
    if period == "month":
        return day[:7]
    if period == "year":
        return day[:4]
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _largest(table: dict[Any, Counter[str]], top: int | None) -> list[tuple[Any, Counter[str]]]:
    items = sorted(table.items(), key=lambda item: (-sum(item[1].values()), str(item[0])))
    return items if top is None or top <= 0 else items[:top]
