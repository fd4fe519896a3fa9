"""``threadlens label INPUT... -o OUT``: label every post of a corpus (resumable, parallel, on Dask if asked)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import stats as _stats  # noqa: F401  (registers `threadlens stats`, the reader of label's output)
from ._app import app, cli_errors, fail, warn_notices
from ._startup import hide_torch_from_spacy


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class Segmenter(str, Enum):
    regex = "regex"
    spacy = "spacy"


@app.command()
def label(
    inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                       help="Files or directories of anything the readers accept "
                                            "(gzip, bzip2, xz or .zst compressed too). The mbox files among "
                                            "them are read as one archive, the Reddit JSONL files as one "
                                            "corpus: threads run across files."),
    output: Path = typer.Option(..., "--output", "-o", metavar="OUT",
                                help="Output file: .jsonl, .csv or .parquet (one record per post)."),
    model: Optional[str] = typer.Option(None, "--model", help="Stance model: a name in models/ or a path."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1,
                                          help="Worker processes (default: every core); Dask: LocalCluster workers."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local processes, or Dask tasks."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Dask scheduler (tcp://host:8786); default: a LocalCluster."),
    with_text: bool = typer.Option(False, "--with-text", help="Add each post's own words (its reply text)."),
    force: bool = typer.Option(False, "--force", help="Replace an output (or unfinished run) that isn't this run's."),
    segmenter: Segmenter = typer.Option(Segmenter.regex, "--segmenter",
                                        help="Sentence boundaries: regex (fast) or spacy (exactly as `analyze`)."),
    chunk_size: int = typer.Option(5000, "--chunk-size", min=1,
                                   help="Posts per unit of work and output chunk (what a rerun resumes by)."),
    input_format: Optional[str] = typer.Option(None, "--input-format",
                                               help="Force an input format (see `threadlens formats`)."),
    backend: Optional[str] = typer.Option(None, "--backend",
                                          help="An embedding model's encoder: auto (fp32; int8 first for big batches), "
                                               "onnx (fp32 only, exactly as `analyze`), onnx-int8, "
                                               "sentence-transformers."),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the run's summary as JSON here."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar, no summary line."),
) -> None:
    """Label every post of a corpus: stance, scores, relation and quote counts, one record per post.

    Streams: memory does not grow with the corpus. A killed run (even kill -9) resumes when the same
    command is run again. Bad records go to OUT's .rejects.jsonl with their reason.
    """
    if scheduler is not None and engine is not Engine.dask:
        raise fail("--scheduler needs --engine dask")
    if segmenter is Segmenter.spacy:
        hide_torch_from_spacy()  # the regex segmenter never imports spaCy
    with cli_errors():
        from .._atomic import check_not_an_input
        from ..label import label_corpus

        check_not_an_input(report, inputs, role="the --report file")  # before a run that may take hours
        result = label_corpus(inputs, output, model=model, workers=workers, engine=engine.value,
                              scheduler=scheduler, with_text=with_text, force=force, segmenter=segmenter.value,
                              chunk_posts=chunk_size, input_format=input_format, backend=backend,
                              progress=not quiet and sys.stderr.isatty())
        if not quiet:
            warn_notices(result.notices)
            typer.echo(result.summary(), err=True)
        if report is not None:
            from .._atomic import write_text_atomic

            write_text_atomic(report, json.dumps(result.to_dict(), indent=1) + "\n")
