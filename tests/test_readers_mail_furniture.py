"""Mail furniture found in hand-made message bodies: attributions, Outlook headers, unmarked quotes,
signatures, list footers, and the '>' habits the mail layer settles before the core splitter."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadlens.readers.mail import find_furniture, prepare_body, visible_text
from threadlens.thread import Segment


def _found(text: str) -> list[tuple[str, str | None, str]]:
    return [(s.kind, s.marker, text[s.start : s.end]) for s in find_furniture(text)]


def _of_kind(text: str, kind: str) -> list[str]:
    return [t for k, _, t in _found(text) if k == kind]


# --- attribution lines -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "body, attribution, cite",
    [
        ("Sure.\n\nOn Tue, 3 Mar 2009, Ann Lee <ann@example.org> wrote:\n> quoted",
         "On Tue, 3 Mar 2009, Ann Lee <ann@example.org> wrote:", "Ann Lee"),
        ("Sure.\n\nOn Tue, 3 Mar 2009 at 10:00, Ann Lee\n<ann@example.org> wrote:\n\n> quoted",
         "On Tue, 3 Mar 2009 at 10:00, Ann Lee\n<ann@example.org> wrote:", "Ann Lee"),
        ("Sure.\nOn Nov 30, 2011, at 12:47 PM, Somebody <\nxyz@example.com>\nwrote:\n\n> quoted",
         "On Nov 30, 2011, at 12:47 PM, Somebody <\nxyz@example.com>\nwrote:", "Somebody"),
        ("Sure.\n On Mar 8, 2012 9:59 AM, \"Example.com\" <\nr+7f1b@example.com> wrote:\n\n>  quoted",
         "On Mar 8, 2012 9:59 AM, \"Example.com\" <\nr+7f1b@example.com> wrote:", "Example.com"),
        ("Sure.\nAnn Lee <ann@example.org> writes:\n\n> quoted", "Ann Lee <ann@example.org> writes:", "Ann Lee"),
        ("Sure.\nJoe Perches wrote:\n> quoted", "Joe Perches wrote:", "Joe Perches"),
        ("Sure.\n* Ann Lee <ann@example.org> [2009-11-18 10:00]:\n> quoted",
         "* Ann Lee <ann@example.org> [2009-11-18 10:00]:", "Ann Lee"),
        ("Sure.\nLe 14/02/2011 11:56, Ann Lee a écrit :\n> quoted", "Le 14/02/2011 11:56, Ann Lee a écrit :",
         "Ann Lee"),
        ("Sure.\nAm 03.03.2009 um 10:00 schrieb Ann Lee <ann@example.org>:\n> quoted",
         "Am 03.03.2009 um 10:00 schrieb Ann Lee <ann@example.org>:", "Ann Lee"),
        ("Sure.\nW dniu 28 stycznia 2015 01:53 użytkownik Zoe <zoe@example.com>\nnapisał:\n\n> quoted",
         "W dniu 28 stycznia 2015 01:53 użytkownik Zoe <zoe@example.com>\nnapisał:", "Zoe"),
        ("Sure.\nExcerpts from Ann Lee's message of Thu Nov 26 09:17:15 +0100 2009:\n> quoted",
         "Excerpts from Ann Lee's message of Thu Nov 26 09:17:15 +0100 2009:", "Ann Lee"),
        ("Sure.\n\n---- Ann Lee wrote ----\n\n> quoted", "---- Ann Lee wrote ----", "Ann Lee"),
        ("Sure.\n2014-10-17 11:28 GMT+03:00 Postmaster <\npostmaster@example.org>:\n\n> quoted",
         "2014-10-17 11:28 GMT+03:00 Postmaster <\npostmaster@example.org>:", "Postmaster"),
        ("Sure.\nSteve French <sf@example.com> wrote on 06/25/2010 04:05:30 PM:\n> quoted",
         "Steve French <sf@example.com> wrote on 06/25/2010 04:05:30 PM:", "Steve French"),
    ],
    ids=["on-wrote", "wrapped-2", "wrapped-3", "indented", "writes", "name-only", "mutt", "french", "german",
         "polish-wrapped", "sup-excerpts", "android-dashes", "date-first", "wrote-on-date"],
)
def test_mail_attribution_forms(body: str, attribution: str, cite: str | None) -> None:
    found = [s for s in find_furniture(body) if s.kind == "attribution"]
    assert [body[s.start : s.end] for s in found] == [attribution]
    assert found[0].cite == cite


def test_mail_attribution_inside_a_reply_line_leaves_the_reply() -> None:
    body = "reply\nbla-bla - bla--- On Wed, Apr 4, 2012 at 3:59 PM, me@example.com wrote:\n> Hi"
    assert _of_kind(body, "attribution") == ["--- On Wed, Apr 4, 2012 at 3:59 PM, me@example.com wrote:"]
    text, markup = prepare_body(body)
    assert visible_text(text, [*markup, Segment("quote", text.index("> Hi"), len(text))]) == "reply\nbla-bla - bla"


@pytest.mark.parametrize(
    "body",
    [
        "On your remote host you can run:\n\n     telnet 127.0.0.1 52698\n\nThis should connect to TextMate.",
        "Blah-blah-blah\nOn blah-blah-blah",
        "Here is what Ann wrote:\nand then I answered without quoting her.",
        "On Monday I will fix it, I wrote:\nno quote follows, and no date or address says this is one.",
        "Hi,\nOn the whole it works.\n> a quote after a line starting with On",
    ],
    ids=["greedy-on", "on-blah", "weak-no-quote", "sentence-with-wrote", "on-sentence"],
)
def test_mail_attribution_not_found_in_sentences(body: str) -> None:
    assert _of_kind(body, "attribution") == []
    assert _of_kind(body, "quote") == []


# --- Outlook separators and header blocks: the rest is quoted ---------------------------------------------

@pytest.mark.parametrize(
    "body, attribution, quote",
    [
        ("Thanks\n\n-----Original Message-----\nFrom: Ann <a@example.org>\nSent: Tuesday, March 3, 2009\n"
         "To: Bob\nSubject: plans\n\nquoted text\nmore quoted text",
         "-----Original Message-----\nFrom: Ann <a@example.org>\nSent: Tuesday, March 3, 2009\nTo: Bob\n"
         "Subject: plans", "quoted text\nmore quoted text"),
        ("Thanks\n\n----- Original Message -----\n\nquoted", "----- Original Message -----", "quoted"),
        ("Thanks\n\n-----Ursprüngliche Nachricht-----\nzitiert", "-----Ursprüngliche Nachricht-----", "zitiert"),
        ("Thanks\n\nVon: Ann <a@example.org>\nGesendet: Dienstag, 3. März 2009 10:00\nAn: Bob\nBetreff: Pläne\n\nzitiert",
         "Von: Ann <a@example.org>\nGesendet: Dienstag, 3. März 2009 10:00\nAn: Bob\nBetreff: Pläne", "zitiert"),
        ("Merci\n\nDe : Ann [mailto:a@example.org]\nEnvoyé : mardi 3 mars 2009 10:00\nÀ : Bob\nObjet : plans\n\ncité",
         "De : Ann [mailto:a@example.org]\nEnvoyé : mardi 3 mars 2009 10:00\nÀ : Bob\nObjet : plans", "cité"),
        ("Hi\n\n  *From:* bob@example.com [mailto:\n  bob@example.com]\n  *Sent:* Wednesday, June 27, 2012 3:05 PM\n"
         "  *To:* travis@example.com\n  *Subject:* Hello\n\nquoted",
         "*From:* bob@example.com [mailto:\n  bob@example.com]\n  *Sent:* Wednesday, June 27, 2012 3:05 PM\n"
         "  *To:* travis@example.com\n  *Subject:* Hello", "quoted"),
        ("Reply above the line\n________________________________________\nFrom: CRM [crm@example.com]\n"
         "Sent: Friday, 23 March 2012 5:08 p.m.\nTo: John\nSubject: [contact:106] John\n\nA new comment.",
         "________________________________________\nFrom: CRM [crm@example.com]\nSent: Friday, 23 March 2012 5:08 p.m."
         "\nTo: John\nSubject: [contact:106] John", "A new comment."),
        ("Blah\n\nDate: Wed, 16 May 2012 00:15:02 -0600\nTo: someone@example.com\n\nquoted",
         "Date: Wed, 16 May 2012 00:15:02 -0600\nTo: someone@example.com", "quoted"),
        ("Lorem\n\nOp 13-02-2014 3:18 schreef Julius Caesar <pantheon@rome.com>:\n\nVeniam laborum.\n",
         "Op 13-02-2014 3:18 schreef Julius Caesar <pantheon@rome.com>:", "Veniam laborum."),
    ],
    ids=["original-message", "spaced-separator", "german-separator", "german-block", "french-block", "bold-block",
         "rule-above-block", "date-to-block", "dutch-attribution-unmarked"],
)
def test_mail_outlook_introductions_quote_the_rest(body: str, attribution: str, quote: str) -> None:
    assert _of_kind(body, "attribution") == [attribution]
    assert _of_kind(body, "quote") == [quote]


def test_mail_unmarked_quote_stops_at_gt_lines_and_footer() -> None:
    body = ("Agreed.\n\nOn Tue, 3 Mar 2009, Ann <a@example.org> wrote:\n\nHer text, unmarked.\n> an older quote\n"
            "More of hers.\n\n_______________________________________________\nlist mailing list\n"
            "http://example.org/mailman/listinfo/list\n")
    assert _found(body) == [
        ("attribution", "attribution", "On Tue, 3 Mar 2009, Ann <a@example.org> wrote:"),
        ("quote", "unmarked", "Her text, unmarked."),
        ("quote", "unmarked", "More of hers."),
        ("footer", "list-footer", "_______________________________________________\nlist mailing list\n"
                                  "http://example.org/mailman/listinfo/list"),
    ]
    assert [s.cite for s in find_furniture(body) if s.kind == "quote"] == ["Ann", "Ann"]


@pytest.mark.parametrize(
    "body",
    [
        "FYI\n\n---------- Forwarded message ----------\nFrom: bob@example.com\nDate: Tue, Sep 4, 2012 at 1:35 PM\n"
        "Subject: Two\nline subject\nTo: rob@example.com\n\nText",
        "From: Ann <a@example.org>\nDate: Mon, 2 Mar 2009 10:00:00 +0000\nSubject: [PATCH] fix\n\nbody of the patch",
        "Here is the patch:\n\nFrom: Ann <a@example.org>\nDate: Mon, 2 Mar 2009\nSubject: [PATCH 1/2] fix\n\n---\n diff",
        "Reply to: the list\nTo: whom it may concern",
    ],
    ids=["forwarded", "headers-start-the-message", "pasted-patch", "one-kind-of-header"],
)
def test_mail_header_blocks_that_are_not_quote_introductions(body: str) -> None:
    assert _found(body) == []


# --- signatures and footers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "body, signature, marker",
    [
        ("Hi\n\n-- \nAnn Lee\nhttp://ann.example.org\n", "-- \nAnn Lee\nhttp://ann.example.org", "--"),
        ("Hi\n\n--\nHey there, this is my signature\n", "--\nHey there, this is my signature", "--"),
        ("Here is another email\n\nSent from my iPhone", "Sent from my iPhone", "device"),
        ("Here is another email\n\nSent from my Verizon Wireless BlackBerry",
         "Sent from my Verizon Wireless BlackBerry", "device"),
        ("Hi folks\n\nWhat is the best way?\n\n-Abhishek Kona\n\n\n", "-Abhishek Kona", "sign-off"),
        ("Hello \n\n-- \nxxx\nSent with Sparrow (http://www.sparrowmailapp.com/?sig)\n\n\n"
         "On Tuesday, April 3, 2012 at 4:55 PM, xxx wrote:\n\n> Hello",
         "-- \nxxx\nSent with Sparrow (http://www.sparrowmailapp.com/?sig)", "--"),
    ],
    ids=["sig-dashes", "bare-dashes", "iphone", "multi-word-device", "dash-sign-off", "before-attribution"],
)
def test_mail_signatures(body: str, signature: str, marker: str) -> None:
    assert [(m, t) for k, m, t in _found(body) if k == "signature"] == [(marker, signature)]


@pytest.mark.parametrize(
    "body",
    [
        "Here is another email\n\nSent from my desk, is much easier then my mobile phone.",
        "Hi there!\n\nAnd here is a fix -- this is not a signature.\n\nkthxbai",
        "Two:\n- Here is another bullet point\n- And another one",
        "Topic one.\n--\n" + "".join(f"more text line {i}\n" for i in range(12)),
        "I get proper rendering as well.\n\nSent from a magnificent torch of pixels",
    ],
    ids=["sentence", "dashes-mid-line", "bullets", "long-text-after-dashes", "not-a-device"],
)
def test_mail_not_signatures(body: str) -> None:
    assert _of_kind(body, "signature") == []


@pytest.mark.parametrize(
    "body, footer",
    [
        ("Hi\n\n_______________________________________________\nriak-users mailing list\nriak-users@lists.basho.com\n"
         "http://lists.basho.com/mailman/listinfo/riak-users\n",
         "_______________________________________________\nriak-users mailing list\nriak-users@lists.basho.com\n"
         "http://lists.basho.com/mailman/listinfo/riak-users"),
        ("Patch looks fine.\n--\nTo unsubscribe from this list: send the line \"unsubscribe linux-kernel\" in\n"
         "the body of a message to majordomo@vger.kernel.org\nPlease read the FAQ at  http://www.tux.org/lkml/",
         "--\nTo unsubscribe from this list: send the line \"unsubscribe linux-kernel\" in\n"
         "the body of a message to majordomo@vger.kernel.org\nPlease read the FAQ at  http://www.tux.org/lkml/"),
        ("Yes.\n\n-- \nYou received this message because you are subscribed to the Google Groups \"x\" group.\n"
         "To unsubscribe from this group, send email to x+unsubscribe@googlegroups.com.",
         "-- \nYou received this message because you are subscribed to the Google Groups \"x\" group.\n"
         "To unsubscribe from this group, send email to x+unsubscribe@googlegroups.com."),
        ("Done.\n\nTo unsubscribe from this list, reply with 'unsubscribe'.\nList help: http://x.example",
         "To unsubscribe from this list, reply with 'unsubscribe'.\nList help: http://x.example"),
        ("Pushed.\n-------------- next part --------------\nA non-text attachment was scrubbed...\nName: sig.asc",
         "-------------- next part --------------\nA non-text attachment was scrubbed...\nName: sig.asc"),
    ],
    ids=["mailman", "lkml", "google-groups", "unsubscribe-paragraph", "mailman-scrubbed"],
)
def test_mail_list_footers(body: str, footer: str) -> None:
    assert _of_kind(body, "footer") == [footer]


def test_mail_signature_above_a_footer_stays_a_signature() -> None:
    body = ("Hi\n\n-- \nAnn Lee\n_______________________________________________\nlist mailing list\n"
            "http://example.org/mailman/listinfo/list")
    assert _of_kind(body, "signature") == ["-- \nAnn Lee"]
    assert _of_kind(body, "footer")[0].startswith("_____")


# --- '>' habits, supercite, HTML quotes ----------------------------------------------------------------

def test_mail_arrow_decoration_is_reply_text() -> None:
    body = "Visit us now for assistance...\n>>> >>>  http://www.domain.com <<<\nVisit our site by clicking the link above"
    assert _found(body) == [("reply", "decoration", ">>> >>>  http://www.domain.com <<<")]


def test_mail_link_wrapped_out_of_a_quote_is_quoted() -> None:
    body = ("Blah\n\nOn Monday, 24 September, 2012 at 3:46 PM, bob wrote:\n\n> [Ticket #50] test from bob\n>\n"
            "> View ticket (http://example.com/action\n_nonce=3dd518)\n>\n")
    assert ("quote", "wrapped", "_nonce=3dd518)") in _found(body)


def test_mail_one_word_answer_between_quotes_stays_reply() -> None:
    body = "On Tue, 3 Mar 2009, Ann <a@example.org> wrote:\n> Merge it?\nYes.\n> And the other one?\nNo."
    assert [k for k, _, _ in _found(body)] == ["attribution"]


def test_mail_gt_lines_cut_by_an_attribution_come_back_as_quotes() -> None:
    body = ("Test reply\n\nOn Tue, Apr 11, 2017 at 10:07 PM John Smith\n\n<\nmailto:John Smith <john@example.com>\n"
            "> wrote:\n> Test quoted data\n> more")
    assert _found(body) == [
        ("attribution", "attribution", "On Tue, Apr 11, 2017 at 10:07 PM John Smith\n\n<\n"
                                       "mailto:John Smith <john@example.com>\n> wrote:"),
        ("quote", ">", "> Test quoted data\n> more"),
    ]


def test_mail_supercite_quotes() -> None:
    body = "Twas brillig:\n\n LK> Is the list archived anywhere?\n LK> It isn't.\n\n LK> Another.\n\nJust pushed."
    assert _found(body) == [("quote", "LK>", "LK> Is the list archived anywhere?\n LK> It isn't.\n\n LK> Another.")]
    assert _found("Note> a single line is not a quote\nplain") == []


@pytest.mark.parametrize(
    "html, kinds",
    [
        ('<div>Hi. I am fine.</div><div class="gmail_quote">On Thu, Jun 26, 2014 at 2:14 PM, Ann '
         '&lt;<a href="mailto:a@example.com">a@example.com</a>&gt; wrote:<br><blockquote class="gmail_quote">'
         'Hello! How are you?</blockquote></div>', [("attribution", "attribution"), ("quote", "blockquote")]),
        ('<div>Reply</div><span id="OLK_SRC_BODY_SECTION"><div>From: Bob</div><div>Hi</div></span>',
         [("quote", "outlook-quote")]),
        ('<p>Hi</p><blockquote type="cite" cite="mid:abc@example.org">quoted</blockquote>', [("quote", "blockquote")]),
        ('<?xml version="1.0" encoding="UTF-8"?><html><body>Hi<blockquote>q</blockquote></body></html>',
         [("quote", "blockquote")]),
    ],
    ids=["gmail", "outlook-olk", "thunderbird-cite", "xml-declaration"],
)
def test_mail_html_bodies(html: str, kinds: list[tuple[str, str]]) -> None:
    text, markup = prepare_body(html, html=True)
    assert [(s.kind, s.marker) for s in markup] == kinds
    assert text.startswith(("Hi", "Reply"))


def test_mail_html_cite_kept_for_the_reader() -> None:
    _, markup = prepare_body('<p>Hi</p><blockquote type="cite" cite="mid:abc@example.org">q</blockquote>', html=True)
    assert markup[0].cite == "mid:abc@example.org"


# --- visible text --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, segments, keep, expected",
    [
        ("Test reply\n\nOn X wrote:\n\n> Test\n\nRegards, Roman",
         [("reply", 0, 10), ("attribution", 12, 23), ("quote", 25, 31), ("reply", 33, 47)], ("reply",),
         "Test reply\n\nRegards, Roman"),
        ("Test reply\nOn X wrote:\n> Test\n\nRegards", [("reply", 0, 10), ("attribution", 11, 22), ("quote", 23, 29),
                                                      ("reply", 31, 38)], ("reply",), "Test reply\nRegards"),
        ("Hello \n\n-- \nxxx\n\nOn X wrote:\n> q", [("reply", 0, 5), ("signature", 8, 15), ("attribution", 17, 28),
                                               ("quote", 29, 32)], ("reply", "signature"), "Hello \n\n-- \nxxx"),
        ("Hello \n\n-- \nxxx\n\nOn X wrote:\n> q", [("reply", 0, 5), ("signature", 8, 15), ("attribution", 17, 28),
                                               ("quote", 29, 32)], ("reply",), "Hello"),
    ],
    ids=["wrapped-quote", "nested-no-blank", "talon-keeps-signature", "reply-only"],
)
def test_mail_visible_text(text: str, segments: list[tuple[str, int, int]], keep: tuple[str, ...],
                           expected: str) -> None:
    assert visible_text(text, [Segment(k, s, e) for k, s, e in segments], keep=keep) == expected


# --- robustness ------------------------------------------------------------------------------------------

_PIECES = ["On Tue, 3 Mar 2009, Ann <a@b.org> wrote:", "> quoted", ">> deeper", "-- ", "--", "Sent from my iPhone",
           "From: a@b.org", "Sent: Tuesday", "To: Bob", "Subject: x", "-----Original Message-----", "", "reply text",
           "LK> x", ">>> deco <<<", "_" * 40, "list mailing list", "-Ann", "wrote:", "<", "2014-10-17 a@b.org:",
           "Date: Mon", "---------- Forwarded message ----------", " On 3 Mar, a@b wrote:", "\r"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.booleans())
def test_mail_furniture_segments_are_ordered_and_disjoint(pieces: list[str], crlf: bool) -> None:
    text = ("\r\n" if crlf else "\n").join(pieces)
    segments = find_furniture(text)
    assert all(0 <= s.start < s.end <= len(text) for s in segments)
    assert all(a.end <= b.start for a, b in zip(segments, segments[1:]))
    assert all(text[s.start] == text[s.start].strip() for s in segments)  # segments start on visible text


@pytest.mark.parametrize(
    "body",
    [
        "Hi\n" + "To: x\n" * 20000,
        "Hi\n" + "On Tue, 3 Mar 2009\n" * 20000,
        "Hi\n" + "-- \n" * 20000,
        "Hi\n" + "> " * 100000,
        "x" + " On 3 wrote:" * 5000 + "\n> q",
        "Hi\n" + " LK> x\n" * 20000,
        "On Tue, 3 Mar 2009, Ann <a@b.org> wrote:\n" + "> a\nb\n" * 10000,
    ],
    ids=["header-lines", "openers", "sig-dashes", "gt-run", "mid-line-openers", "supercite", "interleaved"],
)
def test_mail_furniture_hostile_input_is_linear(body: str) -> None:
    began = time.perf_counter()
    find_furniture(body)
    assert time.perf_counter() - began < 2.0
