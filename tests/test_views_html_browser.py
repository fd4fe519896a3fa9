"""The HTML report in a real browser: headless Chromium over the DevTools protocol.

Skips with the reason where no Chromium (or websocket-client) is installed; ``.ci/run`` installs Chromium.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import threadlens
from threadlens import Post, Thread
from threadlens.views.html import report_html

from chromium import Chromium, missing_reason

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))

MARK = (0xFF, 0xD3, 0x3D)  # --mark in report.css
FIRST_PAINT = """new Promise(done => { const look = () => { const e = performance.getEntriesByType('paint');
  if (e.length) done(e.map(x => [x.name, x.startTime])); else requestAnimationFrame(look); }; look(); })"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    with Chromium(width=1000, height=900) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def seed_page(seed_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "seed.html"
    path.write_text(report_html(threadlens.analyze(seed_path, model="connections-lexical")), encoding="utf-8")
    return path


def _page(tmp_path: Path, thread: Thread, name: str = "thread.html") -> Path:
    path = tmp_path / name
    path.write_text(report_html(threadlens.analyze(thread, stance=False)), encoding="utf-8")
    return path


def _colours(png: bytes) -> dict[tuple[int, int, int], int]:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {colour: count for count, colour in image.getcolors(maxcolors=1 << 20) or []}


def test_views_html_browser_quote_link_highlights_the_source(browser: Chromium, seed_page: Path,
                                                             tmp_path: Path) -> None:
    browser.viewport(1000, 900)
    browser.open(seed_page)
    assert browser.evaluate(FIRST_PAINT)
    assert browser.evaluate("document.querySelectorAll('li.post').length") == 13
    assert browser.evaluate("document.getElementById('controls').hidden") is False
    link = browser.evaluate("""(() => { const a = document.querySelector('a.jump[data-ss]');
        return {href: a.getAttribute('href'), ss: +a.dataset.ss, se: +a.dataset.se,
                from: a.closest('li.post').id}; })()""")
    browser.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the source is out of view
    browser.click("a.jump[data-ss]")
    state = browser.evaluate("""(() => { const hl = document.querySelector('li.hl');
        const r = hl.querySelector('.card').getBoundingClientRect();
        return {id: hl && hl.id, hash: location.hash, marks: [...document.querySelectorAll('mark.tl')]
                .map(m => m.textContent), inView: r.bottom > 0 && r.top < innerHeight,
                text: [...hl.querySelectorAll(':scope > .card .t')].map(t => t.textContent).join('\\n'),
                count: document.querySelectorAll('li.hl').length}; })()""")
    assert state["id"] == link["href"][1:] != link["from"]
    assert state["hash"] == link["href"] and state["count"] == 1 and state["inView"]
    assert state["marks"] == [state["text"][link["ss"]:link["se"]]] and len(state["marks"][0]) > 20
    png = browser.screenshot()
    (tmp_path / "seed.png").write_bytes(png)
    colours = _colours(png)
    assert len(colours) > 50  # text, badges, quotes: not a blank page
    assert colours.get(MARK, 0) > 500  # the marked words are on screen


def test_views_html_browser_collapse_and_reveal(browser: Chromium, tmp_path: Path) -> None:
    thread = Thread(posts=[
        Post(id="a", author="ann", text="Make yourself worth being connected to, that is all there is to it."),
        Post(id="b", author="bo", reply_to="a", text="Skill is what people remember when the coffee is gone."),
        Post(id="c", author="cy", reply_to="b", text="Nobody hires a coffee buddy for a hard problem."),
        Post(id="d", author="dee", text="> Nobody hires a coffee buddy for a hard problem.\nThey do, all the time."),
    ])
    browser.open(_page(tmp_path, thread))
    browser.click("#p-0 > .card .tog")
    hidden = browser.evaluate("""[document.getElementById('p-2').offsetParent === null,
        document.querySelector('#p-0 > .card .tog').textContent,
        document.querySelector('#p-0 > .card .tog').getAttribute('aria-expanded')]""")
    assert hidden == [True, "+2", "false"]
    browser.click("#p-3 a.jump")  # quotes c, inside the collapsed branch: it opens again
    shown = browser.evaluate("""[document.getElementById('p-2').offsetParent !== null,
        document.getElementById('p-2').classList.contains('hl'), document.querySelector('mark.tl').textContent]""")
    assert shown == [True, True, "Nobody hires a coffee buddy for a hard problem"]


