"""The terminal view of ``threadlens analyze``: posts in thread order, indented by reply depth, quotes set
apart and tagged with their source, a coloured stance label, and a summary line.

Post text is always rendered as plain text (never as rich markup), and very long segments are cut
for display only.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.segment import Segment as RichSegment
from rich.style import Style
from rich.text import Text

from ..analysis import PostAnalysis, Summary, ThreadAnalysis, summarize

__all__ = ["render_analyses", "summary_line", "STANCE_STYLES"]

STANCE_STYLES = {"worth_connecting": "bold magenta", "skill_matters": "bold cyan", "neutral": "dim"}
RELATION_STYLES = {"agree": "green", "disagree": "red", "neutral": "dim"}
_MAX_INDENT = 12
_MAX_SEGMENT_CHARS = 2000


class _Bar:
    """A block of text with a bar down its left edge on every wrapped line (how quotes are set apart)."""

    def __init__(self, body: Text, style: str = "yellow") -> None:
        self.body = body
        self.style = Style.parse(style)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(10, options.max_width - 2)
        for line in console.render_lines(self.body, options.update(width=width), pad=False):
            yield RichSegment("│ ", self.style)
            yield from line
            yield RichSegment.line()


def render_analyses(analyses: Sequence[ThreadAnalysis], console: Console) -> None:
    """Print every thread, then the summary line."""
    for number, analysis in enumerate(analyses):
        if len(analyses) > 1 or analysis.thread.title:
            title = analysis.thread.title or analysis.thread.id or f"thread {number + 1}"
            console.print(Text(f"━━ {title}", style="bold"))
        for post in analysis.posts:
            console.print(_post_view(post))
    console.print(summary_line(summarize(analyses)))


def _post_view(post: PostAnalysis) -> RenderableType:
    header = Text()
    header.append(post.id, style="bold")
    if post.post.author:
        header.append(f" · {post.post.author}", style="blue")
    if post.post.reply_to:
        header.append(f" · reply to {post.post.reply_to}", style="dim")
    if post.stance is not None:
        header.append("  ")
        header.append(f" {post.stance.label} {post.stance.score:.2f} ", style=f"reverse {STANCE_STYLES.get(post.stance.label, 'bold')}")
    if post.relation is not None:
        header.append(f"  {post.relation.label} with {post.relation.to}",
                      style=RELATION_STYLES.get(post.relation.label, "dim"))
    if post.duplicate_of:
        header.append(f"  duplicate of {post.duplicate_of}", style="bold yellow")
    lines: list[RenderableType] = [header]
    text = post.post.text
    for segment in post.segments:
        body = _clip(segment.text_of(text))
        if segment.kind == "quote":
            tag = f"quoting {segment.source}" if segment.source else "quote, source not in thread"
            quote = Text(body, style="italic dim")
            quote.append(f"  ← {tag} [{segment.marker}]" if segment.marker else f"  ← {tag}",
                         style="yellow" if segment.source else "dim yellow")
            lines.append(_Bar(quote))
        elif segment.kind == "reply":
            lines.append(Text(body, style="dim" if post.duplicate_of else ""))
        else:
            lines.append(Text(f"[{segment.kind}] {body}", style="dim"))
    indent = 2 * min(post.depth, _MAX_INDENT)
    return Padding(Group(*lines), (0, 0, 1, indent))


def summary_line(summary: Summary) -> Text:
    """``13 posts · 4 quotes (3 attributed) · 1 duplicate`` plus stance shares and recovered problems."""
    parts = [f"{summary.posts} post{'s' * (summary.posts != 1)}",
             f"{summary.quotes} quote{'s' * (summary.quotes != 1)} ({summary.attributed} attributed)",
             f"{summary.duplicates} duplicate{'s' * (summary.duplicates != 1)}"]
    if summary.threads > 1:
        parts.insert(0, f"{summary.threads} threads")
    line = Text(" · ".join(parts), style="bold")
    shares = summary.stance_shares()
    if shares:
        line.append(" · ")
        for i, (label, share) in enumerate(shares.items()):
            line.append(f"{label} {share:.0%}", style=STANCE_STYLES.get(label, ""))
            if i < len(shares) - 1:
                line.append(", ")
    if summary.notices:
        problems = ", ".join(f"{kind.replace('_', ' ')} {count}" for kind, count in sorted(summary.notices.items()))
        line.append(f" · recovered: {problems}", style="yellow")
    return line


def _clip(text: str) -> str:
    if len(text) <= _MAX_SEGMENT_CHARS:
        return text
    return f"{text[:_MAX_SEGMENT_CHARS]}… ({len(text) - _MAX_SEGMENT_CHARS:,} more characters)"
