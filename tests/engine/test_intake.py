"""Applicants follow the school-age cohort: births → junior graduates → the general/vocational split."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from simulate.agents.intake import applicants, junior_graduates
from simulate.scenario import Scenario


def test_applicants_closed_form(small_base_dict):
    d = copy.deepcopy(small_base_dict)
    d["region"]["intake"].update(national_births={2000: 1000.0, 2010: 2000.0}, cohort_lag=15, junior_per_birth=1.1,
                                 province_share=0.5, vocational_share={2020: 0.4, 2030: 0.3},
                                 technical_share_of_secondary=0.25, higher_external_rate=0.2, higher_external_lag=3,
                                 undergraduate_external_applicants=10.0)
    d["scale"] = 2.0
    sc = Scenario.model_validate(d)
    assert junior_graduates(sc, 2024) == pytest.approx(1000 * 1.1 * 0.5)  # born 2009: the 2000 step holds
    assert junior_graduates(sc, 2025) == pytest.approx(2000 * 1.1 * 0.5)
    a = applicants(sc, 2030)  # graduates of 2030 (born 2015) and of 2027 (born 2012) who did not go vocational
    j = 2000 * 1.1 * 0.5
    np.testing.assert_allclose(a, 2.0 * np.array([j * 0.3 * 0.75, j * 0.3 * 0.25, 0.2 * j * (1 - 0.4), 10.0]))


def test_the_births_fall_reaches_secondary_applicants(baseline):
    """Baseline: secondary-vocational applicants 2035 / 2030 = births 2020 / 2015 × drift of ratio and shares."""
    sc = baseline.scenario
    it = sc.region.intake
    a, b = 2030, 2035
    births = it.national_births.at(b - 15) / it.national_births.at(a - 15)
    assert births == pytest.approx(12020000 / 16550000)
    drift = (it.junior_per_birth.at(b) / it.junior_per_birth.at(a)
             * it.vocational_share.at(b) / it.vocational_share.at(a)
             * (1 - it.technical_share_of_secondary.at(b)) / (1 - it.technical_share_of_secondary.at(a)))
    ratio = applicants(sc, b)[0] / applicants(sc, a)[0]
    assert ratio == pytest.approx(births * drift, rel=1e-9)
    assert ratio < 0.8  # about a quarter fewer: the school-age cohort is not flat
