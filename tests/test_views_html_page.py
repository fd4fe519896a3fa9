"""The thread page of the HTML report: structure, quote links, offsets, relation edges, self-containment."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import threadlens
from threadlens import Post, Thread
from threadlens.views.html import from_analysis, report_html
from threadlens.views.html.page import _reply_counts

MODEL = "connections-lexical"


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each ``.t`` element (with its attributes)."""

    _VOID = {"meta", "input", "br", "rect", "link", "img"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[dict[str, str | None], str]] = []
        self._open: list[tuple[dict[str, str | None], list[str]] | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in self._VOID:
            is_text = "t" in (attributes.get("class") or "").split()
            self._open.append((attributes, []) if is_text else None)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID and self._open:
            element = self._open.pop()
            if element is not None:
                self.texts.append((element[0], "".join(element[1])))

    def handle_data(self, data: str) -> None:
        for element in self._open:
            if element is not None:
                element[1].append(data)


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def seed_analysis(seed_path: Path) -> threadlens.ThreadAnalysis:
    return threadlens.analyze(seed_path, model=MODEL)


@pytest.fixture(scope="module")
def seed_html(seed_analysis: threadlens.ThreadAnalysis) -> str:
    return report_html(seed_analysis)


def test_views_html_page_lists_every_post_with_badge(seed_html: str, seed_analysis: threadlens.ThreadAnalysis) -> None:
    tags = _parse(seed_html).tags
    posts = [a for t, a in tags if t == "li" and "post" in (a.get("class") or "")]
    assert [a["id"] for a in posts] == [f"p-{i}" for i in range(13)]
    assert {a["data-stance"] for a in posts} <= {"worth_connecting", "skill_matters", "neutral"}
    badges = re.findall(r'<span class="badge s\d" title="[^"]*">([a-z ]+) (\d\.\d\d)</span>', seed_html)
    assert len(badges) == 13
    first = seed_analysis.posts[0].stance
    assert badges[0] == (first.label.replace("_", " "), f"{first.score:.2f}")


def test_views_html_page_quote_links_carry_the_copied_words(seed_html: str,
                                                            seed_analysis: threadlens.ThreadAnalysis) -> None:
    keys = {p.id: f"#p-{i}" for i, p in enumerate(seed_analysis.posts)}
    links = [(a["href"], int(a["data-ss"]), int(a["data-se"])) for t, a in _parse(seed_html).tags
             if t == "a" and "jump" in (a.get("class") or "") and "data-ss" in a]
    expected = [(keys[q.source], q.source_start, q.source_end) for p in seed_analysis.posts for q in p.quotes
                if q.source is not None and q.source_start is not None]
    assert links == expected and len(links) == 3  # the seed's three attributed quotes
    by_key = {key: seed_analysis[post_id].post.text for post_id, key in keys.items()}
    quoted = [q.text_of(p.post.text) for p in seed_analysis.posts for q in p.quotes if q.source_start is not None]
    for (href, start, end), quote in zip(links, quoted):
        words = by_key[href][start:end]
        assert words.strip(' ."?').lower() in quote.lower()  # the copied words stand in the quote
    assert "quoted from outside this thread" in seed_html  # the unattributed quote says so instead of linking


def test_views_html_page_text_elements_hold_the_post_text_at_their_offsets(
        seed_html: str, seed_analysis: threadlens.ThreadAnalysis) -> None:
    pieces = _parse(seed_html).texts
    assert len(pieces) == sum(len(p.segments) for p in seed_analysis.posts)
    texts = [s.text_of(p.post.text) for p in seed_analysis.posts for s in p.segments]
    starts = [s.start for p in seed_analysis.posts for s in p.segments]
    assert [(int(a["data-start"]), t) for a, t in pieces] == list(zip(starts, texts))


def test_views_html_page_is_self_contained_with_a_script_hash(seed_html: str) -> None:
    tags = _parse(seed_html).tags
    assert not [a for t, a in tags if t in ("script", "link", "img", "iframe") and (a.get("src") or a.get("href"))]
    assert not re.search(r'(?:src|href)="(?:https?:)?//', seed_html)
    policy = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy
    script = re.search(r"<script>(.*?)</script>", seed_html, re.S).group(1)  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert len(re.findall(r"<script", seed_html)) == 1


def _reply_thread() -> Thread:
    return Thread(id="t", title="Coffee or skill?", posts=[
        Post(id="a", author="ann", text="Make yourself worth being connected to. Be the person people want to "
                                        "take a coffee break with."),
        Post(id="b", author="bo", reply_to="a", text="> Be the person people want to take a coffee break with.\n"
                                                     "I'd disagree with this: skill is what people remember."),
        Post(id="c", author="cy", reply_to="b", text="Agreed, nobody hires a coffee buddy. 🙂 Skill wins."),
        Post(id="d", author="ann", reply_to="a", text="Both matter, honestly."),
        Post(id="e", author="eve", text="A second root post about something else entirely."),
    ])


def test_views_html_page_nests_replies_and_counts_them() -> None:
    analysis = threadlens.analyze(_reply_thread(), stance=False)
    html = report_html(analysis)
    assert html.count('<ol class="replies">') == 2
    tree = html[html.index('<ol class="tree">'):]
    # c sits inside b's replies, which sit inside a's.
    assert re.search(r'id="p-0".*?<ol class="replies">.*?id="p-1".*?<ol class="replies">.*?id="p-2"', tree, re.S)
    assert 'data-n="3"' in html and 'data-n="1"' in html  # a has 3 replies in all, b has 1
    assert "data-stance" not in html and "Stance" not in html.split('<ol class="tree">')[0].split("<form")[1]


@pytest.mark.parametrize(("depths", "expected"), [
    ([0, 1, 2, 1, 0], [3, 1, 0, 0, 0]),
    ([0, 0, 0], [0, 0, 0]),
    ([0, 1, 1, 1], [3, 0, 0, 0]),
    ([0, 3, 1], [2, 0, 0]),  # a jump of depth is taken as one level deeper: 3 and 1 are siblings
])
def test_views_html_page_reply_counts(depths: list[int], expected: list[int]) -> None:
    from threadlens.views.html import ReportPost

    assert _reply_counts([ReportPost(id=str(i), text="", depth=d) for i, d in enumerate(depths)]) == expected


def test_views_html_page_offsets_count_utf16_units_and_keep_carriage_returns() -> None:
    thread = Thread(posts=[
        Post(id="a", text="🙂🙂 Be the person people want to take a coffee break with, said nobody.\r\nAlso this."),
        Post(id="b", reply_to="a", text="> Be the person people want to take a coffee break with\r\nNo."),
    ])
    analysis = threadlens.analyze(thread, stance=False)
    quote = analysis["b"].quotes[0]
    assert quote.source == "a" and quote.source_start is not None
    html = report_html(analysis)
    link = re.search(r'data-ss="(\d+)" data-se="(\d+)"', html)
    assert link is not None
    start, end = int(link.group(1)), int(link.group(2))
    assert (start, end) == (quote.source_start + 2, quote.source_end + 2)  # two emoji: two extra UTF-16 units
    assert "&#13;\n" in html and "\r" not in html


def test_views_html_page_relation_to_parent_colours_the_edge() -> None:
    from threadlens.analysis import RelationResult, StanceResult
    from threadlens.views.html import ReportPost, ReportThread
    from threadlens.views.html.page import thread_page

    stance = StanceResult("skill_matters", 0.7, {"worth_connecting": 0.1, "skill_matters": 0.7, "neutral": 0.2})
    thread = ReportThread(posts=[
        ReportPost(id="a", text="root", stance=stance),
        ReportPost(id="b", text="no", depth=1, reply_to="a", stance=stance,
                   relation=RelationResult(to="a", label="disagree", score=0.74)),
        ReportPost(id="c", text="yes", depth=1, reply_to="a", stance=stance,
                   relation=RelationResult(to="b", label="agree", score=0.81)),
    ])
    html = thread_page(thread)
    assert 'id="p-1" class="post e-disagree"' in html and "\u21b3 disagrees 0.74" in html
    assert 'id="p-2" class="post"' in html
    assert 'agrees with <a class="jump" href="#p-1">b</a> 0.81' in html
    assert "replies: 1 disagrees, 1 agrees" in html


def test_views_html_page_reddit_thread_stays_under_2_mb(shared: Path) -> None:
    path = shared / "data/reddit/praw-thread/thread_n49rw.jsonl"
    analysis = threadlens.analyze(path, model=MODEL)
    html = report_html(from_analysis(analysis))
    assert html.count('class="post') == 1429
    assert len(html.encode("utf-8")) < 2_000_000
