"""The HTTP client against a local server: retries, Retry-After, timeouts, robots.txt, size cap, cache."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_http import LocalServer, Reply

from threadlens.errors import FetchError
from threadlens.fetch import DiskCache, HttpClient
from threadlens.fetch._client import _retry_after
from threadlens.fetch._ratelimit import HostRateLimiter


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


class Sleeps(list):
    """Records the waits the client asks for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))


def client(tmp_path: Path, sleeps: Sleeps | None = None, **options) -> HttpClient:
    options.setdefault("cache", DiskCache(tmp_path / "cache"))
    options.setdefault("rate", 0)
    return HttpClient(sleep=sleeps if sleeps is not None else Sleeps(), **options)


def test_get_json_sends_a_threadlens_user_agent(server: LocalServer, tmp_path: Path) -> None:
    server.route("/item.json", {"id": 1})
    with client(tmp_path) as http:
        assert http.get_json(f"{server.url}/item.json") == {"id": 1}
    agent = next(h for p, h in server.log if p == "/item.json")["User-Agent"]
    assert agent.startswith("threadlens/") and "httpx" in agent


@pytest.mark.parametrize("first, waited", [
    (Reply(429, headers={"Retry-After": "2"}), [2.0]),
    (Reply(503, headers={"Retry-After": "0"}), [0.0]),
    (Reply(500), [0.5]),
    (Reply(502), [0.5]),
])
def test_retries_after_429_and_5xx(server: LocalServer, tmp_path: Path, first: Reply, waited: list[float]) -> None:
    server.route("/x.json", first, {"ok": True})
    sleeps = Sleeps()
    with client(tmp_path, sleeps) as http:
        assert http.get_json(f"{server.url}/x.json") == {"ok": True}
    assert server.requests("/x.json") == 2
    assert sleeps == waited


def test_backoff_doubles_and_gives_up(server: LocalServer, tmp_path: Path) -> None:
    server.route("/x.json", Reply(503))
    sleeps = Sleeps()
    with client(tmp_path, sleeps, retries=3, backoff=0.5) as http, pytest.raises(FetchError) as caught:
        http.get_json(f"{server.url}/x.json")
    assert sleeps == [0.5, 1.0, 2.0]
    assert server.requests("/x.json") == 4
    message = str(caught.value)
    assert message.startswith(f"{server.url}/x.json: HTTP 503") and "after 4 attempts" in message
    assert "\n" not in message


def test_retry_after_longer_than_allowed_fails_at_once(server: LocalServer, tmp_path: Path) -> None:
    server.route("/x.json", Reply(429, headers={"Retry-After": "3600"}))
    with client(tmp_path, max_retry_after=60) as http, pytest.raises(FetchError, match="wait 3600 s"):
        http.get_json(f"{server.url}/x.json")
    assert server.requests("/x.json") == 1


@pytest.mark.parametrize("header, expected", [
    ("5", 5.0), (" 12 ", 12.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), (None, None)])
def test_retry_after_header_forms(header: str | None, expected: float | None) -> None:
    assert _retry_after(header) == expected


def test_slow_response_times_out(server: LocalServer, tmp_path: Path) -> None:
    server.route("/slow.json", Reply(200, b"{}", delay=1.5))
    with client(tmp_path, timeout=0.2, retries=1) as http, pytest.raises(FetchError) as caught:
        http.get_json(f"{server.url}/slow.json")
    assert "timed out after 0.2 s (2 attempt(s))" in str(caught.value)
    assert "--timeout" in str(caught.value)


def test_robots_txt_that_disallows_is_honoured(server: LocalServer, tmp_path: Path) -> None:
    server.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /private/\n"))
    server.route("/private/x.json", {"secret": 1})
    server.route("/public/x.json", {"open": 1})
    with client(tmp_path) as http:
        with pytest.raises(FetchError, match="robots.txt does not allow threadlens"):
            http.get_json(f"{server.url}/private/x.json")
        assert http.get_json(f"{server.url}/public/x.json") == {"open": 1}
        http.get_json(f"{server.url}/public/x.json")
    assert server.requests("/private/x.json") == 0
    assert server.requests("/robots.txt") == 1  # read once per host


def test_robots_txt_naming_threadlens(server: LocalServer, tmp_path: Path) -> None:
    server.route("/robots.txt", Reply(200, "User-agent: threadlens\nDisallow: /\n\nUser-agent: *\nAllow: /\n"))
    server.route("/x.json", {"a": 1})
    with client(tmp_path) as http, pytest.raises(FetchError, match="robots.txt"):
        http.get_json(f"{server.url}/x.json")
    with client(tmp_path, robots=False, cache=False) as http:
        assert http.get_json(f"{server.url}/x.json") == {"a": 1}


