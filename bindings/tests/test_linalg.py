"""Matrix products and matrix views (``@``, ``matmul``, ``tensordot``, ``vecdot``,
``devarray.linalg``, and NumPy's functions dispatched to them), with NumPy as the oracle."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
from conftest import INT_DTYPES, assert_matches

import devarray as dv

RNG = np.random.default_rng(7)


def host(shape, dtype="float64"):
    """Well-conditioned test values of ``dtype``: small integers for integer dtypes, values in
    [-1, 1) for floats."""
    if dtype == "bool":
        return RNG.random(shape) < 0.5
    if np.dtype(dtype).kind in "iu":
        return RNG.integers(0, 5, size=shape).astype(dtype)
    return (RNG.random(shape) * 2 - 1).astype(dtype)


SHAPES = [
    ((1, 1), (1, 1)),
    ((2, 3), (3, 4)),
    ((33, 17), (17, 65)),
    ((3,), (3,)),  # 1-D @ 1-D: a 0-d result
    ((3,), (3, 2)),
    ((2, 3), (3,)),
    ((4, 2, 3), (3, 5)),  # a stack @ a matrix
    ((2, 1, 2, 3), (4, 3, 2)),  # batch broadcasting
    ((4, 1, 2, 3), (1, 5, 3, 2)),  # batches that cannot merge into one stride
    ((0, 3), (3, 4)),
    ((2, 0), (0, 4)),  # k == 0: zeros
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_matmul_matches_numpy(device, dtype, shapes):
    a, b = host(shapes[0], dtype), host(shapes[1], dtype)
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    assert_matches(x @ y, a @ b)
    assert_matches(dv.matmul(x, y), np.matmul(a, b))
    assert_matches(np.matmul(x, y), a @ b)  # __array_ufunc__


@pytest.mark.parametrize("dtype", [*INT_DTYPES, "bool"])
def test_integer_and_bool_matmul_exact(device, dtype):
    a, b = host((5, 7), dtype), host((7, 3), dtype)
    assert_matches(dv.asarray(a, device=device) @ dv.asarray(b, device=device), a @ b)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "uint64"])
def test_integer_matmul_wraps_like_numpy(device, dtype):
    info = np.iinfo(dtype)
    a = np.array([[info.max, info.max, 3]], dtype=dtype)
    b = np.array([[info.max], [2], [info.max]], dtype=dtype)
    assert_matches(dv.asarray(a, device=device) @ dv.asarray(b, device=device), a @ b)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_matmul_accumulates_in_float32(device, dtype):
    np_dtype = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.float16
    a = host((9, 300), "float32").astype(np_dtype)
    b = host((300, 5), "float32").astype(np_dtype)
    got = (dv.asarray(a, device=device) @ dv.asarray(b, device=device)).get()
    assert got.dtype == np_dtype
    # The float32 product of the same 16-bit inputs, rounded once: a float16 accumulator would
    # be off by far more than the rounding of the result.
    want = (a.astype(np.float32) @ b.astype(np.float32)).astype(np_dtype).astype(np.float64)
    tol = 2.0**-10 if dtype == "float16" else 2.0**-7
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=tol, atol=tol)
    ones = dv.ones((1, 4096), dtype=getattr(dv, dtype), device=device)
    assert (ones @ ones.mT).item() == 4096.0  # a float16 sum stalls at 2048


def test_strided_and_mixed_operands(device):
    a, b = host((6, 5)), host((5, 8))
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    assert_matches(x.T.T @ y, a @ b)
    assert_matches(x[::-1, ::-1] @ y[:, ::2], a[::-1, ::-1] @ b[:, ::2])
    assert_matches(dv.asarray(a.T.copy(), device=device).T @ y, a @ b)
    row = dv.broadcast_to(x[:1], (6, 5))
    assert_matches(row @ y, np.broadcast_to(a[:1], (6, 5)) @ b)
    i = dv.asarray(np.arange(15, dtype=np.int32).reshape(5, 3), device=device)
    assert_matches(x @ i, a @ np.arange(15, dtype=np.int32).reshape(5, 3))  # promotes to float64


def test_inplace_matmul(device):
    a, s = host((3, 4)), host((4, 4))
    x = dv.asarray(a, device=device)
    x @= dv.asarray(s, device=device)
    assert_matches(x, a @ s)
    with pytest.raises(ValueError, match="does not fit"):
        x @= dv.asarray(host((4, 2)), device=device)
    ints = dv.asarray(np.ones((2, 2), dtype=np.int32), device=device)
    with pytest.raises(TypeError, match="same_kind"):
        ints @= dv.asarray(host((2, 2)), device=device)


def test_matmul_errors(device):
    x = dv.asarray(host((2, 3)), device=device)
    with pytest.raises(ValueError, match=r"\[2, 3\].*\[2, 3\]"):
        x @ x
    with pytest.raises(ValueError, match="0-d"):
        dv.matmul(x, dv.asarray(1.0, device=device))
    with pytest.raises(ValueError, match="batch"):
        dv.ones((2, 2, 2), device=device) @ dv.ones((3, 2, 2), device=device)
    with pytest.raises(TypeError):
        x @ 2
    with pytest.raises(TypeError):
        2 @ x
    with pytest.raises(TypeError, match="asarray|numpy"):
        x @ np.ones((3, 2))


@pytest.mark.parametrize(
    "shapes, axes",
    [
        (((2, 3, 4), (4, 3, 5)), ([1, 2], [1, 0])),
        (((2, 3, 4), (3, 4, 5)), 2),
        (((2, 3), (3, 2)), 1),
        (((2, 3), (4,)), 0),
        (((3, 4), (4, 3)), ([0], [1])),
        (((3, 4), (4, 3)), (1, 0)),  # single ints in the pair, as NumPy allows
    ],
    ids=str,
)
def test_tensordot_matches_numpy(device, shapes, axes):
    a, b = host(shapes[0]), host(shapes[1])
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    want = np.tensordot(a, b, axes=axes)
    assert_matches(dv.tensordot(x, y, axes=axes), want)
    assert_matches(np.tensordot(x, y, axes=axes), want)
    assert_matches(dv.linalg.tensordot(x, y, axes=axes), want)


def test_tensordot_default_and_errors(device):
    a, b = host((2, 3, 4)), host((3, 4, 5))
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    assert_matches(dv.tensordot(x, y), np.tensordot(a, b))
    with pytest.raises(ValueError):
        dv.tensordot(x, y, axes=([0], [0]))  # lengths 2 and 3
    with pytest.raises(ValueError):
        dv.tensordot(x, y, axes=([0, 1], [0]))
    with pytest.raises(TypeError):
        dv.tensordot(x, y, axes="last")


def test_vecdot_dot_inner_outer(device):
    a, b = host((4, 3)), host((3,))
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    assert_matches(dv.vecdot(x, y), np.sum(a * b, axis=-1))
    assert_matches(dv.vecdot(x, x, axis=0), np.sum(a * a, axis=0))
    assert_matches(dv.linalg.vecdot(x, y), np.sum(a * b, axis=-1))
    if hasattr(np, "vecdot"):
        assert_matches(np.vecdot(x, y), np.vecdot(a, b))
    c = host((3, 5))
    z = dv.asarray(c, device=device)
    assert_matches(np.dot(x, z), np.dot(a, c))
    assert_matches(np.dot(y, y), np.dot(b, b))
    assert_matches(np.dot(x, y), np.dot(a, b))
    d = host((2, 5, 3))
    assert_matches(np.dot(dv.asarray(d, device=device), z), np.dot(d, c))  # N-D dot
    assert_matches(np.inner(x, x), np.inner(a, a))
    assert_matches(np.outer(y, x), np.outer(b, a))
    assert_matches(dv.linalg.outer(y, y), np.outer(b, b))
    with pytest.raises(ValueError, match="1-D"):
        dv.linalg.outer(x, y)
    with pytest.raises(ValueError):
        dv.vecdot(x, dv.asarray(host((4,)), device=device))


def test_diagonal_trace_and_namespace(device):
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    x = dv.asarray(a, device=device)
    for offset in (0, 1, -1, 3, -3, 9):
        assert_matches(dv.linalg.diagonal(x, offset=offset), np.linalg.diagonal(a, offset=offset))
        assert_matches(np.diagonal(x, offset, 0, 2), np.diagonal(a, offset, 0, 2))
        assert_matches(dv.linalg.trace(x, offset=offset), np.linalg.trace(a, offset=offset))
    assert_matches(np.trace(x), np.trace(a))
    assert_matches(dv.linalg.trace(x, dtype=dv.float32), np.linalg.trace(a, dtype=np.float32))
    assert_matches(np.linalg.matmul(x, x.mT), a @ a.transpose(0, 2, 1))
    assert_matches(dv.linalg.matrix_transpose(x), a.transpose(0, 2, 1))
    # The diagonal is a view that writes through.
    m = dv.zeros((3, 3), device=device)
    dv.linalg.diagonal(m)[...] = 1.0
    assert_matches(m, np.eye(3))
    # The extension now holds the decompositions, solvers and norms too.
    assert {"matmul", "tensordot", "vecdot", "outer", "diagonal", "trace", "matrix_transpose"} <= set(dir(dv.linalg))
    assert {"cholesky", "qr", "svd", "inv", "solve", "det", "vector_norm", "matrix_norm"} <= set(dv.linalg.__all__)


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),  # implicit output
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),  # trace
    ("iij->ji", [(3, 3, 2)]),
    ("i,i->", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,ij->i", [(2, 3), (2, 3)]),
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]),
    ("bij,jk->bik", [(5, 2, 3), (3, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (4, 3, 2)]),
    ("...ij,...jk", [(2, 2, 3), (3, 2)]),
    ("i...->...", [(3, 2, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ab,bc,cd,de->ae", [(8, 2), (2, 8), (8, 2), (2, 8)]),  # the order matters for cost
    ("ijk,jl,kl->il", [(2, 3, 4), (3, 5), (4, 5)]),
    ("ij,kl->ijkl", [(2, 3), (4, 5)]),
    ("ij,j->i", [(3, 4), (4,)]),
    ("ij,i->", [(1, 4), (3,)]),  # a length-1 axis broadcasts against its label
    ("ba,ab->", [(3, 2), (2, 3)]),
]


@pytest.mark.parametrize("subscripts, shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_matches_numpy(device, subscripts, shapes):
    arrays = [host(s) for s in shapes]
    xs = [dv.asarray(a, device=device) for a in arrays]
    want = np.einsum(subscripts, *arrays)
    assert_matches(dv.einsum(subscripts, *xs), want)
    assert_matches(np.einsum(subscripts, *xs, optimize=True), want)


def test_einsum_dtypes_and_errors(device):
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    x = dv.asarray(a, device=device)
    assert_matches(dv.einsum("ij->", x), np.einsum("ij->", a))  # int32 stays int32, as NumPy
    assert_matches(dv.einsum("ij,jk->ik", x, dv.asarray(a.T.astype(np.float32), device=device)), np.einsum("ij,jk->ik", a, a.T.astype(np.float32)))
    for bad, operands in [
        ("ij,jk->ik", [x]),  # two subscripts, one operand
        ("ijk->", [x]),  # three labels for two axes
        ("ij->k", [x]),  # output label from nowhere
        ("ij->ii", [x]),  # repeated output label
        ("i1->", [x]),
    ]:
        with pytest.raises(ValueError):
            dv.einsum(bad, *operands)
    with pytest.raises(ValueError):
        dv.einsum("ij,ij->", x, dv.ones((2, 4), device=device))  # j: 3 and 4
    with pytest.raises(ValueError):
        dv.einsum("ii->i", x)  # a diagonal of a non-square pair
