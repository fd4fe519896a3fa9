"""Small inline SVG charts: a stacked share bar and stacked columns (stance over a thread or over time).

Every label and number that reaches the SVG is escaped; colours come from :mod:`threadlens.views.colors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["share_bar", "stacked_columns"]


def share_bar(counts: Mapping[str, int], colors: Mapping[str, str], *, width: int = 320, height: int = 18) -> str:
    """One horizontal bar split by label in proportion to ``counts`` (each part titled with its share)."""
    total = sum(counts.values())
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="stance shares" '
             f'xmlns="http://www.w3.org/2000/svg">']
    x = 0.0
    for label, count in counts.items():
        if not count:
            continue
        w = width * count / total
        parts.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" fill="{colors[label]}">'
                     f'<title>{escape(_name(label))}: {count} ({count / total:.0%})</title></rect>')
        x += w
    if not total:
        parts.append(f'<rect width="{width}" height="{height}" fill="#eaeef2"/>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_columns(columns: Sequence[tuple[str, Mapping[str, int]]], labels: Sequence[str],
                    colors: Mapping[str, str], *, normalise: bool, width: int = 320, height: int = 64,
                    aria: str = "stance over the thread") -> str:
    """One column per ``(name, counts)``: stacked by label, as shares (``normalise``) or as counts.

    Each segment is titled with the column name, label and count, so a hover tells what it is.
    """
    n = max(1, len(columns))
    step = width / n
    gap = min(1.0, step * 0.15)
    top = max((sum(c.values()) for _, c in columns), default=0) or 1
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(aria)}" '
             f'xmlns="http://www.w3.org/2000/svg"><rect width="{width}" height="{height}" fill="#f6f8fa"/>']
    for i, (name, counts) in enumerate(columns):
        total = sum(counts.values())
        if not total:
            continue
        scale = height / total if normalise else height / top
        y = float(height)
        for label in labels:
            count = counts.get(label, 0)
            if not count:
                continue
            h = count * scale
            y -= h
            parts.append(f'<rect x="{i * step + gap / 2:.2f}" y="{y:.2f}" width="{step - gap:.2f}" height="{h:.2f}" '
                         f'fill="{colors[label]}"><title>{escape(name)}: {escape(_name(label))} {count} of {total}'
                         f'</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def _name(label: str) -> str:
    return label.replace("_", " ")
