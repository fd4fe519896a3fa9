"""``threadlens stats --format table``: the corpus statistics as plain-text tables."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .stats import CorpusStats

__all__ = ["render_tables"]


def render_tables(stats: CorpusStats, *, top: int | None, period: str, width: int = 100) -> str:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=width, force_terminal=False, no_color=True, highlight=False, emoji=False, markup=False)
    summary = stats.to_dict(top=top, period=period)
    labels = stats.labels

    def shares_table(title: str, first: str, rows: list[tuple[str, Counter[str]]]) -> Table:
        table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
        table.add_column(first, overflow="fold")
        table.add_column("posts", justify="right")
        for label in labels:
            table.add_column(label, justify="right")
        for key, counts in rows:
            total = sum(counts.values())
            table.add_row(key, f"{total:,}", *(_percent(counts.get(label, 0), total) for label in labels))
        return table

    with console.capture() as capture:
        models = ", ".join(summary["models"]) or "-"
        console.print(f"{stats.posts:,} posts in {len(stats.threads):,} threads by {len(stats.authors):,} authors; "
                      f"model: {models}")
        console.print()
        console.print(shares_table("Stance", "", [("all posts", stats.stance)]))
        console.print()
        chosen = summary["over_time"]["period"]
        timeline = stats.over_time(period)
        if timeline:
            note = f" ({stats.undated:,} undated posts left out)" if stats.undated else ""
            console.print(shares_table(f"Stance by {chosen}{note}", chosen, timeline))
        else:
            console.print("Stance over time: no post has a date")
        console.print()
        limit = "" if top is None or top <= 0 else f" (the {top} largest)"
        console.print(shares_table(f"Threads{limit}", "thread", _top(stats.threads, top)))
        console.print()
        console.print(shares_table(f"Authors{limit}", "author", _top(stats.authors, top)))
        console.print()
        relations = summary["relations"]
        totals = relations["totals"]
        console.print("Replies: " + ", ".join(f"{label} {count:,}" for label, count in totals.items()))
        if relations["pairs"]:
            table = Table(title=f"Who agrees or disagrees with whom{limit}", title_justify="left", show_edge=False,
                          pad_edge=False)
            table.add_column("author", overflow="fold")
            table.add_column("replying to", overflow="fold")
            for label in totals:
                table.add_column(label, justify="right")
            for pair in relations["pairs"]:
                table.add_row(pair["from"], pair["to"], *(f"{pair[label]:,}" for label in totals))
            console.print(table)
    return "\n".join(line.rstrip() for line in capture.get().splitlines()) + "\n"


def _percent(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


def _top(table: dict[Any, Counter[str]], top: int | None) -> list[tuple[str, Counter[str]]]:
    items = sorted(table.items(), key=lambda item: (-sum(item[1].values()), str(item[0])))
    return [(str(k), v) for k, v in (items if top is None or top <= 0 else items[:top])]
