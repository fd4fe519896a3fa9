"""``threadlens label`` streams mbox files and maildirs: whole conversations per unit, the records the mail
readers give."""

from __future__ import annotations

import gzip
import io
import json
import random
import re
from pathlib import Path

import pytest

from threadlens import read_threads
from threadlens.label import label_corpus, label_threads, read_labelled
from threadlens.label._plan import expand_inputs, plan_inputs
from threadlens.readers.mail import _mbox
from threadlens.readers.mail._mbox import mbox_entries, split_mbox
from threadlens.readers.mail._message import message_links, parse_message

MODEL = "connections-lexical"

_SAYINGS = [
    "People hire the ones they already trust, and trust comes from knowing someone for years.",
    "Being good at the work is what kept me employed through three layoffs, not lunches.",
    "Nobody vouched for me at the start; my code review record did the talking.",
    "Being likable opens the door but skill decides whether you stay in the room.",
    "Every promotion I got came from a manager who liked working with me.",
    "Qualifications get you the interview and relationships get you the offer.",
    "From my experience the quiet experts get passed over for the charming ones.",
    "I would rather be the person everyone wants on their project than the smartest one.",
]


def _message(rng: random.Random, message_id: str | None, subject: str, *, parent: tuple[str, list[str]] | None,
             author: str, day: int, crlf: bool = False, quote: str | None = None) -> tuple[str, list[str]]:
    headers = [f"From: {author} <{author.lower()}@example.org>", f"Date: Mon, {day} Jan 2024 10:00:00 +0000",
               f"Subject: {'Re: ' if parent else ''}{subject}"]
    if message_id is not None:
        headers.append(f"Message-ID: <{message_id}>")
    references: list[str] = []
    if parent is not None:
        references = [*parent[1], parent[0]]
        headers += [f"In-Reply-To: <{parent[0]}>", "References: " + " ".join(f"<{r}>" for r in references)]
    body = []
    if quote:
        body += ["On Monday someone wrote:", f"> {quote}", ""]
    body += rng.sample(_SAYINGS, 2)
    text = "\n".join([*headers, "", *body, ""])
    return (text.replace("\n", "\r\n") if crlf else text), references


def _mbox_text(seed: int = 0, conversations: int = 6, replies: int = 5) -> str:
    """Interleaved conversations with the awkward cases of real archives."""
    rng = random.Random(seed)
    entries: list[str] = []
    open_threads: list[tuple[str, list[str], str]] = []  # (id, references, text) of the messages so far
    day = 1
    for number in range(conversations):
        root = f"root{number}@lists.example.org"
        text, refs = _message(rng, root, f"Topic {number}", parent=None, author=f"Ann{number}", day=day)
        entries.append(text)
        open_threads.append((root, refs, text))
    for number in range(conversations * replies):
        parent_id, parent_refs, parent_text = rng.choice(open_threads)
        message_id = f"m{number}@mail.example.org"
        quoted = next(line for line in parent_text.split("\n")[::-1] if len(line) > 30).strip("\r")
        text, refs = _message(rng, message_id, "Topic", parent=(parent_id, parent_refs), author=f"Bob{number % 7}",
                              day=1 + number % 27, crlf=number == 7, quote=quoted if number % 3 == 0 else None)
        entries.append(text)
        open_threads.append((message_id, refs, text))
    # A repeated Message-ID (the first is kept), a message without one read twice (one copy kept), a reply
    # without one, replies to a message missing from the archive, a loop of References, an entry without mail.
    entries.append(_message(rng, "root0@lists.example.org", "Topic 0", parent=None, author="Copycat", day=9)[0])
    anonymous = _message(rng, None, "Anonymous", parent=None, author="Anon", day=10)[0]
    entries += [anonymous, anonymous]
    entries.append(_message(rng, None, "Topic", parent=("m3@mail.example.org", []), author="Anon", day=11)[0])
    for k in range(2):
        entries.append(_message(rng, f"orphan{k}@x.org", "Lost", parent=("gone@x.org", []), author="Cy", day=12)[0])
    entries.append(_message(rng, "loopa@x.org", "Loop", parent=("loopb@x.org", []), author="Dee", day=13)[0])
    entries.append(_message(rng, "loopb@x.org", "Loop", parent=("loopa@x.org", []), author="Eve", day=13)[0])
    entries.append("this entry has no mail headers\nonly words\n")
    rng.shuffle(entries)
    # mboxrd escaping of a body line starting with "From "
    return "".join(f"From sender@example.org Mon Jan  1 10:00:00 2024\n{_escaped(e)}\n" for e in entries)


