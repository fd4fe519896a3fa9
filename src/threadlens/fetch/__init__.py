"""Live fetching: a thread URL in, threads out (Hacker News, Reddit, Discourse).

``fetch_threads(url)`` recognises the URL, fetches the thread's data politely (robots.txt, a per-host
rate limit, retries with backoff, timeouts, a size cap, an on-disk cache) and reads it with the matching
reader. Failures raise :class:`~threadlens.errors.FetchError` with one line naming the URL and what to do;
replies that could not be fetched are left out and counted as notices.

The cache lives in ``$THREADLENS_CACHE_DIR`` (default ``~/.cache/threadlens/http``), an entry for an
hour; pass ``HttpClient(cache=False)`` to bypass it.
"""

from __future__ import annotations

from ..errors import FetchError
from ..thread import Thread
from ._cache import DiskCache, default_cache_dir
from ._client import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, HttpClient, user_agent
from ._discourse import fetch_discourse_topic
from ._hn import fetch_hn_items
from ._sites import Sites, ThreadUrl, classify_url

__all__ = ["fetch_threads", "HttpClient", "DiskCache", "Sites", "ThreadUrl", "classify_url", "default_cache_dir",
           "fetch_hn_items", "fetch_discourse_topic", "user_agent", "FetchError", "DEFAULT_MAX_BYTES",
           "DEFAULT_TIMEOUT"]


def fetch_threads(url: str, *, client: HttpClient | None = None, sites: Sites | None = None,
                  concurrency: int = 8, max_items: int = 20_000) -> list[Thread]:
    """Fetch the thread at ``url``: a Hacker News item, a Reddit thread or a Discourse topic.

    ``client`` configures timeouts, retries, size cap and cache (a default one is made and closed when
    omitted); ``sites`` overrides the base URLs of the sites' data; ``concurrency`` and ``max_items`` bound
    the Hacker News fetch, which asks the API for every comment separately.
    """
    target = classify_url(url, sites)
    sites = sites or Sites.from_env()
    own = client is None
    client = client or HttpClient()
    try:
        if target.kind == "hn":
            from ._hn import fetch_hn_thread

            threads = fetch_hn_thread(client, target.id, api=sites.hn_api, source=url, concurrency=concurrency,
                                      max_items=max_items)
        elif target.kind == "reddit":
            from ._reddit import fetch_reddit_thread

            threads = fetch_reddit_thread(client, target.data_url, source=url)
        else:
            from ._discourse import fetch_discourse_thread

            threads = fetch_discourse_thread(client, target.data_url, source=url)
    finally:
        if own:
            client.close()
    for thread in threads:
        thread.meta.setdefault("source_url", url)
    return threads
