"""Building threads from loose posts: unique ids, reply links checked, conversations grouped.

Every reader that knows ``reply_to`` links ends here, so the same recoveries hold everywhere: a
repeated id keeps its first post, a reply to a post that isn't in the input becomes a root (its
``reply_to`` is kept), and a cycle of reply links is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import InputError
from ..thread import Notice, Post, Thread

__all__ = ["LoosePost", "build_threads", "find_cycle"]


@dataclass(slots=True)
class LoosePost:
    """A post as read, before it is placed in a thread; ``line`` is where it was read (for messages)."""

    post: Post
    conversation: str | None = None
    line: int | None = None


def build_threads(items: Iterable[LoosePost], *, source: str, notices: Sequence[Notice] = (),
                  title: str | None = None) -> list[Thread]:
    """Group posts into threads (by conversation id, else by the root of their reply chain).

    Raises InputError when reply links form a cycle, naming the line of a post on it.
    """
    kept: list[LoosePost] = []
    seen: dict[str, LoosePost] = {}
    extra: list[Notice] = list(notices)
    for item in items:
        if item.post.id in seen:
            first = seen[item.post.id]
            extra.append(Notice("duplicate_id", f"{_where(source, item.line)}: post id {item.post.id!r} repeats "
                                f"the post of line {first.line}; kept the first"))
            continue
        seen[item.post.id] = item
        kept.append(item)

    by_id = {item.post.id: item for item in kept}
    cycle = find_cycle({i: item.post.reply_to for i, item in by_id.items()})
    if cycle:
        lines = [by_id[i].line for i in cycle if by_id[i].line is not None]
        chain = " -> ".join([*cycle[:6], cycle[0]] if len(cycle) <= 6 else [*cycle[:6], "..."])
        raise InputError(f"reply_to links form a cycle ({chain}); fix the reply_to of one of these posts",
                         source=source, line=min(lines) if lines else None)

    dangling = [item for item in kept if item.post.reply_to is not None and item.post.reply_to not in by_id]
    if dangling:
        example = dangling[0]
        extra.append(Notice("dangling_reply_to",
                            f"{source}: {len(dangling)} post(s) reply to posts not in the input (first: "
                            f"{example.post.id!r} -> {example.post.reply_to!r}); treated as roots",
                            len(dangling)))

    groups: dict[str, list[Post]] = {}
    roots = _chain_roots(by_id)
    for item in kept:
        key = item.conversation or roots[item.post.id]
        groups.setdefault(key, []).append(item.post)

    threads = [Thread(posts=posts, id=key, title=title) for key, posts in groups.items()]
    if not threads:
        return [Thread(posts=[], title=title, notices=extra)]
    threads[0].notices.extend(extra)
    return threads


def find_cycle(parent_of: dict[str, str | None]) -> list[str]:
    """The ids on one reply_to cycle (in link order), or an empty list. Linear time."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in parent_of:
        if state.get(start):
            continue
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent_of and not state.get(node):
            state[node] = 1
            path.append(node)
            node = parent_of[node]
        if node is not None and state.get(node) == 1:
            return path[path.index(node):]
        for visited in path:
            state[visited] = 2
    return []


def _chain_roots(by_id: dict[str, LoosePost]) -> dict[str, str]:
    """Per post id, what the root of its reply chain groups by: the root's conversation id, else its id (the
    links hold no cycle). Each post's answer is kept for the posts below it: time linear in the posts, however
    deep the chains (a walk up from every post takes the square of a chain's length)."""
    roots: dict[str, str] = {}
    for post_id in by_id:
        path: list[str] = []
        current = post_id
        while current not in roots:
            parent = by_id[current].post.reply_to
            if parent is None or parent not in by_id:
                roots[current] = by_id[current].conversation or current
                break
            path.append(current)
            current = parent
        root = roots[current]
        for walked in path:
            roots[walked] = root
    return roots


def _where(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line is not None else source
