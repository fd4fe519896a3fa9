"""One e-mail message parsed: ids, headers, charsets, broken MIME, HTML-only and flowed bodies."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest

from threadlens.readers.mail._message import message_ids, parse_message, unflow


def _mail(body: bytes, *, headers: bytes = b"", content_type: bytes = b"text/plain; charset=utf-8",
          encoding: bytes = b"8bit") -> bytes:
    return (b"From: Ann Lee <ann@example.org>\nTo: list@example.org\nSubject: plans\n"
            b"Date: Tue, 03 Mar 2009 10:00:00 +0100\nMessage-ID: <m1@example.org>\n" + headers +
            b"MIME-Version: 1.0\nContent-Type: " + content_type + b"\nContent-Transfer-Encoding: " + encoding +
            b"\n\n" + body)


def _kinds(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.kind for p in message.problems]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("<a@example.org>", ["a@example.org"]),
        ("  <a@example.org> <b@example.org>\n\t<c@example.org>", ["a@example.org", "b@example.org", "c@example.org"]),
        ("message from Ann of Tue <a@example.org>", ["a@example.org"]),
        ("a@example.org", ["a@example.org"]),
        ("<>", []),
        ("<a b@example.org>", []),
        ("no ids here", []),
        ("<unclosed@example.org", []),
        (None, []),
    ],
    ids=["one", "several-folded", "with-comment", "no-brackets", "empty", "space-inside", "words", "unclosed", "none"],
)
def test_mail_message_ids(value: str | None, expected: list[str]) -> None:
    assert message_ids(value) == expected


@pytest.mark.parametrize(
    "text, delsp, expected",
    [
        ("This is a long \nparagraph that \nflows.\nNext line.", False, "This is a long paragraph that flows.\nNext line."),
        ("Soft-\nwrapped", False, "Soft-\nwrapped"),
        ("joined \nword", True, "joinedword"),
        ("> quoted \n> line\n>> deeper \n>> still\nreply", False, "> quoted line\n>> deeper still\nreply"),
        ("> quoted \nreply", False, "> quoted \nreply"),
        ("text\n-- \nsig", False, "text\n-- \nsig"),
        ("  space-stuffed", False, " space-stuffed"),
    ],
    ids=["paragraph", "fixed", "delsp", "quote-depths", "depth-change-ends", "sig-separator", "space-stuffing"],
)
def test_mail_unflow(text: str, delsp: bool, expected: str) -> None:
    assert unflow(text, delsp=delsp) == expected


def test_mail_message_fields() -> None:
    message = parse_message(_mail(b"Hello all.\n", headers=b"In-Reply-To: <p@example.org>\n"
                                  b"References: <r@example.org> <p@example.org>\nList-Id: Plans <plans.example.org>\n"))
    assert message is not None
    assert (message.id, message.message_id) == ("m1@example.org", "<m1@example.org>")
    assert (message.author, message.address, message.subject) == ("Ann Lee", "ann@example.org", "plans")
    assert message.created == datetime(2009, 3, 3, 9, 0, tzinfo=timezone.utc)
    assert (message.in_reply_to, message.references) == ("p@example.org", ["r@example.org", "p@example.org"])
    assert message.list_id == "Plans <plans.example.org>"
    assert message.text == "Hello all.\n" and message.problems == []


@pytest.mark.parametrize(
    "raw_from, author",
    [
        (b"From: =?ISO-8859-1?Q?Nicolas_de_Peslo=FCan?=\n\t<nicolas@example.org>\n", "Nicolas de Pesloüan"),
        (b"From: J\xc3\xb6rg <j@example.org>\n", "Jörg"),
        (b"From: J\xf6rg <j@example.org>\n", "Jörg"),
        (b"From: bob@example.org\n", "bob@example.org"),
        (b"From: \"\" <bob@example.org>\n", "bob@example.org"),
        (b"From: bob@example.org (Bob  Lee)\n", "Bob Lee"),
        (b"From: bob at example.org (=?utf-8?q?B=C3=B6b?=)\n", "B\u00f6b"),
        (b"From: bob at example.org ( )\n", "bob@example.org"),
    ],
    ids=["rfc2047-folded", "raw-utf8", "raw-latin1", "address-only", "empty-name", "name-in-comment",
         "mailman-archive", "empty-comment"],
)
def test_mail_message_author(raw_from: bytes, author: str) -> None:
    message = parse_message(raw_from + b"Message-ID: <x@example.org>\n\nbody\n")
    assert message is not None and message.author == author
    assert message.address == "bob@example.org" or b"bob" not in raw_from


@pytest.mark.parametrize(
    "body, content_type, encoding, text, problems",
    [
        (b"caf\xe9 cr\xe8me", b"text/plain; charset=iso-8859-1", b"8bit", "café crème", []),
        ("café".encode(), b"text/plain; charset=us-ascii", b"8bit", "café", []),
        (b"caf\xe9", b"text/plain", b"8bit", "café", []),
        (b"ok \xff\xfe done", b"text/plain; charset=utf-8", b"8bit", "ok \ufffd\ufffd done", ["replaced_bytes"]),
        ("ok".encode(), b"text/plain; charset=klingon", b"8bit", "ok", ["unknown_charset"]),
        (b"caf=E9 =\nwrapped", b"text/plain; charset=iso-8859-1", b"quoted-printable", "café wrapped", []),
        (base64.b64encode("Grüße".encode()), b"text/plain; charset=utf-8", b"base64", "Grüße", []),
        (b"line one\r\nline two\r\n", b"text/plain", b"7bit", "line one\nline two\n", []),
    ],
    ids=["latin1", "ascii-label-utf8-bytes", "no-charset-latin1", "invalid-utf8", "unknown-charset", "qp", "base64",
         "crlf"],
)
def test_mail_message_charsets(body: bytes, content_type: bytes, encoding: bytes, text: str,
                               problems: list[str]) -> None:
    message = parse_message(_mail(body, content_type=content_type, encoding=encoding))
    assert message is not None
    assert message.text == text
    assert _kinds(message) == problems


def test_mail_message_replaced_bytes_are_counted() -> None:
    message = parse_message(_mail(b"a\xff b\xfe c\xfd", content_type=b"text/plain; charset=utf-8"))
    assert message is not None and [(p.kind, p.count) for p in message.problems] == [("replaced_bytes", 3)]


def test_mail_message_prefers_plain_over_html() -> None:
    body = (b"--b\nContent-Type: text/plain\n\nplain words\n--b\nContent-Type: text/html\n\n<p>html words</p>\n--b--\n")
    message = parse_message(_mail(body, content_type=b'multipart/alternative; boundary="b"', encoding=b"7bit"))
    assert message is not None and message.text.strip() == "plain words"


def test_mail_message_html_only_goes_through_html_to_text() -> None:
    html = (b"<p>Hi. I am fine.</p><div class=\"gmail_quote\">On Thu, Jun 26, 2014 at 2:14 PM, Ann "
            b"&lt;a@example.com&gt; wrote:<blockquote>Hello! How are you?</blockquote></div>")
    message = parse_message(_mail(html, content_type=b"text/html; charset=utf-8"))
    assert message is not None
    assert message.text.startswith("Hi. I am fine.") and "<p>" not in message.text
    assert [(s.kind, message.text[s.start:s.end]) for s in message.markup] == [
        ("attribution", "On Thu, Jun 26, 2014 at 2:14 PM, Ann <a@example.com> wrote:"),
        ("quote", "Hello! How are you?")]


def test_mail_message_flowed_is_unwrapped() -> None:
    body = b"On Tue, Ann wrote:\n> a long quoted \n> line\n\nMy answer goes \non here.\n"
    message = parse_message(_mail(body, content_type=b"text/plain; charset=utf-8; format=flowed"))
    assert message is not None
    assert message.text == "On Tue, Ann wrote:\n> a long quoted line\n\nMy answer goes on here.\n"


@pytest.mark.parametrize(
    "body, content_type, text, problem",
    [
        (b"no boundary here\n", b"multipart/alternative", "no boundary here\n", "mime_defect"),
        (b"--q\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQ=!!!\n",
         b'multipart/mixed; boundary="q"', "hello world", "mime_defect"),
        (b"--q\nContent-Type: application/octet-stream\n\nxx\n--q--\n", b'multipart/mixed; boundary="q"', "",
         "no_text_part"),
    ],
    ids=["missing-boundary", "bad-base64-no-close", "attachment-only"],
)
def test_mail_message_broken_mime_is_read_as_far_as_it_goes(body: bytes, content_type: bytes, text: str,
                                                            problem: str) -> None:
    message = parse_message(_mail(body, content_type=content_type, encoding=b"7bit"))
    assert message is not None
    assert message.text == text
    assert problem in _kinds(message)


def test_mail_message_nested_too_deep_is_read_as_raw_text() -> None:
    depth = 3000
    parts = [b"From: a@example.org\nMessage-ID: <deep@example.org>\n"]
    parts += [b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth)]
    parts.append(b"Content-Type: text/plain\n\ndeep text\n")
    message = parse_message(b"".join(parts))
    assert message is not None and message.id == "deep@example.org"
    assert "deep text" in message.text and "mime_defect" in _kinds(message)


@pytest.mark.parametrize(
    "date, expected, problems",
    [
        (b"Tue, 03 Mar 2009 10:00:00 -0000", datetime(2009, 3, 3, 10, 0, tzinfo=timezone.utc), []),
        (b"garbage", None, ["bad_date"]),
    ],
    ids=["no-zone", "unreadable"],
)
def test_mail_message_dates(date: bytes, expected: datetime | None, problems: list[str]) -> None:
    message = parse_message(b"From: a@example.org\nDate: " + date + b"\n\nbody\n")
    assert message is not None and message.created == expected and _kinds(message) == problems


def test_mail_message_without_headers_is_none() -> None:
    assert parse_message(b"just some text\nwith lines\n") is None
    assert parse_message(b"") is None


def test_mail_message_link_ids_need_an_at_sign() -> None:
    message = parse_message(b"From: a@example.org\nIn-Reply-To: <yes>\nReferences: <yes> <p@example.org>\n\nx\n")
    assert message is not None and (message.in_reply_to, message.references) == (None, ["p@example.org"])
