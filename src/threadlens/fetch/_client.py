"""The HTTP client behind live fetching: polite, bounded and cached.

Every request: the on-disk cache first; the host's robots.txt; a per-host rate limit; timeouts; retries
with exponential backoff on 429 and 5xx (``Retry-After`` honoured) and on timeouts and failed
connections; redirects followed (robots.txt asked again for each hop); the body streamed and stopped at
``max_bytes``. Whatever fails raises :class:`~threadlens.errors.FetchError` with one line naming the URL.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import FetchError
from ..readers._json import loads as json_loads
from ._cache import DiskCache
from ._ratelimit import HostRateLimiter
from ._robots import RobotsPolicy

__all__ = ["HttpClient", "user_agent", "DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "DEFAULT_RATE", "HOST_RATES"]

DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
DEFAULT_RATE = 5.0
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
_ROBOTS_MAX_BYTES = 512 * 1024
_AGENT = "threadlens"
#: Hosts that may be asked faster than the default rate: the HN API documents no rate limit and serves
#: one comment per request.
HOST_RATES: dict[str, float] = {"hacker-news.firebaseio.com": 20.0}


def user_agent() -> str:
    """``threadlens/<version> (discussion-thread analysis; python-httpx/<version>)``."""
    try:
        version = metadata.version("threadlens")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    return f"{_AGENT}/{version} (discussion-thread analysis; python-httpx/{httpx.__version__})"


class HttpClient:
    """A polite HTTP client for fetching threads; use it as a context manager, or call :meth:`close`.

    ``timeout``: seconds to wait to connect or for data; ``retries``: further attempts after a 429, a 5xx,
    a timeout or a failed connection, waiting ``backoff`` s, then twice that, ... (at most
    ``max_backoff``), or what ``Retry-After`` says (up to ``max_retry_after``); ``max_bytes``: largest body
    accepted; ``rate``: requests per second per host (``HOST_RATES`` where not given); ``cache``: a :class:`DiskCache`, True for the default
    one, False for none; ``robots``: honour robots.txt. ``transport`` and ``sleep`` are for tests.
    """

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, retries: int = 3, backoff: float = 0.5,
                 max_backoff: float = 30.0, max_retry_after: float = 120.0, max_bytes: int = DEFAULT_MAX_BYTES,
                 rate: float | None = None, cache: DiskCache | bool = True, robots: bool = True,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if timeout <= 0 or max_bytes <= 0 or retries < 0:
            raise ValueError("timeout and max_bytes must be positive and retries at least 0")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.max_bytes = max_bytes
        self.cache: DiskCache | None = DiskCache() if cache is True else (cache or None)
        self.user_agent = user_agent()
        self._sleep = sleep
        self._limiter = HostRateLimiter(DEFAULT_RATE if rate is None else rate,
                                        per_host=HOST_RATES if rate is None else None, sleep=sleep)
        self._robots = RobotsPolicy(self._load_robots, agent=_AGENT) if robots else None
        self._http = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, transport=transport,
                                  headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"})

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get_bytes(self, url: str) -> bytes:
        """The body of a 200 response to ``GET url`` (from the cache while it is fresh)."""
        return self._get(url, check=None)

    def get_json(self, url: str) -> Any:
        """``GET url`` parsed as JSON (lone surrogates, which no UTF-8 output holds, made U+FFFD); a body that
        isn't JSON raises FetchError (and is not cached)."""
        parsed: list[Any] = []

        def check(body: bytes) -> None:
            try:
                parsed.append(json_loads(body)[0])
            except ValueError as exc:
                raise FetchError(f"{url}: the response is not valid JSON ({_short(str(exc))}); check that the "
                                 "URL is a thread, or try again later") from None

        body = self._get(url, check=check)
        return parsed[0] if parsed else json_loads(body)[0]

    # --- internals -------------------------------------------------------------------------------------

    def _get(self, url: str, *, check: Callable[[bytes], None] | None) -> bytes:
        _check_url(url)
        if self.cache is not None:
            cached = self.cache.get(url)
            if cached is not None:
                try:
                    if check is not None:
                        check(cached)
                    return cached
                except FetchError:
                    pass  # a damaged entry: fetch again
        location = url
        for _ in range(_MAX_REDIRECTS + 1):
            if self._robots is not None and not self._robots.allowed(location):
                host = urlsplit(location).netloc
                raise FetchError(f"{location}: {host}'s robots.txt does not allow threadlens to fetch it; save the "
                                 "page in a browser and read the saved file instead")
            status, headers, body = self._fetch(location, self.max_bytes)
            if status in _REDIRECTS and headers.get("location"):
                location = urljoin(location, headers["location"])
                _check_url(location)
                continue
            if status != 200:
                raise FetchError(_status_message(location, status))
            if check is not None:
                check(body)
            if self.cache is not None:
                self.cache.put(url, body)
            return body
        raise FetchError(f"{url}: more than {_MAX_REDIRECTS} redirects; check the URL")

    def _fetch(self, url: str, limit: int) -> tuple[int, httpx.Headers, bytes]:
        """One URL with retries: the final status, headers and body (bodies of errors are not read)."""
        host = urlsplit(url).netloc
        attempts = self.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            self._limiter.wait(host)
            try:
                with self._http.stream("GET", url) as response:
                    status, headers = response.status_code, response.headers
                    if status in _RETRY_STATUSES and not last:
                        self._sleep(self._retry_delay(url, status, headers, attempt))
                        continue
                    if status in _RETRY_STATUSES:
                        raise FetchError(_status_message(url, status, attempts=attempts))
                    body = _read_capped(url, response, limit) if status == 200 else b""
                    return status, headers, body
            except httpx.TimeoutException:
                if last:
                    raise FetchError(f"{url}: timed out after {self.timeout:g} s ({attempts} attempt(s)); try "
                                     "again later or raise --timeout") from None
            except httpx.TransportError as exc:
                if last:
                    raise FetchError(f"{url}: can't connect ({_short(str(exc) or type(exc).__name__)}); check the "
                                     "network and the URL") from None
            self._sleep(self._backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_delay(self, url: str, status: int, headers: httpx.Headers, attempt: int) -> float:
        wait = _retry_after(headers.get("retry-after"))
        if wait is None:
            return self._backoff(attempt)
        if wait > self.max_retry_after:
            raise FetchError(f"{url}: HTTP {status}: the server asks to wait {wait:.0f} s before trying again; try "
                             "again later")
        return wait

    def _backoff(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff * (2 ** attempt))

    def _load_robots(self, location: str) -> tuple[int, str]:
        if self.cache is not None:
            cached = self.cache.get(location)
            if cached is not None:
                return 200, cached.decode("utf-8", errors="replace")
        try:
            status, _, body = self._fetch(location, _ROBOTS_MAX_BYTES)
        except FetchError as exc:
            raise FetchError(f"{location}: the host's robots.txt can't be read ({str(exc).split(': ', 1)[-1]}), so "
                             "threadlens won't fetch from it") from None
        if status == 200 and self.cache is not None:
            self.cache.put(location, body)
        if status in _REDIRECTS:  # followed by few crawlers; treat as no robots.txt
            return 404, ""
        if status >= 500:
            raise FetchError(f"{location}: the host's robots.txt can't be read (HTTP {status}), so threadlens won't "
                             "fetch from it; try again later")
        return status, body.decode("utf-8", errors="replace")


def _read_capped(url: str, response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{url}: the response is {int(declared):,} bytes, over the {limit:,}-byte limit; raise "
                         "--max-bytes")
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            raise FetchError(f"{url}: the response is over the {limit:,}-byte limit; raise --max-bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delay seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _status_message(url: str, status: int, *, attempts: int = 1) -> str:
    try:
        reason = httpx.codes(status).phrase
    except ValueError:
        reason = ""
    head = f"{url}: HTTP {status}{' ' + reason if reason else ''}"
    if attempts > 1:
        head += f" after {attempts} attempts"
    if status == 404 or status == 410:
        return f"{head}; check the URL (the thread may not exist or was removed)"
    if status in (401, 403):
        return f"{head}; the site refuses access (the thread may be private)"
    if status == 429:
        return f"{head}; the site is rate-limiting: wait a while and try again"
    if status >= 500:
        return f"{head}; the site is failing: try again later"
    return f"{head}; check the URL"


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"{url}: not an http(s) URL; pass a thread URL such as "
                         "https://news.ycombinator.com/item?id=1")


def _short(message: str, limit: int = 80) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."
