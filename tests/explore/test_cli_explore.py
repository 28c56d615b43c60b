"""``talentsim explore``: bad input exits 2 before anything is simulated; another host is warned about."""

from __future__ import annotations

import socket

import pytest

from simulate.cli.main import main


def test_help_lists_the_options(capsys):
    assert main(["explore", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--workers", "--lang", "--reps", "--save-dir"):
        assert option in out


@pytest.mark.parametrize("args", [["--lang", "fr"], ["--reps", "41"], ["--reps", "0"], ["no_such_file.yaml"]])
def test_bad_options_exit_2(args, capsys):
    assert main(["explore", *args]) == 2


def test_a_busy_port_exits_2_without_simulating(short_file, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["explore", str(short_file), "--port", str(port), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert f"cannot serve on 127.0.0.1:{port}" in err and "Traceback" not in err


def test_another_host_is_warned_about(short_file, monkeypatch, capsys):
    import simulate.explore.server as server

    def refuse(*args, **kwargs):
        raise OSError(99, "Cannot assign requested address")

    monkeypatch.setattr(server, "start", refuse)
    assert main(["explore", str(short_file), "--host", "0.0.0.0"]) == 2
    assert "warning: serving on 0.0.0.0" in capsys.readouterr().err


def test_explore_opens_on_the_default_scenario(tmp_path):
    import urllib.request

    from simulate.cli.explore import base_scenario_file
    from simulate.explore.server import start
    from simulate.scenario import load_scenario

    default = base_scenario_file(None)
    assert default.name == "jiangxi_baseline.yaml"
    srv = start(load_scenario(default), default, port=0, workers=1, reps=1, save_dir=tmp_path,
                in_thread=True)
    try:
        assert srv.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(srv.url, timeout=30) as page:
            assert page.status == 200 and "talentsim explore" in page.read().decode("utf-8")
        with urllib.request.urlopen(srv.url + "_dash-layout", timeout=30) as layout:
            assert "per_student_funding.secondary" in layout.read().decode("utf-8")
    finally:
        srv.close()
