"""``threadlens analyze FILE``: split and attribute quotes (and label stances) in a thread, show or export."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Optional

import typer

from ._app import app, cli_errors, warn_notices
from ._startup import hide_torch_from_spacy


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def analyze(
    source: str = typer.Argument(..., metavar="FILE", help="Thread file, '-' for stdin, or a URL."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f",
                                               help="text: terminal view; json: one JSON object."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    input_format: Optional[str] = typer.Option(None, "--input-format", help="Force an input format (see `threadlens formats`)."),
    no_stance: bool = typer.Option(False, "--no-stance", help="Skip stance and relation labels (quotes only)."),
    model: Optional[str] = typer.Option(None, "--model", help="Stance model: a name in models/ or a path."),
) -> None:
    """Split each post into the author's own words and quotes, attribute every quote, label stances."""
    hide_torch_from_spacy()
    with cli_errors():
        from .._atomic import check_not_an_input
        from ..analysis import analyze_threads, report_dict
        from ..readers import read_threads

        check_not_an_input(output, [source])
        threads = read_threads(source, format=input_format)
        analyses = list(analyze_threads(threads, stance=not no_stance, model=model))
        warn_notices([n.message for t in threads for n in t.notices])
        if not any(len(thread) for thread in threads):
            shown = "stdin" if source == "-" else source
            warn_notices([f"{shown}: no posts found; check that it is a thread (`threadlens formats` lists what is "
                          "read, --input-format picks one)"])
        if output_format is OutputFormat.text and output is None and sys.stdout.isatty():
            _print_terminal(analyses)
            return
        if output_format is OutputFormat.json:
            rendered = json.dumps(report_dict(analyses), ensure_ascii=False) + "\n"
        else:
            rendered = _terminal_text(analyses)
        if output is not None:
            from .._atomic import write_text_atomic

            write_text_atomic(output, rendered)
        else:
            sys.stdout.write(rendered)
            sys.stdout.flush()


def _print_terminal(analyses: list) -> None:  # type: ignore[type-arg]
    from rich.console import Console

    from ..views.terminal import render_analyses

    render_analyses(analyses, Console(highlight=False, emoji=False, markup=False))


def _terminal_text(analyses: list) -> str:  # type: ignore[type-arg]
    """The terminal view as plain text (no colours, 100 columns) for pipes and files."""
    from rich.console import Console

    from ..views.terminal import render_analyses

    console = Console(width=100, force_terminal=False, no_color=True, highlight=False, emoji=False, markup=False)
    with console.capture() as capture:
        render_analyses(analyses, console)
    return "\n".join(line.rstrip() for line in capture.get().splitlines()) + "\n"


@app.command()
def formats() -> None:
    """List the input formats threadlens reads."""
    from ..readers import get_reader, reader_names

    for name in reader_names():
        typer.echo(f"{name:14} {get_reader(name).description}")
