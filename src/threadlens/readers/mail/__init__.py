"""Mailing lists and e-mail: mbox files, single .eml files, maildirs and directories of .eml files.

Input formats (detected from the content, or forced with ``format=``/``--input-format``):

- ``mbox``: messages separated by ``From `` lines; every conversation in it is a thread. A directory of
  mbox files (a list's monthly archives, plain or compressed) is read as one archive, so threads run
  across its files (:func:`read_mboxes` does the same for any list of files);
- ``eml``: one RFC 822 message (a thread of one post, or read with its folder);
- ``maildir``: a directory, read by :func:`read_threads` on a path: a maildir's ``cur/`` and ``new/``
  files, or the ``*.eml`` files of a folder tree.

Messages are threaded by Message-ID, In-Reply-To and References (:mod:`._threading`). Each body is split
into the author's text and mail furniture (:mod:`.furniture`): attribution lines, Outlook headers,
unmarked quotes, signatures and list footers become ``Post.markup``; ``>`` quotes are left to the quote
splitter. Library use::

    threads = threadlens.read_threads("list.mbox")
    post = post_from_body(body_text)             # one body, from anywhere
    visible_text(post.text, analysis["m1"].segments)   # what a mail client shows
"""

from __future__ import annotations

from pathlib import Path

from .. import Reader, register_reader
from .._source import Source
from ._mbox import looks_like_mbox
from ._message import unflow
from ._reader import mail_files, mbox_files, read_eml, read_mail_dir, read_mbox, read_mbox_dir, read_mboxes
from .body import html_quote, post_from_body, prepare_body, visible_text
from .furniture import find_furniture

__all__ = ["read_mbox", "read_mboxes", "read_mbox_dir", "mbox_files", "read_eml", "read_mail_dir", "mail_files",
           "find_furniture", "prepare_body", "post_from_body", "visible_text", "html_quote", "unflow"]

_KNOWN_HEADERS = frozenset({"from", "date", "subject", "message-id", "to", "cc", "received", "mime-version",
                            "return-path", "delivered-to", "content-type", "in-reply-to", "references",
                            "reply-to", "sender", "list-id", "x-mailer", "user-agent", "content-transfer-encoding"})
_IDENTIFYING = frozenset({"from", "message-id", "received", "date"})
_SNIFF_LINES = 60


def _sniff_mbox(source: Source) -> float:
    if looks_like_mbox(source.text[:4096]):
        return 0.95
    return 0.6 if source.suffix == ".mbox" else 0.0  # read it as one, to say what is wrong with it


def _sniff_eml(source: Source) -> float:
    names = _header_names(source.text)
    if names is None or len(names & _KNOWN_HEADERS) < 2 or not names & _IDENTIFYING:
        return 0.6 if source.suffix == ".eml" else 0.0
    return 0.95 if source.suffix in (".eml", ".mail") else 0.9


def _header_names(text: str) -> set[str] | None:
    """The header names of a message's header block, or None when the text doesn't start with one."""
    names: set[str] = set()
    for number, line in enumerate(text[:16384].split("\n")):
        line = line.rstrip("\r")
        if not line:
            return names if names else None
        if number >= _SNIFF_LINES:
            return names
        if line[0] in " \t" and names:
            continue  # a folded header value
        name, colon, _ = line.partition(":")
        if not colon or not name or len(name) > 76 or any(c.isspace() for c in name):
            return None
        names.add(name.lower())
    return names or None


def _sniff_mail_dir(path: Path) -> float:
    if (path / "cur").is_dir() or (path / "new").is_dir():
        return 0.9
    try:
        entries = [e for e in path.iterdir() if not e.name.startswith(".")]
    except OSError:
        return 0.0
    files = [e for e in entries if e.is_file()]
    mails = [e for e in files if e.suffix.lower() == ".eml"]
    if mails and len(mails) * 2 >= len(files):
        return 0.8
    return 0.5 if mails or any(e.is_dir() and e.name in ("cur", "new") for e in entries) else 0.0


def _sniff_mbox_dir(path: Path) -> float:
    found, others = mbox_files(path)
    return 0.85 if found and len(found) >= len(others) else 0.0


register_reader(Reader("mbox", "mbox mailbox: messages separated by 'From ' lines, threaded by References (a "
                       "directory of mbox files is read as one archive)",
                       read=read_mbox, sniff=_sniff_mbox, sniff_dir=_sniff_mbox_dir, read_dir=read_mbox_dir))
register_reader(Reader("eml", "one e-mail message (RFC 822 .eml)", read=read_eml, sniff=_sniff_eml))
register_reader(Reader("maildir", "a maildir or a directory of .eml files (a path to a directory)",
                       sniff_dir=_sniff_mail_dir, read_dir=read_mail_dir))
