"""Headless Chromium over the DevTools protocol: screenshots of an app, and the requests it made.

Chapters 14 and 15 photograph their Gradio apps for the post and check that the page loads with
nothing leaving the machine; the renderer's engine tests open built blog pages the same way.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
)  # Chromium picks a free port and writes it to DevToolsActivePort
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def chromium_binary() -> str | None:
    """The path of an installed Chromium or Chrome, or None (ch. 14)."""
    return next((path for name in BINARIES if (path := shutil.which(name))), None)


class DevTools:
    """A tiny Chrome DevTools Protocol client over one page's websocket (ch. 14)."""

    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30)
        self.next_id, self.events = 0, []

    def call(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {event} within {timeout} s")
            self.events.append(json.loads(self.ws.recv()))

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


@contextmanager
def chromium(profile: Path | None = None, extra_flags=(), binary: str | None = None):
    """Start headless Chromium on a fresh profile; yield its DevTools address; stop it (ch. 14)."""
    binary = binary or chromium_binary()
    if binary is None:
        raise FileNotFoundError(
            "no Chromium found: `apt-get install chromium` (Debian) installs it"
        )
    # Chromium's helpers may still be writing the profile as it exits: tolerate that.
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as scratch:
        profile = Path(profile or scratch)
        process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", *extra_flags, "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port_file, deadline = profile / "DevToolsActivePort", time.monotonic() + 60
            while not (port_file.is_file() and port_file.read_text().strip()):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chromium did not start")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port_file.read_text().split()[0]}"
        finally:
            process.terminate()
            process.wait(timeout=30)


def open_page(devtools: str) -> DevTools:
    """A DevTools client on the first tab, page, runtime, log and network events on (ch. 14)."""
    targets = json.load(urlopen(f"{devtools}/json/list"))
    page = DevTools(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.call(f"{domain}.enable")
    return page


def requested_urls(events) -> list[str]:
    """Every URL the page asked for, in order (ch. 14)."""
    return [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    ]


def leaving_loopback(urls) -> list[str]:
    """The URLs that would leave this machine: any host but 127.0.0.1 or localhost (ch. 14)."""
    off = []
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about", "chrome", "devtools"):
            continue
        if (parsed.hostname or "") not in {h.strip("[]") for h in LOOPBACK}:
            off.append(url)
    return off


_WAIT = """new Promise(done => {{
  const start = Date.now();
  (function poll() {{
    const element = document.querySelector({selector!r});
    const ready = document.readyState === 'complete' && element
      && (!{filled} || element.innerText.trim());
    ready || Date.now() - start > {timeout_ms} ? done(Boolean(ready)) : setTimeout(poll, 100);
  }})();
}})"""


def _wait(page: DevTools, selector: str, filled: bool, timeout: float) -> None:
    script = _WAIT.format(
        selector=selector, filled="true" if filled else "false", timeout_ms=int(timeout * 1000)
    )
    if not page.evaluate(script):
        raise TimeoutError(
            f"{selector!r} did not appear{' filled' if filled else ''} within {timeout} s"
        )


def press_enter(page: DevTools, selector: str) -> None:
    """Focus the element `selector` and press Enter as a user would (trusted events) (ch. 15)."""
    page.evaluate(f"document.querySelector({selector!r}).focus()")
    key = dict(key="Enter", code="Enter", windowsVirtualKeyCode=13)
    page.call("Input.dispatchKeyEvent", type="keyDown", text="\r", **key)
    page.call("Input.dispatchKeyEvent", type="keyUp", **key)


def screenshot(
    url: str,
    path,
    ready: str = "body",
    click: str | None = None,
    submit: str | None = None,
    filled: str | None = None,
    width: int = 1100,
    height: int = 800,
    timeout: float = 120,
) -> list[str]:
    """Load `url` in headless Chromium, save a PNG at `path`; the URLs the page requested (ch. 14).

    Waits for the element `ready`; then, if given, clicks the element `click` or presses Enter
    in the element `submit`, and waits until the element `filled` shows text (an answer, say).
    Host names other than 127.0.0.1 resolve to nothing, so an app that reaches for the internet
    shows it in the returned list (and fails fast) instead of hanging.
    """
    offline = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    with chromium(extra_flags=(offline, f"--window-size={width},{height}")) as devtools:
        page = open_page(devtools)
        try:
            page.call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
            page.call("Page.navigate", url=url)
            page.wait_for("Page.loadEventFired", timeout)
            _wait(page, ready, False, timeout)
            if click:
                page.evaluate(f"document.querySelector({click!r}).click()")
            if submit:
                press_enter(page, submit)
            if filled:
                _wait(page, filled, True, timeout)
            time.sleep(0.5)  # let fonts and transitions settle
            shot = page.call("Page.captureScreenshot", format="png")
            Path(path).write_bytes(base64.b64decode(shot["data"]))
            return requested_urls(page.events)
        finally:
            page.close()
