"""A headless Chromium driven over the DevTools protocol: enough to open a page, run script, click, take a
screenshot and read performance entries. Used by the browser test and scripts/bench_report.py.

Chromium is Debian's ``chromium`` (or ``$THREADLENS_CHROMIUM``); the protocol runs over a websocket
(``websocket-client``, in the ``test`` extra). Nothing is downloaded: :func:`find_chromium` returns None
where no browser is installed, and the caller skips.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections import deque
from pathlib import Path
from typing import Any

__all__ = ["Chromium", "find_chromium", "missing_reason", "BrowserError"]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
         "--mute-audio", "--remote-debugging-port=0"]


class BrowserError(RuntimeError):
    """Chromium did not start, or a DevTools command failed or timed out."""


def find_chromium() -> str | None:
    configured = os.environ.get("THREADLENS_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_reason() -> str | None:
    """Why the browser can't be driven here (None when it can)."""
    if find_chromium() is None:
        return "no Chromium here: apt-get install chromium (or set THREADLENS_CHROMIUM); .ci/run installs it"
    try:
        import websocket  # noqa: F401
    except ImportError:
        return "websocket-client is not installed: pip install -e '.[test]'"
    return None


class Chromium:
    """``with Chromium() as browser: browser.open(path)``: one headless browser with one page."""

    def __init__(self, *, width: int = 1000, height: int = 800, scale: float = 1.0, timeout: float = 30.0) -> None:
        self.width, self.height, self.scale, self.timeout = width, height, scale, timeout
        self._profile = tempfile.TemporaryDirectory(prefix="threadlens-chromium-")
        self._process: subprocess.Popen[bytes] | None = None
        self._socket: Any = None
        self._next_id = 0
        self.events: deque[dict[str, Any]] = deque(maxlen=1000)

    def __enter__(self) -> Chromium:
        import websocket

        executable = find_chromium()
        if executable is None:
            raise BrowserError(missing_reason() or "no Chromium")
        profile = Path(self._profile.name)
        self._process = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={profile}",
                                          f"--window-size={self.width},{self.height}", "about:blank"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = self._wait_for_port(profile / "DevToolsActivePort")
        page = self._wait_for_page(port)
        self._socket = websocket.create_connection(page, timeout=self.timeout, suppress_origin=True,
                                                   enable_multithread=False)
        for domain in ("Page", "Runtime"):
            self.send(f"{domain}.enable")
        self.viewport(self.width, self.height, scale=self.scale)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._socket is not None:
                self._socket.close()
        finally:
            if self._process is not None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            self._profile.cleanup()

    def _wait_for_port(self, marker: Path) -> int:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise BrowserError(f"chromium exited with code {self._process.returncode} at start")
            try:
                return int(marker.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                time.sleep(0.05)
        raise BrowserError("chromium did not open its DevTools port in time")

    def _wait_for_page(self, port: int) -> str:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as response:
                    targets = json.load(response)
            except OSError:
                targets = []
            for target in targets:
                if target.get("type") == "page" and target.get("webSocketDebuggerUrl"):
                    return str(target["webSocketDebuggerUrl"])
            time.sleep(0.05)
        raise BrowserError("chromium opened no page target in time")

    # -- the protocol ---------------------------------------------------------------------------------
    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a DevTools command and return its result (events that arrive meanwhile go to ``events``)."""
        self._next_id += 1
        ident = self._next_id
        self._socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = json.loads(self._socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return dict(message.get("result", {}))
            if "method" in message:
                self.events.append(message)
        raise BrowserError(f"{method}: no answer in {self.timeout} s")

    def wait_for_event(self, method: str, *, timeout: float | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for event in list(self.events):
                if event["method"] == method:
                    self.events.remove(event)
                    return event
            if time.monotonic() > deadline:
                raise BrowserError(f"no {method} event in time")
            self._socket.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                message = json.loads(self._socket.recv())
            except Exception as exc:  # websocket timeout: loop to the deadline check
                if type(exc).__name__ != "WebSocketTimeoutException":
                    raise
                continue
            finally:
                self._socket.settimeout(self.timeout)
            if "method" in message:
                self.events.append(message)

    # -- what the tests use ---------------------------------------------------------------------------
    def viewport(self, width: int, height: int, *, scale: float = 1.0, mobile: bool = False) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=scale,
                  mobile=mobile)

    def open(self, target: str | os.PathLike[str]) -> None:
        """Load a file (or URL) and wait for its load event."""
        url = Path(target).resolve().as_uri() if not str(target).startswith(("http:", "https:", "file:", "about:")) \
            else str(target)
        self.events.clear()
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise BrowserError(f"can't open {url}: {result['errorText']}")
        self.wait_for_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises awaited); a thrown error raises BrowserError."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"script failed: {text}")
        return result.get("result", {}).get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) in the middle of the first element matching ``selector``."""
        box = self.evaluate(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            if (!el) return null;
            el.scrollIntoView({{block: "center"}});
            const r = el.getBoundingClientRect();
            return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
        }})()""")
        if box is None:
            raise BrowserError(f"nothing matches {selector!r}")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)

    def screenshot(self, *, full_page: bool = False) -> bytes:
        """A PNG of the viewport (or of the whole page)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        return base64.b64decode(self.send("Page.captureScreenshot", **params)["data"])
