"""The Typer app every command registers on, and what all commands share: error handling, output."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import typer

from ..errors import ThreadlensError

__all__ = ["app", "cli_errors", "fail", "warn_notices"]

app = typer.Typer(
    name="threadlens",
    help="Who said what, quoting whom, arguing which side: analyse discussion threads.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

_MAX_WARNINGS = 10


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr; return the exit (code 2) to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn threadlens errors (and I/O failures) into one line on stderr and exit code 2."""
    try:
        yield
    except ThreadlensError as exc:
        raise fail(str(exc)) from None
    except (OSError, MemoryError) as exc:
        if isinstance(exc, BrokenPipeError):
            _silence_stdout()
            raise typer.Exit(code=0) from None
        name = getattr(exc, "filename", None)
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise fail(f"{name}: {detail}" if name else detail) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(code=130) from None


def warn_notices(messages: Sequence[str]) -> None:
    """Print what the readers recovered from, one line each (at most ten, then a count)."""
    for message in messages[:_MAX_WARNINGS]:
        typer.echo(f"warning: {message}", err=True)
    if len(messages) > _MAX_WARNINGS:
        typer.echo(f"warning: ... and {len(messages) - _MAX_WARNINGS} more", err=True)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
