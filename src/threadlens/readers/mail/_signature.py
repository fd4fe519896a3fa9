"""Signatures and mailing-list footers.

A *signature* ends a stretch of the author's own text: from a ``-- `` line (RFC 3676's delimiter, also
written ``--``) when at most ten lines follow it, a device line at the end ("Sent from my iPhone",
"Sent from my Verizon Wireless BlackBerry", "Get Outlook for Android" ...; "Sent from my desk, is
much easier" is a sentence, not a signature), or a dash sign-off ("-Abhishek Kona").

A *footer* ends the whole message: the lines a list server appends, from a rule (``____``, ``--``) to the
end, that mention the list ("mailing list", "listinfo", "unsubscribe", "majordomo", "Google Groups");
a last paragraph that starts "To unsubscribe ..." / "You received this message because ..."; or
Mailman's ``-------------- next part --------------`` notice of a scrubbed attachment.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._lines import Line

__all__ = ["signature_start", "footer_start"]

_MAX_SIGNATURE_LINES = 10
_MAX_FOOTER_LINES = 12
_DEVICE_PREFIXES = ("sent from my ", "sent from samsung", "sent from yahoo mail", "sent from mail for windows",
                    "sent from outlook", "sent from acompli", "sent from windows mail", "sent via ", "sent with ",
                    "get outlook for ", "envoyé de mon ", "envoyé depuis mon ", "von meinem ", "enviado desde mi ",
                    "enviado do meu ", "inviato dal mio ", "verzonden vanaf mijn ", "skickat från min ")
_FOOTER_CUES = ("mailing list", "listinfo", "unsubscribe", "majordomo", "google groups",
                "you received this message because", "you are receiving this because", "to post to this group")
_FOOTER_OPENERS = ("to unsubscribe", "you received this message because", "you are receiving this because")


def signature_start(lines: Sequence[Line], first: int, last: int) -> int | None:
    """Where a signature starts in the run of the author's lines ``first..last`` (inclusive), or None."""
    while last >= first and lines[last].blank:
        last -= 1
    if last < first:
        return None
    dashes = None
    following = 0  # non-blank lines after ``index``
    for index in range(last, first - 1, -1):
        if following > _MAX_SIGNATURE_LINES:
            break
        if lines[index].text.rstrip() == "--":
            dashes = index  # the earliest one close enough to the end wins
        if not lines[index].blank:
            following += 1
    if dashes is not None:
        return dashes
    if _is_device_line(lines[last].text):
        start = last
        if start - 1 >= first and _is_sign_off(lines[start - 1].text):
            start -= 1
        return start
    if _is_sign_off(lines[last].text) and (last == first or lines[last - 1].blank):
        return last
    return None


def footer_start(lines: Sequence[Line], end: int) -> int | None:
    """Where a list footer starts among ``lines[:end]`` (it must reach the last non-blank line), or None."""
    last = end - 1
    while last >= 0 and lines[last].blank:
        last -= 1
    if last < 0:
        return None
    floor = max(0, last - _MAX_FOOTER_LINES)
    index = last
    while index >= floor:
        line = lines[index]
        if line.depth or line.taken:
            break
        if _is_footer_rule(line.text) and _mentions_list(lines[index + 1 : last + 1]):
            return index
        if _is_scrub_notice(line.text):
            return index
        index -= 1
    paragraph = last
    while paragraph > floor and not lines[paragraph - 1].blank and lines[paragraph - 1].plain:
        paragraph -= 1
    if lines[paragraph].plain and lines[paragraph].text.strip().lower().startswith(_FOOTER_OPENERS):
        return paragraph
    return None


def _is_device_line(text: str) -> bool:
    stripped = text.strip()
    lowered = stripped.lower()
    prefix = next((p for p in _DEVICE_PREFIXES if lowered.startswith(p)), None)
    if prefix is None:
        return False
    words = [w for w in stripped[len(prefix):].split() if "://" not in w and not w.startswith("(")]
    rest = " ".join(words)
    if any(mark in rest for mark in ",;!?") or rest.rstrip(".").count(".") > 1:
        return False
    return len(words) <= 4


def _is_sign_off(text: str) -> bool:
    """``-Ann``, ``--Ann Lee``: a dash glued to a name of at most three words."""
    stripped = text.strip()
    name = stripped.lstrip("-")
    if not 1 <= len(stripped) - len(name) <= 2 or not name[:1].isalpha():
        return False
    words = name.rstrip(".").split()
    return 1 <= len(words) <= 3 and all(w[:1].isalpha() for w in words)


def _is_footer_rule(text: str) -> bool:
    stripped = text.strip()
    return stripped in ("--", "---") or (len(stripped) >= 5 and set(stripped) <= {"_"}) or stripped == "\u2014"


def _is_scrub_notice(text: str) -> bool:
    """``-------------- next part --------------``: Mailman's archive put an attachment aside here."""
    stripped = text.strip()
    return stripped.startswith("---") and stripped.endswith("---") and stripped.strip("- ").lower() == "next part"


def _mentions_list(lines: Sequence[Line]) -> bool:
    return any(cue in line.text.lower() for line in lines if line.plain for cue in _FOOTER_CUES)