@pytest.mark.parametrize("status, allowed", [(404, True), (403, False), (401, False)])
def test_robots_txt_status(server: LocalServer, tmp_path: Path, status: int, allowed: bool) -> None:
    server.route("/robots.txt", Reply(status))
    server.route("/x.json", {"a": 1})
    with client(tmp_path) as http:
        if allowed:
            assert http.get_json(f"{server.url}/x.json") == {"a": 1}
        else:
            with pytest.raises(FetchError, match="robots.txt"):
                http.get_json(f"{server.url}/x.json")


def test_robots_txt_server_error_refuses_the_host(server: LocalServer, tmp_path: Path) -> None:
    server.route("/robots.txt", Reply(500))
    server.route("/x.json", {"a": 1})
    with client(tmp_path, retries=1) as http, pytest.raises(FetchError, match="robots.txt can't be read"):
        http.get_json(f"{server.url}/x.json")
    assert server.requests("/x.json") == 0


@pytest.mark.parametrize("declared", [True, False])
def test_oversized_body_is_refused(server: LocalServer, tmp_path: Path, declared: bool) -> None:
    server.route("/big.json", Reply(200, b"[" + b"1," * 600_000 + b"1]", content_length=declared))
    with client(tmp_path, max_bytes=1_000_000) as http, pytest.raises(FetchError) as caught:
        http.get_json(f"{server.url}/big.json")
    assert "1,000,000-byte limit; raise --max-bytes" in str(caught.value)
    assert not list(tmp_path.glob("cache/*"))  # nothing cached


@pytest.mark.parametrize("status, hint", [(404, "check the URL"), (410, "check the URL"), (403, "refuses access")])
def test_client_errors_are_not_retried(server: LocalServer, tmp_path: Path, status: int, hint: str) -> None:
    server.route("/gone.json", Reply(status))
    with client(tmp_path) as http, pytest.raises(FetchError) as caught:
        http.get_json(f"{server.url}/gone.json")
    assert str(caught.value).startswith(f"{server.url}/gone.json: HTTP {status}") and hint in str(caught.value)
    assert server.requests("/gone.json") == 1


def test_invalid_json_fails_and_is_not_cached(server: LocalServer, tmp_path: Path) -> None:
    server.route("/x.json", Reply(200, "<html>maintenance</html>"), {"fine": 1})
    with client(tmp_path) as http:
        with pytest.raises(FetchError, match="not valid JSON"):
            http.get_json(f"{server.url}/x.json")
        assert http.get_json(f"{server.url}/x.json") == {"fine": 1}


def test_redirects_are_followed(server: LocalServer, tmp_path: Path) -> None:
    server.route("/old.json", Reply(301, headers={"Location": "/new.json"}))
    server.route("/new.json", {"moved": 1})
    with client(tmp_path) as http:
        assert http.get_json(f"{server.url}/old.json") == {"moved": 1}


def test_connection_refused_fails_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with client(tmp_path, retries=1, robots=False) as http, pytest.raises(FetchError, match="can't connect"):
        http.get_json(f"http://127.0.0.1:{port}/x.json")


# --- the cache --------------------------------------------------------------------------------------------

def test_cache_serves_repeats_and_expires(server: LocalServer, tmp_path: Path) -> None:
    now = [1000.0]
    cache = DiskCache(tmp_path / "c", ttl=60, clock=lambda: now[0])
    server.route("/x.json", {"v": 1}, {"v": 2})
    url = f"{server.url}/x.json"
    with client(tmp_path, cache=cache) as http:
        assert http.get_json(url) == {"v": 1}
        assert http.get_json(url) == {"v": 1}
        assert server.requests("/x.json") == 1
        now[0] += 61
        assert http.get_json(url) == {"v": 2}
    assert [p.suffix for p in (tmp_path / "c").iterdir()] == [".http"]  # no temporary files left


def test_without_cache_every_get_goes_to_the_server(server: LocalServer, tmp_path: Path) -> None:
    server.route("/x.json", {"v": 1})
    with client(tmp_path, cache=False) as http:
        http.get_json(f"{server.url}/x.json")
        http.get_json(f"{server.url}/x.json")
    assert server.requests("/x.json") == 2


@pytest.mark.parametrize("damage", [b"", b"garbage", b"threadlens-http-cache 1\n{not json\nbody"])
def test_damaged_cache_entry_is_a_miss(tmp_path: Path, damage: bytes) -> None:
    cache = DiskCache(tmp_path)
    cache.put("http://h/x", b"body")
    assert cache.get("http://h/x") == b"body"
    cache.path_for("http://h/x").write_bytes(damage)
    assert cache.get("http://h/x") is None


def test_cache_directory_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("THREADLENS_CACHE_DIR", str(tmp_path / "env-cache"))
    assert DiskCache().directory == tmp_path / "env-cache"


def test_rate_limiter_spaces_requests_per_host() -> None:
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    limiter = HostRateLimiter(4.0, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        limiter.wait("a")
    limiter.wait("b")
    assert waits == [0.25, 0.25]  # the third request to "a" waits for its slot; "b" doesn't wait
