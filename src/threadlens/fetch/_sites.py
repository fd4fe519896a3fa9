"""Which site a thread URL belongs to, and where its data is fetched from."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from ..errors import FetchError

__all__ = ["Sites", "ThreadUrl", "classify_url"]

HN_API = "https://hacker-news.firebaseio.com/v0"
REDDIT = "https://www.reddit.com"
_REDDIT_HOSTS = frozenset({"reddit.com", "www.reddit.com", "old.reddit.com", "new.reddit.com", "np.reddit.com",
                           "m.reddit.com"})
_HN_HOSTS = frozenset({"news.ycombinator.com"})
_REDDIT_PATH = re.compile(r"(?:/r/[A-Za-z0-9_]{1,50})?/comments/[A-Za-z0-9]{1,16}(?:/[^/?#]{0,300})?(?:/[A-Za-z0-9]{1,16})?/?")
_DISCOURSE_PATH = re.compile(r"/t/(?:[^/?#]{1,300}/)?(\d{1,12})(?:/\d{1,12})?/?")


@dataclass(frozen=True, slots=True)
class Sites:
    """Base URLs of the sites' data (overridable, e.g. to point tests at a local server).

    Defaults come from ``$THREADLENS_HN_API`` and ``$THREADLENS_REDDIT_BASE`` where set.
    """

    hn_api: str = HN_API
    reddit: str = REDDIT

    @classmethod
    def from_env(cls) -> Sites:
        return cls(hn_api=os.environ.get("THREADLENS_HN_API", HN_API).rstrip("/"),
                   reddit=os.environ.get("THREADLENS_REDDIT_BASE", REDDIT).rstrip("/"))


@dataclass(frozen=True, slots=True)
class ThreadUrl:
    """A recognised thread URL: its ``kind``, the thread's id there, and the URL its data comes from."""

    kind: Literal["hn", "reddit", "discourse"]
    id: str
    data_url: str


def classify_url(url: str, sites: Sites | None = None) -> ThreadUrl:
    """Recognise a Hacker News item, Reddit thread or Discourse topic URL. Raises FetchError otherwise."""
    sites = sites or Sites.from_env()
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"{url}: not an http(s) URL; pass a thread URL such as https://news.ycombinator.com/item?id=1")
    if host in _HN_HOSTS:
        ids = parse_qs(parts.query).get("id", [])
        if parts.path.rstrip("/") == "/item" and ids and ids[0].isdigit():
            return ThreadUrl("hn", ids[0], f"{sites.hn_api}/item/{ids[0]}.json")
        raise FetchError(f"{url}: not a Hacker News item URL; pass one like https://news.ycombinator.com/item?id=1")
    if host in _REDDIT_HOSTS:
        path = parts.path
        if _REDDIT_PATH.fullmatch(path):
            thread_id = path.split("/comments/", 1)[1].split("/", 1)[0]
            return ThreadUrl("reddit", thread_id, f"{sites.reddit}{path.rstrip('/')}.json")
        raise FetchError(f"{url}: not a Reddit thread URL; pass one like "
                         "https://www.reddit.com/r/NAME/comments/ID/title/")
    match = _DISCOURSE_PATH.fullmatch(parts.path)
    if match:
        origin = f"{parts.scheme}://{parts.netloc}"
        return ThreadUrl("discourse", match.group(1), f"{origin}/t/{match.group(1)}.json")
    raise FetchError(f"{url}: not a URL threadlens can fetch; it fetches Hacker News items "
                     "(news.ycombinator.com/item?id=N), Reddit threads (/r/NAME/comments/ID/...) and Discourse "
                     "topics (/t/slug/ID)")
