"""Compiled kernels against the numpy forms they replaced, on the same inputs.

:func:`simulate.agents.cohorts.advance` takes its compiled path for the engine's layout (C-ordered int64 counts)
and the numpy path for any other layout; both must give the same dropouts, graduates and remaining students,
draw for draw (the keyed uniforms make the draws a function of the rows, not of the path).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulate.agents.cohorts import advance
from simulate.streams import Streams


@pytest.mark.parametrize("seed", range(6))
def test_advance_compiled_equals_numpy_path(seed):
    rng = np.random.default_rng(seed)
    n_s, n_m, n_g, n_t = 7, 5, 4, 2
    students = rng.integers(0, 60, (n_s, n_m, n_g, n_t)) * (rng.random((n_s, n_m, 1, 1)) < 0.6)
    final = rng.integers(1, n_g, n_s)
    students = students * (np.arange(n_g)[None, None, :, None] <= final[:, None, None, None])  # grades in programme
    before = int(students.sum())
    dropout = rng.uniform(0.0, 0.3, (n_s, n_t)) if seed % 2 else rng.uniform(0.0, 0.3, n_s)
    streams = Streams(seed, 0)

    def uniform(idx):
        return streams.uniform_at(2024, "july", "dropout", idx)

    c = np.array(students, np.int64, order="C")
    f = np.asfortranarray(students.astype(np.int64))
    assert c.flags.c_contiguous and not f.flags.c_contiguous
    a = advance(c, final, dropout, uniform=uniform)
    b = advance(f, final, dropout, uniform=uniform)
    assert a.dropouts.sum() > 0
    np.testing.assert_array_equal(a.dropouts, b.dropouts)
    np.testing.assert_array_equal(a.graduates, b.graduates)
    np.testing.assert_array_equal(c, f)
    # people are conserved on both paths: before = after + dropouts + graduates
    assert before == c.sum() + a.dropouts.sum() + a.graduates.sum()
