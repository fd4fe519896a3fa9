"""Saved Hacker News item pages: current and 2011-13 markup, hand-made and the pages in ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threadlens.readers import detect_reader, load_source, read_thread


def modern_row(item_id: int, indent: int, user: str | None, text: str, *, colour: str = "c00",
               head_extra: str = "") -> str:
    who = f'<a href="user?id={user}" class="hnuser">{user}</a> ' if user else ""
    return (f'<tr class="athing comtr" id="{item_id}"><td><table border="0"><tr>'
            f'<td class="ind" indent="{indent}"><img src="s.gif" height="1" width="{indent * 40}"></td>'
            f'<td class="default"><div><span class="comhead">{who}<span class="age" '
            f'title="2026-06-01T00:51:16 1780275076"><a href="item?id={item_id}">4 hours ago</a></span>{head_extra}'
            f'</span></div><br><div class="comment"><div class="commtext {colour}">{text}</div>'
            f'<div class="reply"><p><font size="1"><u><a href="reply?id={item_id}">reply</a></u></font></div></div>'
            f'</td></tr></table></td></tr>')


MODERN = ("<html lang='en' op='item'><head><title>Laptops | Hacker News</title></head><body><table id='hnmain'>"
          "<tr id='bigbox'><td><table class='fatitem' border='0'><tr class='athing submission' id='1000'>"
          "<td class='title'><span class='titleline'><a href='https://example.com/laptops'>Laptops</a></span></td></tr>"
          "<tr><td class='subtext'><span class='subline'><span class='score' id='score_1000'>148 points</span> by "
          "<a href='user?id=ann' class='hnuser'>ann</a> <span class='age' title='2026-05-31T22:59:50 1780268390'>"
          "<a href='item?id=1000'>6 hours ago</a></span></span></td></tr>"
          "<tr><td><div class='toptext'>What do you use?</div></td></tr></table><br>"
          "<table border='0' class='comment-tree'>"
          + modern_row(1001, 0, "bob", "A used x1 carbon is a better deal.<p>And lighter.")
          + modern_row(1002, 1, "cat", "<i>&gt; A used x1 carbon is a better deal.</i><p>Not with that screen.")
          + modern_row(1003, 2, None, "[deleted]")
          + modern_row(1004, 1, "dan", "<i>a better deal</i>? Not now.", colour="c5A", head_extra=" [flagged]")
          + modern_row(1005, 0, "eve", "<i>is a better deal</i>, you say? Prices went up.")
          + "</table><a href='item?id=1000&amp;p=2' class='morelink'>More</a></td></tr></table></body></html>")


def old_comment(item_id: int | None, indent: int, user: str | None, text: str, colour: str = "#000000") -> str:
    head = (f'<a href="user?id={user}">{user}</a> 2 hours ago  | <a href="item?id={item_id}">link</a>'
            if user else "")
    body = f'<font color={colour}>{text}</font>' if user else text
    return (f'<tr><td><table border=0><tr><td><img src="s.gif" height=1 width={indent * 40}></td>'
            f'<td valign=top><center></center></td><td class="default"><div><span class="comhead">{head}</span></div>'
            f'<br><span class="comment">{body}</span><p><font size=1><u>reply</u></font></td></tr></table></td></tr>')


OLD = ("<html><head><title>VirtualBox | Hacker News</title></head><body><center><table><tr><td><table border=0>"
       "<tr><td class='title'><a href='https://lkml.org/x'>VirtualBox is garbage</a><span class='comhead'> (lkml.org) "
       "</span></td></tr><tr><td colspan=1></td><td class='subtext'><span id=score_3083797>53 points</span> by "
       "<a href='user?id=hbrouwer'>hbrouwer</a> 2 hours ago  | <a href='item?id=3083797'>49 comments</a></td></tr>"
       "</table><br><br><table border=0>"
       + old_comment(3084288, 0, "tzury", "The number of bug reports is astonishing.<p>Second paragraph.")
       + old_comment(None, 1, None, "[deleted]")
       + old_comment(3084156, 2, "larrik", "I read it as being about the hosts.", colour="#5a5a5a")
       + old_comment(3083877, 0, "spyro", "Try the http link.")
       + "</table></td></tr></table></center></body></html>")


def test_modern_page_links_comments_by_indent() -> None:
    assert detect_reader(load_source(MODERN.encode())).name == "hn-html"
    thread = read_thread(MODERN.encode())
    assert thread.id == "1000" and thread.title == "Laptops"
    assert {p.id: p.reply_to for p in thread} == {"1000": None, "1001": "1000", "1002": "1001", "1003": "1002",
                                                  "1004": "1001", "1005": "1000"}
    story = thread["1000"]
    assert story.text == "Laptops\n\nWhat do you use?" and story.author == "ann"
    assert story.meta == {"type": "story", "title": "Laptops", "url": "https://example.com/laptops", "score": 148}
    assert story.created is not None and story.created.isoformat() == "2026-05-31T22:59:50+00:00"
    assert thread["1001"].text == "A used x1 carbon is a better deal.\n\nAnd lighter."
    assert thread["1002"].text == "> A used x1 carbon is a better deal.\n\nNot with that screen."
    assert thread["1003"].meta.get("deleted") and thread["1003"].author is None
    assert thread["1004"].meta.get("flagged") and thread["1004"].meta.get("faded")
    assert "reply" not in thread["1001"].text
    assert [n.kind for n in thread.notices] == ["partial_page"]


def test_modern_page_italic_phrase_from_an_ancestor_is_a_quote() -> None:
    thread = read_thread(MODERN.encode())
    reply = thread["1004"]
    assert [(m.marker, reply.text[m.start : m.end]) for m in reply.markup] == [("italic", "a better deal")]
    assert thread["1005"].markup == ()  # the same words, but its only ancestor (the story) doesn't hold them
    assert thread["1002"].markup == ()  # an italic '>' line is left to the core's marker rule


def test_old_page_links_comments_by_spacer_width() -> None:
    assert detect_reader(load_source(OLD.encode())).name == "hn-html"
    thread = read_thread(OLD.encode())
    assert thread.id == "3083797" and thread.title == "VirtualBox is garbage"
    assert [(p.id, p.reply_to) for p in thread] == [("3083797", None), ("3084288", "3083797"),
                                                    ("unknown-1", "3084288"), ("3084156", "unknown-1"),
                                                    ("3083877", "3083797")]
    assert thread["unknown-1"].text == "[deleted]" and thread["unknown-1"].meta["deleted"] is True
    assert thread["3084156"].meta == {"type": "comment", "age": "2 hours ago", "faded": True}
    assert thread["3084288"].text == "The number of bug reports is astonishing.\n\nSecond paragraph."
    assert thread["3083797"].meta["score"] == 53 and thread["3083797"].author == "hbrouwer"
    assert [n.kind for n in thread.notices] == ["missing_id"]


def test_comment_indented_under_nothing_becomes_a_root() -> None:
    page = "<html><body><table>" + old_comment(5, 1, "x", "orphan") + old_comment(6, 0, "y", "top") + "</table>"
    thread = read_thread(page.encode(), format="hn-html")
    assert [(p.id, p.reply_to) for p in thread] == [("5", None), ("6", None)]
    assert sorted(n.kind for n in thread.notices) == ["no_story", "unknown_parent"]


# --- the saved pages in ../shared ------------------------------------------------------------------------

# comment counts from ../shared/data/hn/SOURCE.txt; the story (where the page has it) is one more post
PAGES = [
    ("easyhn_item_48350598.html", 124, "Chuwi Minibook X"),
    ("easyhn_comment_48351450.html", 69 + 1, "Chuwi Minibook X"),  # the comment and its 69 replies
    ("brianc_first.html", 97, "Ask HN: Who is Hiring? (January 2012)"),
    ("brianc_second.html", 100, None),
    ("brianc_last.html", 27, None),
    ("brianc_single.html", 204, "Ask HN: Who is hiring? (January 2013)"),
    ("brianc_simple.html", 9, "The future according to Google's Larry Page"),
    ("egze_comments_3083797.html", 50, "VirtualBox is garbage"),
]


@pytest.mark.parametrize("name, comments, title", PAGES)
def test_saved_pages_parse_with_their_comment_counts(shared: Path, name: str, comments: int,
                                                     title: str | None) -> None:
    path = shared / "data" / "hn" / name
    assert detect_reader(load_source(path)).name == "hn-html"
    thread = read_thread(path)
    assert thread.title == title
    stories = [p for p in thread if p.meta.get("type") == "story"]
    assert len(thread) - len(stories) == comments
    assert len(stories) == (0 if title is None or name.startswith("easyhn_comment") else 1)
    assert all(p.text for p in thread)
    assert all(p.reply_to in thread for p in thread if p.meta.get("type") == "comment" and p.reply_to
               and not (name.startswith("easyhn_comment") and p.id == "48351450"))


@pytest.mark.parametrize("page", ["easyhn_item_48350598.html", "easyhn_comment_48351450.html"])
def test_saved_page_parents_equal_the_indent_derived_list(shared: Path, page: str) -> None:
    folder = shared / "data" / "hn"
    expected = [json.loads(line) for line in (folder / "easyhn_comments.jsonl").read_text().splitlines()]
    expected = [e for e in expected if e["page"] == page]
    thread = read_thread(folder / page)
    replies = [p for p in thread if p.reply_to in thread]  # the permalink page's own comment is left out
    assert len(replies) == len(expected) == (124 if page.startswith("easyhn_item") else 69)
    assert [(p.id, p.reply_to, p.author) for p in replies] == [(e["id"], e["parent"], e["by"]) for e in expected]


def test_permalink_page_roots_the_thread_at_its_comment(shared: Path) -> None:
    thread = read_thread(shared / "data" / "hn" / "easyhn_comment_48351450.html")
    assert thread.id == "48350598"
    assert [p.id for p in thread.roots()] == ["48351450"]
    assert thread["48351450"].reply_to == "48350598"
    assert [n.kind for n in thread.notices] == ["dangling_reply_to"]


def test_saved_page_quotes_come_out_of_the_analysis(shared: Path) -> None:
    from threadlens.analysis import analyze

    analysis = analyze(read_thread(shared / "data" / "hn" / "easyhn_item_48350598.html"), stance=False)
    post = analysis["48351679"]
    quotes = [(q.text_of(post.post.text), q.source, q.marker) for q in post.quotes]
    assert quotes[0][0].startswith("> A modern chromebook with Crostini") and quotes[0][1:] == ("48351252", ">")
    italic = analysis["48352756"]
    assert [(q.marker, q.text_of(italic.post.text)[:20]) for q in italic.quotes][0] == ("italic", "A notebook that weig")


@pytest.mark.parametrize("page", ["<html><body><p>Just a blog post.</p></body></html>", "<table></table>"])
def test_page_without_story_or_comments_is_refused(page: str) -> None:
    from threadlens.errors import InputError

    with pytest.raises(InputError, match="holds no Hacker News story or comment"):
        read_thread(page.encode(), format="hn-html")
