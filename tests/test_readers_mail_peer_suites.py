"""talon's and email_reply_parser's test suites, run by scripts/peer_suites.py: pass rates, known failures,
and hand-made checks of how their notions of a reply are read off threadlens's segments."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from threadlens.thread import Segment

ROOT = Path(__file__).resolve().parents[1]


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("peer_suites", ROOT / "scripts" / "peer_suites.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("peer_suites", module)
    spec.loader.exec_module(module)
    return module


peer = _load_script()

#: The cases that fail, and why (the README's mail section says the same).
KNOWN_FAILURES = {
    # talon's test_reply_and_quotation_splitter_share_line holds three messages; the transcription in
    # ../shared kept the last one's input for all three, so two cases expect "reply" for a body whose
    # reply is "reply\nbla-bla - bla" (the third case, same input, expects that and passes).
    "talon plain-text cases": {"11 test_reply_and_quotation_splitter_share_line",
                               "12 test_reply_and_quotation_splitter_share_line"},
    # talon drops "Bob", the line before the <hr>: it cuts the whole element that holds the From: block.
    "talon fixtures": {"reply-separated-by-hr.html"},
    "email_reply_parser": set(),
}


@pytest.fixture(scope="module")
def suites(shared: Path) -> dict[str, object]:
    return {suite.name: suite for suite in peer.run_all(shared)}


@pytest.mark.parametrize("name", sorted(KNOWN_FAILURES))
def test_mail_peer_suite_pass_rate(suites: dict[str, object], name: str) -> None:
    suite = suites[name]
    assert suite.rate >= 0.95, [f"{c.name}: {c.detail}" for c in suite.failures()]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(KNOWN_FAILURES))
def test_mail_peer_suite_known_failures(suites: dict[str, object], name: str) -> None:
    assert {c.name for c in suites[name].failures()} == KNOWN_FAILURES[name]  # type: ignore[attr-defined]


def test_mail_peer_suite_sizes(suites: dict[str, object]) -> None:
    sizes = {name: len(suite.cases) for name, suite in suites.items()}  # type: ignore[attr-defined]
    assert sizes == {"talon plain-text cases": 45, "talon fixtures": 23, "email_reply_parser": 46}


def _segments(text: str, *spans: tuple[str, str]) -> list[Segment]:
    """Segments for the given (kind, exact text) pieces of ``text``, in order."""
    out, position = [], 0
    for kind, piece in spans:
        start = text.index(piece, position)
        out.append(Segment(kind, start, start + len(piece)))
        position = start + len(piece)
    return out


def test_mail_erp_fragments_follow_its_grouping() -> None:
    text = ("On Tue, Ann wrote:\n\n> okay?\n>\n\nI will reply here\n\n> more\n\n\n--\nmy signature\n")
    segments = _segments(text, ("attribution", "On Tue, Ann wrote:"), ("quote", "> okay?\n>"),
                         ("reply", "I will reply here"), ("quote", "> more"), ("signature", "--\nmy signature"))
    fragments = peer.erp_fragments(text, segments)
    # the blank lines between a quote and a signature are a fragment of their own, as in email_1_8.txt
    assert [(f.quoted, f.signature, f.hidden) for f in fragments] == [
        (True, False, False), (False, False, False), (True, False, True), (False, False, True), (False, True, True)]
    assert fragments[0].content.startswith("On Tue, Ann wrote:\n\n> okay?")
    assert fragments[4].content_rb == "--\nmy signature\n"  # the trailing line break joins it, as in Ruby


def test_mail_erp_blank_line_joins_the_reply_above_a_signature() -> None:
    text = "Hi folks\n\nWhat now?\n\n-Ann\n\n\n___\nx mailing list\n"
    segments = _segments(text, ("reply", "Hi folks\n\nWhat now?"), ("signature", "-Ann"),
                         ("footer", "___\nx mailing list"))
    fragments = peer.erp_fragments(text, segments)
    assert [(f.signature, f.hidden) for f in fragments] == [(False, False), (True, True), (True, True)]
    assert [f.content for f in fragments[:2]] == ["Hi folks\n\nWhat now?", "-Ann"]


def test_mail_talon_keeps_signatures_erp_does_not() -> None:
    post = peer.post_from_body("Hello\n\nSent from my iPhone\n\nOn Apr 3, 2012, at 4:19 PM, bob <b@x.org> wrote:\n\n> Hi")
    [(_, segments, _)] = peer.analyse([post])
    assert peer.visible_text(post.text, segments, keep=peer.TALON_KEEP) == "Hello\n\nSent from my iPhone"
    assert peer.visible_text(post.text, segments, keep=peer.ERP_KEEP) == "Hello"
