"""The overview of a labelled corpus: stance shares, stance over time, and one row per thread linking to its page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from .charts import share_bar, stacked_columns
from ._document import document, esc, label_name, stance_classes
from .model import ReportThread

__all__ = ["overview_page", "time_columns"]

_MAX_COLUMNS = 60


def overview_page(threads: Sequence[ReportThread], links: Sequence[str], *, title: str | None = None) -> str:
    """The HTML document of the overview; ``links[i]`` is the (relative) address of ``threads[i]``'s page."""
    labels: list[str] = []
    for thread in threads:
        labels += [label for label in thread.stance_labels() if label not in labels]
    colors, classes, css = stance_classes(labels)
    posts = [p for t in threads for p in t.posts]
    counts = Counter(p.stance.label for p in posts if p.stance is not None)
    ordered = {label: counts.get(label, 0) for label in labels}
    authors = {p.author for p in posts if p.author}
    dates = sorted(p.created for p in posts if p.created is not None)
    models = sorted({t.model for t in threads if t.model})
    facts = [f"{len(threads)} thread{'s' * (len(threads) != 1)}", f"{len(posts)} posts", f"{len(authors)} authors"]
    if dates:
        facts.append(f"{dates[0]:%Y-%m-%d} – {dates[-1]:%Y-%m-%d}")
    if models:
        facts.append("stance model " + ", ".join(models))
    heading = title or "Stance overview"
    body = [f"<h1>{esc(heading)}</h1>", f'<p class="meta">{" · ".join(esc(f) for f in facts)}</p>']
    if labels:
        total = sum(ordered.values()) or 1
        legend = "".join(f'<li><span class="sw {classes[label]}"></span>{esc(label_name(label))} {n} ({n / total:.0%})'
                         "</li>" for label, n in ordered.items())
        body.append('<div class="charts">')
        body.append(f'<figure class="chart" id="shares">{share_bar(ordered, colors)}<ul class="legend">{legend}</ul>'
                    "<figcaption>Stance of all posts</figcaption></figure>")
        columns, unit = time_columns([(p.created, p.stance.label) for p in posts if p.stance is not None])
        if columns:
            undated = sum(1 for p in posts if p.stance is not None and p.created is None)
            note = f"; {undated} undated posts not shown" if undated else ""
            body.append(f'<figure class="chart" id="over-time">'
                        f'{stacked_columns(columns, labels, colors, normalise=False, aria="stance over time")}'
                        f"<figcaption>Posts per {unit} by stance, {esc(columns[0][0])} – {esc(columns[-1][0])}"
                        f"{note}</figcaption></figure>")
        body.append("</div>")
    body.append("<h2>Threads</h2>")
    body.append(_table(threads, links, labels, colors))
    return document(title=heading, body="\n".join(body), css=css)


def _table(threads: Sequence[ReportThread], links: Sequence[str], labels: list[str], colors: dict[str, str]) -> str:
    head = ("<tr><th>thread</th><th>posts</th><th>first post</th><th>stance</th><th>agree</th><th>disagree</th>"
            + ("<th>shares</th>" if labels else "") + "</tr>")
    rows = []
    for thread, link in zip(threads, links):
        counts = Counter(p.stance.label for p in thread.posts if p.stance is not None)
        relations = Counter(p.relation.label for p in thread.posts if p.relation is not None)
        dates = [p.created for p in thread.posts if p.created is not None]
        top = ""
        if counts:
            label, n = counts.most_common(1)[0]
            top = f"{label_name(label)} {n / sum(counts.values()):.0%}"
        cells = [f'<td><a href="{esc(link)}">{esc(thread.name)}</a></td>', f'<td class="n">{len(thread.posts)}</td>',
                 f"<td>{min(dates):%Y-%m-%d}</td>" if dates else "<td></td>", f"<td>{esc(top)}</td>",
                 f'<td class="n">{relations.get("agree", 0)}</td>', f'<td class="n">{relations.get("disagree", 0)}</td>']
        if labels:
            cells.append(f'<td class="bar">{share_bar({k: counts.get(k, 0) for k in labels}, colors, height=12)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<div class="scroll"><table class="threads">{head}{"".join(rows)}</table></div>'


_UNITS: list[tuple[str, Callable[[datetime], datetime], Callable[[datetime], datetime], str]] = [
    ("hour", lambda d: d.replace(minute=0, second=0, microsecond=0), lambda d: d + timedelta(hours=1), "%Y-%m-%d %H:00"),
    ("day", lambda d: d.replace(hour=0, minute=0, second=0, microsecond=0), lambda d: d + timedelta(days=1), "%Y-%m-%d"),
    ("week", lambda d: (d - timedelta(days=d.weekday())).replace(hour=0, minute=0, second=0, microsecond=0),
     lambda d: d + timedelta(days=7), "week of %Y-%m-%d"),
    ("month", lambda d: d.replace(day=1, hour=0, minute=0, second=0, microsecond=0),
     lambda d: (d.replace(day=28) + timedelta(days=4)).replace(day=1), "%Y-%m"),
    ("year", lambda d: d.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0),
     lambda d: d.replace(year=d.year + 1), "%Y"),
]


def time_columns(dated: Sequence[tuple[datetime | None, str]]) -> tuple[list[tuple[str, Counter[str]]], str]:
    """Counts of labels per period, the finest of hour, day, week, month, year that needs at most 60
    columns (empty periods included, so gaps show); and the unit's name. Undated items are left out."""
    times = [(d.astimezone(timezone.utc), label) for d, label in dated if d is not None]
    if not times:
        return [], ""
    first, last = min(t for t, _ in times), max(t for t, _ in times)
    for unit, floor, step, fmt in _UNITS:
        limit = _MAX_COLUMNS if unit != "year" else 10_000
        starts = [floor(first)]
        while starts[-1] < floor(last) and len(starts) <= limit:
            starts.append(step(starts[-1]))
        if len(starts) <= _MAX_COLUMNS or unit == "year":
            break
    position = {start: i for i, start in enumerate(starts)}
    columns: list[tuple[str, Counter[str]]] = [(f"{start:{fmt}}", Counter()) for start in starts]
    for when, label in times:
        columns[position[floor(when)]][1][label] += 1
    return columns, unit
