"""Run the reply-extraction test suites of talon and email_reply_parser against threadlens.

Usage::

    python scripts/peer_suites.py [--shared DIR] [--verbose]

Each message body goes through what the mail reader does with a body (``prepare_body``: HTML to text,
mail furniture as markup) and the core splitter (``analyze(..., stance=False)``, which finds the ``>``
quotes). What a peer calls the reply is then read off threadlens's segments:

- **talon** (``extract_from_plain``/``extract_from_html``) removes quotations only, so its reply is our
  ``reply`` + ``signature`` + ``footer`` segments (``quote`` and ``attribution`` removed), compared after
  stripping (plain, .eml) or with all whitespace removed (HTML), as talon's own tests compare.
  A case's ``patch.object(quotations, 'MAX_LINES_COUNT', N)`` is applied as talon applies it: only the
  first N lines are read.
- **email_reply_parser**: its *visible reply* is our ``reply`` segments alone. Its fragment assertions
  (count, ``quoted``/``signature``/``hidden`` flags, text checks) are checked on fragments built the way
  email_reply_parser builds them (reverse line scan, blank lines joining the fragment below, a signature
  fragment closed at the blank line above it, the hidden rule), with each line's quoted/signature flag
  taken from threadlens's segments instead of its regular expressions. ``quote``/``attribution`` lines
  are quoted, ``signature``/``footer`` lines are signature lines. Assertions ending ``_rb`` are checked on
  the GitHub (Ruby) copy of a file, the others on both copies; a case is one (repository, file) pair.
  Performance notes ("must finish within 1 s") are checked too.

Visible text: the post text without the removed segments, each taking the whitespace after it along.
The suite functions are imported by ``tests/test_mail_peer_suites.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from threadlens.analysis import analyze_threads
from threadlens.quotes.pipeline import pipeline
from threadlens.readers import read_threads
from threadlens.readers._html import html_to_text
from threadlens.readers.mail import post_from_body, visible_text
from threadlens.thread import Post, Segment, Thread

TALON_KEEP = ("reply", "signature", "footer")
ERP_KEEP = ("reply",)
_MAX_LINES = re.compile(r"MAX_LINES_COUNT', (\d+)\)")


@dataclass(slots=True)
class CaseResult:
    name: str
    passed: bool
    detail: str = ""


@dataclass(slots=True)
class SuiteResult:
    name: str
    cases: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def rate(self) -> float:
        return self.passed / len(self.cases) if self.cases else 0.0

    def failures(self) -> list[CaseResult]:
        return [c for c in self.cases if not c.passed]


def analyse(posts: Sequence[Post], nlp: Any = None) -> list[tuple[Post, list[Segment], float]]:
    """Each post alone as a one-post thread: its segments and the seconds the split took."""
    nlp = nlp or pipeline()
    out = []
    for post in posts:
        began = time.perf_counter()
        analysis = next(analyze_threads([Thread(posts=[post])], stance=False, nlp=nlp))
        out.append((post, list(analysis.posts[0].segments), time.perf_counter() - began))
    return out


# --- talon -----------------------------------------------------------------------------------------------

def talon_plain(shared: Path, nlp: Any = None) -> SuiteResult:
    """talon's 45 plain-text cases (tests/text_quotations_test.py)."""
    cases = json.loads((shared / "data/email/talon/text_quotations_cases.json").read_text(encoding="utf-8"))
    posts = []
    for case in cases:
        body = case["input"]
        for decorator in case["decorators"]:
            limit = _MAX_LINES.search(decorator)
            if limit:
                body = "\n".join(body.splitlines()[: int(limit.group(1))])
        posts.append(post_from_body(body))
    suite = SuiteResult("talon plain-text cases")
    for number, (case, (post, segments, _)) in enumerate(zip(cases, analyse(posts, nlp))):
        got = visible_text(post.text, segments, keep=TALON_KEEP)
        expected = case["expected_reply"].strip()
        suite.cases.append(CaseResult(f"{number:02d} {case['test']}", got == expected,
                                      "" if got == expected else f"expected {expected!r}, got {got!r}"))
    return suite


