"""repr(x) and str(x) against NumPy's: the text between ``devarray.ndarray(`` and the metadata
is NumPy's ``array2string(h, separator=', ', prefix='devarray.ndarray(')`` of the same values
(the layout NumPy's repr uses, with our prefix's width), and ``str(x) == str(h)``; print options
mirror NumPy's."""

from __future__ import annotations

import math
import re
import sys

import ml_dtypes
import numpy as np
import pytest

import devarray as dv

PREFIX = "devarray.ndarray("
META = re.compile(r",(?: |\n {%d})shape=\(.*\), dtype=\w+, device=[\w:-]+\)$" % len(PREFIX), re.S)

RNG = np.random.default_rng(17)
FLOATS = [np.float64, np.float32, np.float16, ml_dtypes.bfloat16]


def _body(r: str) -> str:
    assert r.startswith(PREFIX), r
    m = META.search(r)
    assert m, r
    return r[len(PREFIX) : m.start()]


def _numpy_body(h: np.ndarray) -> str:
    return np.array2string(h, separator=", ", prefix=PREFIX, suffix=",")


def _check(h: np.ndarray, device) -> None:
    x = dv.asarray(h, device=device)
    assert _body(repr(x)) == _numpy_body(h)
    assert str(x) == str(h)


def _cases():
    with np.errstate(all="ignore"):
        for dt in FLOATS + [np.int64, np.int8, np.uint8, np.uint64, np.bool_]:
            name = np.dtype(dt).name
            for n in (0, 1, 10, 1001):
                yield f"{name}-{n}", (RNG.standard_normal(n) * 50).astype(dt)
            yield f"{name}-100x100", (RNG.standard_normal((100, 100)) * 50).astype(dt)
            yield f"{name}-0d", np.array(2.5 if dt in FLOATS else 1, dtype=dt)
            yield f"{name}-3d", (RNG.standard_normal((2, 3, 4)) * 10).astype(dt)
            yield f"{name}-3d-big", (RNG.standard_normal((11, 10, 12)) * 10).astype(dt)
            yield f"{name}-0x3", np.zeros((0, 3), dtype=dt)
        for dt in FLOATS:
            name = np.dtype(dt).name
            special = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0]
            yield f"{name}-nan-inf", np.array(special, dtype=dt)
            yield f"{name}-only-nan", np.array([np.nan, np.nan], dtype=dt)
            yield f"{name}-neg-inf", np.array([-np.inf, 1.5], dtype=dt)
            yield f"{name}-negzero", np.array([-0.0, 0.5], dtype=dt)
            yield f"{name}-tiny", np.array([1e-30, 1.0, 3e-8], dtype=dt)
            yield f"{name}-huge", np.array([1e30, 1.0, -2.5e20], dtype=dt)
            yield f"{name}-ratio", np.array([1.0, 1000.0, 1001.0], dtype=dt)
            yield f"{name}-1e-4", np.array([1e-4], dtype=dt)
            yield f"{name}-thirds", (np.arange(40) / 7).astype(dt)
            yield f"{name}-wide", (RNG.standard_normal(30) * 10.0 ** RNG.integers(-12, 12, 30)).astype(dt)
            yield f"{name}-0d-tiny", np.array(1e-30, dtype=dt)
            yield f"{name}-0d-nan", np.array(np.nan, dtype=dt)
            yield f"{name}-0d-negzero", np.array(-0.0, dtype=dt)
            yield f"{name}-0d-1e5", np.array(123456.0, dtype=dt)
        yield "int64-extremes", np.array([-(2**63), 2**63 - 1, 0])
        yield "uint64-max", np.array([0, 2**64 - 1], dtype=np.uint64)
        yield "bool-0d-false", np.array(False)


CASES = dict(_cases())


@pytest.mark.parametrize("name", list(CASES))
def test_repr_and_str_match_numpy(name, device):
    _check(CASES[name], device)


def test_non_contiguous_views_print_their_values(device):
    h = np.arange(2000.0).reshape(40, 50)
    x = dv.asarray(h, device=device)
    assert _body(repr(x.T[::-1, 3:])) == _numpy_body(h.T[::-1, 3:])
    assert str(x[:, ::-7]) == str(h[:, ::-7])


def test_metadata_goes_to_its_own_line_when_the_last_line_is_full(device):
    h = np.arange(17.0) * 1.5
    r = repr(dv.asarray(h, device=device))
    assert _body(r) == _numpy_body(h)
    last = r.split("\n")[-1]
    assert last.startswith(" " * len(PREFIX) + "shape=(17,)"), r
    r = repr(dv.asarray([1.0, 2.0], device=device))
    assert r == f"devarray.ndarray([1., 2.], shape=(2,), dtype=float64, device={device})"


@pytest.mark.parametrize(
    "opts",
    [
        dict(threshold=5),
        dict(threshold=5, edgeitems=1),
        dict(precision=3),
        dict(precision=0),
        dict(linewidth=30),
        dict(suppress=True),
        dict(suppress=True, precision=4),
        dict(edgeitems=0, threshold=3),
        dict(threshold=sys.maxsize),
        dict(threshold=math.inf),
        dict(threshold=0),
    ],
    ids=repr,
)
def test_print_options_mirror_numpy(opts, device):
    arrays = [
        RNG.standard_normal(20) * 1e-3,
        RNG.standard_normal((12, 13)),
        np.arange(1001.0),
        (RNG.standard_normal(10) * 1e-7).astype(np.float32),
        np.arange(25, dtype=np.int16).reshape(5, 5),
    ]
    with dv.printoptions(**opts) as inside, np.printoptions(**opts):
        assert {k: inside[k] for k in opts} == opts
        for h in arrays:
            _check(h, device)


def test_set_get_printoptions_round_trip():
    before = dv.get_printoptions()
    assert before == {"edgeitems": 3, "threshold": 1000, "precision": 8, "linewidth": 75, "suppress": False}
    try:
        dv.set_printoptions(precision=2, linewidth=40)
        assert dv.get_printoptions()["precision"] == 2 and dv.get_printoptions()["linewidth"] == 40
        assert dv.get_printoptions()["threshold"] == 1000  # untouched
        assert str(dv.asarray([1 / 3])) == "[0.33]"
        with dv.printoptions(precision=5):
            assert str(dv.asarray([1 / 3])) == "[0.33333]"
        assert str(dv.asarray([1 / 3])) == "[0.33]"
    finally:
        dv.set_printoptions(**before)
    assert dv.get_printoptions() == before


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        (dict(precision=-1), ValueError),
        (dict(precision=1.5), TypeError),
        (dict(threshold=math.nan), ValueError),
        (dict(threshold="10"), TypeError),
        (dict(edgeitems=-2), ValueError),
        (dict(linewidth="wide"), TypeError),
    ],
    ids=repr,
)
def test_bad_print_options_are_refused(kwargs, exc):
    before = dv.get_printoptions()
    with pytest.raises(exc):
        dv.set_printoptions(**kwargs)
    assert dv.get_printoptions() == before


def test_printing_is_a_guarded_read(device):
    big = dv.arange(5000, device=device)
    with dv.transfer_guard("disallow"):
        with pytest.raises(dv.TransferGuardError):
            repr(big)
        with pytest.raises(dv.TransferGuardError):
            str(big)
    assert _body(repr(big)) == _numpy_body(np.arange(5000))
