"""Hacker News items as JSON: the official API (``/v0/item/N.json``) and Algolia (``/api/v1/items/N``).

Accepted shapes: one item whose ``kids`` (official) or ``children`` (Algolia) hold item objects, nested
to any depth; a JSON array of items; JSONL with one item per line (as a BigQuery or API dump). Kids
given only as ids are not in the input: they are counted in a notice. The walk is iterative, so hostile
nesting can't exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ...errors import InputError
from ...thread import Notice, Post, Segment, Thread, parse_time
from .._json import loads as json_loads
from .._json import surrogates_notice
from .._linking import LoosePost, build_threads
from .._source import Source
from ..jsonl import first_json_object, iter_records
from ._markup import add_italic_quotes, comment_text

__all__ = ["HnItem", "threads_from_items", "iter_items", "read_hn_json", "looks_like_item"]

_OFFICIAL_KEYS = frozenset({"by", "kids", "parent", "descendants", "deleted", "dead", "score"})
_ALGOLIA_KEYS = frozenset({"created_at_i", "story_id", "parent_id", "children", "points"})
_STORY_TYPES = frozenset({"story", "job", "poll"})
_MAX_REPORTED = 5


@dataclass(slots=True)
class HnItem:
    """One item, whatever JSON it came from: ``html`` is the text as HN serves it."""

    id: str
    parent: str | None = None
    author: str | None = None
    created: Any = None
    html: str = ""
    type: str | None = None
    title: str | None = None
    url: str | None = None
    score: int | None = None
    story: str | None = None
    deleted: bool = False
    dead: bool = False
    kids: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, parent: str | None = None) -> HnItem:
        """An item from an official-API or Algolia object; ``parent`` is the enclosing item, if nested.

        Raises ValueError when the object has no usable id.
        """
        raw_id = data.get("id", data.get("objectID"))
        if isinstance(raw_id, bool) or not isinstance(raw_id, (int, str)) or not str(raw_id).strip().isdigit():
            raise ValueError(f"has no numeric 'id' (got {raw_id!r})")
        raw_parent = data.get("parent", data.get("parent_id", data.get("poll")))
        kids = [str(k) for k in data.get("kids") or () if isinstance(k, (int, str)) and not isinstance(k, bool)]
        score = data.get("score", data.get("points"))
        story = data.get("story_id")
        return cls(
            id=str(raw_id).strip(),
            parent=str(raw_parent) if isinstance(raw_parent, (int, str)) and str(raw_parent) else parent,
            author=_text_or_none(data.get("by", data.get("author"))),
            created=data.get("time", data.get("created_at_i", data.get("created_at"))),
            html=data.get("text") if isinstance(data.get("text"), str) else "",
            type=_text_or_none(data.get("type")),
            title=_text_or_none(data.get("title")),
            url=_text_or_none(data.get("url")),
            score=score if isinstance(score, int) and not isinstance(score, bool) else None,
            story=str(story) if isinstance(story, (int, str)) and str(story) else None,
            deleted=bool(data.get("deleted")) or ("author" in data and data.get("author") is None
                                                 and data.get("text") is None and data.get("title") is None),
            dead=bool(data.get("dead")),
            kids=kids,
        )

    def to_post(self) -> tuple[Post, list[tuple[int, int]]]:
        """The post and its italic ranges (for :func:`~._markup.add_italic_quotes`)."""
        body = comment_text(self.html) if self.html else None
        text = body.text if body else ""
        italics = list(body.italics) if body else []
        markup = tuple(body.quotes) if body else ()
        meta: dict[str, Any] = {"type": self.type or ("story" if self.title and not self.parent else "comment")}
        if self.title:
            meta["title"] = self.title
            shift = len(self.title) + 2 if text else len(self.title)
            text = f"{self.title}\n\n{text}" if text else self.title
            italics = [(s + shift, e + shift) for s, e in italics]
            markup = tuple(_shifted(m, shift) for m in markup)
        for key in ("url", "score"):
            if getattr(self, key) is not None:
                meta[key] = getattr(self, key)
        if self.deleted:
            meta["deleted"] = True
        if self.dead:
            meta["dead"] = True
        try:
            created = parse_time(self.created)
        except (ValueError, OverflowError, OSError):
            created, meta["time"] = None, self.created
        post = Post(id=self.id, text=text, author=self.author, reply_to=self.parent, created=created,
                    meta=meta, markup=markup)
        return post, italics


def looks_like_item(record: Mapping[str, Any]) -> bool:
    """Whether a JSON object is a Hacker News item (official API or Algolia)."""
    if "id" not in record and "objectID" not in record:
        return False
    keys = set(record)
    if keys & {"created_at_i", "story_id"}:
        return True
    return "by" in keys and bool(keys & {"time", "type", "parent", "kids"}) and "speaker" not in keys


def iter_items(value: Any, notices: list[Notice], *, source: str) -> Iterator[HnItem]:
    """Every item in a parsed JSON value (an item, a list of items, nested kids/children), depth first."""
    unusable: list[str] = []
    stack: list[tuple[Any, str | None]] = [(value, None)]
    while stack:
        node, parent = stack.pop()
        if isinstance(node, list):
            stack.extend((child, parent) for child in reversed(node))
            continue
        if not isinstance(node, Mapping):
            continue
        try:
            item = HnItem.from_json(node, parent=parent)
        except ValueError as exc:
            unusable.append(f"an item {exc}")
            continue
        yield item
        nested = [k for k in (node.get("children") or node.get("kids") or ()) if isinstance(k, Mapping)]
        stack.extend((child, item.id) for child in reversed(nested))
    if unusable:
        _skipped(notices, source, unusable)


def threads_from_items(items: Iterable[HnItem | Mapping[str, Any]], *, source: str,
                       notices: Iterable[Notice] = ()) -> list[Thread]:
    """Threads from Hacker News items (or their JSON objects), in the order given.

    Post ids are HN ids and ``reply_to`` the parent id. A story is the root of its thread and its title the
    thread's title. Items whose parent is not among them become roots (with a ``dangling_reply_to``
    notice) and are grouped by that parent, so replies to one absent post form one thread.
    """
    found: list[Notice] = list(notices)
    loaded: list[HnItem] = []
    for entry in items:
        if isinstance(entry, HnItem):
            loaded.append(entry)
        else:
            loaded.extend(iter_items(entry, found, source=source))
    by_id: dict[str, HnItem] = {}
    for item in loaded:
        by_id.setdefault(item.id, item)
    conversations = _conversations(loaded, by_id)
    loose: list[LoosePost] = []
    italics: dict[str, list[tuple[int, int]]] = {}
    for number, item in enumerate(loaded, start=1):
        post, spans = item.to_post()
        if spans:
            italics.setdefault(post.id, spans)
        loose.append(LoosePost(post=post, conversation=conversations.get(item.id, item.id), line=number))
    missing = {kid for item in by_id.values() for kid in item.kids if kid not in by_id}
    if missing:
        found.append(Notice("missing_replies", f"{source}: {len(missing)} repl(ies) listed in 'kids' are not in "
                            "the input; fetch the thread with `threadlens fetch URL` to get them", len(missing)))
    threads = build_threads(loose, source=source, notices=found)
    for thread in threads:
        roots = thread.roots()
        story = next((p for p in roots if p.meta.get("type") in _STORY_TYPES), None)
        if story is not None:
            thread.title = story.meta.get("title")
            thread.meta["url"] = f"https://news.ycombinator.com/item?id={story.id}"
    add_italic_quotes(threads, italics)
    return threads


def read_hn_json(source: Source) -> list[Thread]:
    """Read official-API or Algolia item JSON, a JSON array of items, or JSONL of items."""
    notices: list[Notice] = []
    stripped = source.text.lstrip()
    try:
        value, cleaned = json_loads(stripped) if stripped[:1] in "{[" else (None, 0)
        if cleaned:
            notices.append(surrogates_notice(source.name, cleaned))
    except ValueError:
        value = None  # not one JSON document: JSONL, one item per line
    if value is None:
        value = [record for _, record in iter_records(source, notices)]
    items = list(iter_items(value, notices, source=source.name))
    if not items:
        raise InputError("holds no Hacker News item (an object with an 'id' and 'by'/'kids' or Algolia's "
                         "'children'); pass an item from the HN API or hn.algolia.com", source=source.name)
    return threads_from_items(items, source=source.name, notices=notices)


def sniff_hn_json(source: Source) -> float:
    head = source.text[:4096].lstrip()
    if not head.startswith(("{", "[")):
        return 0.0
    record = first_json_object(source.text)
    if record is not None:
        return 0.9 if looks_like_item(record) else 0.0
    # Pretty-printed or nested JSON: look for an item's keys near the start.
    keys = {key for key in _OFFICIAL_KEYS | _ALGOLIA_KEYS if f'"{key}"' in head}
    if '"id"' in head and (keys & {"created_at_i", "story_id"} or ("by" in keys and len(keys) >= 2)):
        return 0.85
    return 0.0


def _conversations(items: Iterable[HnItem], by_id: dict[str, HnItem]) -> dict[str, str]:
    """The thread of each item: its story, else the absent post its chain of parents ends at.

    Each chain is walked once (results are shared along it), so a 20,000-deep reply chain costs linear time.
    """
    found: dict[str, str] = {}
    for item in items:
        path: list[HnItem] = []
        seen: set[str] = set()
        current = item
        while True:
            if current.id in found:
                key = found[current.id]
                break
            if current.id in seen:  # a cycle: build_threads refuses it
                key = current.id
                break
            seen.add(current.id)
            path.append(current)
            if current.story:
                key = current.story
                break
            parent = current.parent
            if parent is None or parent not in by_id:
                key = current.id if parent is None else parent
                break
            current = by_id[parent]
        for visited in path:
            found[visited.id] = key
    return found


def _shifted(segment: Segment, shift: int) -> Segment:
    return replace(segment, start=segment.start + shift, end=segment.end + shift)


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _skipped(notices: list[Notice], source: str, problems: list[str]) -> None:
    shown = "; ".join(problems[:_MAX_REPORTED]) + ("; ..." if len(problems) > _MAX_REPORTED else "")
    notices.append(Notice("skipped_item", f"{source}: skipped {len(problems)} item(s): {shown}", len(problems)))
