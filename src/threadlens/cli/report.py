"""``threadlens report INPUT -o report.html``: the thread (or a labelled corpus) as a self-contained HTML report."""

from __future__ import annotations

from typing import Optional

import typer

from ._app import app, cli_errors, warn_notices
from ._startup import hide_torch_from_spacy


@app.command()
def report(
    source: str = typer.Argument(..., metavar="INPUT",
                                 help="A thread in any input format, '-' for stdin, a URL, or the output of "
                                      "`threadlens label` (JSONL, CSV, Parquet)."),
    output: str = typer.Option(..., "--output", "-o", metavar="OUT",
                               help="A .html file for one thread; a directory for an overview and a page per thread."),
    input_format: Optional[str] = typer.Option(None, "--input-format",
                                               help="Force an input format (see `threadlens formats`), or 'labels'."),
    model: Optional[str] = typer.Option(None, "--model", help="Stance model: a name in models/ or a path."),
    no_stance: bool = typer.Option(False, "--no-stance", help="Skip stance and relation labels (quotes only)."),
    title: Optional[str] = typer.Option(None, "--title", help="Title of the overview page."),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists."),
) -> None:
    """Write an HTML report: the reply tree with quotes linked to their sources, stance badges and filters."""
    hide_torch_from_spacy()
    with cli_errors():
        from .._atomic import check_not_an_input
        from ..views.html import check_report_output, report_threads, write_report

        check_not_an_input(output, [source])
        check_report_output(output, overwrite=force)
        threads = report_threads(source, input_format=input_format, stance=not no_stance, model=model)
        warn_notices([message for thread in threads for message in thread.notices])
        written = write_report(threads, output, overwrite=force, title=title)
        typer.echo(written.summary(), err=True)
