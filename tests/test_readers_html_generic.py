"""The generic HTML reader: comment sections modelled on real sites, hostile pages, and real pages."""

from __future__ import annotations

import html
import json
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from threadlens.readers import Reader, detect_reader, get_reader, load_source, read_thread, read_threads
from threadlens.readers import _REGISTRY
from threadlens.errors import InputError
from threadlens.readers._source import Source
from threadlens.readers.html_generic import find_post_elements, read_html_page, sniff_html
from threadlens.readers._html import parse_html

PAGES = Path(__file__).resolve().parent / "fixtures" / "html_generic"
UTC = timezone.utc


def quotes(post) -> list[tuple[str | None, str | None, str]]:  # type: ignore[no-untyped-def]
    return [(s.cite, s.source, post.text[s.start:s.end]) for s in post.markup]


@pytest.mark.parametrize(("text", "name", "score"), [
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", None, 0.2),
    ("\ufeff  <html><p>x</p></html>", None, 0.2),
    ("<div class='comment'>hi</div>", None, 0.2),
    ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', None, 0.2),
    ("just some text", "page.html", 0.2),
    ("<Bob> hi there\n<Ann> hello", None, 0.0),
    ('{"id": "a", "text": "<p>x</p>"}', None, 0.0),
    ("plain text with <b>bold</b> later", None, 0.0),
])
def test_readers_html_generic_sniff(tmp_path: Path, text: str, name: str | None, score: float) -> None:
    if name:
        (tmp_path / name).write_text(text)
        source = load_source(tmp_path / name)
    else:
        source = load_source(text.encode("utf-8"))
    assert sniff_html(source) == score


def test_readers_html_generic_loses_to_specific_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    page = load_source(b"<html><body><div class='comment'>a</div><div class='comment'>b</div></body></html>")
    assert detect_reader(page).name == "html"
    get_reader("html")  # built-in readers loaded
    monkeypatch.setitem(_REGISTRY, "site", Reader("site", "a site reader", read=lambda s: [], sniff=lambda s: 0.5))
    assert detect_reader(page).name == "site"


def test_readers_html_generic_wordpress_comments() -> None:
    thread = read_thread(PAGES / "wordpress_comments.html")
    assert thread.title == "Why tabs beat spaces | Ann's blog" and thread.id == "wordpress_comments"
    assert [(p.id, p.author, p.reply_to) for p in thread.posts] == [
        ("post-5", "Ann", None), ("comment-11", "Bob", "post-5"), ("comment-12", "Ann", "comment-11"),
        ("comment-13", "Carol", "post-5")]
    assert [p.created for p in thread.posts] == [datetime(2020, 5, 3, 9, 0, tzinfo=UTC),
                                                 datetime(2020, 5, 3, 10, 15, tzinfo=UTC),
                                                 datetime(2020, 5, 3, 11, 0, tzinfo=UTC),
                                                 datetime(2020, 5, 4, 8, 0, tzinfo=UTC)]
    article, bob, ann, carol = thread.posts
    assert article.text == ("Tabs let every reader choose their own indentation width.\n\n"
                            "Spaces are the preferred indentation method.\n\nThat is a style guide, not an argument.")
    assert quotes(article) == [("https://example.org/pep8", None, "Spaces are the preferred indentation method.")]
    assert bob.text == ("Tabs let every reader choose their own indentation width.\n\n"
                        "Until they paste code into a forum that renders tabs as eight spaces.")
    assert quotes(bob) == [(None, None, "Tabs let every reader choose their own indentation width.")]
    assert ann.text == "Until they paste code into a forum\n\nThen the forum is broken, not the tabs."
    assert quotes(ann) == [("Bob", "comment-11", "Until they paste code into a forum")]
    assert carol.text == "Spaces. Always spaces."  # script dropped, onclick never text
    everything = " ".join(p.text for p in thread.posts)
    for furniture in ("Reply", "says", "Post Comment", "Recent posts", "Home", "alert"):
        assert furniture not in everything
    assert thread.notices == []


def test_readers_html_generic_disqus_like() -> None:
    thread = read_thread(PAGES / "disqus_like.html")
    assert [(p.id, p.author, p.reply_to) for p in thread.posts] == [
        ("post-4876001", "Dave", None), ("post-4876002", "Erin", "post-4876001"),
        ("post-4876004", "Dave", "post-4876002"), ("post-4876003", "Frank", None)]
    assert thread.posts[0].created == datetime(2020, 5, 4, 10, 0, tzinfo=UTC)  # data-timestamp
    assert thread.posts[2].created is None
    assert thread.posts[1].text == "Nobody cares about disk.\n\nPeople on metered connections do."
    assert quotes(thread.posts[1]) == [("Dave", None, "Nobody cares about disk.")]
    assert "Share" not in " ".join(p.text for p in thread.posts)


