"""Small corpora for the label tests: the repository's connections threads copied under fresh ids.

``write_corpus(path, copies=k)`` writes the threads of ``corpora/connections/train.jsonl`` (``POSTS`` posts in
``THREADS`` threads) ``k`` times
(ids and conversation ids prefixed ``c<copy>-``), conversations contiguous, in the ConvoKit utterance layout
with timestamps, as ``threadlens convert`` writes them. ``shuffled=True`` interleaves the lines of
different conversations (the layout that needs the planner's index).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "corpora" / "connections" / "train.jsonl"


def connections_records() -> list[dict]:
    return [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_records(copies: int = 1) -> list[dict]:
    """The records, grouped by conversation (conversations in order of first appearance)."""
    base = connections_records()
    groups: dict[str, list[dict]] = {}
    for record in base:
        groups.setdefault(record["conversation_id"], []).append(record)
    out = []
    for copy in range(copies):
        prefix = f"c{copy}-"
        for records in groups.values():
            for record in records:
                out.append({"id": prefix + record["id"], "conversation_id": prefix + record["conversation_id"],
                            "reply_to": prefix + record["reply_to"] if record.get("reply_to") else None,
                            "speaker": record["speaker"], "timestamp": record["timestamp"] + copy * 86400,
                            "text": record["text"]})
    return out


def write_corpus(path: Path, *, copies: int = 1, shuffled: bool = False, seed: int = 0) -> int:
    """Write the corpus; the number of posts."""
    records = corpus_records(copies)
    if shuffled:
        rng = random.Random(seed)
        rng.shuffle(records)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return len(records)


POSTS = len(connections_records())
THREADS = len({record["conversation_id"] for record in connections_records()})


def stopped_before_the_join(run: Callable[[], object], monkeypatch: pytest.MonkeyPatch) -> None:
    """Call ``run`` (a ``label_corpus`` call) so that it stops, every unit done, before joining the chunks."""
    from threadlens.label import _state

    def stop(self, count):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(_state.RunDirectory, "finish", stop)
        with pytest.raises(KeyboardInterrupt):
            run()
