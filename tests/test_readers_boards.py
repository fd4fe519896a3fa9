"""Readers of saved forum pages: phpBB, vBulletin 4/5, SMF 2.0/2.1, XenForo 1/2."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadlens.analysis import analyze
from threadlens.errors import InputError
from threadlens.readers import detect_reader, load_source, read_thread, read_threads
from threadlens.readers._boards import board_time

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "forums"


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# file, reader, thread id, title, [(post id, author, created, reply_to)], {post id: [(quote, source, cite, marker)]}
PAGES = [
    ("phpbb33_topic.html", "phpbb", "4242", "Tabs or spaces in config files?",
     [("1001", "ann_lee", _utc(2024, 5, 6, 8, 15), None), ("1002", "BobTheAdmin", _utc(2024, 5, 6, 9, 2, 41), "1001"),
      ("1003", "cyrus", _utc(2024, 5, 7, 17, 45, 10), "1002"), ("1004", "Guest", _utc(2024, 5, 8, 6), None)],
     {"1002": [("I propose we ban tabs in every config file and enforce it in CI.", "1001", "ann_lee", "blockquote")],
      "1003": [("Our deploy scripts break whenever someone mixes tabs and spaces in the YAML files.", "1001",
                "ann_lee", "blockquote:2"),
               ("Makefiles need tabs though", "1002", "BobTheAdmin", "blockquote"),
               ("Be liberal in what you accept, and conservative in what you send.", None, None, "blockquote")],
      "1004": [("We settled this in 2019: two spaces, no tabs.", None, "oldtimer", "blockquote")]}),
    ("vbulletin4_topic.html", "vbulletin", "8812", "Which torque wrench for wheel nuts?",
     [("55101", "gearhead", _utc(2013, 3, 14, 19, 12), None), ("55107", "Mechanic Mo", _utc(2013, 3, 14, 20, 40), "55101"),
      ("55120", "visitor_22", None, "55107")],
     {"55107": [("Is a click-type wrench accurate enough for wheel nuts, or do I need a beam wrench?", "55101",
                 "gearhead", "blockquote")],
      "55120": [("do I need a beam wrench?", "55101", "gearhead", "blockquote:2"),
                ("A click wrench is fine.", "55107", "Mechanic Mo", "blockquote"),
                ("Righty tighty, lefty loosey.", None, None, "blockquote")]}),
    ("vbulletin5_topic.html", "vbulletin", "4411", "Sourdough starter smells like acetone",
     [("4411", "rye_rita", _utc(2022, 4, 15, 5, 20), None), ("4419", "crumb", _utc(2022, 4, 15, 8, 6, 40), "4411")],
     {"4419": [("Is it dead?", "4411", "rye_rita", "blockquote")]}),
    ("smf20_topic.html", "smf", "31337", "Lubing stabilizers: dielectric grease or Krytox?",
     [("880001", "thock_lord", _utc(2022, 1, 7, 11, 21, 9), None),
      ("880014", "Lube Wizard", _utc(2022, 1, 7, 13, 2, 55), "880001"),
      ("880020", "Guest Typist", _utc(2022, 1, 8, 9, 40), "880014")],
     {"880014": [("Dielectric grease or Krytox 205g0 for the wires?", "880001", "thock_lord", "blockquote")],
      "880020": [("Budget matters, I have ninety keyboards to do.", "880001", "thock_lord", "blockquote:2"),
                 ("It is cheap and it stays put on the wires.", "880014", "Lube Wizard", "blockquote"),
                 ("Buy once, cry once.", None, None, "blockquote")]}),
    ("smf21_topic.html", "smf", "902", "Tomato leaves curling upward",
     [("5120", "sunny_sue", _utc(2023, 8, 2, 7, 15, 41), None), ("5127", "Old Gardener", _utc(2023, 8, 2, 9, 30, 12), "5120")],
     {"5127": [("Too much water?", "5120", "sunny_sue", "blockquote")]}),
    ("xenforo2_topic.html", "xenforo", "7070", "Is 16 GB of RAM enough for a home lab?",
     [("120001", "vm_vera", _utc(2023, 11, 20, 14, 3, 11), None), ("120009", "zfs_zack", _utc(2023, 11, 20, 15, 40), "120001"),
      ("120015", "vm_vera", _utc(2023, 11, 21, 8), "120009")],
     {"120009": [("Is 16 GB of RAM enough, or should I buy 32 GB now?", "120001", "vm_vera", "blockquote")],
      "120015": [("ZFS will happily eat half of it for the ARC.", "120009", "zfs_zack", "blockquote"),
                 ("RAM is the one thing you never regret buying.", None, None, "blockquote")]}),
    ("xenforo1_topic.html", "xenforo", "5150", "Best budget film camera?",
     [("88001", "lomo_lee", _utc(2016, 6, 3, 9, 12), None), ("88004", "rangefinder_ray", _utc(2016, 6, 3, 10, 40), "88001")],
     {"88004": [("Pentax K1000 or Canon AE-1?", "88001", "lomo_lee", "blockquote")]}),
]
FURNITURE = ("wrote:", "Originally Posted by", "Quote from", "said:", "Click to expand", "Select all", "[Select]",
             "Code:", "Reply With Quote", "signature", "keeper of the linters", "Measure twice", "Proxmox on a second",
             "Shooting HP5", "rattly stabs", "View Post", "Posts:")


@pytest.mark.parametrize(("name", "reader", "thread_id", "title", "posts", "quotes"), PAGES, ids=[p[0] for p in PAGES])
def test_board_page_is_read(name: str, reader: str, thread_id: str, title: str, posts: list, quotes: dict) -> None:
    path = FIXTURES / name
    assert detect_reader(load_source(path)).name == reader
    thread = read_thread(path)
    assert thread.id == thread_id and thread.title == title
    assert [(p.id, p.author, p.created, p.reply_to) for p in thread] == posts
    for post in thread:
        assert [(post.text[s.start:s.end], s.source, s.cite, s.marker) for s in post.markup] == quotes.get(post.id, [])
        assert not any(junk in post.text for junk in FURNITURE), (post.id, post.text)


def test_board_code_and_text_survive() -> None:
    thread = read_thread(FIXTURES / "phpbb33_topic.html")
    assert "git ls-files '*.yml' | xargs grep -nP '\\t' && exit 1" in thread["1003"].text
    assert thread["1001"].text.startswith("Our deploy scripts break")
    vb = read_thread(FIXTURES / "vbulletin4_topic.html")
    assert vb["55120"].meta["time_text"] == "Today, 09:05 AM" and vb["55107"].meta["number"] == "2"


def test_board_quotes_feed_the_analysis() -> None:
    analysis = analyze(read_thread(FIXTURES / "smf20_topic.html"), stance=False)
    post = analysis["880020"]
    assert [(q.source, q.cite) for q in post.quotes] == [("880001", "thock_lord"), ("880014", "Lube Wizard"),
                                                          (None, None)]
    assert post.reply_text == "It migrates into the housings after a summer in a hot room. Krytox does not."
    assert analysis["880020"].depth == 2


@pytest.mark.parametrize("reader", ["phpbb", "vbulletin", "smf", "xenforo"])
def test_board_reader_forced_on_another_page_is_an_input_error(reader: str) -> None:
    with pytest.raises(InputError, match="holds no .* posts"):
        read_threads("<html><body><p>just a page</p></body></html>\n", format=reader)


def test_board_pages_are_not_detected_as_each_other() -> None:
    detected = {name: detect_reader(load_source(FIXTURES / name)).name for name, *_ in PAGES}
    assert detected == {name: reader for name, reader, *_ in PAGES}
    assert detect_reader(load_source("<html><body><blockquote>x</blockquote></body></html>\n")).name not in {
        "phpbb", "vbulletin", "smf", "xenforo"}


def _nested_vbulletin_page(depth: int) -> str:
    quote = ('<div class="bbcode_container"><div class="bbcode_quote"><div class="quote_container">'
             '<div class="bbcode_postedby">Originally Posted by <strong>x</strong></div><div class="message">')
    body = quote * depth + "deep" + "</div></div></div></div>" * depth
    return ('<html><body><ol><li class="postcontainer" id="post_1"><div id="post_message_1">'
            f'<blockquote class="postcontent">{body} reply</blockquote></div></li></ol></body></html>\n')


def test_vbulletin_skin_without_the_outer_quote_div() -> None:
    page = ('<html><body><ol><li class="postcontainer" id="post_7"><a class="username"><strong>ed</strong></a>'
            '<div id="post_message_7"><blockquote class="postcontent restore">'
            '<div class="quote_container"><div class="bbcode_postedby">Originally Posted by <strong>fay</strong> '
            '<a href="showthread.php?p=6#post6">View Post</a></div><div class="message">quoted words</div></div>'
            'my answer</blockquote></div></li></ol></body></html>\n')
    [thread] = read_threads(page, format="vbulletin")
    post = thread["7"]
    assert post.author == "ed" and post.text == "quoted words\n\nmy answer"
    assert [(s.cite, s.source) for s in post.markup] == [("fay", None)]  # post 6 is not on the page


def test_board_deep_quote_nesting_is_read_without_recursion() -> None:
    started = time.perf_counter()
    [thread] = read_threads(_nested_vbulletin_page(400), format="vbulletin")
    assert time.perf_counter() - started < 10
    post = thread["1"]
    assert post.text == "deep\n\nreply"
    assert [(s.marker, s.cite) for s in post.markup] == [("blockquote:400", "x")]


def test_board_nesting_beyond_the_html_parser_limit_fails_soft() -> None:
    started = time.perf_counter()
    [thread] = read_threads(_nested_vbulletin_page(5000), format="vbulletin")  # libxml2 stops at its depth limit
    assert time.perf_counter() - started < 10
    assert len(thread) == 1


@pytest.mark.parametrize(("printed", "expected"), [
    ("2024-05-06T08:15:00+00:00", _utc(2024, 5, 6, 8, 15)),
    ("Tue Nov 12, 2024 3:43 am", _utc(2024, 11, 12, 3, 43)),
    ("13-09-2011,\xa006:41 PM", _utc(2011, 9, 13, 18, 41)),
    ("Fri, 07 January 2022, 11:21:09", _utc(2022, 1, 7, 11, 21, 9)),
    ("June 20, 2011, 10:44:01 AM", _utc(2011, 6, 20, 10, 44, 1)),
    ("Mar 1, 2021 at 10:00 AM", _utc(2021, 3, 1, 10)),
    ("1464950400", _utc(2016, 6, 3, 10, 40)),
    ("Today, 09:05 AM", None),
    ("", None),
])
def test_board_time(printed: str, expected: datetime | None) -> None:
    assert board_time(printed) == expected


def test_cli_analyze_board_page_and_refuses_a_wrong_format(tmp_path: Path) -> None:
    from threadlens.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["analyze", str(FIXTURES / "xenforo2_topic.html"), "--no-stance", "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["posts"] == 3 and report["threads"][0]["title"] == "Is 16 GB of RAM enough for a home lab?"
    output = tmp_path / "out.json"
    bad = runner.invoke(app, ["analyze", str(FIXTURES / "discourse_topic.json"), "--input-format", "phpbb",
                              "--no-stance", "-o", str(output)])
    assert bad.exit_code == 2
    assert "holds no phpBB posts" in bad.output and "Traceback" not in bad.output
    assert not output.exists()
