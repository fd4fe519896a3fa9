"""One e-mail message, parsed with the stdlib ``email`` package (``policy.default``), as the readers need it.

Headers: raw 8-bit header bytes are read as UTF-8 (else Windows-1252) before RFC 2047 decoding; a header
the parser can't make sense of is kept as its raw text. The body is the text/plain part
(``EmailMessage.get_body``), else the HTML part through the shared HTML-to-text conversion; format=flowed
text is unwrapped (RFC 3676). Charsets: the declared one, else UTF-8, else Windows-1252; bytes that none
decodes are replaced with U+FFFD and counted. Broken MIME (a missing boundary, bad base64) is read as far
as it goes and reported. Every recovery is a :class:`Problem`, which the readers turn into notices.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage, Message
from typing import Any, BinaryIO

from ...thread import Segment
from .._json import has_lone_surrogate, without_lone_surrogates
from .body import prepare_body

__all__ = ["MailMessage", "MessageLinks", "Problem", "parse_message", "message_links", "read_header_block",
           "message_ids", "unflow"]

_POLICY = email.policy.default
_ASCII_NAMES = frozenset({"us-ascii", "ascii", "ansi_x3.4-1968", "unknown-8bit", "x-unknown", "unknown", "8bit",
                          "default", "none"})
_IDENTIFYING = ("from", "date", "message-id", "subject")
# ``ann@example.org (Ann Lee)``, the old form of a From header, and Mailman's archives' ``ann at example.org
# (Ann Lee)``: the parser drops the name in the comment (and can't read the "at" address).
_COMMENTED_ADDRESS = re.compile(r"\s*([^\s()<>\"]+)(?:\s+at\s+([^\s()<>\"]+))?\s*\(([^()]{1,200})\)\s*")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # a raw 8-bit byte, as the parser keeps it (surrogateescape)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something recovered from while reading one message: a notice kind, what happened, how many units."""

    kind: str
    detail: str
    count: int = 1


@dataclass(slots=True)
class MailMessage:
    """The parts of a message a post is made of (``id`` and the link ids without angle brackets)."""

    id: str | None
    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    author: str | None
    address: str | None
    created: datetime | None
    subject: str | None
    list_id: str | None
    text: str
    markup: tuple[Segment, ...]
    problems: list[Problem] = field(default_factory=list)


def parse_message(data: bytes) -> MailMessage | None:
    """Parse one message; None when the bytes hold no mail headers at all (From, Date, Message-ID, Subject)."""
    problems: list[Problem] = []
    try:
        message = email.message_from_bytes(data, policy=_POLICY)
    except RecursionError:  # the stdlib parser recurses once per nesting level of multipart parts
        message = email.parser.BytesParser(policy=_POLICY).parsebytes(data, headersonly=True)
        problems.append(Problem("mime_defect", "MIME parts nested too deeply to parse; body read as raw text"))
    headers = _raw_headers(message)
    if not any(name in headers for name in _IDENTIFYING):
        return None
    links = _links(headers)
    sender = _address(headers.get("from"), problems)
    text, markup = _body(message, problems)
    created = _date(_unfolded(headers.get("date")), problems)
    subject = _header_text("Subject", headers.get("subject"), problems)
    return MailMessage(
        id=links.id, message_id=links.message_id, in_reply_to=links.in_reply_to, references=links.references,
        author=sender[0], address=sender[1], created=created,
        subject=" ".join(subject.split()) if subject else None,
        list_id=_header_text("List-Id", headers.get("list-id"), problems),
        text=text, markup=markup, problems=problems)


@dataclass(frozen=True, slots=True)
class MessageLinks:
    """A message's own id (without angle brackets; ``message_id`` as written) and the ids it replies to."""

    id: str | None
    message_id: str | None
    in_reply_to: str | None
    references: list[str]


def message_links(header_block: bytes) -> MessageLinks | None:
    """The ids of a message from its header block alone, as :func:`parse_message` finds them (the body is not
    parsed, so this is many times faster); None when it has no mail headers."""
    parsed = email.parser.BytesHeaderParser(policy=_POLICY).parsebytes(header_block)
    headers = _raw_headers(parsed)
    if not any(name in headers for name in _IDENTIFYING):
        return None
    return _links(headers)


