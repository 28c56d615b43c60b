"""PNG and SVG images of charts: kaleido driving a headless Chromium, found first and never waited on forever.

* :func:`find_browser` is the one check every image-making command runs before any work: the path
  in ``BROWSER_PATH`` if set (as choreographer, kaleido's browser driver, honours it), else the
  browser choreographer would find (its own download, then ``chromium``/``chrome`` on ``PATH`` and
  the usual install paths). Without one it raises :class:`BrowserNotFound`, whose message names
  both remedies.
* :class:`ChartServer` keeps one browser for many images, in a thread of its own, and puts a
  wall-clock limit (``TALENTSIM_IMAGE_TIMEOUT`` seconds, default 60) on starting it and on every
  image. A browser that dies or hangs ends the call with :class:`ImageError` and is killed; nothing
  waits on it.

Nothing here imports kaleido until a server starts, so the exception classes are cheap to import.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

QUIET = ("choreographer", "kaleido", "logistro", "browser_proc")
"""Loggers of kaleido and its browser driver, silenced while a server runs."""
REMEDY = "install it (apt-get install chromium fonts-noto-cjk) or pass --no-images"
DEFAULT_TIMEOUT = 60.0
"""Seconds allowed to start the browser and to make each image (``TALENTSIM_IMAGE_TIMEOUT`` overrides)."""


class ImageError(RuntimeError):
    """A chart image could not be made: the browser failed, died or did not answer in time."""


class BrowserNotFound(ImageError):
    """No Chromium-based browser to make PNG/SVG images with."""


def image_timeout() -> float:
    """The time limit in seconds: ``TALENTSIM_IMAGE_TIMEOUT`` if set to a positive number, else 60."""
    try:
        value = float(os.environ.get("TALENTSIM_IMAGE_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def _runnable(path: str) -> bool:
    return bool(path) and Path(path).is_file() and os.access(path, os.X_OK)


def find_browser() -> str:
    """The browser kaleido will drive.

    Raises:
        BrowserNotFound: with one line naming both remedies.
    """
    given = os.environ.get("BROWSER_PATH")
    if given is not None:
        if _runnable(given):
            return given
        raise BrowserNotFound(f"PNG/SVG charts need Chromium, and BROWSER_PATH={given!r} is not a program: {REMEDY}")
    try:
        from choreographer.browsers.chromium import Chromium

        path = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure to look is "not found"
        path = None
    if path and _runnable(path):
        return path
    raise BrowserNotFound(f"PNG/SVG charts need Chromium, and none was found: {REMEDY}")


def has_browser() -> bool:
    """Whether :func:`find_browser` finds one."""
    try:
        find_browser()
    except BrowserNotFound:
        return False
    return True


class ChartServer:
    """One headless browser for many images, with a time limit on starting it and on every image.

    Use as a context manager, or :meth:`start` and :meth:`stop`.
    """

    def __init__(self, timeout: float | None = None, browser: str | None = None) -> None:
        self.timeout = timeout or image_timeout()
        self.browser = browser
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    def __enter__(self) -> ChartServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Find and start the browser.

        Raises:
            BrowserNotFound: no browser.
            ImageError: the browser did not start within the time limit, or failed to.
        """
        self.browser = self.browser or find_browser()
        for name in QUIET:  # the browser driver's own warnings and tracebacks: failures reach us as exceptions
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(lambda loop, context: None)  # abandoned tasks end quietly
        self._thread = threading.Thread(target=self._loop.run_forever, name="talentsim-charts", daemon=True)
        self._thread.start()
        self._call(self._open(), f"the browser ({self.browser}) did not start")

    async def _open(self) -> None:
        from kaleido import Kaleido

        k = Kaleido(n=1, timeout=self.timeout, mathjax=False, path=self.browser)
        self._kaleido = k
        await k.open()

    def _call(self, coroutine: Any, what: str, *, retry: Any = None) -> Any:
        """Run a coroutine on the server's loop within the time limit; on failure stop the browser and raise.

        ``retry`` (a function giving a fresh coroutine) is tried once more after an error that left the
        browser running: kaleido can read a tab's scripts before the page has set them up.
        """
        if self._loop is None:
            coroutine.close()
            raise ImageError(f"{what}: the chart server is not running")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            future.cancel()
            self.stop()
            raise ImageError(f"{what} within {self.timeout:.0f} s; the browser was stopped (raise the limit with "
                             f"TALENTSIM_IMAGE_TIMEOUT, or pass --no-images)") from None
        except (KeyboardInterrupt, SystemExit):
            self.stop()
            raise
        except BaseException as exc:
            if retry is not None and self._alive():
                return self._call(retry(), what)
            self.stop()
            raise ImageError(f"{what}: {type(exc).__name__}: {str(exc).strip()[:300] or 'no message'} (or pass "
                             "--no-images)") from None

    def _alive(self) -> bool:
        process = getattr(self._kaleido, "subprocess", None)
        return process is not None and process.poll() is None

    def image(self, fig: Any, fmt: str, *, scale: float = 1.0) -> bytes:
        """PNG or SVG bytes of a figure at its layout size (slide size if unset).

        Raises:
            ImageError: the browser failed, died or did not answer within the time limit.
        """
        from simulate.report.style import SLIDE_HEIGHT, SLIDE_WIDTH

        if self._kaleido is None:
            raise ImageError("the chart server is not running")
        opts = dict(format=fmt, width=fig.layout.width or SLIDE_WIDTH, height=fig.layout.height or SLIDE_HEIGHT,
                    scale=scale)
        spec = fig.to_plotly_json()
        k = self._kaleido
        data = self._call(k.calc_fig(spec, opts=opts), f"a {fmt.upper()} image was not made",
                          retry=lambda: k.calc_fig(spec, opts=opts))
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def stop(self) -> None:
        """Close the browser (killing it if it does not close at once) and the server thread."""
        loop, thread, k = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = None
        if k is not None:
            _kill(k)
        if loop is not None:
            if k is not None:
                with contextlib.suppress(BaseException):
                    asyncio.run_coroutine_threadsafe(k.close(), loop).result(timeout=2)
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=2)


def _kill(k: Any) -> None:
    """Kill the browser's whole process group (choreographer starts it in a session of its own)."""
    process = getattr(k, "subprocess", None)
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.wait(timeout=5)


_current: ChartServer | None = None


@contextlib.contextmanager
def chart_server(timeout: float | None = None) -> Iterator[ChartServer]:
    """Keep one chart server open for the block (reused, and left open, if a caller opened one)."""
    global _current
    if _current is not None:
        yield _current
        return
    server = ChartServer(timeout)
    server.start()
    _current = server
    try:
        yield server
    finally:
        _current = None
        server.stop()


def figure_image(fig: Any, fmt: str, *, scale: float = 1.0) -> bytes:
    """PNG or SVG bytes of a figure, through the open chart server or a server of its own."""
    with chart_server() as server:
        return server.image(fig, fmt, scale=scale)
