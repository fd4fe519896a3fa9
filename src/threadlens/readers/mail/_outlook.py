"""Outlook-style quote introductions: ``-----Original Message-----`` and ``From:/Sent:/To:/Subject:`` blocks.

Both say that the rest of the message is the quoted earlier message, ``>`` markers or not. Header names
are known in several languages (``Von:/Gesendet:/An:/Betreff:``, ``De :/Envoyé :/À :/Objet :``,
``Från:/Skickat:/Till:/Ämne:``, ``От:/Отправлено:/Кому:`` ...), plain or bold (``*From:*``). A header
block needs two kinds of header, one of them a sender or a date, on consecutive lines (a wrapped value
may continue on the next line). A block that starts the message, follows a "Forwarded message" line or
carries a ``[PATCH`` subject is a forwarded or pasted message, not a quote introduction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._lines import Line

__all__ = ["HeaderBlock", "header_block", "is_separator", "is_rule", "is_forward_marker"]

_KINDS: dict[str, str] = {}
for _kind, _names in {
    "from": "from von de fra från van da od от lähettäjä feladó expéditeur remitente mittente afzender nadawca",
    "date": "sent date gesendet datum envoyé envoye sendt skickat verzonden inviato enviado enviada wysłano "
            "отправлено дата lähetetty elküldve fecha data",
    "to": "to an à a til till aan para do кому vastaanottaja címzett destinataire destinatario",
    "cc": "cc bcc cci kopie kopia копия",
    "subject": "subject betreff objet emne ämne onderwerp oggetto asunto assunto temat тема aihe tárgy sujet",
}.items():
    for _name in _names.split():
        _KINDS[_name] = _kind

_ORIGINAL = ("original message", "reply message", "ursprüngliche nachricht", "antwort nachricht",
             "oprindelig meddelelse", "message d'origine", "mensaje original", "messaggio originale",
             "oorspronkelijk bericht", "originalmeddelande", "alkuperäinen viesti", "исходное сообщение",
             "original-nachricht", "opprinnelig melding", "mensagem original", "wiadomość oryginalna",
             "původní zpráva", "eredeti üzenet")
_FORWARD = ("forwarded message", "begin forwarded message", "weitergeleitete nachricht", "message transféré",
            "mensaje reenviado", "messaggio inoltrato", "doorgestuurd bericht", "vidarebefordrat meddelande")
_MAX_NAME = 24
_MAX_CONTINUATIONS = 2
_MAX_BLOCK = 14


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    """Header lines ``first..last`` (inclusive), including a rule line (``_____``) right above them.

    ``introduces`` is False for a forwarded or pasted message's headers (not a quote introduction).
    """

    first: int
    last: int
    introduces: bool = True


def is_separator(text: str) -> bool:
    """``-----Original Message-----``, ``----- Original Message -----`` and their translations."""
    stripped = text.strip()
    if not stripped.startswith(("--", "__")) and not stripped.endswith(("--", "__")):
        return False
    phrase = stripped.strip("-_ ").lower()
    return phrase in _ORIGINAL


def is_rule(text: str) -> bool:
    """A line of only dashes or underscores, ten or more (Outlook puts one above its header block)."""
    stripped = text.strip()
    return len(stripped) >= 10 and (set(stripped) <= {"-"} or set(stripped) <= {"_"})


def is_forward_marker(text: str) -> bool:
    """``---------- Forwarded message ----------`` / ``Begin forwarded message:``."""
    phrase = text.strip().strip("-_ :").lower()
    return any(phrase.startswith(marker) for marker in _FORWARD)


def header_block(lines: Sequence[Line], index: int) -> HeaderBlock | None:
    """The header block starting at line ``index`` (or at a rule line there), or None.

    A forwarded or pasted message's block comes back with ``introduces=False``, so that the caller
    can step over all of it."""
    first = index
    if is_rule(lines[index].text):
        index += 1
        while index < len(lines) and lines[index].blank and index - first <= 2:
            index += 1
        if index >= len(lines):
            return None
    kinds: set[str] = set()
    patch = False
    last = index - 1
    position = index
    pending = 0
    while position < len(lines) and position - index < _MAX_BLOCK:
        line = lines[position]
        if not line.plain:
            break
        kind = header_kind(line.text)
        if kind is None:
            if last < index or pending >= _MAX_CONTINUATIONS:
                break
            pending += 1  # a wrapped value: counts only if another header line follows
            position += 1
            continue
        if kind == "subject" and line.text.split(":", 1)[1].strip().startswith("[PATCH"):
            patch = True
        kinds.add(kind)
        last = position
        pending = 0
        position += 1
    if len(kinds) < 2 or not kinds & {"from", "date"}:
        return None
    pasted = patch or _starts_message(lines, first) or _after_forward_marker(lines, first)
    return HeaderBlock(first, last, introduces=not pasted)


def header_kind(text: str) -> str | None:
    """``from``/``date``/``to``/``cc``/``subject`` for a header line (``From: ...``, ``*Sent:* ...``, ``De : ...``)."""
    stripped = text.strip()
    colon = stripped.find(":", 0, _MAX_NAME + 4)
    if colon <= 0:
        return None
    return _KINDS.get(stripped[:colon].strip("* \t").lower())


def _starts_message(lines: Sequence[Line], first: int) -> bool:
    return not any(not line.blank for line in lines[:first])


def _after_forward_marker(lines: Sequence[Line], first: int) -> bool:
    position = first - 1
    while position >= 0 and lines[position].blank and first - position <= 2:
        position -= 1
    return position >= 0 and is_forward_marker(lines[position].text)
