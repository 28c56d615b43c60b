"""Compiled kernels against the readable numpy rules they fuse, on the records of a simulated world.

January's school budget counts, per school, the teachers the practice rule would send, the certification
candidates and the teachers at retirement age in one compiled pass (``steps._january_counts``); the rules
themselves are written out in numpy in :mod:`simulate.policy.teacher_practice` (``practice_need``,
``certification_need``) and :func:`simulate.agents.teachers.at_least`. These tests hold the kernel to them on
a world after several simulated years (mixed practice histories, hires, leavers, part-time teachers), so an
edit to a rule that is not carried into the kernel fails here instead of silently shifting budgets.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulate import steps
from simulate.agents import teachers as tch
from simulate.engine import simulate_replication
from simulate.policy import teacher_practice


@pytest.fixture(scope="module")
def world(small_scenario):
    return simulate_replication(small_scenario, 3, 1).world


@pytest.mark.parametrize("required", [1, 6, 12])
@pytest.mark.parametrize("ages", [(55.0, 60.0), (57.5, 57.5), (np.inf, 60.0)])
def test_january_counts_equal_the_numpy_rules(world, required, ages):
    t, n = world.teachers, world.schools.n
    window, slot = 4, (world.year - 1) % tch.WINDOW
    whole_f, whole_m = np.floor(ages[0]), np.floor(ages[1])
    need, cand, retiring = steps._january_counts(
        t.practice, tch.window_rows(window, slot), t.school, t.active, t.part_time, t.professional, t.dual,
        t.service, t.early_practice, t.age, t.female, required, tch.at_least_threshold(whole_f),
        tch.at_least_threshold(whole_m), n)
    months = t.practice_months(window, slot)
    specialty = t.active & ~t.part_time & t.professional
    np.testing.assert_array_equal(need, teacher_practice.practice_need(t, months, required, 1.0, n, specialty))
    np.testing.assert_array_equal(cand, teacher_practice.certification_need(t, months, required, 1.0, n, specialty))
    full = t.active & ~t.part_time
    old = np.where(t.female, tch.at_least(t.age, whole_f), tch.at_least(t.age, whole_m)) & full
    np.testing.assert_array_equal(retiring, np.bincount(t.school[old], minlength=n))
    assert need.sum() > 0 and retiring.sum() > 0  # the rules select someone: the comparison is not vacuous
    assert cand.sum() > 0 or required == 12  # nobody has a year's practice in the window
