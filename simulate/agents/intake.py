"""Applicants (报名/生源): who knocks on each level's door in September, from the school-age cohort.

Pure functions of the validated scenario and the calendar year; the engine calls :func:`applicants`
in September and admits them within the schools' plans. The same equations, in expected value, are
:mod:`simulate.fitting.model`'s, so values fitted there mean the same here.

* junior-secondary graduates (初中毕业生) of year *y* = national births of *y* − ``cohort_lag`` ×
  ``junior_per_birth`` (*y*) × ``province_share`` (*y*): the cohort follows the births series, so
  the fall from 17.86 million births (2016) to 9.02 million (2023) reaches vocational schools from
  about 2032;
* secondary vocational (中职) applicants = graduates × ``vocational_share`` × (1 − technical share);
  technical schools (技工) the rest of the vocational share;
* external applicants to higher vocational (高职) = ``higher_external_rate`` × graduates of
  *y* − ``higher_external_lag`` who did not enter vocational school (the general track and others);
  graduates of secondary schools who progress apply on top (the engine adds them);
* four-year vocational undergraduate (职业本科) external applicants as given.
"""

from __future__ import annotations

import numpy as np

from simulate.scenario.schema import Scenario


def junior_graduates(sc: Scenario, year: int) -> float:
    """Junior-secondary graduates of the region in ``year`` (persons, before ``sc.scale``)."""
    it = sc.region.intake
    return (it.national_births.at(year - it.cohort_lag) * it.junior_per_birth.at(year)
            * it.province_share.at(year))


def applicants(sc: Scenario, year: int) -> np.ndarray:
    """External applicants per level in :data:`~simulate.scenario.schema.LEVELS` order, × ``sc.scale``.

    "External" excludes graduates of a modelled level progressing to the next one (secondary →
    高职 → 职业本科), whom the engine counts from its own graduates.
    """
    it = sc.region.intake
    secondary = junior_graduates(sc, year) * it.vocational_share.at(year)
    technical = it.technical_share_of_secondary.at(year)
    left = year - it.higher_external_lag
    non_vocational = junior_graduates(sc, left) * (1.0 - it.vocational_share.at(left))
    return np.array([
        secondary * (1.0 - technical),
        secondary * technical,
        it.higher_external_rate.at(year) * non_vocational,
        it.undergraduate_external_applicants,
    ]) * sc.scale


__all__ = ["applicants", "junior_graduates"]
