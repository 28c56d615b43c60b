"""The engine freezes the heap only while replications run, and gives it back."""

from __future__ import annotations

import gc

import pytest

from simulate.engine import _heap_frozen


def test_the_heap_is_frozen_only_inside_and_nesting_keeps_it_frozen():
    assert gc.get_freeze_count() == 0
    with _heap_frozen():
        outer = gc.get_freeze_count()
        assert outer > 0
        with _heap_frozen():
            pass
        assert gc.get_freeze_count() >= outer  # the inner block did not unfreeze the outer one
    assert gc.get_freeze_count() == 0


def test_an_error_inside_still_unfreezes():
    with pytest.raises(RuntimeError), _heap_frozen():
        raise RuntimeError("boom")
    assert gc.get_freeze_count() == 0


def test_a_callers_own_freeze_is_kept():
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with _heap_frozen():
            pass
        assert gc.get_freeze_count() >= before  # not unfrozen by the replication
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
