"""The shell every report page shares: one self-contained HTML document with its CSS and JS inline.

A Content-Security-Policy allows no network at all and only the page's own script (by its hash), so even
text that somehow escaped escaping could not run or load anything. Post text, authors, ids and titles are
always escaped (:func:`esc`): they show as text, never as markup.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from html import escape
from importlib.resources import files

from ... import __version__
from ..colors import stance_colors

__all__ = ["document", "esc", "stance_classes", "label_name", "asset"]


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute value."""
    return escape(str(value), quote=True)


def label_name(label: str) -> str:
    return label.replace("_", " ")


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    return files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def stance_classes(labels: list[str]) -> tuple[dict[str, str], dict[str, str], str]:
    """For stance labels: their colours, their CSS classes (``s0``, ``s1`` ...) and the CSS giving the colours."""
    colors = stance_colors(labels)
    classes = {label: f"s{i}" for i, label in enumerate(colors)}
    css = "".join(f".{classes[label]}{{background:{color}}}" for label, color in colors.items())
    return colors, classes, css


def document(*, title: str, body: str, script: str | None = None, css: str = "") -> str:
    """A whole page: ``body`` is trusted HTML built by the report modules; ``title`` is escaped here."""
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        script_src = f"'sha256-{digest}'"
    else:
        script_src = "'none'"
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src {script_src}; "
              "base-uri 'none'; form-action 'none'")
    return "".join([
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        f'<meta name="generator" content="threadlens {esc(__version__)}">',
        f"<title>{esc(title)}</title>\n<style>{asset('report.css')}{css}</style></head>\n",
        f'<body><div class="page">\n{body}\n',
        f'<footer>Made with threadlens {esc(__version__)}. This file is self-contained: it loads nothing from '
        "the network, and post text is shown as text.</footer></div>\n",
        f"<script>{script}</script>\n" if script else "",
        "</body></html>\n",
    ])
