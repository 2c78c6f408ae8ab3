"""Hostile inputs answered at the root, in the Rust core (issue 10 §2, items 1-3 and 11):
slice steps near ±2**63, element counts and dimension counts that overflow, overlapping copies
between two imports of one memory, and read-only imports whose views must stay read-only.

NumPy is the oracle where it has an answer; otherwise the exception type is asserted."""

from __future__ import annotations

import numpy as np
import pytest

import devarray as dv

BIG = 2**63 - 1


# ----- 1. slice steps near ±2**63 -----------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        slice(None, 2, BIG),
        slice(None, None, BIG),
        slice(None, None, -BIG),
        slice(None, None, -(2**63)),
        slice(-(2**63), BIG, BIG - 1),
        slice(BIG, -(2**63), -(2**63)),
        slice(None, 2**70),
        slice(-(2**70), 2, 2**80),
        slice(None, None, -(2**90)),
        slice(2**64, None, -1),
    ],
    ids=repr,
)
def test_extreme_slice_steps_match_numpy(device, key):
    h = np.arange(6.0)
    x = dv.asarray(h, device=device)
    assert x[key].shape == h[key].shape
    np.testing.assert_array_equal(dv.asnumpy(x[key]), h[key])
    # The write touches exactly the elements NumPy's does (it used to segfault or do nothing).
    x[key] = -1.0
    h = h.copy()
    h[key] = -1.0
    np.testing.assert_array_equal(dv.asnumpy(x), h)


def test_sliced_huge_step_then_sliced_again(device):
    x = dv.arange(24, device=device).reshape(2, 3, 4)
    h = np.arange(24).reshape(2, 3, 4)
    assert x[:: 2**63 - 1].shape == h[:: 2**63 - 1].shape == (1, 3, 4)
    assert x[:: 2**63 - 1][1:].shape == h[:: 2**63 - 1][1:].shape == (0, 3, 4)
    assert x[::-(2**63)].tolist() == h[::-(2**63)].tolist()
