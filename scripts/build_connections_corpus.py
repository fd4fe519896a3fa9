"""Build corpora/connections/{train,dev,test}.jsonl from the written parts (and real HN off-topic comments).

The split is by conversation (a thread never straddles two splits), balanced on labels and decided from
the labels and a hash of the conversation ids alone — fixed before any model was trained, never tuned. Run from the repository root:

    python scripts/build_connections_corpus.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "connections"
LABELS = ("worth_connecting", "skill_matters", "neutral")
FIELDS = ("id", "conversation_id", "reply_to", "speaker", "timestamp", "text", "label", "relation", "forms", "origin")
# Real HN comments are only used as `neutral` when nothing in them touches the question.
_ON_TOPIC = re.compile(r"career|hire|hiring|job|network|skill|promot|boss|manager|interview|resume|talent|competen|"
                       r"merit|friend|connect|likab|social|people|colleague|cowork|salary|team|work", re.I)
HN_NEUTRAL = 120


SHARES = {"train": 0.70, "dev": 0.15, "test": 0.15}


def assign_splits(rows: list[dict], frozen: dict[str, str] | None = None) -> dict[str, str]:
    """Conversation id -> split: whole conversations, each split close to its share of every label and of
    the replies (so thread-aware figures can be measured on dev and test too).

    Conversations already in ``frozen`` (splits.json of an earlier build) keep their split, so adding data
    never moves a post between splits. The others are taken in the order of a hash of their id; each goes
    to the split whose quota of its labels and replies is least filled. Nothing but ids, labels and reply
    links is looked at.
    """
    frozen = frozen or {}
    by_conversation: dict[str, Counter] = {}
    for row in rows:
        counts = by_conversation.setdefault(row["conversation_id"], Counter())
        counts[row["label"]] += 1
        counts["reply"] += row["reply_to"] is not None
    totals: Counter = Counter()
    for counts in by_conversation.values():
        totals.update(counts)
    quota = {split: {key: share * totals[key] for key in totals} for split, share in SHARES.items()}
    filled = {split: Counter() for split in SHARES}
    assignment: dict[str, str] = {c: frozen[c] for c in by_conversation if c in frozen}
    for conversation, split in assignment.items():
        filled[split].update(by_conversation[conversation])
    fresh = [c for c in by_conversation if c not in assignment]
    for conversation in sorted(fresh, key=lambda c: hashlib.sha256(c.encode()).hexdigest()):
        counts = by_conversation[conversation]

        def fullness(split: str) -> float:
            return sum(n * (filled[split][key] + n) / quota[split][key] for key, n in counts.items() if n)

        best = min(SHARES, key=fullness)
        assignment[conversation] = best
        filled[best].update(counts)
    return assignment


def written_parts() -> list[dict]:
    rows = []
    for path in sorted((CORPUS / "parts").glob("part-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record["origin"] = f"written:{path.stem}"
            rows.append(record)
    return rows


def hn_neutral(shared: Path) -> list[dict]:
    sys.path.insert(0, str(ROOT / "src"))
    from threadlens.readers._html import html_to_text

    path = shared / "data" / "hn" / "hn-comments-1000-sample.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        raw = item.get("text") or ""
        if "&gt;" in raw:
            continue
        text = html_to_text(raw).text
        if _ON_TOPIC.search(text) or not 8 <= len(text.split()) <= 150:
            continue
        rows.append({"id": f"hn-{item['id']}", "conversation_id": f"hn-{item['id']}", "reply_to": None,
                     "speaker": item.get("by"), "timestamp": int(item["time"]), "text": text, "label": "neutral",
                     "relation": None, "forms": ["off-topic", "real"],
                     "origin": "hn-comments-1000-sample (Apache-2.0, typesense/showcase-hn-comments-semantic-search)"})
    rows.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
    return rows[:HN_NEUTRAL]


def validate(rows: list[dict]) -> None:
    ids = Counter(r["id"] for r in rows)
    repeated = [i for i, n in ids.items() if n > 1]
    if repeated:
        raise SystemExit(f"repeated ids: {repeated[:5]}")
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        if r["label"] not in LABELS:
            raise SystemExit(f"{r['id']}: label {r['label']!r}")
        parent = by_id.get(r["reply_to"]) if r["reply_to"] else None
        if r["reply_to"] and (parent is None or parent["conversation_id"] != r["conversation_id"]):
            raise SystemExit(f"{r['id']}: reply_to {r['reply_to']!r} not in its conversation")
        if (r["reply_to"] is None) != (r["relation"] is None):
            raise SystemExit(f"{r['id']}: relation must be set exactly for replies")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    rows = written_parts()
    if args.shared.is_dir():
        rows += hn_neutral(args.shared)
    else:
        print(f"note: {args.shared} absent; building without the real HN neutral comments", file=sys.stderr)
    validate(rows)
    splits: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    frozen_path = CORPUS / "splits.json"
    frozen = json.loads(frozen_path.read_text()) if frozen_path.is_file() else {}
    assignment = assign_splits(rows, frozen)
    frozen_path.write_text(json.dumps(dict(sorted(assignment.items())), indent=0) + "\n")
    for row in rows:
        splits[assignment[row["conversation_id"]]].append({k: row.get(k) for k in FIELDS})
    for name, part in splits.items():
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part)
        (CORPUS / f"{name}.jsonl").write_text(text, encoding="utf-8")
        counts = Counter(r["label"] for r in part)
        replies = sum(r["reply_to"] is not None for r in part)
        print(f"{name:5} {len(part):4} posts  " + "  ".join(f"{label} {counts[label]}" for label in LABELS)
              + f"  replies {replies}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