def test_readers_html_generic_flat_list_with_parent_links() -> None:
    thread = read_thread(PAGES / "flat_replies.html")
    assert [(p.id, p.author, p.reply_to) for p in thread.posts] == [
        ("101", "grace", None), ("102", "heidi", "101"), ("103", "ivan", None), ("104", "grace", "102")]
    assert thread.posts[1].created == datetime(2021, 3, 1, 10, 5, tzinfo=UTC)
    assert quotes(thread.posts[1]) == [("grace", None, "Memory safety would fix the whole class of bugs.")]


def test_readers_html_generic_plain_blog_is_one_post() -> None:
    thread = read_thread(PAGES / "plain_blog.html")
    assert len(thread.posts) == 1
    post = thread.posts[0]
    assert post.author == "Judy" and post.created == datetime(2019, 11, 20, tzinfo=UTC)
    assert post.text == ("Quoting someone well means keeping their words intact.\n\n"
                         "Never change a quotation to fit your sentence.\n\nMost writers break this rule weekly.\n\n"
                         "Outer quote.\n\nInner quote.\n\nOuter again.")
    assert [(s.marker, s.cite, post.text[s.start:s.end]) for s in post.markup] == [
        ("blockquote", "The House Style Guide", "Never change a quotation to fit your sentence."),
        ("blockquote", None, "Outer quote."), ("blockquote:2", None, "Inner quote."),
        ("blockquote", None, "Outer again.")]
    assert [n.kind for n in thread.notices] == ["whole_page"]


def test_readers_html_generic_page_without_article_uses_meta() -> None:
    page = (b"<html><head><meta name='author' content='Kim'><meta property='article:published_time' "
            b"content='2022-02-02T10:00:00Z'><title>Notes</title></head><body><nav><a>Home</a></nav>"
            b"<div class='sidebar'>Ads</div><h1>Notes</h1><p>First thought.</p><p>Second.</p>"
            b"<footer>(c) Kim</footer></body></html>")
    post = read_thread(page).posts[0]
    assert (post.text, post.author, post.created) == ("First thought.\n\nSecond.", "Kim",
                                                      datetime(2022, 2, 2, 10, 0, tzinfo=UTC))


@pytest.mark.parametrize(("classes", "expected"), [
    (["comment", "comment", "comment"], 3),
    (["post-12", "post-13"], 2),
    (["comment-item", "comment-item"], 2),
    (["comment-body", "comment-body"], 0),
    (["comment-author", "comment-author"], 0),
    (["comments", "comments"], 0),
    (["message", "message"], 2),
    (["c-reply", "c-reply"], 2),
    (["comment"], 0),
])
def test_readers_html_generic_post_containers(classes: list[str], expected: int) -> None:
    page = "".join(f'<div class="{name}">text {i}</div>' for i, name in enumerate(classes))
    assert len(find_post_elements(parse_html(page))) == expected


def test_readers_html_generic_outer_kind_wins() -> None:
    page = ("<ul>" + "".join(f'<li class="comment"><div class="message">m{i}</div><div class="message">n{i}</div>'
                             f'<div class="reply"><a>Reply</a></div></li>' for i in range(4)) + "</ul>")
    elements = find_post_elements(parse_html(page))
    assert [e.tag for e in elements] == ["li"] * 4


def test_readers_html_generic_custom_elements() -> None:
    page = (b"<shreddit-comment author='a'><p>one</p><shreddit-comment><p>two</p></shreddit-comment>"
            b"</shreddit-comment><shreddit-comment><p>three</p></shreddit-comment>")
    thread = read_thread(page)
    assert [(p.id, p.text, p.reply_to) for p in thread.posts] == [("p1", "one", None), ("p2", "two", "p1"),
                                                                  ("p3", "three", None)]


# --- hostile pages -------------------------------------------------------------------------------------------

