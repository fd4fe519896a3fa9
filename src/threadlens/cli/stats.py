"""``threadlens stats OUT``: summarise a labelled corpus (shares overall, per thread, author, time; who agrees)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ._app import app, cli_errors


class StatsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Period(str, Enum):
    auto = "auto"
    day = "day"
    week = "week"
    month = "month"
    year = "year"


@app.command()
def stats(
    labelled: Path = typer.Argument(..., metavar="OUT", help="A labelled corpus written by `threadlens label`."),
    output_format: StatsFormat = typer.Option(StatsFormat.table, "--format", "-f", help="table, json or csv (tidy rows)."),
    plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE", help="Draw stance over time (.png, .svg, .pdf)."),
    period: Period = typer.Option(Period.auto, "--period", help="Time unit (auto: by the corpus's span)."),
    top: int = typer.Option(20, "--top", min=0, help="Threads, authors and author pairs listed (0: all)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Stance shares overall, per thread, per author and over time; who agrees or disagrees with whom."""
    with cli_errors():
        from .._atomic import check_not_an_input
        from ..label.stats import corpus_stats

        check_not_an_input(output, [labelled])
        check_not_an_input(plot, [labelled])
        result = corpus_stats(labelled)
        if plot is not None:
            from ..label.plot import plot_stance_over_time

            plot_stance_over_time(result, plot, period=period.value)
        if output_format is StatsFormat.json:
            rendered = json.dumps(result.to_dict(top=top or None, period=period.value), ensure_ascii=False,
                                  indent=1) + "\n"
        elif output_format is StatsFormat.csv:
            rendered = result.to_csv(top=top or None, period=period.value)
        else:
            rendered = result.to_text(top=top or None, period=period.value)
        if output is not None:
            from .._atomic import write_text_atomic

            write_text_atomic(output, rendered)
        else:
            sys.stdout.write(rendered)
            sys.stdout.flush()
