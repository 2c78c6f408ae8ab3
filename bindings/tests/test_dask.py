"""devarray arrays as Dask chunks: graphs compute to NumPy's answers with devarray results, under
the transfer guard's "disallow" level (so Dask never converts a chunk through NumPy), with
chunks pickled and sent between processes, and on a dask.distributed LocalCluster."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import devarray as dv

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

RNG = np.random.default_rng(7)
XN = RNG.standard_normal((12, 10))
# One row with a NaN for the nan-reductions; every column keeps a number.
XN_NAN = XN.copy()
XN_NAN[3, ::2] = np.nan


def _sync():
    return dask.config.set(scheduler="synchronous")


def _check(result, expected, rtol=1e-12):
    """``result`` is a devarray array (never NumPy) equal to ``expected``."""
    assert isinstance(result, dv.ndarray), type(result)
    got = result.get()
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-12)


@pytest.fixture
def dx():
    return da.from_array(dv.asarray(XN), chunks=(5, 4))


def test_from_array_keeps_devarray_chunks_and_numpy_dtype(dx):
    assert isinstance(dx._meta, dv.ndarray) and dx._meta.shape == (0, 0)
    assert np.dtype(dx.dtype) == np.float64 and dx.dtype == np.float64
    with _sync():
        _check(dx.compute(), XN)


def test_map_blocks_asarray_moves_numpy_chunks_to_the_device():
    d = da.from_array(XN, chunks=(5, 4)).map_blocks(dv.asarray)
    assert isinstance(d._meta, dv.ndarray)
    with _sync():
        _check(d.sum(axis=0).compute(), XN.sum(axis=0))


ELEMENTWISE = [
    ("add scalar", lambda a: a + 1.5, lambda n: n + 1.5),
    ("rsub scalar", lambda a: 2 - a, lambda n: 2 - n),
    ("mul arrays", lambda a: a * a.T.T, lambda n: n * n),
    ("exp", lambda a: da.exp(a), np.exp),
    ("map_blocks dv.exp", lambda a: a.map_blocks(dv.exp), np.exp),
    ("where", lambda a: da.where(a > 0, a, 0.0), lambda n: np.where(n > 0, n, 0.0)),
    ("clip", lambda a: da.clip(a, -0.5, 0.5), lambda n: np.clip(n, -0.5, 0.5)),
    ("round", lambda a: da.round(a, 2), lambda n: np.round(n, 2)),
    ("isnan", lambda a: da.isnan(a), np.isnan),
    ("astype", lambda a: a.astype(np.float32), lambda n: n.astype(np.float32)),
    ("tril", lambda a: da.tril(a, 1), lambda n: np.tril(n, 1)),
    ("triu", lambda a: da.triu(a, -1), lambda n: np.triu(n, -1)),
]


@pytest.mark.parametrize("name,graph,expected", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
def test_elementwise_graphs(dx, name, graph, expected):
    with _sync(), dv.transfer_guard("disallow"):
        result = graph(dx).compute()
    _check(result, expected(XN))


@pytest.mark.parametrize("op", ["sum", "mean", "std", "var", "max", "min", "prod"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_reductions_over_every_axis(dx, op, axis):
    with _sync(), dv.transfer_guard("disallow"):
        result = getattr(dx, op)(axis=axis).compute()
    _check(result, getattr(XN, op)(axis=axis), rtol=1e-10)


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_arg_reductions_over_every_axis(dx, op, axis):
    # Dask combines the blocks' answers with integer-array indexing (vals[inds]), which runs on
    # the device: nothing to refuse under "disallow".
    with _sync(), dv.transfer_guard("disallow"):
        result = getattr(dx, op)(axis=axis).compute()
    _check(result, getattr(XN, op)(axis=axis))


def test_std_with_ddof_and_keepdims(dx):
    with _sync(), dv.transfer_guard("disallow"):
        result = dx.std(axis=0, ddof=1, keepdims=True).compute()
    _check(result, XN.std(axis=0, ddof=1, keepdims=True), rtol=1e-10)


@pytest.mark.parametrize("op", ["nansum", "nanmean", "nanmax", "nanmin", "nanstd", "nanvar", "nanprod"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_nan_reductions(op, axis):
    d = da.from_array(dv.asarray(XN_NAN), chunks=(5, 4))
    with _sync(), dv.transfer_guard("disallow"):
        result = getattr(da, op)(d, axis=axis).compute()
    _check(result, getattr(np, op)(XN_NAN, axis=axis), rtol=1e-10)


@pytest.mark.parametrize("op", ["nanargmax", "nanargmin"])
def test_nan_arg_reductions(op):
    d = da.from_array(dv.asarray(XN_NAN), chunks=(5, 4))
    # Dask's own combine step asks `if np.any(np.isnan(vals))`: a bool() of a device value, an
    # implicit read the guard would refuse, so this graph runs at the default level.
    with _sync():
        result = getattr(da, op)(d, axis=0).compute()
    _check(result, getattr(np, op)(XN_NAN, axis=0))


STRUCTURAL = [
    ("rechunk", lambda a: a.rechunk((3, 10)), lambda n: n),
    ("transpose", lambda a: a.T, lambda n: n.T),
    ("concatenate", lambda a: da.concatenate([a, a[:2]], axis=0), lambda n: np.concatenate([n, n[:2]], axis=0)),
    ("stack", lambda a: da.stack([a, a + 1]), lambda n: np.stack([n, n + 1])),
    ("slice", lambda a: a[1:9:2, ::-3], lambda n: n[1:9:2, ::-3]),
    ("matmul", lambda a: a @ a.T, lambda n: n @ n.T),
    ("einsum", lambda a: da.einsum("ij,kj->ik", a, a), lambda n: np.einsum("ij,kj->ik", n, n)),
    ("tensordot", lambda a: da.tensordot(a, a, axes=([1], [1])), lambda n: np.tensordot(n, n, axes=([1], [1]))),
    ("norm", lambda a: da.linalg.norm(a), lambda n: np.linalg.norm(n)),
    ("diag", lambda a: da.diag(a[0]), lambda n: np.diag(n[0])),
    ("ones_like", lambda a: da.ones_like(a), np.ones_like),
]


@pytest.mark.parametrize("name,graph,expected", STRUCTURAL, ids=[s[0] for s in STRUCTURAL])
def test_structural_and_product_graphs(dx, name, graph, expected):
    with _sync(), dv.transfer_guard("disallow"):
        result = graph(dx).compute()
    _check(result, expected(XN), rtol=1e-10)


def test_boolean_mask(dx):
    # compacted on the device; only each chunk's selected count is read back (an output size,
    # which "disallow" does not refuse)
    with _sync(), dv.transfer_guard("disallow"):
        result = dx[dx > 0.5].compute()
    _check(result, XN[XN > 0.5])


SCANS = [
    ("cumsum raveled", lambda a: a.ravel().cumsum(axis=0), lambda n: n.cumsum()),
    ("cumsum axis 0", lambda a: da.cumsum(a, axis=0), lambda n: np.cumsum(n, axis=0)),
    ("cumprod axis 1", lambda a: da.cumprod(a, axis=1), lambda n: np.cumprod(n, axis=1)),
    ("nancumsum", lambda a: da.nancumsum(a, axis=1), lambda n: np.nancumsum(n, axis=1)),
]


SORTS_AND_COUNTS = [
    ("unique", lambda a: da.unique(a.ravel()), lambda n: np.unique(n.ravel())),
    ("topk", lambda a: da.topk(a.ravel(), 5), lambda n: np.sort(n.ravel())[::-1][:5]),
    ("topk negative", lambda a: da.topk(a, -3, axis=0), lambda n: np.sort(n, axis=0)[:3]),
    ("histogram", lambda a: da.histogram(a, bins=6, range=(-2, 2))[0], lambda n: np.histogram(n, bins=6, range=(-2, 2))[0]),
    ("bincount", lambda a: da.bincount((abs(a.ravel()) * 3).astype(np.int64), minlength=12),
     lambda n: np.bincount((abs(n.ravel()) * 3).astype(np.int64), minlength=12)),
]


@pytest.mark.parametrize("name,graph,expected", SORTS_AND_COUNTS, ids=[s[0] for s in SORTS_AND_COUNTS])
def test_sort_and_count_graphs(dx, name, graph, expected):
    # unique and bincount read their output sizes (allowed); nothing reads chunk data
    with _sync(), dv.transfer_guard("disallow"):
        result = graph(dx).compute()
    _check(result, expected(XN), rtol=1e-10)


def test_argtopk_refuses_dasks_numpy_index_chunks(dx):
    # Dask builds argtopk's index chunks with da.arange (NumPy chunks, no like=) and mixes them
    # with the data chunks in np.take_along_axis: devarray refuses the mix instead of copying.
    with _sync(), pytest.raises(TypeError, match="take_along_axis"):
        da.argtopk(dx.ravel(), 4).compute()


@pytest.mark.parametrize("name,graph,expected", SCANS, ids=[s[0] for s in SCANS])
def test_scan_graphs(dx, name, graph, expected):
    with _sync(), dv.transfer_guard("disallow"):
        result = graph(dx).compute()
    _check(result, expected(XN), rtol=1e-10)


def test_integer_array_indexing_reads_no_index_data():
    x = dv.asarray(XN)
    rows = dv.asarray(np.array([3, -1, 0]))
    with dv.transfer_guard("disallow"):
        picked = x[rows, 1:4]
        taken = dv.take(x, rows, axis=1)
        along = dv.take_along_axis(x, dv.argmax(x, axis=0, keepdims=True), axis=0)
        x2 = dv.asarray(XN.copy())
        x2[rows] = 0.0
    np.testing.assert_array_equal(picked.get(), XN[[3, -1, 0], 1:4])
    np.testing.assert_array_equal(taken.get(), np.take(XN, [3, -1, 0], axis=1))
    np.testing.assert_array_equal(along.get(), XN.max(axis=0, keepdims=True))
    expected = XN.copy()
    expected[[3, -1, 0]] = 0.0
    np.testing.assert_array_equal(x2.get(), expected)
    with dv.transfer_guard("disallow"), pytest.raises(IndexError, match="out of bounds"):
        x[dv.asarray(np.array([0, 12]))]


def test_masked_assignment_of_a_scalar_reads_nothing():
    x = dv.asarray(XN.copy())
    with dv.transfer_guard("disallow"):
        x[x < 0] = 0.0  # a where-merge on the device: no host read of the mask
        x[x > 1] = dv.asarray(np.float64(1.0))
    np.testing.assert_array_equal(x.get(), np.clip(XN, 0.0, 1.0))
    ints = dv.asarray(np.arange(6))
    ints[ints > 2] = 1.9  # NumPy's assignment cast: truncates
    np.testing.assert_array_equal(ints.get(), [0, 1, 2, 1, 1, 1])


def test_unravel_and_ravel_multi_index_on_device_indices():
    flat = dv.asarray(np.array([0, 5, 37, 119]))
    rows, cols = np.unravel_index(flat, (12, 10))
    assert isinstance(rows, dv.ndarray)
    np.testing.assert_array_equal(rows.get(), [0, 0, 3, 11])
    np.testing.assert_array_equal(cols.get(), [0, 5, 7, 9])
    back = np.ravel_multi_index((rows, cols), (12, 10))
    np.testing.assert_array_equal(back.get(), flat.get())
    with pytest.raises(ValueError, match="out of bounds"):
        np.unravel_index(dv.asarray(np.array([120])), (12, 10))


def test_like_creation_makes_device_arrays():
    meta = dv.empty((0,), dtype=dv.float32)
    made = [
        np.asarray([1, 2], like=meta),
        np.zeros((2, 3), like=meta),
        np.ones(3, dtype=np.int32, like=meta),
        np.full((2,), 7.0, like=meta),
        np.arange(5, like=meta),
        np.tri(3, 4, k=1, dtype=bool, like=meta),
    ]
    assert all(isinstance(m, dv.ndarray) for m in made)
    np.testing.assert_array_equal(made[-1].get(), np.tri(3, 4, k=1, dtype=bool))


# ----- pickling and distributed's serializers ------------------------------------------------

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "bfloat16", "float32", "float64"]  # fmt: skip


def _values(dtype):
    x = np.arange(-6, 18).reshape(4, 6)
    if dtype == "bool":
        return x % 3 == 0
    return x.astype(getattr(dv, dtype).dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pickle_round_trip_of_every_dtype_and_views(dtype):
    host = _values(dtype)
    x = dv.asarray(host)
    for view, expected in [(x, host), (x[::-1, 1::2], host[::-1, 1::2]), (x.T, host.T)]:
        back = pickle.loads(pickle.dumps(view))
        assert isinstance(back, dv.ndarray) and back.dtype == view.dtype
        np.testing.assert_array_equal(back.get(), expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_distributed_serializers_round_trip(dtype):
    protocol = pytest.importorskip("distributed.protocol")
    host = _values(dtype)
    view = dv.asarray(host)[::-1, ::2]
    header, frames = protocol.serialize(view, serializers=("dask",))
    assert header["serializer"] == "dask" and len(frames) == 1
    back = protocol.deserialize(header, frames)
    assert isinstance(back, dv.ndarray) and back.dtype == view.dtype
    np.testing.assert_array_equal(back.get(), host[::-1, ::2])


def test_pickling_is_refused_under_disallow():
    x = dv.asarray(np.arange(3.0))
    with dv.transfer_guard("disallow"), pytest.raises(dv.TransferGuardError, match="pickle"):
        pickle.dumps(x)


def test_sizeof_is_nbytes():
    from dask.sizeof import sizeof

    assert sizeof(dv.zeros((1000,), dtype=dv.float32)) == 4000


def _block_on_worker(block_id, chunk=1024):
    """A chunk made on the worker, from its position, on the worker's own device."""
    import devarray as dv

    i, j = block_id
    rows = dv.reshape(dv.arange(i * chunk, (i + 1) * chunk, dtype=dv.float64), (chunk, 1))
    cols = dv.reshape(dv.arange(j * chunk, (j + 1) * chunk, dtype=dv.float64), (1, chunk))
    return dv.sin(rows * 1e-3) + dv.cos(cols * 1e-3)


def test_local_cluster_two_worker_processes():
    distributed = pytest.importorskip("distributed")
    n, chunk = 4096, 1024
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster, distributed.Client(cluster) as client:
        meta = dv.empty((0, 0), dtype=dv.float64)
        blocks = da.map_blocks(
            lambda block_id=None: _block_on_worker(block_id, chunk),
            chunks=((chunk,) * 4, (chunk,) * 4),
            dtype=np.float64,
            meta=meta,
        )
        total = client.compute((blocks * 2.0).sum(axis=0)).result()
        workers = client.run(lambda: __import__("devarray").asarray([0.0]).device.kind)
    assert len(workers) == 2
    rows = np.sin(np.arange(n) * 1e-3)[:, None]
    cols = np.cos(np.arange(n) * 1e-3)[None, :]
    _check(total, ((rows + cols) * 2.0).sum(axis=0), rtol=1e-9)
