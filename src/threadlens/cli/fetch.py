"""``threadlens fetch URL -o thread.jsonl``: fetch a live thread and save it as JSONL (core layout)."""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from ._app import app, cli_errors, fail, warn_notices


@app.command()
def fetch(
    url: str = typer.Argument(..., metavar="URL", help="A Hacker News item, Reddit thread or Discourse topic URL."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="JSONL file to write (default: stdout)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the on-disk HTTP cache."),
    timeout: float = typer.Option(20.0, "--timeout", min=0.1, help="Seconds to wait to connect or for data."),
    max_bytes: int = typer.Option(32 * 1024 * 1024, "--max-bytes", min=1, help="Largest response accepted, in bytes."),
    retries: int = typer.Option(3, "--retries", min=0, help="Further attempts after a 429, 5xx or timeout."),
    rate: Optional[float] = typer.Option(None, "--rate", min=0.0,
                                         help="Requests per second per host (default 5; 20 for the HN API)."),
) -> None:
    """Fetch a thread (politely: robots.txt, rate limit, cache) and write it as JSONL, one post per line."""
    if output is not None and output != "-" and os.path.exists(output) and not force:
        raise fail(f"{output}: exists; pass --force to overwrite it")
    with cli_errors():
        from .._atomic import write_text_atomic
        from ..fetch import HttpClient, fetch_threads
        from ..writers import threads_to_jsonl

        with HttpClient(timeout=timeout, max_bytes=max_bytes, retries=retries, rate=rate,
                        cache=not no_cache) as client:
            threads = fetch_threads(url, client=client)
        warn_notices([n.message for t in threads for n in t.notices])
        rendered = threads_to_jsonl(threads)
        posts = sum(len(t) for t in threads)
        if output is None or output == "-":
            sys.stdout.write(rendered)
            sys.stdout.flush()
        else:
            write_text_atomic(output, rendered)
            typer.echo(f"wrote {posts} post(s) in {len(threads)} thread(s) to {output}", err=True)
