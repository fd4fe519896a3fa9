"""Print the quote segments of the HN API sample's comments that quote with '>' at a paragraph start.

Usage: python scripts/hn_quote_review.py [PATH]  (default: $THREADLENS_SHARED or ../shared, data/hn/hn-comments-1000-sample.jsonl)

Each comment is shown with its quotes in [[...]] and the reply text between them, so a reader can judge
whether each quote covers the quoted words and nothing else (the figure in the README's Hacker News section).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from threadlens.analysis import analyze_threads
from threadlens.readers import read_threads

QUOTE_AT_PARAGRAPH_START = re.compile(r"(?:^|<p>)&gt;")
SHARED = Path(os.environ.get("THREADLENS_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
DEFAULT = SHARED / "data" / "hn" / "hn-comments-1000-sample.jsonl"


def main(path: Path) -> None:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    quoting = [r["id"] for r in records if QUOTE_AT_PARAGRAPH_START.search(r["text"])]
    posts = {p.id: p for a in analyze_threads(read_threads(path), stance=False) for p in a.posts}
    quotes = 0
    for number, post_id in enumerate(quoting, start=1):
        post = posts[post_id]
        text = post.post.text
        shown = []
        for segment in post.segments:
            body = segment.text_of(text).replace("\n", " / ")
            if segment.kind == "quote":
                quotes += 1
                shown.append(f"[[{segment.marker}: {body[:160]}]]")
            else:
                shown.append(body[:90] + ("..." if len(body) > 90 else ""))
        print(f"{number:3} {post_id}  " + "  ".join(shown))
    print(f"{len(quoting)} comments, {quotes} quote segments, "
          f"{sum(1 for i in quoting if posts[i].quotes)} comments with at least one")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
