"""Attribution lines: the line, or two to five wrapped lines, that introduce a quote.

Recognised forms (each may be wrapped, framed in dashes or indented):

- ``On <date>, Ann <a@b> wrote:`` and its openers in other languages: ``Le ... a écrit :``,
  ``Am ... schrieb Ann:``, ``Op ... schreef Ann <a@b>:``, ``W dniu ... napisał:``, ``Den ... skrev:``,
  ``Vào ... đã viết:``; ``Excerpts from Ann's message of <date>:``, ``Quoting Ann <a@b>:``;
- ``Ann <a@b> wrote:`` / ``Ann writes:`` / ``---- Ann wrote ----`` / ``* Ann <a@b> [2009-11-18]:``;
- date first: ``2014-10-17 11:28 GMT+03:00 Ann <a@b>:``, ``Thu, 26 Jun 2014 14:00 от Ann <a@b>:``;
- the same form starting inside a line of reply text: ``reply--- On <date>, Ann wrote:``.

An attribution is *strong* when it carries a date or an address: such a line is followed by the quoted
message even when the quote has no ``>`` markers. Weak forms ("Joe wrote:") count only right before a
quote. Lines are compared as plain strings (no regular expressions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._lines import Line

__all__ = ["Attribution", "find_attribution", "cited_name"]

VERBS = ("wrote", "writes", "said", "a écrit", "a ecrit", "schrieb", "schreef", "geschreven", "escribió",
         "escribio", "ha scritto", "scrisse", "escreveu", "skrev", "kirjoitti", "napisał", "napisała", "napsal",
         "napsala", "написал", "написала", "написал(а)", "đã viết", "írta", "yazdı")
OPENERS = ("On ", "Le ", "Am ", "El ", "Il ", "Em ", "Op ", "Den ", "På ", "W dniu ", "Vào ", "Dne ", "Citando ",
           "Quoting ", "Zitat von ", "Excerpts from ", "In message ", "In article ")
#: Openers that make a line ending in ':' an attribution without a verb ("Excerpts from Ann's message of ...:").
_SELF_SUFFICIENT = ("Quoting ", "Zitat von ", "Citando ", "Excerpts from ", "In message ", "In article ")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "lun", "mar", "mié", "jeu", "ven", "sam", "dim",
             "mo,", "di,", "mi,", "do,", "fr,", "sa,", "so,")
#: Words that end the search for a name, reading backwards from the verb ("... schrieb Ann Lee <a@b>:").
_NOT_NAMES = frozenset({"at", "am", "pm", "um", "à", "las", "om", "heeft", "użytkownik", "пользователь", "от",
                        *(verb for verb in VERBS if " " not in verb)})
_MAX_LINE = 300
_MAX_TEXT = 500


@dataclass(frozen=True, slots=True)
class Attribution:
    """Lines ``first..last`` (inclusive); ``start`` is where it begins in the first line's text."""

    first: int
    last: int
    start: int
    strong: bool
    text: str


QuoteAfter = Callable[[int], bool]
"""``quote_after(index)``: whether the first non-blank line after line ``index`` is a quote."""


def find_attribution(lines: Sequence[Line], index: int, quote_after: QuoteAfter) -> Attribution | None:
    """The attribution starting at line ``index`` (a plain line), or None."""
    line = lines[index]
    if len(line.text) > _MAX_LINE:
        return None
    head = _head(line.text)
    opener = head.startswith(OPENERS)
    dated = _date_first(head)
    if not (opener or dated or line.text.rstrip().endswith((":", "-", "<"))):
        return None  # most lines: nothing here can start or end an attribution
    found = _with_opener(lines, index, head, quote_after) if opener else None
    if found is None and dated:
        found = _dated(lines, index, quote_after)
    if found is None:
        found = _mid_line(lines, index, quote_after)
    if found is None:
        found = _with_verb(lines, index, quote_after)
    return found


def cited_name(text: str) -> str | None:
    """The quoted author an attribution names ("On Tue, Ann Lee <a@b> wrote:" -> "Ann Lee"), if it shows one."""
    core = text.strip().lstrip("-* ").rstrip(":- ").strip()
    for opener in OPENERS:
        if core.startswith(opener):
            core = core[len(opener):]
            break
    if "'s message of " in core:  # "Excerpts from Ann Lee's message of <date>:"
        core = core[: core.index("'s message of ")]
    lowered = core.lower()
    for verb in VERBS:
        if lowered.endswith(verb):
            core = core[: len(core) - len(verb)]
            break
    if "<" in core:
        core = core[: core.index("<")]
    core = core.rsplit(",", 1)[-1]
    words = core.replace('"', " ").replace("*", " ").split()
    tail: list[str] = []
    for word in reversed(words):
        if any(c.isdigit() for c in word) or "@" in word or word.lower() in _NOT_NAMES:
            break
        tail.append(word)
    tail.reverse()
    if tail in (["you"], ["I"]):
        return None
    return " ".join(tail) if 1 <= len(tail) <= 5 else None