def read_header_block(stream: BinaryIO, limit: int) -> bytes:
    """A message's header block: its bytes up to the empty line that ends its headers (as the email parser
    sees it), at most ``limit`` of them."""
    lines: list[bytes] = []
    size = 0
    while size < limit:
        line = stream.readline(limit - size)
        if not line or line[:1] in (b"\n", b"\r"):
            break
        lines.append(line)
        size += len(line)
    return b"".join(lines)


def _links(headers: dict[str, str]) -> MessageLinks:
    message_id = _unfolded(headers.get("message-id"))
    ids = message_ids(message_id)
    in_reply_to = _link_ids(_unfolded(headers.get("in-reply-to")))
    return MessageLinks(id=ids[0] if ids else None, message_id=message_id.strip() if message_id else None,
                        in_reply_to=in_reply_to[0] if in_reply_to else None,
                        references=_link_ids(_unfolded(headers.get("references"))))


def message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID / In-Reply-To / References value, without angle brackets, in order.

    A value without ``<...>`` counts as one id when it is a single word (some clients drop the brackets).
    """
    if not value:
        return []
    ids: list[str] = []
    position = 0
    while True:
        opening = value.find("<", position)
        if opening < 0:
            break
        closing = value.find(">", opening + 1)
        if closing < 0:
            break
        token = value[opening + 1 : closing].strip()
        if token and len(token.split()) == 1:  # no whitespace inside
            ids.append(token)
        position = closing + 1
    if not ids and "<" not in value and ">" not in value and len(value.split()) == 1:
        ids.append(value.strip())
    return ids


def _link_ids(value: str | None) -> list[str]:
    """Ids in In-Reply-To/References that can name a message: a msg-id has an '@' (RFC 5322). A bare
    ``<yes>`` (a known git-send-email slip) would otherwise join unrelated threads."""
    return [i for i in message_ids(value) if "@" in i]


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676): a line ending in a space goes on.

    Quote depth is kept (``>> text``), space-stuffing removed, and ``-- `` stays a signature line.
    """
    out: list[str] = []
    pieces: list[str] = []
    depth = -1
    open_paragraph = False
    for raw in text.split("\n"):
        line_depth = len(raw) - len(raw.lstrip(">"))
        content = raw[line_depth:]
        if content.startswith(" "):
            content = content[1:]
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        if not (open_paragraph and line_depth == depth):
            if pieces:
                out.append(_quoted(depth, "".join(pieces)))
            pieces, depth = [], line_depth
        pieces.append(content)
        open_paragraph = flowed
        if not flowed:
            out.append(_quoted(depth, "".join(pieces)))
            pieces = []
    if pieces:
        out.append(_quoted(depth, "".join(pieces)))
    return "\n".join(out)


def _quoted(depth: int, content: str) -> str:
    return f"{'>' * depth} {content}" if depth > 0 else content


def _raw_headers(message: Message) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in message.raw_items():
        headers.setdefault(name.lower(), value)
    return headers


def _unfolded(raw: str | None) -> str | None:
    """A header whose value is ids or a date: unfolded, 8-bit bytes repaired, no RFC 2047 decoding needed."""
    return None if raw is None else " ".join(_repair_8bit(raw).split())


def _header_text(name: str, raw: str | None, problems: list[Problem]) -> str | None:
    """A header's decoded text (RFC 2047 words decoded, folding removed); None if absent."""
    if raw is None:
        return None
    value = _repair_8bit(raw)
    try:
        return _decodable(name, str(_POLICY.header_factory(name, value)).strip(), problems)
    except Exception as exc:  # the header parser raises assorted errors on hostile values
        problems.append(Problem("bad_header", f"{name} header unreadable ({type(exc).__name__}); kept as written"))
        return " ".join(value.split())


def _decodable(name: str, text: str, problems: list[Problem]) -> str:
    """A decoded header without the surrogates ``email`` leaves for bytes an encoded word's charset doesn't
    decode (``=?utf-8?b?7aCA?=``): U+FFFD each, noted."""
    if not has_lone_surrogate(text):
        return text
    problems.append(Problem("undecodable_header",
                            f"{name} header: replaced bytes its charset doesn't decode with U+FFFD"))
    return without_lone_surrogates(text)[0]


