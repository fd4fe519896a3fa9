"""The page of one thread: a header with stance shares and a chart, filters, and the collapsible reply tree.

Each post is a ``li.post`` (id ``p-<n>``, ``data-stance``, ``data-author``) holding an ``article.card`` and
its replies in ``ol.replies``. The text of every segment sits alone in a ``.t`` element whose
``data-start`` is its offset in the post's text, so the page's script can mark any range of a post's
words: a quote's source link carries the range of the copied words in the source post (``data-ss``,
``data-se``). Offsets are in UTF-16 code units, as JavaScript counts them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from html import escape

from ...thread import Segment
from .charts import share_bar, stacked_columns
from ._document import asset, document, esc, label_name, stance_classes
from .model import ReportPost, ReportThread

__all__ = ["thread_page"]

_RELATION_WORDS = {"agree": "agrees", "disagree": "disagrees", "neutral": "neutral"}
_COLUMNS = 48


def thread_page(thread: ReportThread, *, back: tuple[str, str] | None = None) -> str:
    """The whole HTML document of one thread (``back``: an ``(href, text)`` link shown above the title)."""
    labels = thread.stance_labels()
    colors, classes, css = stance_classes(labels)
    keys = {post.id: f"p-{i}" for i, post in enumerate(thread.posts)}
    parts = []
    if back is not None:
        parts.append(f'<p class="meta"><a href="{esc(back[0])}">{esc(back[1])}</a></p>')
    parts.append(f"<h1>{esc(thread.name)}</h1>")
    parts.append(_header(thread, labels, colors))
    parts.append(_controls(thread, labels, classes))
    parts.append(_tree(thread, keys, classes))
    return document(title=thread.name, body="\n".join(parts), script=asset("report.js"), css=css)


def _header(thread: ReportThread, labels: list[str], colors: dict[str, str]) -> str:
    posts = thread.posts
    authors = {p.author for p in posts if p.author}
    quotes = sum(p.quotes for p in posts)
    attributed = sum(p.attributed for p in posts)
    facts = [_count(len(posts), "post")]
    if authors:
        facts.append(_count(len(authors), "author"))
    facts.append(f"{_count(quotes, 'quote')} ({attributed} attributed)")
    relations = Counter(p.relation.label for p in posts if p.relation is not None)
    if relations:
        facts.append("replies: " + ", ".join(f"{n} {_RELATION_WORDS.get(k, k)}" for k, n in relations.most_common()))
    dates = sorted(p.created for p in posts if p.created is not None)
    if dates:
        facts.append(f"{dates[0]:%Y-%m-%d %H:%M} – {dates[-1]:%Y-%m-%d %H:%M} UTC")
    if thread.model:
        facts.append(f"stance model {thread.model}")
    out = [f'<p class="meta">{" · ".join(esc(f) for f in facts)}</p>']
    if labels:
        counts = Counter(p.stance.label for p in posts if p.stance is not None)
        ordered = {label: counts.get(label, 0) for label in labels}
        total = sum(ordered.values())
        legend = "".join(f'<li><span class="sw" style="background:{colors[label]}"></span>{esc(label_name(label))} '
                         f"{n} ({n / total:.0%})</li>" for label, n in ordered.items())
        out.append('<div class="charts">')
        out.append(f'<figure class="chart" id="shares">{share_bar(ordered, colors)}<ul class="legend">{legend}</ul>'
                   "<figcaption>Stance of the posts</figcaption></figure>")
        out.append(f'<figure class="chart" id="course">{_course(thread, labels, colors)}<figcaption>Stance through '
                   "the thread, in the order the posts were written (each column a stretch of posts)"
                   "</figcaption></figure>")
        out.append("</div>")
    return "\n".join(out)


def _course(thread: ReportThread, labels: list[str], colors: dict[str, str]) -> str:
    """Stance shares over the thread in up to 48 columns of consecutive posts (written order)."""
    labelled = [p for p in thread.posts if p.stance is not None]
    if all(p.created is not None for p in labelled):
        labelled.sort(key=lambda p: p.created)  # type: ignore[arg-type,return-value]
    n = len(labelled)
    size = max(1, -(-n // _COLUMNS))
    columns = []
    for start in range(0, n, size):
        chunk = labelled[start:start + size]
        name = f"posts {start + 1}–{start + len(chunk)}" if len(chunk) > 1 else f"post {start + 1}"
        columns.append((name, Counter(p.stance.label for p in chunk if p.stance is not None)))
    return stacked_columns(columns, labels, colors, normalise=True)


def _controls(thread: ReportThread, labels: list[str], classes: dict[str, str]) -> str:
    parts = ['<form id="controls" class="controls" hidden>']
    if labels:
        boxes = "".join(f'<label><input type="checkbox" name="stance" value="{esc(label)}" checked>'
                        f'<span class="sw {classes[label]}"></span>{esc(label_name(label))}</label>'
                        for label in labels)
        parts.append(f"<fieldset><legend>Stance</legend>{boxes}</fieldset>")
    authors = Counter(p.author for p in thread.posts if p.author)
    if authors:
        options = "".join(f'<option value="{esc(a)}">{esc(a)} ({n})</option>'
                          for a, n in sorted(authors.items(), key=lambda kv: (-kv[1], kv[0].lower())))
        parts.append(f'<label>Author <select id="author"><option value="">all</option>{options}</select></label>')
    parts.append('<button type="button" id="expand">Expand all</button>'
                 '<button type="button" id="collapse">Collapse all</button>'
                 '<button type="button" id="reset">Show all</button><span id="shown" aria-live="polite"></span>')
    parts.append("</form>")
    return "".join(parts)


def _tree(thread: ReportThread, keys: dict[str, str], classes: dict[str, str]) -> str:
    posts = thread.posts
    replies = _reply_counts(posts)
    texts = {p.id: p.text for p in posts}
    out = ['<ol class="tree">']
    previous = -1
    for i, post in enumerate(posts):
        depth = min(post.depth, previous + 1) if i else 0
        if i:
            if depth > previous:
                out.append('<ol class="replies">')
            else:
                out.append("</li>" + "</ol></li>" * (previous - depth))
        out.append(_post(post, keys, classes, texts, replies[i]))
        previous = depth
    if posts:
        out.append("</li>" + "</ol></li>" * previous)
    out.append("</ol>")
    return "\n".join(out)


def _reply_counts(posts: list[ReportPost]) -> list[int]:
    """How many posts sit under each post (all levels), from the depths of thread order."""
    counts = [0] * len(posts)
    stack: list[tuple[int, int]] = []  # (depth, index)
    previous = -1
    for i, post in enumerate(posts):
        depth = min(post.depth, previous + 1) if i else 0
        while stack and stack[-1][0] >= depth:
            stack.pop()
        for _, j in stack:
            counts[j] += 1
        stack.append((depth, i))
        previous = depth
    return counts


def _post(post: ReportPost, keys: dict[str, str], classes: dict[str, str], texts: dict[str, str],
          replies: int) -> str:
    key = keys[post.id]
    attrs = [f'id="{key}"']
    css = ["post"]
    relation = post.relation
    if relation is not None and relation.to == post.reply_to and relation.label in ("agree", "disagree"):
        css.append(f"e-{relation.label}")
    attrs.append(f'class="{" ".join(css)}"')
    if post.stance is not None:
        attrs.append(f'data-stance="{esc(post.stance.label)}"')
    attrs.append(f'data-author="{esc(post.author or "")}"')
    head = []
    if replies:
        head.append(f'<button type="button" class="tog" aria-expanded="true" data-n="{replies}" '
                    f'title="{_count(replies, "reply")}: show or hide">\u2212</button>')
    head.append(f'<a class="pid" href="#{key}">{esc(post.id)}</a>')
    if post.author:
        head.append(f'<span class="au">{esc(post.author)}</span>')
    if post.created is not None:
        head.append(f'<time datetime="{post.created.isoformat()}">{post.created:%Y-%m-%d %H:%M}</time>')
    if post.stance is not None:
        scores = " · ".join(f"{label_name(k)} {v:.2f}" for k, v in post.stance.scores.items())
        head.append(f'<span class="badge {classes[post.stance.label]}" title="{esc(scores)}">'
                    f"{esc(label_name(post.stance.label))} {post.stance.score:.2f}</span>")
    if relation is not None:
        word = esc(_RELATION_WORDS.get(relation.label, relation.label))
        cls = f"edge r-{esc(relation.label)}"
        if relation.to == post.reply_to:
            head.append(f'<span class="{cls}" title="relation to the post it replies to">\u21b3 {word} '
                        f"{relation.score:.2f}</span>")
        else:
            head.append(f'<span class="{cls}">{word} with {_jump(relation.to, keys)} {relation.score:.2f}</span>')
    if post.duplicate_of:
        head.append(f'<span class="dup">duplicate of {_jump(post.duplicate_of, keys)}</span>')
    if not post.segments and post.quotes:
        head.append(f"<span>{_count(post.quotes, 'quote')} ({post.attributed} attributed)</span>")
    body = _body(post, keys, texts)
    return (f"<li {' '.join(attrs)}><article class=\"card\" tabindex=\"-1\"><div class=\"head\">{''.join(head)}</div>"
            f'<div class="body">{body}</div></article>')


def _body(post: ReportPost, keys: dict[str, str], texts: dict[str, str]) -> str:
    if not post.has_text:
        return '<div class="note">text not recorded (label with --with-text to include the own words)</div>'
    text = post.text
    segments = post.segments or ((Segment("reply", 0, len(text)),) if text else ())
    u16 = _utf16(text)
    out = []
    for segment in segments:
        piece = segment.text_of(text)
        if not piece:
            continue
        block = f'<div class="t{"" if segment.kind in ("quote", "reply") else " furn"}" ' \
                f'data-start="{u16(segment.start)}">{_text(piece)}</div>'
        if segment.kind == "quote":
            out.append(f'<blockquote class="q">{block}<div class="src">{_source(segment, keys, texts)}</div>'
                       "</blockquote>")
        else:
            out.append(block)
    return "".join(out)


def _source(segment: Segment, keys: dict[str, str], texts: dict[str, str]) -> str:
    if segment.source is None or segment.source not in keys:
        cite = f" (cites {esc(segment.cite)})" if segment.cite else ""
        return f"quoted from outside this thread{cite}"
    attrs = ""
    if segment.source_start is not None and segment.source_end is not None:
        u16 = _utf16(texts[segment.source])
        attrs = f' data-ss="{u16(segment.source_start)}" data-se="{u16(segment.source_end)}"'
    return f'\u21aa from <a class="jump" href="#{keys[segment.source]}"{attrs}>{esc(segment.source)}</a>'


def _jump(post_id: str, keys: dict[str, str]) -> str:
    if post_id in keys:
        return f'<a class="jump" href="#{keys[post_id]}">{esc(post_id)}</a>'
    return esc(post_id)


def _text(piece: str) -> str:
    """Post text as HTML text: escaped, and kept character for character (a literal CR would be folded into
    the LF after it by the HTML parser, a NUL dropped: both would shift the offsets of the marks)."""
    return escape(piece.replace("\x00", "\ufffd"), quote=False).replace("\r", "&#13;")


def _utf16(text: str) -> Callable[[int], int]:
    """Python offsets of ``text`` to UTF-16 offsets (characters beyond the BMP count twice in JavaScript)."""
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
    if not astral:
        return lambda i: i
    return lambda i: i + bisect_left(astral, i)


def _count(n: int, noun: str) -> str:
    plural = "replies" if noun == "reply" else f"{noun}s"
    return f"{n} {noun if n == 1 else plural}"
