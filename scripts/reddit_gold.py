"""How well threadlens splits Reddit comments into quote and reply, against Reddit's own rendering.

Usage: python scripts/reddit_gold.py [SHARED_DIR]   (default: $THREADLENS_SHARED or ../shared)

The thread ``data/reddit/praw-thread/thread_n49rw.jsonl`` is read with the ``reddit`` reader and analysed
(``stance=False``); the 30 comments of ``quote_gold.jsonl`` are scored.

The metric: character-level labels over the rendered text. The gold labels come from Reddit's own HTML
(``body_html``): a character is *quote* when it lies inside a top-level ``<blockquote>``, else *reply*
(this rendering reproduces ``quoted_blocks`` and ``reply_text`` of quote_gold.jsonl, which the script
checks). Ours: a character of the post's text is *quote* when a quote segment of the analysis covers it.
Whitespace is normalised away: only non-whitespace characters carry a label, so line-break and spacing
differences between renderers count for nothing. The two character sequences are aligned (difflib); the
agreement is the share of gold characters that are aligned to a character of ours *and* carry the same
label. Gold characters our rendering lacks count as disagreements.
"""

from __future__ import annotations

import html
import json
import os
import sys
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

THREAD = Path("data/reddit/praw-thread/thread_n49rw.jsonl")
GOLD = Path("data/reddit/praw-thread/quote_gold.jsonl")


@dataclass
class Disagreement:
    post_id: str
    gold_label: str
    ours_label: str
    text: str


@dataclass
class GoldReport:
    comments: int = 0
    gold_chars: int = 0
    agreeing: int = 0
    unaligned: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    parents_missing: int = 0
    posts: int = 0

    @property
    def agreement(self) -> float:
        return self.agreeing / self.gold_chars if self.gold_chars else 0.0


def labelled(text: str, quotes: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """``(char, "Q" | "R")`` for every non-whitespace character of ``text``."""
    flags = [False] * len(text)
    for start, end in quotes:
        for i in range(max(0, start), min(end, len(text))):
            flags[i] = True
    return [(c, "Q" if flags[i] else "R") for i, c in enumerate(text) if not c.isspace()]


def gold_labels(body_html: str) -> tuple[list[tuple[str, str]], str, str, str]:
    """Reddit's rendering of a comment as labelled characters, its quoted and reply text, and the text."""
    from threadlens.readers._html import html_to_text

    rendered = html_to_text(html.unescape(body_html))
    quotes = [(s.start, s.end) for s in rendered.quotes]
    chars = labelled(rendered.text, quotes)
    return (chars, "".join(c for c, k in chars if k == "Q"), "".join(c for c, k in chars if k == "R"),
            rendered.text)


def _squeezed(texts: list[str] | str) -> str:
    return "".join("".join(texts).split())


def compare(post_id: str, gold: list[tuple[str, str]], ours: list[tuple[str, str]], report: GoldReport,
            gold_text: str = "") -> None:
    gold_chars = "".join(c for c, _ in gold)
    our_chars = "".join(c for c, _ in ours)
    matcher = SequenceMatcher(None, gold_chars, our_chars, autojunk=False)
    aligned: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            aligned[block.a + k] = block.b + k
    report.gold_chars += len(gold)
    positions = [i for i, c in enumerate(gold_text) if not c.isspace()] if gold_text else []

    def shown(first: int, last: int) -> str:  # the disagreeing stretch as Reddit renders it, spaces kept
        if len(positions) == len(gold):
            return " ".join(gold_text[positions[first] : positions[last] + 1].split())
        return "".join(c for c, _ in gold[first : last + 1])

    run: list[int] = []
    run_labels: tuple[str, str] | None = None
    for i, (_, label) in enumerate(gold):
        j = aligned.get(i)
        mine = ours[j][1] if j is not None else "-"
        if j is None:
            report.unaligned += 1
        if mine == label:
            report.agreeing += 1
            if run:
                report.disagreements.append(Disagreement(post_id, run_labels[0], run_labels[1], shown(run[0], run[-1])))  # type: ignore[index]
                run, run_labels = [], None
            continue
        if run and run_labels != (label, mine):
            report.disagreements.append(Disagreement(post_id, run_labels[0], run_labels[1], shown(run[0], run[-1])))  # type: ignore[index]
            run = []
        run.append(i)
        run_labels = (label, mine)
    if run:
        report.disagreements.append(Disagreement(post_id, run_labels[0], run_labels[1], shown(run[0], run[-1])))  # type: ignore[index]


def evaluate(shared: Path) -> GoldReport:
    """Read and analyse the thread; score the gold comments."""
    from threadlens.analysis import analyze
    from threadlens.readers import read_thread

    thread = read_thread(shared / THREAD, format="reddit")
    report = GoldReport(posts=len(thread))
    report.parents_missing = sum(1 for p in thread if p.reply_to is not None and p.reply_to not in thread)
    analysis = analyze(thread, stance=False)
    html_by_id = {}
    with open(shared / THREAD, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("body_html"):
                html_by_id[record["id"]] = record["body_html"]
    with open(shared / GOLD, encoding="utf-8") as handle:
        gold_rows = [json.loads(line) for line in handle if line.strip()]
    for row in gold_rows:
        gold, quoted, reply, gold_text = gold_labels(html_by_id[row["id"]])
        if quoted != _squeezed(row["quoted_blocks"]) or reply != _squeezed(row["reply_text"]):
            raise SystemExit(f"the gold rendering of {row['id']} does not reproduce quote_gold.jsonl")
        post = analysis[row["id"]]
        ours = labelled(post.post.text, [(s.start, s.end) for s in post.quotes])
        compare(row["id"], gold, ours, report, gold_text)
        report.comments += 1
    return report


def main(argv: list[str]) -> int:
    default = os.environ.get("THREADLENS_SHARED") or str(Path(__file__).resolve().parents[1].parent / "shared")
    shared = Path(argv[1]) if len(argv) > 1 else Path(default)
    if not (shared / THREAD).is_file():
        print(f"error: {shared / THREAD} not found; pass the shared directory", file=sys.stderr)
        return 2
    report = evaluate(shared)
    print(f"thread: {report.posts} posts, {report.parents_missing} with a parent missing")
    print(f"gold comments: {report.comments}, gold characters (non-whitespace): {report.gold_chars}")
    print(f"quote/reply agreement: {report.agreement:.2%} ({report.agreeing}/{report.gold_chars}); "
          f"{report.unaligned} gold characters not in our rendering")
    print(f"disagreements: {len(report.disagreements)}")
    for item in report.disagreements:
        print(f"  {item.post_id}: gold {item.gold_label} / ours {item.ours_label}: {item.text[:100]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
