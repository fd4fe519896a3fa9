"""Reddit threads: a thread's ``.json`` listing pair, PRAW-style JSONL and Pushshift-style dumps.

Shapes read (``--input-format reddit`` reads all three; each is also detected from the content):

* the ``.json`` of a thread page: ``[submission listing, comments listing]``, replies nested in each
  comment's ``replies`` listing, ``kind: "more"`` stubs for comments Reddit left out (they are counted and
  reported as a ``more_comments`` notice: fetch them with ``/api/morechildren``);
* JSONL with one submission or comment per line, as PRAW exports write them (``kind: "submission"`` /
  ``"comment"``) or as Pushshift dumps hold them (``id``, ``parent_id``, ``link_id``, ``author``, ``body``,
  ``created_utc``, ``score``, ``subreddit``; submissions have ``title`` and ``selftext``). One file may
  hold many threads: comments are grouped by ``link_id``. Lines wrapped as ``{"kind": "t1", "data": ...}``
  are unwrapped.

Post ids are the base36 ids without the ``t1_``/``t3_`` prefix, ``reply_to`` is the parent's id, and the
submission is the root post (its title is ``Thread.title``, its selftext the post's text). ``[deleted]``
and ``[removed]`` authors and bodies are kept as such.

The text of a post is Reddit's *rendering* of its markdown, as plain text (what readers see, and what
they copy when they quote); the markdown source stays in ``Post.meta["markdown"]``. Block quotes are found
by a CommonMark parser and given as ``Post.markup`` quote segments (the quote splitter attributes them by
text). The API's HTML escaping (``&gt;`` for ``>``) is undone once, unless the input is already raw
(``raw_json=1``: a body holds a literal ``<`` or ``>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..thread import Notice, Post, Thread, parse_time
from . import Reader, register_reader
from ._json import loads as json_loads
from ._json import noting_surrogates
from ._linking import LoosePost, build_threads
from ._markdown import markdown_to_text, unescape_reddit
from ._source import Source
from .jsonl import first_json_object, iter_records

__all__ = ["threads_from_json", "threads_from_records", "read_reddit", "record_shape", "record_key", "record_post",
           "has_raw_markup", "MoreStubs"]

#: Fields kept in ``Post.meta`` (besides ``markdown``); the rest of Reddit's ~100 fields are dropped.
META_FIELDS = ("score", "subreddit", "permalink", "edited", "distinguished", "stickied", "controversiality",
               "gilded", "depth", "is_submitter", "author_flair_text", "num_comments", "url", "over_18",
               "link_title", "retrieved_on")
_THREAD_FIELDS = ("subreddit", "permalink", "url", "num_comments")
_SUBMISSION_KINDS = frozenset(("t3", "submission"))
_COMMENT_KINDS = frozenset(("t1", "comment"))
_SNIFF_PREFIX = 4096


@dataclass(slots=True)
class _Record:
    kind: str  # "submission" | "comment"
    data: Mapping[str, Any]
    line: int | None = None


@dataclass(slots=True)
class MoreStubs:
    """The comments Reddit left out of a listing or dump: "load more" stubs and "continue this thread" links."""

    stubs: int = 0
    comments: int = 0  # behind the stubs
    links: int = 0  # "continue this thread" links: how many comments they hide is not said

    def add(self, more: Mapping[str, Any]) -> None:
        """Count a ``more`` thing's data."""
        count = more.get("count")
        children = more.get("children")
        if not isinstance(count, int) or count < 0:
            count = len(children) if isinstance(children, list) else 0
        if count == 0 and not children:
            self.links += 1
        else:
            self.stubs += 1
            self.comments += count

    def notice(self, source: str) -> Notice | None:
        """The ``more_comments`` notice (None when nothing was left out)."""
        parts = []
        if self.stubs:
            parts.append(f"{self.comments} comment(s) behind {self.stubs} 'load more' stub(s)")
        if self.links:
            parts.append(f"the replies behind {self.links} 'continue this thread' link(s)")
        if not parts:
            return None
        return Notice("more_comments", f"{source}: not included: {' and '.join(parts)}; fetch them with "
                      "/api/morechildren (or the linked comment's .json) for a complete thread",
                      max(1, self.comments + self.links))


@dataclass(slots=True)
class _Collected:
    records: list[_Record] = field(default_factory=list)
    more: MoreStubs = field(default_factory=MoreStubs)
    skipped: int = 0


def threads_from_json(data: Any, *, source: str) -> list[Thread]:
    """Threads from a decoded Reddit ``.json`` listing: a thread page's ``[submission, comments]`` pair,
    one listing, or one thing. Raises InputError when it holds no submission or comment."""
    collected = _Collected()
    _walk_listing(data, collected)
    if not collected.records:
        raise InputError("is not a Reddit thread listing (expected the [submission listing, comments listing] "
                         "pair of a thread's .json); check the file or pass --input-format", source=source)
    return _build(collected, source=source)


