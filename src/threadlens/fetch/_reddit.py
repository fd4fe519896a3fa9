"""A Reddit thread: the thread URL with ``.json`` appended, read by ``threadlens.readers.reddit``."""

from __future__ import annotations

from ..errors import FetchError
from ..thread import Thread
from ._client import HttpClient

__all__ = ["fetch_reddit_thread"]


def fetch_reddit_thread(client: HttpClient, data_url: str, *, source: str) -> list[Thread]:
    reader = _reader()
    return reader.threads_from_json(client.get_json(data_url), source=source)


def _reader():  # type: ignore[no-untyped-def]
    try:
        from ..readers import reddit
    except ImportError:
        raise FetchError("reading Reddit threads needs threadlens.readers.reddit, which is not in this install; "
                         "update threadlens") from None
    return reddit