def _escaped(message: str) -> str:
    return "\n".join((">" + line if line.startswith(("From ", ">From ")) else line) for line in message.split("\n"))


def _by_id(records) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {r["id"]: json.loads(json.dumps(r, default=str)) for r in records}


@pytest.fixture(scope="module")
def mbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mbox") / "list.mbox"
    path.write_text(_mbox_text(), encoding="utf-8")
    return path


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_label_streams_an_mbox_as_the_reader_reads_it(mbox: Path, tmp_path: Path, chunk: int) -> None:
    out = tmp_path / "labels.jsonl"
    report = label_corpus([mbox], out, model=MODEL, chunk_posts=chunk, workers=1)
    assert report.modes == {str(mbox): "indexed"}
    expected = _by_id(label_threads(read_threads(mbox), model=MODEL))
    assert _by_id(read_labelled(out)) == expected
    assert len(expected) == 6 + 30 + 1 + 1 + 2 + 2  # roots, replies, one anonymous copy, its reply, orphans, loop
    # the repeated Message-ID, the second anonymous copy and the entry without headers, each counted
    assert report.rejected == 3
    rejects = [json.loads(line) for line in out.with_name("labels.rejects.jsonl").read_text().splitlines()]
    # one reject a message, at the line of its From line
    lines = mbox.read_bytes().decode("utf-8").split("\n")
    starts = [n for n, line in enumerate(lines, start=1) if line.startswith("From sender@")]

    def from_line_of_the_last(text: str) -> int:  # the From line of the last entry holding ``text``
        found = max(n for n, line in enumerate(lines, start=1) if text in line)
        return max(start for start in starts if start < found)

    anonymous = next(r["id"] for r in rejects if (r["id"] or "").startswith("no-message-id-"))
    repeats = "repeats the Message-ID of the message"
    assert {(r["source"], r["line"], r["id"], r["reason"].split(" at ")[0]) for r in rejects} == {
        (str(mbox), from_line_of_the_last("Copycat"), "root0@lists.example.org", repeats),
        (str(mbox), from_line_of_the_last("Subject: Anonymous"), anonymous, repeats),
        (str(mbox), from_line_of_the_last("this entry has no mail headers"), None,
         "no mail headers (From:, Date:, Message-ID: or Subject:)")}
    assert report.threads == len(read_threads(mbox))


def test_label_mbox_units_hold_whole_conversations_in_file_order(mbox: Path) -> None:
    plan = plan_inputs(expand_inputs([mbox]), chunk_posts=4)
    assert {unit.kind for unit in plan.units} == {"messages"} and len(plan.units) > 3
    seen: set[int] = set()
    for unit in plan.units:
        offsets = unit.offsets.tolist()
        assert offsets == sorted(offsets) and not seen & set(offsets)
        seen |= set(offsets)
    assert len(seen) == len(split_mbox(mbox.read_bytes(), name="x"))
    assert plan.digest() == plan_inputs(expand_inputs([mbox]), chunk_posts=4).digest()


