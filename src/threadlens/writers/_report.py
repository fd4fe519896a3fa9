"""What a write produced, for the CLI's summary line and for library callers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..thread import Thread

__all__ = ["WriteReport", "as_thread_list"]


@dataclass(frozen=True, slots=True)
class WriteReport:
    """Where threads were written (``path``), in which ``format``, and how many threads, posts and speakers."""

    path: str
    format: str
    threads: int
    posts: int
    speakers: int

    @classmethod
    def of(cls, threads: list[Thread], *, path: str, format: str) -> WriteReport:
        speakers = {post.author for thread in threads for post in thread.posts if post.author is not None}
        return cls(path=path, format=format, threads=len(threads), posts=sum(len(t.posts) for t in threads),
                   speakers=len(speakers))

    def summary(self) -> str:
        """One line: ``wrote 12 posts by 5 speakers in 1 thread to out.jsonl (jsonl)``."""
        return (f"wrote {_count(self.posts, 'post')} by {_count(self.speakers, 'speaker')} in "
                f"{_count(self.threads, 'thread')} to {self.path} ({self.format})")


def as_thread_list(threads: Thread | Iterable[Thread]) -> list[Thread]:
    return [threads] if isinstance(threads, Thread) else list(threads)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
