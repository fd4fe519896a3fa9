"""A per-host rate limit shared by the threads of one client: request starts at least 1/rate s apart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

__all__ = ["HostRateLimiter"]


class HostRateLimiter:
    """Spaces request starts to one host ``1 / rate`` seconds apart (``rate`` <= 0: no limit).

    ``per_host`` gives some hosts another rate (``{"hacker-news.firebaseio.com": 20.0}``).
    """

    def __init__(self, rate: float, *, per_host: Mapping[str, float] | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = _interval(rate)
        self._intervals = {host.lower(): _interval(r) for host, r in (per_host or {}).items()}
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        """Block until a request to ``host`` may start, and book that slot."""
        interval = self._intervals.get(host.lower().rsplit(":", 1)[0], self.interval)
        if not interval:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        if slot > now:
            self._sleep(slot - now)


def _interval(rate: float) -> float:
    return 1.0 / rate if rate > 0 else 0.0