HOSTILE = {
    "deep comments": b"<div class='comment'><p>x</p>" * 10_000 + b"</div>" * 10_000,
    "deep divs": b"<div>" * 10_000 + b"deep" + b"</div>" * 10_000,
    "deep quotes": b"<div class=comment>" + b"<blockquote>q" * 10_000 + b"</div><div class=comment>b</div>",
    "broken tags": (b"<p>ok<b>bold<i>x</p></div></span><td>cell<<<>>>&bogus; <div class=comment><a class=author "
                    b"onclick='evil()'>Eve<script>steal()</script></a>hi</div><div class=comment>there<"),
    "scripts": (b"<div class='comment'><script>alert(1)</script><p onmouseover='alert(2)'>safe</p><style>p{}</style>"
                b"<iframe srcdoc='<p>alert(3)</p>'></iframe><img src=x onerror='alert(4)'></div>"
                b"<div class='comment'><a href='javascript:alert(5)'>link</a><noscript>alert(6)</noscript></div>"),
    "scripts in byline and time": (b"<div class='comment'><span class='author'>Eve<script>alert(7)</script></span>"
                                   b"<time>soon<script>alert(8)</script></time><p>a</p></div>"
                                   b"<div class='comment'><p>b</p></div>"),
    "empty": b"   ",
    "comment only": b"<!-- nothing -->",
    "control characters": b"<html>\x01<body><div class=post>a\x08b\x7f</div><div class=post>c\x1b</div></body></html>",
    "xml declaration": (b'<?xml version="1.0" encoding="iso-8859-1"?><html><body><div class="post">caf\xc3\xa9</div>'
                        b'<div class="post">b</div></body></html>'),
    "huge attributes": (b'<div class="' + b"comment " * 100_000 + b'">x</div><div class="comment" id="'
                        + b"x" * 1_000_000 + b'">y</div>'),
    "unclosed everything": b"<html><body><div class=comment><p>a<div class=comment><p>b<blockquote>c",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_readers_html_generic_hostile_pages(name: str) -> None:
    threads = read_threads(HOSTILE[name], format="html")
    assert len(threads) == 1
    text = " ".join(f"{p.text} {p.author} {p.meta}" for p in threads[0].posts)
    assert "alert" not in text and "evil" not in text and "steal" not in text
    for post in threads[0].posts:
        for segment in post.markup:
            assert 0 <= segment.start < segment.end <= len(post.text)


def test_readers_html_generic_nul_characters() -> None:
    with pytest.raises(InputError, match="holds NUL bytes"):  # as bytes: refused as binary by load_source
        read_threads(b"<html><body><p>a\x00b</p></body></html>")
    source = Source(name="<nul>", text="<html>\x00<body><div class=post>a\x00b</div><div class=post>c</div></body></html>")
    assert [p.text for p in read_html_page(source)[0].posts] == ["a\ufffdb", "c"]


def test_readers_html_generic_flat_list_without_authors_is_linear() -> None:
    page = ("<ol>" + "".join(f"<li class='comment'><p>comment {i}</p></li>" for i in range(20_000)) + "</ol>").encode()
    started = time.perf_counter()
    thread = read_thread(page)
    assert len(thread.posts) == 20_000 and time.perf_counter() - started < 10


def test_readers_html_generic_hostile_details() -> None:
    deep = read_thread(HOSTILE["deep comments"], format="html")
    assert len(deep.posts) > 1000 and "html_truncated" in [n.kind for n in deep.notices]
    assert deep.posts[5].reply_to == deep.posts[4].id
    assert [n.kind for n in read_thread(HOSTILE["empty"], format="html").notices] == ["empty_page"]
    assert [p.text for p in read_thread(HOSTILE["xml declaration"], format="html").posts] == ["café", "b"]
    assert [(p.author, p.text) for p in read_thread(HOSTILE["broken tags"], format="html").posts] == [
        ("Eve", "hi"), (None, "there<")]


def test_readers_html_generic_twenty_megabyte_page() -> None:
    comment = ('<li class="comment" id="c{0}"><span class="author">user{1}</span><time datetime="2020-01-01T00:00:'
               '{2:02d}Z">t</time><div class="comment-body"><p>' + "word " * 250 + "</p><blockquote>q{0}</blockquote>"
               "</div></li>")
    page = ("<html><body><ol>" + "".join(comment.format(i, i % 50, i % 60) for i in range(15_000))
            + "</ol></body></html>").encode()
    assert len(page) > 20_000_000
    started = time.perf_counter()
    thread = read_thread(page)
    elapsed = time.perf_counter() - started
    assert len(thread.posts) == 15_000 and thread.posts[-1].author == "user49"
    assert elapsed < 20, f"took {elapsed:.1f} s"


# --- real pages ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("page", "posts"), [
    ("easyhn_item_48350598.html", 124), ("easyhn_comment_48351450.html", 70), ("brianc_first.html", 97),
    ("brianc_second.html", 100), ("brianc_last.html", 27), ("brianc_single.html", 204), ("brianc_simple.html", 9),
    ("egze_comments_3083797.html", 50),
])
def test_readers_html_generic_hacker_news_pages(shared: Path, page: str, posts: int) -> None:
    thread = read_thread(shared / "data" / "hn" / page, format="html")
    assert len(thread.posts) == posts


