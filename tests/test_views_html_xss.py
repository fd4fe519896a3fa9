"""Post text, authors, ids, titles and labels are shown as text in the HTML report: never markup, never script."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

import threadlens
from threadlens import Post, Thread
from threadlens.views import displacy as tl_displacy
from threadlens.views.html import report_html, report_pages, threads_from_records

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "</textarea></style></script><svg onload=alert(3)>",
    '"><a href="javascript:alert(4)">click</a>',
    "<!-- unclosed comment",
    "&lt;already escaped&gt; &amp; <b>bold?</b>",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _hostile_thread() -> Thread:
    posts = [Post(id="p0", author="<b>mallory</b>", text="Opening post. " + HOSTILE[0])]
    for i, text in enumerate(HOSTILE[1:], start=1):
        posts.append(Post(id=f'p{i}"><script>alert({i})</script>', author=text, reply_to=posts[-1].id,
                          text=f"> Opening post. {HOSTILE[0]}\n{text}"))
    return Thread(posts=posts, id="<i>t</i>", title="</title><script>alert('title')</script>")


def _assert_inert(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    names = [tag for tag, _ in parser.tags]
    assert names.count("script") == 1  # the report's own script
    assert not {"img", "iframe", "object", "embed", "textarea", "b", "i"} & set(names)
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert not str(attrs.get("href") or "").lower().startswith("javascript:"), (tag, attrs)
    return parser


def test_views_html_xss_post_text_authors_ids_and_title_stay_text() -> None:
    analysis = threadlens.analyze(_hostile_thread(), stance=False)
    html = report_html(analysis)
    parser = _assert_inert(html)
    text = "".join(parser.data)
    for hostile in HOSTILE:
        assert hostile in text  # shown, character for character
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;</title>" in html


def test_views_html_xss_labelled_records_stay_text() -> None:
    records = [
        {"id": "a<script>", "thread": "<svg onload=alert(1)>", "reply_to": None, "author": HOSTILE[1],
         "created": None, "stance": "<b>label</b>", "score": 0.9, "scores": {"<b>label</b>": 0.9, "x\"y": 0.1},
         "relation": None, "quotes": 0, "attributed": 0, "duplicate_of": None,
         "model": "<script>m</script>", "model_version": "1", "text": HOSTILE[0]},
        {"id": "b", "thread": "<svg onload=alert(1)>", "reply_to": "a<script>", "author": "x", "created": None,
         "stance": "x\"y", "score": 0.6, "scores": {"<b>label</b>": 0.4, "x\"y": 0.6},
         "relation": {"to": "a<script>", "label": "<i>agree</i>", "score": 0.5}, "quotes": 1, "attributed": 1,
         "duplicate_of": "a<script>", "model": "<script>m</script>", "model_version": "1", "text": HOSTILE[2]},
    ]
    pages = report_pages(threads_from_records(records))
    assert len(pages) == 2
    overview = _Tags()
    overview.feed(pages.pop("index.html"))
    assert "script" not in [tag for tag, _ in overview.tags]  # the overview needs no script at all
    assert not [a for _, attrs in overview.tags for a in attrs if a.startswith("on")]
    (thread_page,) = pages.values()
    text = "".join(_assert_inert(thread_page).data)
    assert HOSTILE[0] in text and HOSTILE[2] in text and "<b>label</b>".replace("_", " ") in text


def test_views_html_xss_displacy_titles_and_sources_are_escaped() -> None:
    analysis = threadlens.analyze(_hostile_thread(), stance=False)
    html = tl_displacy.render(analysis, jupyter=False)
    assert isinstance(html, str)
    parser = _Tags()
    parser.feed(html)
    names = {tag for tag, _ in parser.tags}
    assert not {"script", "img", "svg", "b", "textarea"} & names
    assert not [a for _, attrs in parser.tags for a in attrs if a.startswith("on")]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_views_html_xss_cli_writes_inert_page(hostile: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from threadlens.cli import app

    source = tmp_path / "thread.txt"
    source.write_text(f"First post about skill.\n{hostile}\n", encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(source), "--no-stance", "-o", str(out)])
    assert result.exit_code == 0, result.output
    parser = _assert_inert(out.read_text(encoding="utf-8"))
    assert hostile in "".join(parser.data)
