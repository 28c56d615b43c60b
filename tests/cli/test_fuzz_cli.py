"""Fuzz: ≥1,000 generated malformed scenario files never give a traceback or partial output."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulate.cli.main import ExitStatus, main

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "jiangxi_baseline.yaml"

KEYS = ["levers", "apprenticeship_share", "per_student_funding", "secondary", "horizon", "base_year", "seed",
        "region", "behaviour", "name", "scale", "ramp", "from_year", "value", "source", "extends", "surcharge_credit",
        "rate", "eligibility", "x", "levelz", "2019"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=8), st.sampled_from(["yes", "~", "1e999", "-.inf", "0x1F"]))
trees = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                     st.dictionaries(st.sampled_from(KEYS), kids, max_size=3)),
                     max_leaves=8)
raw_bytes = st.one_of(
    st.binary(max_size=64),
    st.sampled_from([b"a: &x [1]\nb: *x\n", b"\xff\xfe\x00bad", b"a: b: c", b"- just\n- a list\n", b"",
                     b"levers: {apprenticeship_share: 0.5, apprenticeship_share: 0.6}\n", b"{" * 50]),
)


def run_quietly(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, err.getvalue()


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(doc=st.one_of(trees.map(lambda t: yaml.safe_dump({"extends": str(BASELINE), "levers": t})
                               .encode("utf-8")),
                     trees.map(lambda t: yaml.safe_dump(t).encode("utf-8")),
                     raw_bytes))
def test_fuzzed_scenarios_fail_cleanly(doc, tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    path = d / "fuzz.yaml"
    path.write_bytes(doc)
    status, err = run_quietly(["validate", str(path)])
    assert "Traceback" not in err
    if status != ExitStatus.OK:
        assert status == ExitStatus.BAD_INPUT, err
        assert "error:" in err
        out = d / "out"
        status_run, err_run = run_quietly(["run", str(path), "--out", str(out)])
        assert status_run == ExitStatus.BAD_INPUT and "Traceback" not in err_run
        assert not out.exists()