def test_readers_html_generic_hacker_news_authors(shared: Path) -> None:
    rows = [json.loads(line) for line in (shared / "data/hn/easyhn_comments.jsonl").read_text().splitlines()]
    item = read_thread(shared / "data" / "hn" / "easyhn_item_48350598.html", format="html")
    assert [p.author for p in item.posts] == [r["by"] for r in rows if r["page"] == "easyhn_item_48350598.html"]
    # The permalink page shows the comment itself, then its 69 replies (the derived list has the replies).
    page = read_thread(shared / "data" / "hn" / "easyhn_comment_48351450.html", format="html")
    assert [p.author for p in page.posts] == ["winter_blue"] + [
        r["by"] for r in rows if r["page"] == "easyhn_comment_48351450.html"]
    assert all(p.created is not None for p in [*item.posts, *page.posts])


def reddit_page(rows: list[dict]) -> str:
    """An old-reddit style page (div.thing.comment nested in div.child) of a real comment tree."""
    submission, comments = rows[0], rows[1:]
    children: dict[str, list[dict]] = {}
    for comment in comments:
        children.setdefault(comment["parent_id"], []).append(comment)
    out: list[str] = []
    stack: list[tuple[str, dict]] = [("open", c) for c in reversed(children.get(submission["name"], []))]
    while stack:
        action, c = stack.pop()
        if action == "close":
            out.append("</div></div></div>")
            continue
        when = datetime.fromtimestamp(c["created_utc"], tz=UTC).isoformat()
        out.append(f'<div class="thing id-{c["name"]} comment" id="thing_{c["name"]}"><div class="entry">'
                   f'<p class="tagline"><a class="author may-blank">{html.escape(c["author"])}</a> '
                   f'<span class="score">{c.get("score")} points</span> <time datetime="{when}">ago</time></p>'
                   f'<form class="usertext"><div class="usertext-body md-container">{c["body_html"]}</div></form>'
                   '<ul class="flat-list buttons"><li><a class="bylink">permalink</a></li>'
                   '<li><a class="reply-button">reply</a></li></ul></div><div class="child"><div class="sitetable">')
        stack.append(("close", c))
        stack.extend(("open", k) for k in reversed(children.get(c["name"], [])))
    return (f"<html><head><title>{html.escape(submission['title'])}</title></head><body><div class='content'>"
            f"<div class='sitetable nestedlisting'>{''.join(out)}</div></div></body></html>")


def test_readers_html_generic_reddit_thread(shared: Path) -> None:
    folder = shared / "data" / "reddit" / "praw-thread"
    rows = [json.loads(line) for line in (folder / "thread_n49rw.jsonl").read_text().splitlines()]
    thread = read_thread(reddit_page(rows).encode("utf-8"))
    by_id = {post.id: post for post in thread.posts}
    comments = rows[1:]
    assert len(thread.posts) == len(comments) == 1428
    for comment in comments:
        post = by_id["thing_" + comment["name"]]
        parent = comment["parent_id"]
        assert post.reply_to == (None if parent.startswith("t3_") else "thing_" + parent)
        assert post.author == comment["author"]
        assert post.created == datetime.fromtimestamp(comment["created_utc"], tz=UTC)
    gold = [json.loads(line) for line in (folder / "quote_gold.jsonl").read_text().splitlines()]
    for item in gold:
        post = by_id["thing_t1_" + item["id"]]
        assert [" ".join(post.text[s.start:s.end].split()) for s in post.markup] == [
            " ".join(block.split()) for block in item["quoted_blocks"]]


def test_readers_html_generic_quotes_are_attributed() -> None:
    from threadlens.analysis import analyze

    result = analyze(read_thread(PAGES / "wordpress_comments.html"), stance=False)
    found = {(post.id, segment.source) for post in result.posts for segment in post.quotes}
    assert ("comment-11", "post-5") in found and ("comment-12", "comment-11") in found
