"""The HTML briefing in headless Chromium with networking disabled: no console output, no requests, charts drawn.

Chromium's proxy is pointed at a local trap server that refuses everything and records what
was asked for, so nothing leaves the machine and any request the page makes is seen. The
browser's own background services (update checks, sign-in) are ignored by host name; requests
from the page (scripts, fonts, images, CDNs) are not.
"""

from __future__ import annotations

import http.server
import re
import shutil
import socketserver
import subprocess
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs the Debian chromium package (installed by .ci/run)"),
]
BROWSER_SERVICES = frozenset({
    "update.googleapis.com", "accounts.google.com", "clients2.google.com", "clientservices.googleapis.com",
    "safebrowsing.googleapis.com", "optimizationguide-pa.googleapis.com", "content-autofill.googleapis.com",
    "redirector.gvt1.com", "edgedl.me.gvt1.com",
})
"""Hosts Chromium itself contacts in the background (not the page)."""
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--disable-domain-reliability", "--no-pings", "--no-default-browser-check",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
    "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000", "--window-size=1400,1000",
)


class _Trap(http.server.BaseHTTPRequestHandler):
    seen: list[str]

    def _refuse(self):
        self.seen.append(f"{self.command} {self.path}")
        self.send_error(403)

    do_GET = do_POST = do_HEAD = do_CONNECT = do_PUT = do_OPTIONS = _refuse

    def log_message(self, *args):
        pass


def open_offline(page: Path, profile: Path) -> tuple[str, list[str], list[str]]:
    """Load ``page`` in headless Chromium: (DOM after scripts ran, console lines, page requests)."""
    seen: list[str] = []
    handler = type("Trap", (_Trap,), {"seen": seen})
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        proc = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{port}",
             "--proxy-bypass-list=<-loopback>", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
        server.shutdown()
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    requests = []
    for r in seen:
        target = r.split(" ", 1)[1]
        host = re.sub(r"^https?://", "", target).split("/", 1)[0].split(":", 1)[0]
        if host not in BROWSER_SERVICES:
            requests.append(r)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, console, requests


def chart_segments(dom: str) -> dict[str, str]:
    """The DOM of each chart container (``data-chart="name"``)."""
    marks = list(re.finditer(r'data-chart="([^"]+)"', dom))
    return {m.group(1): dom[m.end():(marks[i + 1].start() if i + 1 < len(marks) else len(dom))]
            for i, m in enumerate(marks)}


def test_harness_sees_console_errors_and_requests(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><body><div data-chart="x"></div><script>console.error("boom"); missing();</script>'
                    '<img src="http://example.com/x.png"><script src="https://cdn.plot.ly/plotly.js"></script>'
                    "</body></html>", encoding="utf-8")
    dom, console, requests = open_offline(page, tmp_path / "profile")
    assert any("boom" in c for c in console) and any("missing" in c for c in console)
    assert any("example.com" in r for r in requests) and any("cdn.plot.ly" in r for r in requests)
    assert "main-svg" not in chart_segments(dom)["x"]


def test_briefing_opens_offline_without_errors_and_draws_every_chart(compare_dirs, tmp_path):
    page = compare_dirs["zh"] / "report.html"
    dom, console, requests = open_offline(page, tmp_path / "profile")
    assert console == []
    assert requests == []
    charts = chart_segments(dom)
    assert len(charts) >= 17
    for name, seg in charts.items():
        assert "main-svg" in seg, f"{name}: not drawn"
        drawn = ('class="hm"' in seg and "<image" in seg) or re.search(r'class="trace[^"]*".*?d="M[\d.]', seg, re.S)
        assert drawn, f"{name}: blank chart"
