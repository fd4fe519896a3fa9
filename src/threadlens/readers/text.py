"""Plain text pasted from a thread: one post per non-empty line, or one per blank-line-separated block.

Posts get ids ``p1..pN`` in reading order and no reply links (pasted text doesn't say who answers whom).
"""

from __future__ import annotations

from ..thread import Post, Thread
from . import Reader, register_reader
from ._source import Source

__all__ = ["read_text", "split_posts"]


def split_posts(text: str, *, mode: str = "auto") -> list[tuple[int, str]]:
    """Split text into ``(first_line_number, post_text)`` pairs.

    ``mode="lines"``: every non-empty line is a post. ``mode="blocks"``: every run of non-empty lines
    between blank lines is a post. ``mode="auto"``: blocks where the text separates posts by blank lines
    (a blank line between posts and at least one post of several lines), else lines.
    """
    lines = text.splitlines()
    if mode == "auto":
        mode = "blocks" if _separated_by_blank_lines(lines) else "lines"
    posts: list[tuple[int, str]] = []
    if mode == "lines":
        return [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    block: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            posts.append((start, "\n".join(block)))
            block = []
    if block:
        posts.append((start, "\n".join(block)))
    return posts


def _separated_by_blank_lines(lines: list[str]) -> bool:
    has_blank_between = has_multi_line_block = False
    previous_blank, seen_content, run = False, False, 0
    for line in lines:
        if line.strip():
            if previous_blank and seen_content:
                has_blank_between = True
            seen_content = True
            run += 1
            if run >= 2:
                has_multi_line_block = True
            previous_blank = False
        else:
            previous_blank, run = True, 0
    return has_blank_between and has_multi_line_block


def read_text(source: Source, *, mode: str = "auto") -> list[Thread]:
    posts = [Post(id=f"p{i}", text=body, meta={"line": line})
             for i, (line, body) in enumerate(split_posts(source.text, mode=mode), start=1)]
    return [Thread(posts=posts, id=source.stem)]


def _sniff_text(source: Source) -> float:
    return 0.01  # the fallback: anything decodable is text


register_reader(Reader("text", "plain text: one post per line, or per blank-line-separated block",
                       read=read_text, sniff=_sniff_text))
register_reader(Reader("lines", "plain text, one post per non-empty line",
                       read=lambda s: read_text(s, mode="lines")))
register_reader(Reader("blocks", "plain text, one post per blank-line-separated block",
                       read=lambda s: read_text(s, mode="blocks")))
