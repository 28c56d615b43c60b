"""The lever registry: every lever has one module that documents where it acts, and docs/levers.md is current."""

from __future__ import annotations

from pathlib import Path

from simulate.policy import levers
from simulate.report.levers_doc import levers_markdown
from simulate.results.indicators import INDICATORS
from simulate.scenario.schema import Levers

ROOT = Path(__file__).resolve().parents[2]


def test_every_lever_of_the_schema_has_exactly_one_module():
    paths = [lv.path for lv in levers()]
    assert sorted(paths) == sorted(Levers.model_fields)
    assert len({lv.module for lv in levers()}) == len(paths)


def test_registry_names_real_indicators_and_parameters(baseline_dict):
    for lv in levers():
        assert lv.clauses and lv.acts and lv.indicators, lv.path
        assert set(lv.indicators) <= set(INDICATORS), lv.path
        for p in lv.parameters:
            node = baseline_dict
            for key in p.split("."):
                assert key in node, (lv.path, p)
                node = node[key]


def test_docs_levers_md_is_generated_from_the_registry(baseline):
    assert (ROOT / "docs" / "levers.md").read_text(encoding="utf-8") == levers_markdown(baseline)
