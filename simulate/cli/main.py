"""The ``talentsim`` command: a thin layer that parses, calls the library and maps errors to exit statuses.

Exit statuses (:class:`ExitStatus`): 0 ok, 1 failure (an internal error, or a
browser that failed while making images), 2 bad input, 130 interrupted (Ctrl-C).
Bad input never prints a traceback; set ``TALENTSIM_DEBUG=1`` to see one for an
internal error.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from enum import IntEnum

import typer
from typer.exceptions import TyperException

from simulate.results.runfolder import FolderError
from simulate.scenario.errors import ScenarioError
from simulate.shipped import UnknownName


class ExitStatus(IntEnum):
    """Named exit statuses of every subcommand."""

    OK = 0
    INTERNAL_ERROR = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


class BadInput(Exception):
    """A user error that is not a scenario-file problem (missing file, bad option value)."""


app = typer.Typer(
    name="talentsim",
    help="Simulate regional talent supply and demand under industry–education integration (产教融合) levers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    """Add every subcommand: each module of this package with a ``register(app)`` function."""
    import importlib
    import pkgutil

    import simulate.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name == "main":
            continue
        module = importlib.import_module(f"simulate.cli.{info.name}")
        if hasattr(module, "register"):
            module.register(app)


_register()


class _CtrlC:
    """Remembers a Ctrl-C.

    A KeyboardInterrupt that lands inside a library (pydantic's serialiser, a thread pool) may come back
    wrapped in another exception, which is still an interruption.
    """

    def __init__(self) -> None:
        self.seen = False
        self.previous = None

    def _handler(self, signum, frame) -> None:
        self.seen = True
        raise KeyboardInterrupt

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns (and exits with) an :class:`ExitStatus`."""
    with _CtrlC() as ctrl_c:
        status = _main(argv, ctrl_c)
    if argv is None:
        sys.exit(int(status))
    return int(status)


def _main(argv: list[str] | None, ctrl_c: _CtrlC) -> ExitStatus:
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="talentsim")
        # without standalone mode, typer returns the code of typer.Exit(n) and of Ctrl-C (130)
        if rv in (None, 0):
            status = ExitStatus.OK
        elif rv in (1, 2):
            status = ExitStatus(rv)
        elif rv == ExitStatus.INTERRUPTED:
            typer.echo("interrupted", err=True)
            status = ExitStatus.INTERRUPTED
        else:
            status = ExitStatus.INTERNAL_ERROR
    except ScenarioError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem.format()}", err=True)
        status = ExitStatus.BAD_INPUT
    except (BadInput, FolderError, UnknownName) as exc:
        typer.echo(f"error: {exc}", err=True)
        status = ExitStatus.BAD_INPUT
    except typer.Exit as exc:
        status = ExitStatus(exc.exit_code) if exc.exit_code in (0, 1, 2, 130) else ExitStatus.INTERNAL_ERROR
    except typer.Abort:
        typer.echo("aborted", err=True)
        status = ExitStatus.INTERNAL_ERROR
    except TyperException as exc:  # usage errors: unknown command or option, bad option value
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"error: {exc}", err=True)
        status = ExitStatus.BAD_INPUT
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        status = ExitStatus.INTERRUPTED
    except Exception as exc:  # the last line of defence: no traceback for users
        images = sys.modules.get("simulate.report.images")  # only raised once that module is loaded
        if ctrl_c.seen:
            typer.echo("interrupted", err=True)
            status = ExitStatus.INTERRUPTED
        elif images is not None and isinstance(exc, images.ImageError):
            typer.echo(f"error: {exc}", err=True)
            status = ExitStatus.BAD_INPUT if isinstance(exc, images.BrowserNotFound) else ExitStatus.INTERNAL_ERROR
        else:
            if os.environ.get("TALENTSIM_DEBUG"):
                raise
            typer.echo(f"internal error: {type(exc).__name__}: {exc} (set TALENTSIM_DEBUG=1 for a traceback)",
                       err=True)
            status = ExitStatus.INTERNAL_ERROR
    return status