def talon_fixtures(shared: Path, nlp: Any = None) -> SuiteResult:
    """talon's standard_replies .eml files, html_replies and the two single HTML fixtures."""
    root = shared / "data/email/talon"
    expectations = json.loads((root / "fixture_expectations.json").read_text(encoding="utf-8"))
    groups = {key.split(" ", 1)[0]: value for key, value in expectations.items()}
    suite = SuiteResult("talon fixtures")
    posts: list[Post] = []
    checks: list[tuple[str, str, bool]] = []  # name, expected, compare without whitespace
    for name, expected in groups["standard_replies"].items():
        [thread] = read_threads(root / "fixtures/standard_replies" / name, format="eml")
        posts.append(thread.posts[0])
        checks.append((f"standard_replies/{name}", expected.strip(), False))
    for name, expected in groups["html_replies"].items():
        posts.append(post_from_body((root / "fixtures/html_replies" / name).read_text(encoding="utf-8"), html=True))
        checks.append((f"html_replies/{name}", expected, True))
    for name, expected in groups["single"].items():
        posts.append(post_from_body((root / "fixtures" / name).read_text(encoding="utf-8"), html=True))
        checks.append((name, html_to_text(expected).text, True))
    for (name, expected, squeeze), (post, segments, _) in zip(checks, analyse(posts, nlp)):
        got = visible_text(post.text, segments, keep=TALON_KEEP)
        same = _squeezed(got) == _squeezed(expected) if squeeze else got == expected
        suite.cases.append(CaseResult(name, same, "" if same else f"expected {expected!r}, got {got!r}"))
    return suite


def _squeezed(text: str) -> str:
    return "".join(text.split())


# --- email_reply_parser ----------------------------------------------------------------------------------

@dataclass(slots=True)
class Fragment:
    """An email_reply_parser fragment rebuilt from threadlens's segments (lines in text order)."""

    lines: list[tuple[str, str]]  # (line, class)
    quoted: bool
    signature: bool = False
    hidden: bool = False

    @property
    def content(self) -> str:
        """The Python port's content: the lines as they are, stripped at both ends."""
        return "\n".join(line for line, _ in self.lines).strip()

    @property
    def content_rb(self) -> str:
        """The Ruby original's content: every line right-stripped except signature lines."""
        return "\n".join(line if cls == "s" else line.rstrip() for line, cls in self.lines)


def erp_fragments(text: str, segments: Sequence[Segment]) -> list[Fragment]:
    """Fragments as email_reply_parser groups lines, with line flags from threadlens's segments."""
    rows = list(_line_classes(text, segments))
    fragments: list[Fragment] = []
    current: list[tuple[str, str, bool]] | None = None  # reversed rows: (line, class, starts a signature)
    found_visible = False

    def finish(signature: bool = False) -> None:
        nonlocal current, found_visible
        if current is None:
            return
        classes = [c for _, c, _ in current if c]
        quoted = bool(classes) and all(c == "q" for c in classes)
        fragment = Fragment([(line, cls) for line, cls, _ in reversed(current)], quoted,
                            signature or (bool(classes) and all(c == "s" for c in classes)))
        if not found_visible:
            if fragment.quoted or fragment.signature or not fragment.content.strip():
                fragment.hidden = True
            else:
                found_visible = True
        fragments.append(fragment)
        current = None

    for line, cls, sig_start in reversed(rows):
        empty = not line.strip()
        if current is not None and empty and current[-1][2]:
            finish(signature=True)
        if current is not None:
            top = next((c for _, c, _ in reversed(current) if c), "")
            current_quoted = top == "q"
            is_quoted = cls == "q"
            joins = current_quoted == is_quoted or (current_quoted and empty)
            if joins and cls and top and cls != top:
                joins = False  # a reply line and a signature line never share a fragment
            if joins:
                current.append((line, cls, sig_start))
                continue
            finish()
        current = [(line, cls, sig_start)]
    finish()
    fragments.reverse()
    return fragments


def _line_classes(text: str, segments: Sequence[Segment]) -> Iterable[tuple[str, str, bool]]:
    """Per line: its text, q/s/r/'' (quoted, signature, reply, blank), starts a signature.


    A line takes the class of the segment that holds its first visible character (or, for a segment
    that starts later in the line, of that segment)."""
    kinds = {"quote": "q", "attribution": "q", "signature": "s", "footer": "s", "reply": "r"}
    ordered = sorted(segments, key=lambda s: s.start)
    position = 0
    for line in text.split("\n"):
        end = position + len(line)
        content = end - len(line.lstrip())
        holder = next((s for s in ordered if s.start <= content < s.end), None)
        holder = holder or next((s for s in ordered if content <= s.start < end), None)
        cls = kinds[holder.kind] if holder is not None and line.strip() else ""
        starts = holder is not None and cls == "s" and holder.start >= position
        yield line, cls, starts
        position = end + 1