def test_label_mbox_with_two_workers_writes_the_same_bytes(mbox: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    label_corpus([mbox], one, model=MODEL, chunk_posts=5, workers=1)
    label_corpus([mbox], two, model=MODEL, chunk_posts=5, workers=2)
    assert one.read_bytes() == two.read_bytes()


def test_an_mbox_without_mail_is_refused_by_its_reader(tmp_path: Path) -> None:
    path = tmp_path / "empty.mbox"
    path.write_text("From someone@example.org Mon Jan  1 10:00:00 2024\nno headers here\n\nat all\n")
    report = label_corpus([path], tmp_path / "out.jsonl", model=MODEL, workers=1)
    assert report.posts == 0 and report.unreadable_files == 1 and report.modes == {}


@pytest.mark.parametrize("piece", [1, 5, 64])
def test_mbox_entries_in_small_pieces_split_as_the_whole_file(mbox: Path, piece: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data = mbox.read_bytes() + b"From a@b Mon Jan  1 10:00:00 2024\nSubject: " + b"x" * 300 + b"\n\nlong\n"
    expected = [(line, start, end) for line, start, end, _ in mbox_entries(io.BytesIO(data))]
    monkeypatch.setattr(_mbox, "_PIECE_BYTES", piece)
    pieces = list(mbox_entries(io.BytesIO(data), header_bytes=1 << 20))
    assert [(line, start, end) for line, start, end, _ in pieces] == expected
    for _, start, _, header in pieces:  # the header block: the message's bytes up to its first blank line
        assert data[start:].startswith(header) and data[start + len(header):].startswith((b"\n", b"\r\n"))


def test_message_links_of_a_header_block_equal_the_full_parse(shared: Path) -> None:
    for name in ("default.mbox", "lkml.mbox"):
        data = (shared / "data" / "mail" / "notmuch" / name).read_bytes()
        entries = list(mbox_entries(io.BytesIO(data), header_bytes=1 << 20))
        assert len(entries) > 40
        for _, start, end, header in entries:
            message = parse_message(_mbox.unescape_message(data[start:end]))
            links = message_links(header)
            assert (links is None) == (message is None)
            if message is not None and links is not None:
                assert (links.id, links.message_id, links.in_reply_to, links.references) == \
                    (message.id, message.message_id, message.in_reply_to, message.references)


@pytest.mark.parametrize("name", ["default.mbox", "lkml.mbox", "default", "lkml"])  # mboxes and maildirs
def test_label_streams_the_notmuch_mailboxes_like_the_reader(shared: Path, tmp_path: Path, name: str) -> None:
    path = shared / "data" / "mail" / "notmuch" / name
    out = tmp_path / "labels.jsonl"
    report = label_corpus([path], out, model=MODEL, chunk_posts=7, workers=1)
    assert report.modes == {str(path): "indexed"} and report.units > 3
    assert _by_id(read_labelled(out)) == _by_id(label_threads(read_threads(path), model=MODEL))


def _maildir(mbox: Path, directory: Path) -> Path:
    """The messages of an mbox as a maildir's files (``cur/``, names in shuffled order) plus a file that
    is no mail."""
    (directory / "cur").mkdir(parents=True)
    (directory / "new").mkdir()
    entries = split_mbox(mbox.read_bytes(), name="x")
    names = random.Random(1).sample(range(10_000), len(entries))
    for name, (_, message) in zip(names, entries):
        (directory / "cur" / f"{name:05d}.host:2,S").write_bytes(message)
    (directory / "new" / "junk").write_bytes(b"just some words\nno headers\n")
    return directory


@pytest.mark.parametrize(("chunk", "forced"), [(2, None), (1000, None), (2, "maildir")])
def test_label_streams_a_maildir_as_the_reader_reads_it(mbox: Path, tmp_path: Path, chunk: int,
                                                        forced: str | None) -> None:
    maildir = _maildir(mbox, tmp_path / "Maildir")
    out = tmp_path / "labels.jsonl"
    report = label_corpus([maildir], out, model=MODEL, chunk_posts=chunk, workers=1, input_format=forced)
    assert report.modes == {str(maildir): "indexed"}
    plan = plan_inputs(expand_inputs([maildir]), chunk_posts=chunk)
    assert {unit.kind for unit in plan.units} == {"mailfiles"} and (len(plan.units) > 3) == (chunk == 2)
    assert _by_id(read_labelled(out)) == _by_id(label_threads(read_threads(maildir), model=MODEL))
    # as from the mbox: the repeated Message-ID, the second anonymous copy; and the two entries without headers
    assert report.rejected == 4
    rejects = [json.loads(line) for line in out.with_name("labels.rejects.jsonl").read_text().splitlines()]
    assert {r["source"] for r in rejects if r["reason"].startswith("no mail headers")} == {
        str(maildir / "new" / "junk"), *(str(f) for f in (maildir / "cur").iterdir() if b"only words" in f.read_bytes())}


def test_a_changed_maildir_is_another_run(mbox: Path, tmp_path: Path) -> None:
    maildir = _maildir(mbox, tmp_path / "Maildir")
    before = expand_inputs([maildir])[0]
    (maildir / "new" / "junk").write_bytes(b"changed\n")
    assert expand_inputs([maildir])[0].mtime_ns != before.mtime_ns


def _months(text: str, directory: Path, parts: int = 3) -> list[Path]:
    """The mbox cut at message boundaries into ``parts`` files, as a list's monthly archive (the middle one
    gzip'd): conversations run across the files."""
    entries = text.split("\nFrom sender@example.org ")
    size = -(-len(entries) // parts)
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for number in range(parts):
        piece = "\nFrom sender@example.org ".join(entries[number * size:(number + 1) * size])
        if number:
            piece = "From sender@example.org " + piece
        data = (piece + ("\n" if number < parts - 1 else "")).encode("utf-8")
        path = directory / f"2024-{number + 1:02d}.mbox"
        if number == 1:
            path = path.with_suffix(".mbox.gz")
            data = gzip.compress(data)
        path.write_bytes(data)
        files.append(path)
    return files


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_label_reads_a_runs_mbox_files_as_one_archive(mbox: Path, tmp_path: Path, chunk: int) -> None:
    months = _months(mbox.read_bytes().decode("utf-8"), tmp_path / "archive")
    assert b"".join(gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
                    for p in months) == mbox.read_bytes()
    whole, joined = tmp_path / "whole.jsonl", tmp_path / "joined.jsonl"
    expected = label_corpus([mbox], whole, model=MODEL, chunk_posts=chunk, workers=1)
    report = label_corpus([tmp_path / "archive"], joined, model=MODEL, chunk_posts=chunk, workers=2)
    assert report.modes == {str(p): "indexed" for p in months}
    assert (report.posts, report.threads, report.rejected) == (expected.posts, expected.threads, expected.rejected)
    assert joined.read_bytes() == whole.read_bytes()
    # read file by file, the conversations that run across months would be cut
    apart = sum(len(read_threads(p)) for p in months)
    assert apart > report.threads == len(read_threads(tmp_path / "archive")) == len(read_threads(mbox))
    # each left-out message named by its month's file, the same messages as from the single file
    rejects = [json.loads(line) for line in joined.with_name("joined.rejects.jsonl").read_text().splitlines()]
    single = [json.loads(line) for line in whole.with_name("whole.rejects.jsonl").read_text().splitlines()]
    assert {r["source"] for r in rejects} <= {str(p) for p in months} and len(rejects) == len(single) == 3
    assert sorted(str(r["id"]) for r in rejects) == sorted(str(r["id"]) for r in single)


def test_label_an_archive_file_without_mail_is_refused_and_the_rest_labelled(mbox: Path, tmp_path: Path) -> None:
    months = _months(mbox.read_bytes().decode("utf-8"), tmp_path / "archive", parts=2)
    junk = tmp_path / "archive" / "2024-03.mbox"
    junk.write_text("From someone@example.org Mon Jan  1 10:00:00 2024\nno headers here\n")
    report = label_corpus([*months, junk], tmp_path / "out.jsonl", model=MODEL, workers=1)
    expected = label_corpus([mbox], tmp_path / "whole.jsonl", model=MODEL, workers=1)
    assert report.posts == expected.posts and report.unreadable_files == 1
    assert set(report.modes) == {str(p) for p in months}


def test_label_an_archive_resumes_with_the_same_plan(mbox: Path, tmp_path: Path) -> None:
    months = _months(mbox.read_bytes().decode("utf-8"), tmp_path / "archive")
    plan = plan_inputs(expand_inputs([tmp_path / "archive"]), chunk_posts=3, spool=tmp_path / "spool")
    again = plan_inputs(expand_inputs(months), chunk_posts=3, spool=tmp_path / "spool")
    assert plan.digest() == again.digest()
    spanning = [u for u in plan.units if len(u.files) > 1]
    assert spanning and all(u.shown_path.startswith(f"{u.names[0]}, {u.names[1]}") for u in spanning)
    assert {name for u in plan.units for name in u.names} == {str(p) for p in months}


@pytest.mark.parametrize("name", ["default.mbox", "lkml.mbox"])
def test_label_the_notmuch_mboxes_cut_into_months_as_the_whole(shared: Path, tmp_path: Path, name: str) -> None:
    path = shared / "data" / "mail" / "notmuch" / name
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    starts = [0] + [m.start() + 2 for m in re.finditer(r"\n\nFrom ", text)]
    cuts = [starts[len(starts) // 3], starts[2 * len(starts) // 3]]
    months = []
    for number, (begin, end) in enumerate(zip([0, *cuts], [*cuts, len(text)])):
        month = tmp_path / f"{number}.mbox"
        month.write_bytes(text[begin:end].encode("utf-8", errors="surrogateescape"))
        months.append(month)
    whole, joined = tmp_path / "whole.jsonl", tmp_path / "joined.jsonl"
    label_corpus([path], whole, model=MODEL, chunk_posts=7, workers=1)
    report = label_corpus(months, joined, model=MODEL, chunk_posts=7, workers=1)
    assert len(report.modes) == 3 and report.units > 3 and joined.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("slice_bytes", [1, 97, 2000, 1 << 30])
def test_mbox_planning_in_parallel_slices_gives_the_same_plan(mbox: Path, tmp_path: Path, slice_bytes: int,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices start at From lines after an empty line; line numbers, offsets, conversations and files without
    mail come out as from one pass (a long From line and a '>From' body line included)."""
    from threadlens.label import _plan_mail

    _months(mbox.read_bytes().decode("utf-8"), tmp_path / "archive")
    long_from = b"From someone@example.org Mon Jan  1 10:00:00 2024 " + b"x" * 5000 + b"\n"
    tail = tmp_path / "archive" / "2024-04.mbox"
    tail.write_bytes(long_from + b"Message-ID: <tail@x>\nSubject: tail\n\nFrom the start, a body line.\n\n"
                     + long_from + b"Message-ID: <tail2@x>\nIn-Reply-To: <tail@x>\n\n>From here\n")
    junk = tmp_path / "archive" / "2024-05.mbox"
    junk.write_bytes(b"From someone@example.org Mon Jan  1 10:00:00 2024\nno headers\n\n" * 50)
    inputs = expand_inputs([tmp_path / "archive"])
    serial = plan_inputs(inputs, chunk_posts=4, workers=1, spool=tmp_path / "spool")
    monkeypatch.setattr(_plan_mail, "_SCAN_SLICE_BYTES", slice_bytes)
    parallel = plan_inputs(inputs, chunk_posts=4, workers=2, spool=tmp_path / "spool")
    assert [u.describe() + [u.lines.tolist() if u.lines is not None else None, u.posts, u.size]
            for u in parallel.units] == \
        [u.describe() + [u.lines.tolist() if u.lines is not None else None, u.posts, u.size] for u in serial.units]
    assert parallel.modes == serial.modes and str(junk) not in serial.modes and len(serial.modes) == 4


def test_label_an_archive_of_more_files_than_a_unit_keeps_open(mbox: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from threadlens.label import _read

    months = _months(mbox.read_bytes().decode("utf-8"), tmp_path / "archive", parts=9)
    whole = tmp_path / "whole.jsonl"
    label_corpus([mbox], whole, model=MODEL, chunk_posts=1000, workers=1)
    monkeypatch.setattr(_read, "_OPEN_FILES", 2)
    out = tmp_path / "labels.jsonl"
    report = label_corpus(months, out, model=MODEL, chunk_posts=1000, workers=1)
    plan = plan_inputs(expand_inputs(months), chunk_posts=1000, spool=tmp_path / "spool")
    assert max(len(unit.files) for unit in plan.units) > 2 and len(report.modes) == 9
    assert out.read_bytes() == whole.read_bytes()
