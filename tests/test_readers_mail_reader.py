"""The mail readers end to end: mbox, .eml, maildir and .eml folders, detection, notices, errors, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import threadlens
from threadlens import InputError
from threadlens.cli import app
from threadlens.readers.mail._mbox import split_mbox

runner = CliRunner()


def _message(message_id: str, body: str, *, reply_to: str | None = None, references: str = "",
             author: str = "Ann Lee <ann@example.org>", subject: str = "plans", date: str = "Tue, 03 Mar 2009 10:00:00 +0000",
             extra: str = "") -> str:
    headers = [f"From: {author}", f"Subject: {subject}", f"Date: {date}", f"Message-ID: <{message_id}>"]
    if reply_to:
        headers.append(f"In-Reply-To: <{reply_to}>")
    if references:
        headers.append(f"References: {references}")
    return "\n".join(headers) + extra + "\n\n" + body


def _mbox(*messages: str) -> str:
    return "".join(f"From MAILER-DAEMON Tue Mar  3 10:00:00 2009\n{m}\n\n" for m in messages)


THREAD = _mbox(
    _message("a@x", "Shall we meet on Friday at noon in the library?\n\n-- \nAnn\n"),
    _message("b@x", "On Tue, 3 Mar 2009, Ann Lee <ann@example.org> wrote:\n> Shall we meet on Friday at noon in the "
             "library?\n\nFriday works for me.\n", reply_to="a@x", references="<a@x>", author="Bob <bob@example.org>",
             subject="Re: plans"),
    _message("c@x", "Bob wrote:\n> Friday works for me.\n\nMe too.\n>> Shall we meet on Friday at noon in the library?\n"
             "Noon is early though.\n", reply_to="b@x", references="<a@x> <b@x>", author="Cy <cy@example.org>",
             subject="Re: plans"),
    _message("z@x", "Unrelated news.\n", subject="other"),
)


def test_mail_mbox_threads_and_posts(tmp_path: Path) -> None:
    path = tmp_path / "list.mbox"
    path.write_text(THREAD)
    threads = threadlens.read_threads(path)
    assert [(t.id, t.title, [p.id for p in t]) for t in threads] == [("a@x", "plans", ["a@x", "b@x", "c@x"]),
                                                                      ("z@x", "other", ["z@x"])]
    a, b, c = threads[0].posts
    assert (b.reply_to, c.reply_to, b.author, b.meta["from"], b.meta["subject"]) == (
        "a@x", "b@x", "Bob", "bob@example.org", "Re: plans")
    separators = [n for n, line in enumerate(THREAD.split("\n"), start=1) if line.startswith("From MAILER")]
    assert b.meta["message_id"] == "<b@x>" and b.meta["line"] == separators[1]
    assert [(m.kind, m.marker) for m in a.markup] == [("signature", "--")]
    assert [m.kind for m in b.markup] == ["attribution"]


def test_mail_mbox_analysis_attributes_nested_quotes_to_the_grandparent(tmp_path: Path) -> None:
    path = tmp_path / "list.mbox"
    path.write_text(THREAD)
    analysis = threadlens.analyze(threadlens.read_threads(path)[0], stance=False)
    c = analysis["c@x"]
    assert [(s.kind, s.marker, s.source) for s in c.segments] == [
        ("attribution", "attribution", None), ("quote", ">", "b@x"), ("reply", None, None),
        ("quote", ">>", "a@x"), ("reply", None, None)]
    assert [c.post.text[s.start:s.end] for s in c.replies] == ["Me too.", "Noon is early though."]
    assert [s.kind for s in analysis["a@x"].segments] == ["reply", "signature"]


def test_mail_mbox_split_unescapes_from_lines() -> None:
    data = (b"From a Tue Mar  3 10:00:00 2009\nFrom: a@x\n\nline\n>From the start\n>>From deeper\n\n"
            b"From b Tue Mar  3 10:00:00 2009\nFrom: b@x\n\nFrom here on, not a separator\nbody\n")
    messages = split_mbox(data, name="x")
    assert [line for line, _ in messages] == [1, 8]
    assert b"\nFrom the start\n>From deeper\n" in messages[0][1]
    assert messages[1][1].endswith(b"From here on, not a separator\nbody\n")


def test_mail_eml_file_and_detection(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(_message("solo@x", "Hello.\n\nSent from my iPhone\n").encode())
    [thread] = threadlens.read_threads(path)
    assert [p.id for p in thread] == ["solo@x"] and thread.title == "plans"
    assert [(m.kind, m.marker) for m in thread.posts[0].markup] == [("signature", "device")]
    assert threadlens.read_thread(_message("t@x", "Raw text input.\n")).posts[0].id == "t@x"
    assert threadlens.read_thread(path.read_bytes()).posts[0].id == "solo@x"


def test_mail_directory_of_eml_and_maildir(tmp_path: Path) -> None:
    folder = tmp_path / "mails"
    folder.mkdir()
    for name, message in [("1.eml", _message("a@x", "First.\n")), ("2.eml", _message("b@x", "Second.\n", reply_to="a@x")),
                          ("notes.txt", "not mail")]:
        (folder / name).write_text(message)
    [thread] = threadlens.read_threads(folder)
    assert [(p.id, p.reply_to, p.meta["file"]) for p in thread] == [("a@x", None, "1.eml"), ("b@x", "a@x", "2.eml")]

    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "cur" / "1236070800.1:2,S").write_text(_message("a@x", "First.\n"))
    (maildir / "new" / "1236070900.2").write_text(_message("b@x", "Second.\n", reply_to="a@x"))
    (maildir / "tmp" / "partial").write_text("From: half")
    (maildir / "cur" / "garbage").write_bytes(b"\x00\x01 no headers")
    [thread] = threadlens.read_threads(maildir)
    assert [p.id for p in thread] == ["a@x", "b@x"]
    assert [(n.kind, n.count) for n in thread.notices] == [("skipped_file", 1)]


def test_mail_recoveries_become_notices(tmp_path: Path) -> None:
    path = tmp_path / "messy.mbox"
    data = _mbox(
        _message("a@x", "First.\n"),
        _message("a@x", "Same id again.\n"),
        _message("r@x", "Reply to a message not here.\n", reply_to="gone@x"),
        "From: nobody@x\nSubject: no id\n\nNo Message-ID.\n",
        "garbage without headers",
        _message("d@x", "caf\xe9", extra="\nContent-Type: text/plain; charset=utf-8"),
    )
    path.write_bytes(data.encode("latin-1"))
    garbage_line = data.split("\n").index("garbage without headers")  # its From line is the one above
    threads = threadlens.read_threads(path)
    notices = {n.kind: n for t in threads for n in t.notices}
    assert set(notices) == {"skipped_message", "duplicate_id", "missing_message_id", "replaced_bytes",
                            "dangling_reply_to"}
    assert f"line {garbage_line}" in notices["skipped_message"].message
    assert notices["replaced_bytes"].count == 1
    ids = [p.id for t in threads for p in t]
    assert ids[:3] == ["a@x", "r@x", ids[2]] and ids[2].startswith("no-message-id-")


def test_mail_html_cite_names_the_quoted_message(tmp_path: Path) -> None:
    html = ('<p>Agreed.</p><blockquote type="cite" cite="mid:a@x">Shall we meet on Friday?</blockquote>')
    path = tmp_path / "html.mbox"
    path.write_text(_mbox(_message("a@x", "Shall we meet on Friday?\n"),
                          _message("b@x", html, reply_to="a@x", extra="\nContent-Type: text/html; charset=utf-8")))
    reply = threadlens.read_threads(path)[0].posts[1]
    assert [(m.kind, m.source) for m in reply.markup] == [("quote", "a@x")]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("bad.mbox", b"hello\nnot an mbox\n", "isn't an mbox file"),
        ("bad.eml", b"just words, no headers\n", "is not an e-mail message"),
        ("bin.mbox", b"From x\n\x00\x01\x02", "binary file"),
    ],
    ids=["malformed-mbox", "not-mail-eml", "binary"],
)
def test_mail_bad_files_are_one_line_errors(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        threadlens.read_threads(path)
    result = runner.invoke(app, ["analyze", str(path), "--no-stance"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("error: ") and message in result.output


def test_mail_forced_formats(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="isn't an mbox"):
        threadlens.read_threads("plain words\nmore\n", format="mbox")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="holds no mail messages"):
        threadlens.read_threads(empty, format="maildir")


def test_mail_cli_analyze_mbox(tmp_path: Path) -> None:
    path = tmp_path / "list.mbox"
    path.write_text(THREAD)
    result = runner.invoke(app, ["analyze", str(path), "--no-stance", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["threads"] == 2 and data["summary"]["posts"] == 4
    kinds = {s["kind"] for p in data["posts"] for s in p["segments"]}
    assert kinds == {"reply", "quote", "attribution", "signature"}
    formats = runner.invoke(app, ["formats"]).stdout
    assert all(f"{name} " in formats for name in ("mbox", "eml", "maildir"))


def test_mail_cli_broken_mime_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.eml"
    path.write_bytes(b"From: a@example.org\nSubject: x\nMessage-ID: <1@example.org>\n"
                     b'Content-Type: multipart/mixed; boundary="zz"\n\n--zz\nContent-Type: text/plain; charset=klingon\n'
                     b"Content-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQ=!!!\n")
    result = runner.invoke(app, ["analyze", str(path), "--no-stance", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["posts"][0]["text"] == "hello world"
    assert data["summary"]["notices"] == {"mime_defect": 2, "unknown_charset": 1}
    assert "Traceback" not in result.output


def test_mail_long_message_keeps_its_furniture_past_the_cut() -> None:
    body = "Start.\n" + "filler line of a very long message\n" * 7000 + "\n-- \nAnn Lee\n"
    assert len(body) > 200_000  # the splitter reads the first 200,000 characters of a post
    thread = threadlens.read_thread(_message("long@x", body))
    segments = threadlens.analyze(thread, stance=False)["long@x"].segments
    assert [(s.kind, s.marker) for s in segments] == [("reply", None), ("signature", "--")]
    assert thread.posts[0].text[segments[-1].start : segments[-1].end] == "-- \nAnn Lee"


def _pipermail(*messages: tuple[str, str, str, str | None]) -> bytes:
    """A Mailman (pipermail) monthly text archive: ``(id, author, date, parent id)`` per message."""
    out = []
    for message_id, author, date, parent in messages:
        headers = [f"From {author.lower()} at example.org  {date}", f"From: {author.lower()} at example.org ({author})",
                   f"Date: {date}", "Subject: [list] who gets ahead", f"Message-ID: <{message_id}>"]
        if parent:
            headers += [f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
        out.append("\n".join(headers) + f"\n\nMessage {message_id}: skill matters more than who you know.\n\n")
    return "".join(out).encode()


def _archive(directory: Path) -> Path:
    import gzip

    directory.mkdir()
    (directory / "2024-January.txt.gz").write_bytes(gzip.compress(_pipermail(
        ("j1@x", "Ann", "Tue Jan 30 10:00:00 2024", None), ("j2@x", "Bob", "Wed Jan 31 09:00:00 2024", "j1@x"))))
    (directory / "2024-February.txt").write_bytes(_pipermail(
        ("f1@x", "Cy", "Thu Feb  1 08:00:00 2024", "j2@x"), ("f2@x", "Dee", "Fri Feb  2 08:00:00 2024", None)))
    (directory / "index.html").write_text("<html><body>archive index</body></html>")
    return directory


def test_mail_directory_of_monthly_mboxes_is_one_archive(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "archive")
    threads = threadlens.read_threads(archive)
    assert [(t.id, [(p.id, p.reply_to) for p in t]) for t in threads] == [
        ("j1@x", [("j1@x", None), ("j2@x", "j1@x"), ("f1@x", "j2@x")]), ("f2@x", [("f2@x", None)])]
    assert threads[0].posts[2].meta["file"] == str(archive / "2024-February.txt")
    assert (threads[0].posts[0].author, threads[0].posts[0].meta["from"]) == ("Ann", "ann@example.org")
    notices = [n for t in threads for n in t.notices]
    assert [(n.kind, n.count) for n in notices] == [("skipped_file", 1)] and "index.html" in notices[0].message
    # files read one by one cut the February reply off its January thread
    alone = threadlens.read_threads(archive / "2024-February.txt")
    assert [p.reply_to for p in alone[0]] == ["j2@x"] and alone[0].notices[0].kind == "dangling_reply_to"
    # the same from a list of files, in the order given
    from threadlens.readers.mail import read_mboxes

    files = [archive / "2024-January.txt.gz", archive / "2024-February.txt"]
    assert [[p.id for p in t] for t in read_mboxes(files)] == [[p.id for p in t] for t in threads]


def test_mail_archive_errors_name_the_input(tmp_path: Path) -> None:
    from threadlens.readers.mail import read_mboxes

    archive = _archive(tmp_path / "archive")
    with pytest.raises(InputError, match="no mbox files given"):
        read_mboxes([])
    with pytest.raises(InputError, match="index.html.*isn't an mbox file"):
        read_mboxes([archive / "2024-February.txt", archive / "index.html"])
    empty = tmp_path / "pages"
    empty.mkdir()
    (empty / "a.html").write_text("<p>hi</p>")
    with pytest.raises(InputError, match="holds no mbox files"):
        threadlens.read_threads(empty, format="mbox")


def test_mail_cli_analyze_and_label_an_archive_directory(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "archive")
    result = runner.invoke(app, ["analyze", str(archive), "--no-stance", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["threads"] == 2 and data["summary"]["posts"] == 4
    out = tmp_path / "labels.jsonl"
    result = runner.invoke(app, ["label", str(archive), "-o", str(out), "--model", "connections-lexical",
                                 "--input-format", "mbox", "--workers", "1"])
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(records) == {"j1@x", "j2@x", "f1@x", "f2@x"}
    assert (records["f1@x"]["thread"], records["f1@x"]["reply_to"]) == ("j1@x", "j2@x")
    rejects = out.with_name("labels.rejects.jsonl").read_text()
    assert "index.html" in rejects  # forced to mbox, the page is refused, not labelled
