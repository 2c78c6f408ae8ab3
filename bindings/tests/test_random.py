"""``devarray.random``: statistical tests on device samples (copied to the host explicitly with
``get()``), the NumPy-style API, and determinism. Every seed is fixed, so the tests are
deterministic: a p-value threshold of 1e-3 either always passes or always fails."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest
from conftest import requires_cuda
from scipy import stats

import devarray as dv

N = 200_000
P_MIN = 1e-3

FLOAT_DTYPES = ["float32", "float64"]
INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


def host(x) -> np.ndarray:
    assert isinstance(x, dv.ndarray)
    return np.asarray(x.get())


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_uniform_follows_the_uniform_cdf(dtype):
    u = host(dv.random.default_rng(1).random(N, dtype=dtype))
    assert u.dtype == np.dtype(dtype) and u.shape == (N,)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert stats.kstest(u.astype(np.float64), "uniform").pvalue > P_MIN
    x = host(dv.random.default_rng(2).uniform(-3.0, 5.0, size=N))
    assert stats.kstest(x, stats.uniform(loc=-3.0, scale=8.0).cdf).pvalue > P_MIN


@pytest.mark.parametrize("dtype,bits", [("float16", 11), ("bfloat16", 8)])
def test_16_bit_uniforms_are_multiples_of_their_resolution(dtype, bits):
    u = host(dv.random.default_rng(3).random(50_000, dtype=dtype)).astype(np.float64)
    assert u.min() >= 0.0 and u.max() < 1.0
    k = u * 2.0**bits
    assert np.array_equal(k, np.floor(k))
    # Every one of the 2^bits values is about equally likely.
    counts = np.bincount(k.astype(np.int64), minlength=2**bits)
    assert stats.chisquare(counts).pvalue > P_MIN


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_normal_follows_the_normal_cdf(dtype):
    z = host(dv.random.default_rng(4).standard_normal(N, dtype=dtype)).astype(np.float64)
    assert stats.kstest(z, "norm").pvalue > P_MIN
    # (Seed 5 was avoided: its first 200k float32 normals give p = 7e-5, its first 4M p = 0.24.)
    x = host(dv.random.default_rng(55).normal(3.0, 2.0, size=N, dtype=dtype)).astype(np.float64)
    assert stats.kstest(x, stats.norm(loc=3.0, scale=2.0).cdf).pvalue > P_MIN
    # Moments within 5 sigma: mean (sd 2 / sqrt(N)), variance (sd 4 sqrt(2 / N)).
    assert abs(x.mean() - 3.0) < 5 * 2.0 / math.sqrt(N)
    assert abs(x.var() - 4.0) < 5 * 4.0 * math.sqrt(2.0 / N)
    # Skewness and excess kurtosis (sd sqrt(6 / N), sqrt(24 / N)).
    assert abs(stats.skew(z)) < 5 * math.sqrt(6.0 / N)
    assert abs(stats.kurtosis(z)) < 5 * math.sqrt(24.0 / N)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_16_bit_normals_have_the_right_moments(dtype):
    z = host(dv.random.default_rng(6).standard_normal(N, dtype=dtype)).astype(np.float64)
    assert abs(z.mean()) < 5 / math.sqrt(N)
    assert abs(z.var() - 1.0) < 5 * math.sqrt(2.0 / N) + 0.01  # rounding to 8 or 11 bits


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_exponential_follows_the_exponential_cdf(dtype):
    e = host(dv.random.default_rng(7).exponential(2.5, size=N, dtype=dtype)).astype(np.float64)
    assert e.min() > 0.0
    assert stats.kstest(e, stats.expon(scale=2.5).cdf).pvalue > P_MIN
    assert abs(e.mean() - 2.5) < 5 * 2.5 / math.sqrt(N)
    s = host(dv.random.default_rng(8).standard_exponential(N, dtype=dtype)).astype(np.float64)
    assert stats.kstest(s, "expon").pvalue > P_MIN


@pytest.mark.parametrize("shape", [0.3, 1.0, 2.5, 40.0])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_gamma_follows_the_gamma_cdf(shape, dtype):
    g = host(dv.random.default_rng(17).gamma(shape, 2.0, size=N, dtype=dtype)).astype(np.float64)
    assert g.min() >= 0.0
    assert stats.kstest(g, stats.gamma(shape, scale=2.0).cdf).pvalue > P_MIN
    assert abs(g.mean() - 2.0 * shape) < 5 * 2.0 * math.sqrt(shape / N)
    s = host(dv.random.default_rng(18).standard_gamma(shape, N, dtype=dtype)).astype(np.float64)
    assert stats.kstest(s, stats.gamma(shape).cdf).pvalue > P_MIN


@pytest.mark.parametrize("a,b", [(0.5, 0.5), (2.0, 5.0), (0.2, 3.0)])
def test_beta_follows_the_beta_cdf(a, b):
    x = host(dv.random.default_rng(19).beta(a, b, size=N))
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert stats.kstest(x, stats.beta(a, b).cdf).pvalue > P_MIN


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_small_integer_ranges_pass_chi_square(dtype):
    low = -3 if dtype.startswith("int") else 2
    x = host(dv.random.default_rng(9).integers(low, low + 7, size=N, dtype=dtype))
    assert x.dtype == np.dtype(dtype)
    assert x.min() == low and x.max() == low + 6
    counts = np.bincount((x.astype(np.int64) - low), minlength=7)
    assert stats.chisquare(counts).pvalue > P_MIN


@pytest.mark.parametrize(
    "low,high,dtype",
    [
        (0, 3 * 2**30, "uint32"),  # a span just below 2^32 rejects a quarter of the candidates
        (-(2**62), 2**62 + 2**61, "int64"),  # a 64-bit span that rejects
        (0, 2**64 - 1, "uint64"),
        (-(2**63), 2**63 - 1, "int64"),
    ],
)
def test_wide_integer_ranges_are_uniform(low, high, dtype):
    x = host(dv.random.default_rng(10).integers(low, high, size=N, dtype=dtype, endpoint=True))
    # 12 equal-width bins over [low, high] (exact in Python ints, via float bins of the offset).
    width = (high - low + 1) / 12
    bins = ((x.astype(object) - low) / width).astype(np.float64).astype(np.int64)
    counts = np.bincount(np.minimum(bins, 11), minlength=12)
    assert stats.chisquare(counts).pvalue > P_MIN


def test_integers_follow_numpys_conventions():
    rng = dv.random.default_rng(11)
    assert host(rng.integers(5, size=1000)).max() == 4  # integers(n) is [0, n)
    assert host(rng.integers(5, size=1000)).dtype == np.int64
    assert host(rng.integers(1, 6, size=5000, endpoint=True)).max() == 6
    assert set(host(rng.integers(0, 2, size=1000, dtype=bool)).tolist()) == {False, True}
    assert host(rng.integers(7, 8, size=10, dtype="uint16")).tolist() == [7] * 10
    with pytest.raises(ValueError):
        rng.integers(5, 5)
    with pytest.raises(ValueError):
        rng.integers(-1, 5, dtype="uint8")
    with pytest.raises(ValueError):
        rng.integers(0, 257, dtype="uint8")
    with pytest.raises(TypeError):
        rng.integers(0, 5, dtype="float32")


def test_bernoulli_frequency():
    b = host(dv.random.default_rng(12).bernoulli(0.3, size=N))
    assert b.dtype == np.bool_
    assert abs(b.mean() - 0.3) < 5 * math.sqrt(0.3 * 0.7 / N)


def corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.astype(np.float64), b.astype(np.float64))[0, 1])


def test_adjacent_seeds_and_spawned_streams_are_uncorrelated():
    bound = 5 / math.sqrt(N)
    streams = [host(dv.random.default_rng(s).random(N)) for s in (100, 101, 102)]
    parent = dv.random.default_rng(100)
    kids = parent.spawn(2)
    streams += [host(k.random(N)) for k in kids] + [host(parent.spawn(1)[0].random(N))]
    for i in range(len(streams)):
        for j in range(i + 1, len(streams)):
            assert abs(corr(streams[i], streams[j])) < bound, (i, j)
    # Within a stream: adjacent values, and values of adjacent counter blocks.
    z = host(dv.random.default_rng(13).standard_normal(N))
    assert abs(corr(z[:-1], z[1:])) < bound
    assert abs(corr(z[:-4], z[4:])) < bound
    # The two normals of one Box-Muller pair are uncorrelated too.
    assert abs(corr(z[0::2], z[1::2])) < 5 / math.sqrt(N / 2)


def test_same_seed_and_calls_give_the_same_arrays():
    def run(seed):
        rng = dv.random.default_rng(seed)
        return [host(rng.random(5)), host(rng.standard_normal((3, 3), dtype="float32")),
                host(rng.integers(0, 100, size=7)), host(rng.exponential(size=1))]
    a, b, c = run(20), run(20), run(21)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0])


def test_size_out_dtype_and_device_keywords():
    rng = dv.random.default_rng(14)
    scalar = rng.random()
    assert isinstance(scalar, dv.ndarray) and scalar.shape == ()
    assert rng.standard_normal((2, 3)).shape == (2, 3)
    assert rng.random(0).shape == (0,)
    out = dv.zeros((4, 5), dtype=dv.float32)
    assert rng.random(out=out, dtype="float32") is out
    assert 0 < float(host(out).max()) < 1
    same = dv.random.default_rng(14)
    same.random()
    same.standard_normal((2, 3))
    same.random(0)
    assert np.array_equal(host(same.random((4, 5), dtype=np.float32)), host(out))
    with pytest.raises(TypeError):
        rng.random(out=out)  # float64 draw into float32 out
    with pytest.raises(ValueError):
        rng.standard_normal(size=3, out=dv.zeros(4))
    assert rng.random(3, device="cpu").device == dv.Device("cpu")
    cpu_rng = dv.random.default_rng(15, device="cpu")
    assert cpu_rng.normal(size=2).device == dv.Device("cpu")
    assert rng.random(2, dtype=ml_dtypes.bfloat16).dtype == dv.bfloat16


def test_bad_parameters_raise_numpys_errors():
    rng = dv.random.default_rng(16)
    with pytest.raises(ValueError):
        rng.normal(0.0, -1.0)
    with pytest.raises(ValueError):
        rng.exponential(-1.0)
    with pytest.raises(ValueError):
        rng.uniform(0.0, math.inf)
    with pytest.raises(ValueError):
        rng.bernoulli(1.5)
    with pytest.raises(ValueError):
        rng.gamma(-1.0)
    with pytest.raises(ValueError):
        rng.beta(0.0, 1.0)
    with pytest.raises(TypeError):
        rng.random(dtype="int32")
    with pytest.raises(ValueError):
        dv.random.default_rng(-1)
    with pytest.raises(ValueError):
        dv.random.default_rng(2**64)
    assert rng.state["offset"] == 0, "refused draws consume nothing"


def test_default_rng_forms():
    g = dv.random.default_rng()
    assert dv.random.default_rng(g) is g
    a, b = dv.random.default_rng(), dv.random.default_rng()
    assert a.state["key"] != b.state["key"]  # fresh entropy
    assert dv.random.default_rng(2**64 - 1).state == {"key": (2**32 - 1, 2**32 - 1), "offset": 0}
    r = dv.random.default_rng(5)
    r.random(10, dtype="float32")  # 4 float32 per counter block: 3 blocks
    assert r.state["offset"] == 3
    assert "Philox" in repr(r)


@requires_cuda
def test_cpu_and_cuda_draws_are_bit_identical():
    for draw in (lambda g, d: g.random(1001, dtype="float32", device=d),
                 lambda g, d: g.standard_normal(1001, device=d),
                 lambda g, d: g.integers(-5, 10**12, size=1001, device=d)):
        on_cpu = host(draw(dv.random.default_rng(30), "cpu"))
        on_gpu = host(draw(dv.random.default_rng(30), "cuda:0"))
        assert np.array_equal(on_cpu.view(np.uint8), on_gpu.view(np.uint8))


# ---- permutation, shuffle, choice ----


def test_permutation_is_a_permutation():
    rng = dv.random.default_rng(40)
    for n in (0, 1, 2, 257, 5000):
        x = host(rng.permutation(n))
        assert x.dtype == np.int64 and x.shape == (n,)
        assert np.array_equal(np.sort(x), np.arange(n))
    assert host(rng.permutation(-3)).shape == (0,)  # NumPy: arange(-3) is empty
    a = dv.asarray(np.arange(12).reshape(4, 3))
    rows = host(rng.permutation(a))
    assert rows.shape == (4, 3) and np.array_equal(rows - rows[:, :1], np.tile([0, 1, 2], (4, 1)))
    assert np.array_equal(np.sort(rows[:, 0]), [0, 3, 6, 9])
    cols = host(rng.permutation(a, axis=-1))
    assert np.array_equal(np.sort(cols, axis=1), host(a))
    assert np.array_equal(host(a), np.arange(12).reshape(4, 3)), "permutation copies"
    listed = host(rng.permutation([5.0, 6.0, 7.0]))
    assert listed.dtype == np.float64 and sorted(listed.tolist()) == [5.0, 6.0, 7.0]
    with pytest.raises(IndexError):  # AxisError, as NumPy's 0-d error is an IndexError
        rng.permutation(dv.asarray(5))


def test_permutations_are_uniform():
    rng = dv.random.default_rng(41)
    counts: dict[tuple[int, ...], int] = {}
    for _ in range(3000):
        key = tuple(host(rng.permutation(3)).tolist())
        counts[key] = counts.get(key, 0) + 1
    assert len(counts) == 6
    assert stats.chisquare(list(counts.values())).pvalue > P_MIN
    # Large n: where element 0 lands is uniform, and a permutation has ~1 fixed point.
    big = host(rng.permutation(N))
    assert stats.chisquare(np.bincount(big[:2000] * 10 // N, minlength=10)).pvalue > P_MIN
    assert np.sum(big == np.arange(N)) < 8


def test_shuffle_works_in_place_along_an_axis():
    rng = dv.random.default_rng(42)
    x = dv.asarray(np.arange(20).reshape(4, 5))
    assert rng.shuffle(x) is None
    h = host(x)
    assert np.array_equal(np.sort(h[:, 0]), [0, 5, 10, 15]) and np.array_equal(h - h[:, :1], np.tile(np.arange(5), (4, 1)))
    rng.shuffle(x, axis=1)
    assert np.array_equal(np.sort(host(x), axis=1), np.sort(h, axis=1))
    view = dv.asarray(np.arange(10))[::-2]
    rng.shuffle(view)
    assert sorted(host(view).tolist()) == [1, 3, 5, 7, 9]
    with pytest.raises(TypeError):
        rng.shuffle(np.arange(3))
    with pytest.raises(IndexError):
        rng.shuffle(x, axis=2)


def test_choice_shapes_and_numpy_keywords():
    rng = dv.random.default_rng(43)
    one = rng.choice(5)
    assert isinstance(one, dv.ndarray) and one.shape == () and one.dtype == dv.int64
    assert rng.choice(5, size=(2, 3)).shape == (2, 3)
    assert rng.choice(5, size=0).shape == (0,)
    assert rng.choice(0, size=0).shape == (0,)
    a = dv.asarray(np.arange(12.0).reshape(3, 4))
    assert rng.choice(a, size=2).shape == (2, 4)
    assert rng.choice(a, size=(2, 5), axis=1).shape == (3, 2, 5)
    assert rng.choice(a, axis=1).shape == (3,)
    assert rng.choice(a, 3, replace=False, shuffle=False).shape == (3, 4)
    r = host(rng.choice([10, 20, 30], size=100, p=[0.2, 0.0, 0.8]))
    assert set(r.tolist()) <= {10, 30}
    s = host(rng.choice(a=7, size=4, replace=False, p=np.full(7, 1 / 7), axis=0, shuffle=True))
    assert len(set(s.tolist())) == 4


def test_choice_without_replacement_has_no_repeats():
    rng = dv.random.default_rng(44)
    for n, k in ((10, 10), (1000, 999), (100_000, 50)):
        s = host(rng.choice(n, size=k, replace=False))
        assert len(np.unique(s)) == k and s.min() >= 0 and s.max() < n
    p = np.arange(1, 101, dtype=np.float64)
    p[::3] = 0.0
    p /= p.sum()
    s = host(rng.choice(100, size=66, replace=False, p=p))
    assert len(np.unique(s)) == 66 and np.all(p[s] > 0)
    with pytest.raises(ValueError):
        rng.choice(100, size=67, replace=False, p=p)  # 66 non-zero weights


def test_choice_frequencies_pass_chi_square():
    rng = dv.random.default_rng(45)
    u = host(rng.choice(7, size=N))
    assert stats.chisquare(np.bincount(u, minlength=7)).pvalue > P_MIN
    p = np.array([0.1, 0.0, 0.25, 0.05, 0.6])
    x = host(rng.choice(5, size=N, p=p))
    counts = np.bincount(x, minlength=5)
    assert counts[1] == 0
    keep = p > 0
    assert stats.chisquare(counts[keep], N * p[keep]).pvalue > P_MIN
    # float32 weights: NumPy's tolerance for their dtype.
    p32 = np.array([0.3, 0.3, 0.4], dtype=np.float32)
    c32 = np.bincount(host(rng.choice(3, size=N, p=dv.asarray(p32))), minlength=3)
    assert stats.chisquare(c32, N * p32.astype(np.float64) / p32.astype(np.float64).sum()).pvalue > P_MIN


def test_weighted_choice_without_replacement_samples_sequentially():
    rng = dv.random.default_rng(46)
    p = np.array([0.5, 0.3, 0.2])
    draws = np.array([host(rng.choice(3, size=2, replace=False, p=p)) for _ in range(3000)])
    first = np.bincount(draws[:, 0], minlength=3)
    assert stats.chisquare(first, 3000 * p).pvalue > P_MIN
    # P(second = j) = sum_i p_i p_j / (1 - p_i) over i != j.
    second_p = np.array([sum(p[i] * p[j] / (1 - p[i]) for i in range(3) if i != j) for j in range(3)])
    assert stats.chisquare(np.bincount(draws[:, 1], minlength=3), 3000 * second_p).pvalue > P_MIN
    assert np.all(draws[:, 0] != draws[:, 1])


def test_choice_errors_are_numpys():
    rng = dv.random.default_rng(47)
    for bad in (
        dict(a=0, size=1),
        dict(a=-1, size=1),
        dict(a=3, size=4, replace=False),
        dict(a=3, p=[0.5, 0.5]),
        dict(a=2, p=[1.5, -0.5]),
        dict(a=2, p=[np.nan, 1.0]),
        dict(a=2, p=[0.5, 0.6]),
        dict(a=2, p=[[0.5, 0.5]]),
        dict(a=dv.asarray(3)),
    ):
        with pytest.raises(ValueError):
            rng.choice(**bad)
    with pytest.raises(TypeError):
        rng.choice(2, p=dv.asarray([True, False]))  # devarray weights keep their dtype
    assert rng.state["offset"] == 0, "refused calls draw nothing"


# ---- binomial and poisson ----


def _chi2_discrete(x: np.ndarray, dist) -> float:
    """chi-square p-value of integer samples against a scipy distribution, adjacent values
    merged until each bin expects >= 20 (the tails beyond the samples go to the end bins)."""
    n, lo, hi = len(x), int(x.min()), int(x.max())
    ks = np.arange(lo, hi + 1)
    expected = n * dist.pmf(ks)
    expected[0] += n * dist.cdf(lo - 1)
    expected[-1] += n * dist.sf(hi)
    observed = np.bincount(x - lo, minlength=len(ks))
    bins_o: list[float] = []
    bins_e: list[float] = []
    acc_o = acc_e = 0.0
    for o, e in zip(observed, expected):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= 20:
            bins_o.append(acc_o)
            bins_e.append(acc_e)
            acc_o = acc_e = 0.0
    bins_o[-1] += acc_o
    bins_e[-1] += acc_e
    return stats.chisquare(bins_o, np.array(bins_e) * (n / sum(bins_e))).pvalue


def _moments_within_5_sigma(x: np.ndarray, dist) -> None:
    mean, var, _, kurt = (float(v) for v in dist.stats(moments="mvsk"))
    n = len(x)
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n), (x.mean(), mean)
    mu4 = (kurt + 3.0) * var * var
    assert abs(x.var() - var) < 5 * math.sqrt((mu4 - var * var) / n) + 1e-12, (x.var(), var)


@pytest.mark.parametrize("n,p", [(10, 0.3), (50, 0.01), (100, 0.4), (1000, 0.8), (7, 0.999), (10**6, 0.5)])
def test_binomial_passes_chi_square_and_moments(n, p):
    x = host(dv.random.default_rng(50).binomial(n, p, size=N))
    assert x.dtype == np.int64 and x.min() >= 0 and x.max() <= n
    dist = stats.binom(n, p)
    assert _chi2_discrete(x, dist) > P_MIN
    _moments_within_5_sigma(x, dist)


@pytest.mark.parametrize("lam", [0.05, 1.0, 4.0, 9.99, 10.0, 15.0, 200.0, 1e6])
def test_poisson_passes_chi_square_and_moments(lam):
    x = host(dv.random.default_rng(51).poisson(lam, size=N))
    assert x.dtype == np.int64 and x.min() >= 0
    dist = stats.poisson(lam)
    assert _chi2_discrete(x, dist) > P_MIN
    _moments_within_5_sigma(x, dist)


def test_binomial_and_poisson_edges_and_errors():
    rng = dv.random.default_rng(52)
    assert host(rng.binomial(0, 0.5, size=4)).tolist() == [0] * 4
    assert host(rng.binomial(9, 0.0, size=4)).tolist() == [0] * 4
    assert host(rng.binomial(9, 1.0, size=4)).tolist() == [9] * 4
    assert host(rng.binomial(n=2**62, p=1.0, size=1)).tolist() == [2**62]
    assert host(rng.poisson(0.0, size=3)).tolist() == [0] * 3
    assert host(rng.poisson(lam=1e15, size=2)).min() > 9e14
    scalar = rng.poisson()
    assert scalar.shape == () and scalar.dtype == dv.int64
    assert rng.binomial(3.0, 0.5, size=(2, 0)).shape == (2, 0)
    offset = rng.state["offset"]
    for call in (lambda: rng.binomial(-1, 0.5), lambda: rng.binomial(5, 1.5), lambda: rng.binomial(5, math.nan),
                 lambda: rng.poisson(-1.0), lambda: rng.poisson(math.nan), lambda: rng.poisson(1e19)):
        with pytest.raises(ValueError):
            call()
    with pytest.raises(TypeError):
        rng.binomial(2.5, 0.5)
    assert rng.state["offset"] == offset
    assert dv.random.POISSON_LAM_MAX == pytest.approx(2**63 - 10 * math.sqrt(2**63), rel=1e-12)


@requires_cuda
def test_cpu_and_cuda_samples_are_bit_identical():
    for draw in (lambda g, d: g.permutation(1001, device=d),
                 lambda g, d: g.choice(50, size=77, p=np.linspace(0, 1, 50) / 25.0, device=d),
                 lambda g, d: g.choice(500, size=77, replace=False, device=d),
                 lambda g, d: g.binomial(1000, 0.3, size=1001, device=d),
                 lambda g, d: g.poisson(30.0, size=1001, device=d)):
        on_cpu = host(draw(dv.random.default_rng(31), "cpu"))
        on_gpu = host(draw(dv.random.default_rng(31), "cuda:0"))
        assert np.array_equal(on_cpu, on_gpu)