def _address(raw: str | None, problems: list[Problem]) -> tuple[str | None, str | None]:
    """(display name or address, address) of a From header."""
    if raw is None:
        return None, None
    value = _repair_8bit(raw)
    commented = _COMMENTED_ADDRESS.fullmatch(value)
    if commented is not None:
        user, domain, name = commented.groups()
        address = f"{user}@{domain}" if domain else user
        return " ".join((_header_text("Comments", name, problems) or "").split()) or address, address
    try:
        header: Any = _POLICY.header_factory("From", value)
        addresses = header.addresses
    except Exception as exc:  # see _header_text
        problems.append(Problem("bad_header", f"From header unreadable ({type(exc).__name__}); kept as written"))
        text = " ".join(value.split())
        return text or None, None
    if not addresses:
        text = _decodable("From", " ".join(str(header).split()), problems)
        return text or None, None
    first = addresses[0]
    address = _decodable("From", first.addr_spec, problems) or None
    return (_decodable("From", first.display_name.strip(), problems) or address), address


def _repair_8bit(value: str) -> str:
    """Unfold a raw header value; raw 8-bit bytes (surrogate escapes) are read as UTF-8, else Windows-1252."""
    value = value.replace("\r", "").replace("\n", "")
    if value.isascii() or not _ESCAPED_BYTE.search(value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _date(value: str | None, problems: list[Problem]) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        problems.append(Problem("bad_date", f"Date {value[:40]!r} unreadable; no time given"))
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _body(message: EmailMessage, problems: list[Problem]) -> tuple[str, tuple[Segment, ...]]:
    try:
        return _decoded_body(message, problems)
    except RecursionError:  # walking a structure nested deeper than the stack allows
        problems.append(Problem("mime_defect", "MIME parts nested too deeply to read; body read as raw text"))
        raw = message.get_payload()
        text = raw if isinstance(raw, str) else ""
        return prepare_body(_repair_8bit_text(text))


def _repair_8bit_text(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", errors="replace")


def _decoded_body(message: EmailMessage, problems: list[Problem]) -> tuple[str, tuple[Segment, ...]]:
    part = _body_part(message)
    if part is None:
        problems.append(Problem("no_text_part", "no text part; the post is empty"))
        return "", ()
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = str(part.get_payload() or "").encode("utf-8", "surrogateescape")
    text = _decode(data, part.get_content_charset(), problems)
    defects = [type(d).__name__ for p in message.walk() for d in p.defects]
    if defects:
        shown = ", ".join(sorted(set(defects))[:3])
        problems.append(Problem("mime_defect", f"broken MIME ({shown}); read what could be decoded", len(defects)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    html = part.get_content_subtype() == "html"
    if not html and str(part.get_param("format", "")).lower() == "flowed":
        text = unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return prepare_body(text, html=html)


def _body_part(message: EmailMessage) -> Message | None:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # get_body walks broken structures the parser let through
        part = None
    if part is not None:
        return part
    if not message.is_multipart():
        return message  # a single part, or a multipart whose boundary is missing: read it as text
    for candidate in message.walk():
        if candidate.get_content_maintype() == "text" and not candidate.is_attachment():
            return candidate
    return None


def _decode(data: bytes, charset: str | None, problems: list[Problem]) -> str:
    """Bytes to text: the declared charset, else UTF-8, else Windows-1252; what none decodes is replaced."""
    declared = (charset or "").strip().lower()
    candidates = [] if declared in _ASCII_NAMES or not declared else [declared]
    for name in [*candidates, "utf-8"]:
        try:
            return data.decode(name)
        except LookupError:
            problems.append(Problem("unknown_charset", f"unknown charset {declared!r}; read as UTF-8 or Windows-1252"))
        except UnicodeDecodeError:
            continue
    fallback = candidates[0] if candidates and _known(candidates[0]) else "cp1252"
    text = data.decode(fallback, errors="replace")
    replaced = text.count("\ufffd") - data.decode(fallback, errors="ignore").count("\ufffd")
    if replaced:
        problems.append(Problem("replaced_bytes", f"replaced {replaced} byte(s) no charset decodes with U+FFFD",
                                replaced))
    return text


def _known(name: str) -> bool:
    try:
        "".encode(name)
    except LookupError:
        return False
    return True
