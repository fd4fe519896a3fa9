"""A Discourse topic: ``/t/ID.json`` holds the first ~20 posts and the ids of all; the rest come in chunks.

The missing posts are fetched from ``/t/ID/posts.json?post_ids[]=...`` 20 at a time and merged into
``post_stream.posts`` (in stream order), then the whole topic is read by ``threadlens.readers.discourse``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from ..errors import FetchError
from ..thread import Thread
from ._client import HttpClient

__all__ = ["fetch_discourse_topic", "fetch_discourse_thread", "CHUNK"]

CHUNK = 20


def fetch_discourse_topic(client: HttpClient, data_url: str) -> dict[str, Any]:
    """The topic JSON with every post of its stream in ``post_stream.posts``."""
    topic = client.get_json(data_url)
    stream = topic.get("post_stream") if isinstance(topic, Mapping) else None
    if not isinstance(stream, Mapping) or not isinstance(stream.get("posts"), list):
        raise FetchError(f"{data_url}: not a Discourse topic (no post_stream.posts); check the URL")
    posts = {p["id"]: p for p in stream["posts"] if isinstance(p, Mapping) and "id" in p}
    order = [i for i in stream.get("stream") or () if isinstance(i, int) and not isinstance(i, bool)]
    missing = [i for i in order if i not in posts]
    base = data_url[: -len(".json")] if data_url.endswith(".json") else data_url
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        url = f"{base}/posts.json?" + urlencode([("post_ids[]", i) for i in chunk])
        page = client.get_json(url)
        more = page.get("post_stream", {}).get("posts") if isinstance(page, Mapping) else None
        if not isinstance(more, list):
            raise FetchError(f"{url}: not a Discourse post list (no post_stream.posts); try again later")
        posts.update((p["id"], p) for p in more if isinstance(p, Mapping) and "id" in p)
    listed = set(order)
    ordered = [posts[i] for i in order if i in posts]
    ordered += [p for i, p in posts.items() if i not in listed]
    merged = dict(topic)
    merged["post_stream"] = {**stream, "posts": ordered}
    return merged


def fetch_discourse_thread(client: HttpClient, data_url: str, *, source: str) -> list[Thread]:
    try:
        from ..readers import discourse
    except ImportError:
        raise FetchError("reading Discourse topics needs threadlens.readers.discourse, which is not in this install; "
                         "update threadlens") from None
    return discourse.threads_from_json(fetch_discourse_topic(client, data_url), source=source)
