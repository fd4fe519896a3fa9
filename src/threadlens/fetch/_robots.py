"""robots.txt, read once per host and asked before every request."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

__all__ = ["RobotsPolicy", "robots_url"]


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class RobotsPolicy:
    """Whether ``agent`` may fetch a URL, by its host's robots.txt (fetched with ``load``, kept per host).

    ``load(robots_url)`` returns ``(status, text)``. As :mod:`urllib.robotparser` reads it: 401 and 403
    forbid the whole host, any other 4xx (no robots.txt) allows it. ``load`` raises on anything else.
    """

    def __init__(self, load: Callable[[str], tuple[int, str]], *, agent: str) -> None:
        self._load = load
        self.agent = agent
        self._parsers: dict[str, RobotFileParser] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        return self._parser(robots_url(url)).can_fetch(self.agent, url)

    def _parser(self, location: str) -> RobotFileParser:
        with self._lock:  # one fetch per host, even with many threads asking at once
            parser = self._parsers.get(location)
            if parser is None:
                status, text = self._load(location)
                parser = RobotFileParser(location)
                if status in (401, 403):
                    parser.disallow_all = True
                elif status >= 400:
                    parser.allow_all = True
                else:
                    parser.parse(text.splitlines())
                self._parsers[location] = parser
            return parser