def threads_from_records(records: Iterable[Mapping[str, Any]], *, source: str) -> list[Thread]:
    """Threads from decoded PRAW / Pushshift records (submissions and comments, any order, many threads)."""
    collected = _Collected()
    for number, record in enumerate(records, start=1):
        _add_record(record, collected, line=number)
    if not collected.records:
        raise InputError("holds no Reddit submissions or comments (records need an id and a body, or a title)",
                         source=source)
    return _build(collected, source=source)


def read_reddit(source: Source) -> list[Thread]:
    """Read a thread's ``.json`` listing, or PRAW / Pushshift JSONL."""
    stripped = source.text.lstrip()
    if stripped.startswith("["):
        data, cleaned = _load_json(source)
        return noting_surrogates(threads_from_json(data, source=source.name), source.name, cleaned)
    if stripped.startswith("{"):
        try:
            whole, cleaned = json_loads(source.text)
        except ValueError:
            whole, cleaned = None, 0
        if isinstance(whole, Mapping) and whole.get("kind") in ("Listing", "t1", "t3", "more"):
            return noting_surrogates(threads_from_json(whole, source=source.name), source.name, cleaned)
    notices: list[Notice] = []
    collected = _Collected()
    for number, record in iter_records(source, notices):
        _add_record(record, collected, line=number)
    if not collected.records:
        raise InputError("holds no Reddit submissions or comments (records need an id and a body, or a title); "
                         "check the file or pass another --input-format", source=source.name)
    threads = _build(collected, source=source.name)
    threads[0].notices[:0] = notices
    return threads


def _load_json(source: Source) -> tuple[Any, int]:
    try:
        return json_loads(source.text)
    except ValueError as exc:
        raise InputError(f"is not valid JSON ({exc}); pass a thread's .json or a JSONL file",
                         source=source.name) from None


def _walk_listing(data: Any, collected: _Collected) -> None:
    """Depth-first over listings and things, in reading order, without recursion."""
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, Mapping):
            collected.skipped += 1
            continue
        kind = node.get("kind")
        body = node.get("data")
        if kind == "Listing" and isinstance(body, Mapping):
            stack.extend(reversed(body.get("children") or []))
        elif kind == "more" and isinstance(body, Mapping):
            collected.more.add(body)
        elif kind in ("t1", "t3") and isinstance(body, Mapping):
            _add_record(body, collected, kind=kind)
            replies = body.get("replies")
            if isinstance(replies, Mapping):
                stack.append(replies)
        else:
            collected.skipped += 1


def record_shape(record: Mapping[str, Any], *, kind: str | None = None) -> tuple[str, Mapping[str, Any]]:
    """What one JSONL record (or listing thing) is — ``submission``, ``comment``, ``more`` (a "load more" stub)
    or ``other`` (not a post, or a post without an id) — and its data (``{"kind": "t1", "data": ...}`` unwrapped)."""
    kind = kind or record.get("kind")
    if kind in ("t1", "t3", "more") and isinstance(record.get("data"), Mapping):
        record = record["data"]
    if kind == "more":
        return "more", record
    if kind in _SUBMISSION_KINDS or (kind is None and "title" in record and "body" not in record
                                     and "parent_id" not in record):
        shape = "submission"
    elif kind in _COMMENT_KINDS or (kind is None and ("body" in record or "parent_id" in record)):
        shape = "comment"
    else:
        return "other", record
    return (shape, record) if _bare_id(record) is not None else ("other", record)


