"""``threadlens convert IN -o OUT``: read threads in any input format, write them as JSONL or a ConvoKit corpus."""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from ._app import app, cli_errors, warn_notices


class OutputKind(str, Enum):
    jsonl = "jsonl"
    convokit = "convokit"


@app.command()
def convert(
    source: str = typer.Argument(..., metavar="IN",
                                 help="Thread file, ConvoKit corpus directory, '-' for stdin, or a URL."),
    output: str = typer.Option(..., "--output", "-o", metavar="OUT",
                               help="A .jsonl file ('-' for stdout), or a directory for a ConvoKit corpus."),
    to: Optional[OutputKind] = typer.Option(None, "--to", help="Force the output format instead of going by OUT."),
    input_format: Optional[str] = typer.Option(None, "--input-format",
                                               help="Force an input format (see `threadlens formats`)."),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists."),
) -> None:
    """Convert threads to JSONL (core layout) or a ConvoKit corpus directory; reads back without loss."""
    with cli_errors():
        from .._atomic import check_not_an_input
        from ..readers import read_threads
        from ..writers import check_output, write_threads

        check_not_an_input(output, [source])
        chosen = check_output(output, to=to.value if to else None, overwrite=force)
        threads = read_threads(source, format=input_format)
        warn_notices([n.message for t in threads for n in t.notices])
        report = write_threads(threads, output, to=chosen, overwrite=force)
        typer.echo(report.summary(), err=True)
