"""Compiled kernels for the engine's hot loops (numba).

The engine keeps agent state in numpy arrays and steps them with whole-array operations. Where one step
is a chain of a dozen numpy passes over the same array (a hash, a running sum that stops early, a count
per group), each pass allocates a temporary and pays numpy's per-call overhead: on the engine's array
sizes (a few hundred to ~80,000 elements) that overhead, not the arithmetic, was most of a replication's
time. A kernel compiled with numba does the chain in one pass over the data with no temporaries.

Rules for a kernel, so results stay exactly those of the numpy form it replaces:

* the same floating-point operations in the same order (numba does not reassociate or contract without
  ``fastmath``, which is never set here); no transcendental functions whose last bit may differ from
  numpy's own SIMD implementations (exp, log, pow are computed by numpy and passed in);
* integer arithmetic only where the numpy form was integer (hashes, counts);
* no randomness inside a kernel: draws stay keyed uniforms from :mod:`simulate.streams`;
* a kernel reads only globals of its own module (and calls only kernels of its own module): numba's cache
  bakes globals in as constants and checks only the kernel's own source file, so a constant or kernel changed
  in another module would leave the cached machine code stale. Constants from elsewhere are arguments
  (e.g. :data:`simulate.agents.enterprises.KERNEL_STATES`); ``tests/test_style.py`` checks the rule.

``cache=True`` writes the compiled machine code beside the module (``__pycache__``), so only the first
run on a machine compiles (a few seconds); later processes, including sweep workers, load it.
"""

from __future__ import annotations

import numba

jit = numba.njit(cache=True, nogil=True)
"""The decorator for engine kernels: compiled, cached on disk, releasing the GIL (threaded sweep workers)."""