def _with_opener(lines: Sequence[Line], index: int, head: str, quote_after: QuoteAfter) -> Attribution | None:
    opener = next((o for o in OPENERS if head.startswith(o)), None)
    if opener is None:
        return None
    parts: list[str] = []
    blanks = 0
    for last in range(index, min(len(lines), index + 5)):
        line = lines[last]
        if line.taken or len(line.text) > _MAX_LINE:
            return None
        if line.blank:
            blanks += 1
            if blanks > 1 or last == index:
                return None
            continue
        if line.depth and not (last > index and _is_bare_verb(line.text)):
            return None
        parts.append(line.text.strip())
        joined = " ".join(parts)
        if len(joined) > _MAX_TEXT:
            return None
        if _ends_attribution(joined, opener):
            if blanks and not _has_evidence(joined):
                return None
            strong = _has_evidence(joined)
            if not strong and not quote_after(last):
                return None
            return Attribution(index, last, lines[index].content_start, strong, joined)
    return None


def _dated(lines: Sequence[Line], index: int, quote_after: QuoteAfter) -> Attribution | None:
    """``2014-10-17 11:28 GMT+03:00 Ann <a@b>:`` (one or two lines), only right before a quote."""
    parts: list[str] = []
    for last in range(index, min(len(lines), index + 2)):
        line = lines[last]
        if not line.plain:
            return None
        parts.append(line.text.strip())
        joined = " ".join(parts)
        if "@" in joined and joined.endswith((":", ">")) and quote_after(last):
            return Attribution(index, last, lines[index].content_start, False, joined)
    return None


def _mid_line(lines: Sequence[Line], index: int, quote_after: QuoteAfter) -> Attribution | None:
    """``reply--- On <date>, Ann wrote:``: an attribution after some reply text on the same line."""
    text = lines[index].text
    if not _ends_with_verb(text.rstrip()):
        return None
    position = text.rfind("On ")
    while position > 0:
        if text[position - 1] in " -":
            rest = text[position:]
            if _ends_attribution(rest, "On ") and _has_evidence(rest):
                start = position
                while start > 0 and text[start - 1] in " -":
                    start -= 1
                if not text[:start].strip():
                    return None
                while text[start] == " ":
                    start += 1
                return Attribution(index, index, lines[index].start + start, True, rest.strip())
        position = text.rfind("On ", 0, position)
    return None


def _with_verb(lines: Sequence[Line], index: int, quote_after: QuoteAfter) -> Attribution | None:
    """``Ann <a@b> wrote:`` / ``* Ann <a@b> [date]:``, on one line or two when the first is cut at '<'."""
    first = lines[index].text.strip()
    spans = [(index, first)]
    if first.endswith("<") and index + 1 < len(lines) and lines[index + 1].plain:
        spans.append((index + 1, f"{first} {lines[index + 1].text.strip()}"))
    for last, joined in spans:
        if len(joined) > _MAX_TEXT:
            return None
        evidence = _has_evidence(joined)
        verb_line = _ends_with_verb(joined) or (joined.endswith(":") and _has_verb_word(joined) and evidence)
        mutt = joined.startswith("* ") and joined.endswith(":") and "@" in joined
        if (verb_line or mutt) and (quote_after(last) or (verb_line and evidence and "@" in joined)):
            return Attribution(index, last, lines[index].content_start, verb_line and evidence, joined)
    return None


def _head(text: str) -> str:
    return text.lstrip(" \t-").lstrip()


def _date_first(head: str) -> bool:
    if not head:
        return False
    if head[0].isdigit():
        return True
    return "," in head[:5] and head[:4].lower().startswith(_WEEKDAYS)


def _ends_attribution(text: str, opener: str) -> bool:
    stripped = text.rstrip()
    core = stripped.rstrip("- ").rstrip()
    framed = len(core) < len(stripped) and stripped.endswith("-")
    if core.endswith(":"):
        body = core[:-1].rstrip()
        if _ends_with_verb(body + ":") or (opener == "On " and body.lower().endswith(" sent")):
            return True
        if opener in _SELF_SUFFICIENT and _has_evidence(body):
            return True
        return _has_verb_word(body) and _has_evidence(body)
    return framed and any(core.lower().endswith(verb) for verb in VERBS)


def _ends_with_verb(text: str) -> bool:
    """``... wrote:`` / ``... a écrit :`` / ``---- Ann wrote ----``."""
    stripped = text.rstrip()
    core = stripped.rstrip("- ").rstrip()
    framed = stripped.endswith("-") and stripped.startswith("-")
    if core.endswith(":"):
        core = core[:-1].rstrip()
    elif not framed:
        return False
    lowered = core.lower()
    for verb in VERBS:
        if lowered.endswith(verb):
            before = len(lowered) - len(verb) - 1
            return before < 0 or not lowered[before].isalnum()
    return False


def _has_verb_word(text: str) -> bool:
    lowered = f" {text.lower()} "
    return any(f" {verb} " in lowered for verb in VERBS)


def _is_bare_verb(text: str) -> bool:
    """``> wrote:``: the end of an attribution whose address was wrapped onto a '>' line."""
    core = text.strip().lstrip(">").strip()
    return _ends_with_verb(core) and len(core.split()) <= 2


def _has_evidence(text: str) -> bool:
    """A date or an address: what tells an attribution from a sentence that ends in "wrote:"."""
    return "@" in text or any(c.isdigit() for c in text)
