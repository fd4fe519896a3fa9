"""The data model: a :class:`Thread` of :class:`Post` objects, and the :class:`Segment` spans a post splits into.

All three round-trip through plain JSON (``to_dict`` / ``from_dict``), so a thread can be written as
JSONL, sent to a worker or cached without pickle.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Literal

__all__ = ["Segment", "Post", "Thread", "Notice", "SegmentKind", "SEGMENT_KINDS"]

SegmentKind = Literal["quote", "reply", "attribution", "signature", "footer"]
#: ``quote``: text taken from someone else; ``reply``: the author's own words; ``attribution``: a line that
#: introduces a quote ("On Tue, Ann wrote:", an Outlook header block); ``signature`` and ``footer``: a
#: sign-off or a mailing-list footer.
SEGMENT_KINDS: tuple[str, ...] = ("quote", "reply", "attribution", "signature", "footer")


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of a post's text: ``text[start:end]`` is quoted, the author's reply, or mail furniture.

    ``source`` is the id of the post the quote was taken from (None when the text is not in the thread),
    ``marker`` the form the quote was recognised by (``">"``, ``">>"``, ``"&gt;"``, ``"copy"``,
    ``"inline"``, ``"blockquote"``, ``"bbcode"`` ...), ``cite`` what the markup says about the quoted
    author ("ann", "post:3"), ``similarity`` how closely the text matched its source (0-1), and
    ``source_start``/``source_end`` where the words stand in the source post's text.
    """

    kind: str
    start: int
    end: int
    source: str | None = None
    marker: str | None = None
    cite: str | None = None
    similarity: float | None = None
    source_start: int | None = None
    source_end: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in SEGMENT_KINDS:
            raise ValueError(f"Segment kind {self.kind!r} is not one of {', '.join(SEGMENT_KINDS)}.")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"Segment offsets must satisfy 0 <= start <= end, got {self.start}..{self.end}.")

    def text_of(self, post_text: str) -> str:
        """The segment's text, cut from the text of the post it belongs to."""
        return post_text[self.start : self.end]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "start": self.start, "end": self.end,
                               "source": self.source, "marker": self.marker}
        if self.cite is not None:
            out["cite"] = self.cite
        if self.similarity is not None:
            out["similarity"] = round(self.similarity, 4)
        if self.source_start is not None:
            out["source_start"], out["source_end"] = self.source_start, self.source_end
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Segment:
        return cls(kind=data["kind"], start=int(data["start"]), end=int(data["end"]),
                   source=data.get("source"), marker=data.get("marker"), cite=data.get("cite"),
                   similarity=data.get("similarity"), source_start=data.get("source_start"),
                   source_end=data.get("source_end"))


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a reader recovered from, kept so it can be counted and reported.

    ``kind`` is a stable code (``skipped_line``, ``replaced_bytes``, ``dangling_reply_to``,
    ``duplicate_id``, ``long_post`` ...), ``count`` how many units it covers (bytes, lines).
    """

    kind: str
    message: str
    count: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "count": self.count}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Notice:
        return cls(kind=data["kind"], message=data["message"], count=int(data.get("count", 1)))


@dataclass(slots=True)
class Post:
    """One post (comment, message, utterance) of a thread.

    ``markup`` holds quote segments the source format marks explicitly (an HTML ``blockquote``, a BBCode
    ``[quote]``); the quote splitter takes them as given and looks for the other forms in the rest.
    """

    id: str
    text: str
    author: str | None = None
    reply_to: str | None = None
    created: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    markup: tuple[Segment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "author": self.author, "reply_to": self.reply_to,
                               "created": _format_time(self.created), "text": self.text}
        if self.meta:
            out["meta"] = self.meta
        if self.markup:
            out["markup"] = [s.to_dict() for s in self.markup]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Post:
        return cls(id=str(data["id"]), text=data.get("text") or "", author=data.get("author"),
                   reply_to=None if data.get("reply_to") is None else str(data["reply_to"]),
                   created=parse_time(data.get("created")), meta=dict(data.get("meta") or {}),
                   markup=tuple(Segment.from_dict(s) for s in data.get("markup") or ()))


@dataclass(slots=True)
class Thread:
    """A discussion: posts in reading order, linked by ``reply_to``.

    A thread may have several roots (a pasted thread whose reply structure is unknown has only roots).
    ``notices`` records what the reader recovered from (skipped lines, replaced bytes, dangling links).
    """

    posts: list[Post]
    id: str | None = None
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    _by_id: dict[str, Post] = field(init=False, repr=False, compare=False)
    _children: dict[str | None, list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._reindex()

    def _reindex(self) -> None:
        self._by_id = {p.id: p for p in self.posts}
        if len(self._by_id) != len(self.posts):
            seen: set[str] = set()
            dupes = sorted({p.id for p in self.posts if p.id in seen or seen.add(p.id)})  # type: ignore[func-returns-value]
            raise ValueError(f"Post ids must be unique in a thread; repeated: {', '.join(dupes[:5])}.")
        self._children = {}
        for post in self.posts:
            parent = post.reply_to if post.reply_to in self._by_id else None
            self._children.setdefault(parent, []).append(post.id)

    def __len__(self) -> int:
        return len(self.posts)

    def __iter__(self) -> Iterator[Post]:
        return iter(self.posts)

    def __contains__(self, post_id: object) -> bool:
        return post_id in self._by_id

    def __getitem__(self, post_id: str) -> Post:
        return self._by_id[post_id]

    def get(self, post_id: str | None) -> Post | None:
        """The post with this id, or None."""
        return self._by_id.get(post_id) if post_id is not None else None

    def parent(self, post_id: str) -> Post | None:
        """The post this one replies to, or None for a root (or a reply to a post not in the thread)."""
        return self.get(self._by_id[post_id].reply_to)

    def children(self, post_id: str | None) -> list[Post]:
        """Direct replies to a post in reading order; ``children(None)`` gives the roots."""
        return [self._by_id[i] for i in self._children.get(post_id, [])]

    def roots(self) -> list[Post]:
        return self.children(None)

    def ancestors(self, post_id: str, *, limit: int | None = None) -> list[Post]:
        """Parent, grandparent, ... up to the root (or the first ``limit`` of them); stops at a cycle instead of
        looping."""
        out: list[Post] = []
        seen = {post_id}
        current = self.parent(post_id)
        while current is not None and current.id not in seen and (limit is None or len(out) < limit):
            out.append(current)
            seen.add(current.id)
            current = self.parent(current.id)
        return out

    def depth(self, post_id: str) -> int:
        """Reply depth: 0 for a root."""
        return len(self.ancestors(post_id))

    def in_thread_order(self) -> list[tuple[Post, int]]:
        """Posts depth-first as a reader sees them (each reply under its parent), with their depth."""
        out: list[tuple[Post, int]] = []
        seen: set[str] = set()
        stack: list[tuple[str, int]] = [(p.id, 0) for p in reversed(self.roots())]
        while stack:
            post_id, depth = stack.pop()
            if post_id in seen:
                continue
            seen.add(post_id)
            out.append((self._by_id[post_id], depth))
            stack.extend((c, depth + 1) for c in reversed(self._children.get(post_id, [])))
        # Posts caught in a reply_to cycle are unreachable from a root: list them last, at depth 0.
        out.extend((p, 0) for p in self.posts if p.id not in seen)
        return out

    def chronological(self) -> list[Post]:
        """Posts in the order they were written: by ``created`` where every post has one, else reading
        order; a parent always comes before its replies."""
        if all(p.created is not None for p in self.posts):
            ordered = sorted(self.posts, key=lambda p: p.created)  # type: ignore[arg-type,return-value]
        else:
            ordered = list(self.posts)
        position = {p.id: i for i, p in enumerate(ordered)}
        if all(position[p.reply_to] < position[p.id] for p in ordered if p.reply_to in position):
            return ordered
        out: list[Post] = []
        placed: set[str] = set()
        for post in ordered:
            # The post and its ancestors not placed yet (up to a loop of reply links), placed top down: a walk,
            # not a recursion (a chain of replies thousands deep, dated newest first, is no deeper a call).
            chain: list[Post] = []
            on_chain: set[str] = set()
            current: Post | None = post
            while current is not None and current.id not in placed and current.id not in on_chain:
                chain.append(current)
                on_chain.add(current.id)
                current = self.get(current.reply_to)
            for above in reversed(chain):
                placed.add(above.id)
                out.append(above)
        return out

    def replace_posts(self, posts: list[Post]) -> Thread:
        """A copy of this thread with other posts (same id, title, meta and notices)."""
        return replace(self, posts=posts, meta=dict(self.meta), notices=list(self.notices))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "posts": [p.to_dict() for p in self.posts]}
        if self.meta:
            out["meta"] = self.meta
        if self.notices:
            out["notices"] = [n.to_dict() for n in self.notices]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Thread:
        return cls(posts=[Post.from_dict(p) for p in data.get("posts", ())], id=data.get("id"),
                   title=data.get("title"), meta=dict(data.get("meta") or {}),
                   notices=[Notice.from_dict(n) for n in data.get("notices", ())])


def parse_time(value: Any) -> datetime | None:
    """A UTC datetime from a unix timestamp (number or numeric string) or an ISO 8601 string; None if empty.

    Raises ValueError for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.fromtimestamp(float(text), tz=timezone.utc)
        except ValueError:
            pass
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    raise ValueError(f"not a timestamp: {value!r}")


def _format_time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None