def record_key(record: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """``(post id, thread id, reply_to)`` of a JSONL record as this reader threads it (the thread id is None
    for a comment that names neither its submission nor a submission as its parent: its thread is the root
    of its reply chain); ``(None, None, None)`` for a record that is not a post."""
    shape, data = record_shape(record)
    if shape not in ("submission", "comment"):
        return None, None, None
    post_id = _bare_id(data)
    if shape == "submission":
        return post_id, post_id, None
    reply_to = _strip_prefix(data.get("parent_id"))
    return post_id, _strip_prefix(data.get("link_id")) or (reply_to if _is_link(data.get("parent_id")) else None), \
        reply_to


def has_raw_markup(data: Mapping[str, Any]) -> bool:
    """Whether a record's body holds a literal ``<`` or ``>``: then the input is raw (``raw_json=1``) and no
    record of it is unescaped (one such record decides for the whole input)."""
    return any(isinstance(data.get(k), str) and ("<" in data[k] or ">" in data[k]) for k in ("body", "selftext"))


def record_post(shape: str, data: Mapping[str, Any], *, escaped: bool) -> tuple[Post, str | None]:
    """The post and thread id of a submission or comment (``escaped``: undo the API's HTML escaping)."""
    return _post(_Record(shape, data), escaped=escaped)


def _add_record(record: Mapping[str, Any], collected: _Collected, *, kind: str | None = None,
                line: int | None = None) -> None:
    shape, data = record_shape(record, kind=kind)
    if shape == "more":
        collected.more.add(data)
    elif shape == "other":
        collected.skipped += 1
    else:
        collected.records.append(_Record(shape, data, line))


def _build(collected: _Collected, *, source: str) -> list[Thread]:
    escaped = not any(has_raw_markup(r.data) for r in collected.records)
    items: list[LoosePost] = []
    titles: dict[str, str | None] = {}
    thread_meta: dict[str, dict[str, Any]] = {}
    for record in collected.records:
        post, conversation = _post(record, escaped=escaped)
        if record.kind == "submission":
            title = record.data.get("title")
            titles[post.id] = _clean(title, escaped) if isinstance(title, str) else None
            thread_meta[post.id] = {k: record.data[k] for k in _THREAD_FIELDS if record.data.get(k) is not None}
        items.append(LoosePost(post=post, conversation=conversation, line=record.line))
    notices: list[Notice] = []
    more = collected.more.notice(source)
    if more is not None:
        notices.append(more)
    if collected.skipped:
        notices.append(Notice("skipped_item", f"{source}: skipped {collected.skipped} item(s) that are not Reddit "
                              "submissions or comments", collected.skipped))
    threads = build_threads(items, source=source, notices=notices)
    for thread in threads:
        if thread.id in titles:
            thread.title = titles[thread.id]
            thread.meta.update(thread_meta.get(thread.id, {}))
    return threads


def _post(record: _Record, *, escaped: bool) -> tuple[Post, str | None]:
    data = record.data
    post_id = _bare_id(data)
    assert post_id is not None
    raw = data.get("selftext" if record.kind == "submission" else "body")
    markdown = _clean(raw, escaped) if isinstance(raw, str) else ""
    rendered = markdown_to_text(markdown)
    meta: dict[str, Any] = {"markdown": markdown, "kind": record.kind}
    meta.update({k: data[k] for k in META_FIELDS if data.get(k) is not None})
    try:
        created = parse_time(data.get("created_utc", data.get("created")))
    except (ValueError, OverflowError, OSError):
        created = None
    author = data.get("author")
    if record.kind == "submission":
        reply_to, conversation = None, post_id
    else:
        reply_to = _strip_prefix(data.get("parent_id"))
        conversation = _strip_prefix(data.get("link_id")) or (reply_to if _is_link(data.get("parent_id")) else None)
    post = Post(id=post_id, text=rendered.text, author=None if author is None else str(author), reply_to=reply_to,
                created=created, meta=meta, markup=tuple(rendered.quotes))
    return post, conversation


def _bare_id(data: Mapping[str, Any]) -> str | None:
    value = data.get("id")
    if value in (None, ""):
        value = _strip_prefix(data.get("name"))
    return None if value in (None, "") else _strip_prefix(str(value))


def _strip_prefix(fullname: Any) -> str | None:
    if fullname in (None, ""):
        return None
    text = str(fullname)
    return text[3:] if len(text) > 3 and text[0] == "t" and text[1].isdigit() and text[2] == "_" else text


def _is_link(fullname: Any) -> bool:
    return isinstance(fullname, str) and fullname.startswith("t3_")


def _clean(text: str, escaped: bool) -> str:
    return unescape_reddit(text) if escaped else text


# --- detection ---------------------------------------------------------------------------------------------

def _sniff_reddit(source: Source) -> float:
    head = source.text[:_SNIFF_PREFIX].lstrip()
    if head.startswith(("[", "{")) and any(f'"kind": {k}' in head or f'"kind":{k}' in head
                                            for k in ('"Listing"', '"t1"', '"t3"')):
        return 0.95
    record = first_json_object(source.text)
    if record is None:
        return 0.0
    if record.get("kind") in ("submission", "comment") and ("body" in record or "selftext" in record):
        return 0.92
    has_text = any(k in record for k in ("body", "selftext", "title"))
    if has_text and any(_is_fullname(record.get(k)) for k in ("parent_id", "link_id", "name")):
        return 0.9
    if "subreddit" in record and ("body" in record or "selftext" in record):
        return 0.88
    return 0.0


def _is_fullname(value: Any) -> bool:
    return isinstance(value, str) and value[:3] in ("t1_", "t3_")


register_reader(Reader("reddit", "Reddit: a thread's .json listing pair, PRAW-style or Pushshift-style JSONL "
                       "(markdown bodies, '>' quotes)", read=read_reddit, sniff=_sniff_reddit))
