"""Start and stop the explore app: the base scenario's replications first, then a threaded local web server.

>>> srv = start(load_scenario("scenarios/jiangxi_baseline.yaml"), ...)   # doctest: +SKIP
>>> srv.url                                                               # doctest: +SKIP
'http://127.0.0.1:8050/'
>>> srv.close()                                                           # doctest: +SKIP
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, get_sockaddr, make_server, select_address_family

from simulate.explore.app import Settings, create_app
from simulate.explore.jobs import Runner, declared_draws
from simulate.explore.results import Explorer
from simulate.scenario import LoadedScenario


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (werkzeug would exit the process on a busy port; this raises).

    Raises:
        OSError: the address cannot be bound.
    """
    family = select_address_family(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(get_sockaddr(host, port, family))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


@dataclass
class ExploreServer:
    """A running app: its URL, web server, runner and the thread serving it (if started in one)."""

    url: str
    server: BaseWSGIServer
    runner: Runner
    explorer: Explorer
    thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`close` (or Ctrl-C)."""
        self.server.serve_forever()

    def close(self) -> None:
        """Stop serving, cancel what has not started, stop the workers."""
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join(timeout=10)
        self.server.server_close()
        self.runner.close()


def start(loaded: LoadedScenario, scenario_file: Path, *, host: str = "127.0.0.1", port: int = 8050,
          workers: int = 2, reps: int = 10, seed: int | None = None, lang: str = "zh",
          save_dir: Path = Path("scenarios_saved"), images: bool = False, in_thread: bool = False,
          say: Callable[[str], None] = lambda _: None) -> ExploreServer:
    """Compute the base scenario's replications, then bind the web server (port 0: any free port).

    Args:
        loaded: the base scenario.
        scenario_file: its file (saved scenarios ``extends:`` it).
        host: the address to bind (loopback unless the planner says otherwise).
        port: the port (0 picks a free one).
        workers: worker processes for replications.
        reps: replications of base and variant at first.
        seed: root seed (the scenario's if ``None``).
        lang: the page's first language.
        save_dir: the only folder "save as scenario" writes into.
        images: PNG/SVG charts in the downloaded briefing (needs Chromium).
        in_thread: serve in a background thread (tests, benchmarks) instead of the caller's.
        say: progress messages (the CLI prints them).

    Raises:
        OSError: the address cannot be bound (e.g. the port is in use).
    """
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    explorer = Explorer(loaded, seed)
    sock = bind(host, port)  # first: a busy port fails before any work
    try:
        server = make_server(host, port, None, threaded=True, fd=sock.fileno())
    finally:
        sock.close()  # the server holds its own duplicate
    uncertain, table = declared_draws(loaded, explorer.seed)  # every replication draws them, as talentsim run does
    runner = Runner(loaded.scenario, explorer.seed, workers, explorer.finish, explorer.topics,
                    uncertain=uncertain, parameter_draws=table)
    try:
        say(f"simulating the base scenario {loaded.scenario.name}: {reps} replications on {workers} worker(s), "
            f"seed {explorer.seed} …")
        for f in runner.warm(reps):
            f.result()
        settings = Settings(scenario_file=Path(scenario_file), lang=lang, reps=reps, save_dir=Path(save_dir),
                            images=images, host=host)
        app = create_app(explorer, runner, settings)
        server.app = app.server
    except BaseException:
        server.server_close()
        runner.close()
        raise
    url = f"http://{host if ':' not in host else '[' + host + ']'}:{server.port}/"
    srv = ExploreServer(url=url, server=server, runner=runner, explorer=explorer)
    if in_thread:
        srv.thread = threading.Thread(target=server.serve_forever, name="explore-http", daemon=True)
        srv.thread.start()
    return srv


__all__ = ["ExploreServer", "bind", "start"]