def erp(shared: Path, nlp: Any = None) -> SuiteResult:
    """email_reply_parser's assertions (expectations.json) on the GitHub and Zapier copies of its e-mails."""
    root = shared / "data/email/email-reply-parser"
    expectations = json.loads((root / "expectations.json").read_text(encoding="utf-8"))["cases"]
    runs: list[tuple[str, str, dict[str, Any]]] = []
    posts: list[Post] = []
    for repo, folder in (("github", "github-emails"), ("zapier", "zapier-emails")):
        for name, expect in expectations.items():
            path = root / folder / name
            if not path.exists():
                continue
            runs.append((repo, name, expect))
            body = path.read_bytes().decode("utf-8")
            posts.append(post_from_body(body))
    suite = SuiteResult("email_reply_parser")
    for (repo, name, expect), (post, segments, seconds) in zip(runs, analyse(posts, nlp)):
        problems = _erp_check(repo, expect, post.text, segments, seconds)
        suite.cases.append(CaseResult(f"{repo}/{name}", not problems, "; ".join(problems)))
    return suite


def _erp_check(repo: str, expect: dict[str, Any], text: str, segments: Sequence[Segment],
               seconds: float) -> list[str]:
    on_github = repo == "github"
    fragments = erp_fragments(text, segments)
    visible = visible_text(text, segments, keep=ERP_KEEP)
    problems: list[str] = []

    def applies(key: str) -> bool:
        return on_github or not key.endswith("_rb")

    if "fragments" in expect and len(fragments) != expect["fragments"]:
        problems.append(f"{len(fragments)} fragments, expected {expect['fragments']}")
    for flag in ("quoted", "signature", "hidden"):
        for key in (flag, f"{flag}_rb"):
            if key in expect and applies(key):
                got = [getattr(f, flag) for f in fragments]
                if got != expect[key]:
                    problems.append(f"{flag} {got} != {expect[key]}")
    for index, kind, value in expect.get("fragment_checks", ()):
        if not applies(kind):
            continue
        if index >= len(fragments):
            problems.append(f"no fragment {index}")
            continue
        ruby = kind.endswith("_rb")
        content = fragments[index].content_rb if ruby else fragments[index].content
        base = kind.removesuffix("_rb")
        if base == "contains":
            ok = value in content
        elif base == "equals":
            ok = content.strip() == value.strip()
        elif ruby:
            ok = re.search(value, content, re.MULTILINE) is not None
        else:
            ok = re.match(value, content) is not None
        if not ok:
            problems.append(f"fragment {index} {kind} {value!r}: {content[:60]!r}")
    expected_visible = None
    for key in ("visible_reply", "visible_reply_rb", "visible_reply_stripped", f"visible_reply_{repo}_version"):
        if key in expect and applies(key):
            expected_visible = expect[key]
    if expected_visible is not None and visible != expected_visible.strip():
        problems.append(f"visible {visible!r} != {expected_visible!r}")
    problems += [f"reply lacks {s!r}" for s in expect.get("reply_contains", ()) if s not in visible]
    problems += [f"reply has {s!r}" for s in expect.get("reply_not_contains", ()) if s in visible]
    if "1 s" in expect.get("note", "") and seconds >= 1.0:
        problems.append(f"took {seconds:.2f} s")
    return problems


# --- command line ----------------------------------------------------------------------------------------

def run_all(shared: Path, nlp: Any = None) -> list[SuiteResult]:
    nlp = nlp or pipeline()
    return [talon_plain(shared, nlp), talon_fixtures(shared, nlp), erp(shared, nlp)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("THREADLENS_SHARED") or str(Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--shared", default=default, help="the shared data folder (default: ../shared)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every failing case")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "data/email").is_dir():
        print(f"error: {shared}: no data/email folder; pass --shared", file=sys.stderr)
        return 2
    for suite in run_all(shared):
        print(f"{suite.name:28} {suite.passed:3d}/{len(suite.cases):<3d} {suite.rate:6.1%}")
        if args.verbose:
            for case in suite.failures():
                print(f"    FAIL {case.name}: {case.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
