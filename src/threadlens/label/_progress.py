"""The progress bar of a labelling run: posts done, posts/s and time left, on a terminal only.

Progress is measured in input bytes (known for every unit before it is read), rates in posts labelled by this
run. Refreshed from the main loop — no thread — so worker processes can be forked safely.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = ["LabelProgress"]


class LabelProgress:
    """A rich progress bar on stderr when ``enabled``; otherwise every call does nothing."""

    def __init__(self, *, total_bytes: int, done_bytes: int = 0, done_posts: int = 0, enabled: bool) -> None:
        self.enabled = enabled
        self.posts = done_posts
        self._new_posts = 0
        self._started = time.perf_counter()
        self._bar: Any = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("labelling"), BarColumn(), TaskProgressColumn(),
                             TextColumn("{task.fields[posts]} posts"), TextColumn("{task.fields[rate]} posts/s"),
                             TextColumn("ETA"), TimeRemainingColumn(),
                             console=Console(stderr=True), auto_refresh=False, transient=True)
        self._task = self._bar.add_task("label", total=max(1, total_bytes), completed=done_bytes,
                                        posts=f"{done_posts:,}", rate="-")
        self._bar.start()

    def advance(self, *, posts: int, size: int) -> None:
        self.posts += posts
        self._new_posts += posts
        if self._bar is not None:
            self._bar.update(self._task, advance=size, posts=f"{self.posts:,}", rate=f"{self.rate:,.0f}")

    @property
    def rate(self) -> float:
        """Posts per second labelled by this run so far."""
        return self._new_posts / max(1e-9, time.perf_counter() - self._started)

    def refresh(self) -> None:
        if self._bar is not None:
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