def test_views_html_browser_filters_by_stance_and_author(browser: Chromium, seed_page: Path) -> None:
    browser.open(seed_page)
    stances = browser.evaluate("[...document.querySelectorAll('li.post')].map(li => li.dataset.stance)")
    label = max(set(stances), key=stances.count)
    browser.click(f"input[name=stance][value={json.dumps(label)}]")
    state = browser.evaluate("""[[...document.querySelectorAll('li.post')].filter(li => li.querySelector('.card')
        .offsetParent !== null).map(li => li.dataset.stance), document.getElementById('shown').textContent]""")
    assert label not in state[0] and len(state[0]) == len(stances) - stances.count(label)
    assert state[1] == f"{len(stances) - stances.count(label)} of 13 posts shown"
    browser.click("#reset")
    assert browser.evaluate("document.getElementById('shown').textContent") == "13 posts"
    thread = Thread(posts=[Post(id="a", author="ann", text="One."), Post(id="b", author="bo", reply_to="a", text="Two."),
                           Post(id="c", author="ann", reply_to="b", text="Three.")])
    browser.open(_page(seed_page.parent, thread, "authors.html"))
    browser.evaluate("""(() => { const s = document.getElementById('author'); s.value = 'ann';
        s.dispatchEvent(new Event('change', {bubbles: true})); })()""")
    state = browser.evaluate("""[...document.querySelectorAll('li.post')].map(li => [li.id,
        li.querySelector('.card').offsetParent !== null, li.offsetParent !== null])""")
    # bo's post is hidden, but its place stays (a stub) because ann's reply sits under it
    assert state == [["p-0", True, True], ["p-1", False, True], ["p-2", True, True]]


def test_views_html_browser_hostile_text_runs_nothing(browser: Chromium, tmp_path: Path) -> None:
    hostile = ['<script>window.pwned = 1; alert(1)</script>', '<img src=x onerror="window.pwned = 2">',
               '<svg onload="window.pwned = 3"></svg>', '"><iframe src="javascript:window.pwned=4"></iframe>']
    thread = Thread(title="<img src=x onerror=\"window.pwned = 5\">",
                    posts=[Post(id=f"p{i}", author=f"<b onmouseover=\"window.pwned={i}\">x</b>",
                                reply_to=f"p{i - 1}" if i else None, text=f"Post {i}: {text}")
                           for i, text in enumerate(hostile)])
    browser.open(_page(tmp_path, thread))
    browser.evaluate("new Promise(r => setTimeout(r, 200))")
    state = browser.evaluate("""({pwned: window.pwned === undefined ? null : window.pwned,
        bad: document.querySelectorAll('.page img, .page iframe, .body svg, .page b, .body script').length,
        texts: [...document.querySelectorAll('.t')].map(t => t.textContent),
        title: document.title, authors: [...document.querySelectorAll('.au')].map(a => a.textContent)})""")
    assert state["pwned"] is None and state["bad"] == 0
    assert state["texts"] == [f"Post {i}: {text}" for i, text in enumerate(hostile)]
    assert state["title"] == thread.title and state["authors"][0] == '<b onmouseover="window.pwned=0">x</b>'
    assert not [e for e in browser.events if e["method"] == "Page.javascriptDialogOpening"]


def test_views_html_browser_phone_width_and_print(browser: Chromium, tmp_path: Path) -> None:
    posts = [Post(id="p0", author="ann", text="Root post " + "https://example.org/" + "a" * 120)]
    for i in range(1, 14):
        posts.append(Post(id=f"p{i}", author=f"user{i}", reply_to=f"p{i - 1}",
                          text=f"Reply at depth {i}: " + "words that wrap on a narrow screen " * 3))
    browser.viewport(390, 800, mobile=True)
    try:
        browser.open(_page(tmp_path, Thread(posts=posts, title="A deep thread on a phone")))
        widths = browser.evaluate("""[document.documentElement.scrollWidth, innerWidth,
            Math.min(...[...document.querySelectorAll('.card')].map(c => c.getBoundingClientRect().width))]""")
        assert widths[0] <= widths[1] == 390  # nothing sticks out sideways
        assert widths[2] > 200  # the deepest reply still has room to read
        browser.click("#p-0 > .card .tog")
        browser.send("Emulation.setEmulatedMedia", media="print")
        printed = browser.evaluate("""[getComputedStyle(document.getElementById('controls')).display,
            document.getElementById('p-13').offsetParent !== null]""")
        assert printed == ["none", True]  # no controls on paper, collapsed replies printed anyway
    finally:
        browser.send("Emulation.setEmulatedMedia", media="")
        browser.viewport(1000, 900)
