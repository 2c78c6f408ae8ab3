#!/usr/bin/env python3
"""NumPy oracle for devarray's ops: writes inputs and expected outputs to tests/data/oracle/.

    python tools/gen_oracle.py            # regenerate the checked-in files
    python tools/gen_oracle.py --check    # regenerate into a temp dir, fail if they differ

Needs numpy >= 2 and ml_dtypes (bfloat16). Inputs come from a fixed splitmix64 stream (not
NumPy's RNG), so they are identical on every machine and NumPy version.

Where devarray documents a choice that differs from NumPy (float->int casts saturate, integer
pow with negative exponents, reductions of bfloat16 accumulate in float32, ...), the expected
values follow devarray's documented rule; everything else is NumPy's (or ml_dtypes') answer.

File format (little-endian), shared with tests/ops_support/mod.rs:
    magic b"DAORACLE1\\n", u32 entry count, then per entry:
    u16 key length, key (utf-8), u8 code, u8 ndim, u32 dims[ndim], u32 byte count, bytes.
    code 0..14: a dtype in DTYPES order (the bytes are the elements, C order; complex elements
    are (real, imaginary) pairs);
    code 100: an expected error (the bytes are the devarray Error variant name).

--check compares inputs and exact results byte for byte, and results of transcendental
functions within the ulp bounds the Rust tests use (NumPy's SIMD math differs by CPU).
"""

import argparse
import itertools
import math
import os
import struct
import sys
import tempfile
import warnings

import ml_dtypes
import numpy as np

BF16 = np.dtype(ml_dtypes.bfloat16)
REAL = ["bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f16", "bf16", "f32", "f64"]
COMPLEX = ["c64", "c128"]
DTYPES = REAL + COMPLEX
NP = {
    "bool": np.dtype(np.bool_), "i8": np.dtype(np.int8), "i16": np.dtype(np.int16),
    "i32": np.dtype(np.int32), "i64": np.dtype(np.int64), "u8": np.dtype(np.uint8),
    "u16": np.dtype(np.uint16), "u32": np.dtype(np.uint32), "u64": np.dtype(np.uint64),
    "f16": np.dtype(np.float16), "bf16": BF16, "f32": np.dtype(np.float32), "f64": np.dtype(np.float64),
    "c64": np.dtype(np.complex64), "c128": np.dtype(np.complex128),
}
TAG = {v: k for k, v in NP.items()}
INTS = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"]
FLOATS = ["f16", "bf16", "f32", "f64"]
ERROR_CODE = 100
MAGIC = b"DAORACLE1\n"

# Functions whose libm/SIMD implementations differ by a few ulp (the Rust tests' bound is
# ULP_WIDE for f32/f64 and ULP_NARROW for f16/bf16, which are computed in f32 and rounded).
APPROX_UNARY = {"exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "asin", "acos",
                "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"}
APPROX_BINARY = {"pow", "atan2", "hypot", "logaddexp"}
ULP_WIDE, ULP_NARROW = 4, 1

UNARY = ["negative", "positive", "abs", "sign", "sqrt", "square", "exp", "expm1", "log", "log1p",
         "log2", "log10", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
         "acosh", "atanh", "floor", "ceil", "trunc", "round", "reciprocal", "isnan", "isinf",
         "isfinite", "logical_not", "bitwise_invert", "signbit", "conj"]
# The complex op set (docs: the complex contract); every other op refuses complex operands.
COMPLEX_UNARY_REFUSED = {"floor", "ceil", "trunc", "signbit", "bitwise_invert"}
COMPLEX_BINARY = {"add", "subtract", "multiply", "divide", "pow", "equal", "not_equal", "logical_and",
                  "logical_or", "logical_xor"}
# Complex results compared within ULP_COMPLEX per part by --check (and the Rust tests).
APPROX_COMPLEX = APPROX_UNARY | {"sqrt", "pow", "divide", "multiply", "square", "reciprocal", "sign", "abs"}
ULP_COMPLEX = 8
NP_UNARY = {"abs": np.absolute, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
            "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh, "round": np.round,
            "bitwise_invert": np.invert}
FLOAT_MATH_UNARY = APPROX_UNARY | {"sqrt", "reciprocal"}
BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "remainder", "pow", "maximum",
          "minimum", "atan2", "hypot", "copysign", "logaddexp", "equal", "not_equal", "less",
          "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor",
          "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "nextafter"]
NP_BINARY = {"pow": np.power, "atan2": np.arctan2, "bitwise_left_shift": np.left_shift,
             "bitwise_right_shift": np.right_shift}
FLOAT_MATH_BINARY = {"atan2", "hypot", "copysign", "logaddexp", "nextafter"}
REDUCE_AXES = [None, (), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]


def np_func(name, table):
    return table.get(name) or getattr(np, name)


class Rng:
    """splitmix64: a tiny deterministic stream, independent of NumPy's generators."""

    def __init__(self, seed):
        self.state = seed & (2**64 - 1)

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & (2**64 - 1)
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
        return z ^ (z >> 31)

    def uniform(self, lo, hi):
        return lo + (hi - lo) * (self.next_u64() >> 11) / 2.0**53

    def sign(self):
        return -1.0 if self.next_u64() & 1 else 1.0

    def int_bits(self, bits):
        return self.next_u64() >> (64 - bits)


def widen_bf16(x):
    """bfloat16 -> float32, exactly, by bits (NaN payloads kept), as half's bf16::to_f32 does."""
    return (x.view(np.uint16).astype(np.uint32) << 16).view(np.float32)


def cast(x, tag):
    """`x` as dtype `tag`, with devarray's documented rules for bfloat16 done in explicit bit
    arithmetic instead of ml_dtypes' conversions (which changed in ml_dtypes 0.7: float64 now
    rounds to bfloat16 directly). Into bfloat16: through float32 (so float64 can round twice,
    as devarray documents), then round to nearest even; a NaN keeps its sign and becomes quiet.
    Out of bfloat16: exact widening to float32 first. The oracle therefore depends on NumPy's
    IEEE casts only, which do not drift."""
    x = np.asarray(x)
    if x.dtype == BF16:
        x = widen_bf16(x)
    if tag != "bf16":
        return x.astype(NP[tag])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bits = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    quiet_nan = (bits >> 16) | 0x40
    is_nan = (bits & 0x7FFFFFFF) > 0x7F800000
    return np.where(is_nan, quiet_nan, rounded).astype(np.uint16).view(BF16)


def kind(tag):
    if tag in COMPLEX:
        return "complex"
    return "bool" if tag == "bool" else ("int" if tag in INTS else "float")


COMPONENT = {"c64": "f32", "c128": "f64"}


def finfo(tag):
    return ml_dtypes.finfo(BF16) if tag == "bf16" else np.finfo(NP[tag])


def as_dtype(values, tag):
    """Python numbers -> array of `tag`: ints wrap (two's complement), floats round to nearest."""
    if kind(tag) == "int":
        bits = NP[tag].itemsize * 8
        wrapped = [int(v) & (2**bits - 1) for v in values]
        return np.array(wrapped, dtype=np.uint64).astype(NP[tag])
    if tag == "bool":
        return np.array([bool(v) for v in values], dtype=np.bool_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cast(np.array(values, dtype=np.float64), tag)


def float_specials(tag):
    fi = finfo(tag)
    big, tiny, eps = float(fi.max), float(fi.tiny), float(fi.eps)
    sub = float(fi.smallest_subnormal)
    return [1.0 + 2**-8 + 2**-30, 1.0 + 2**-11 + 2**-40, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.25, 0.1, -0.1, 2.0, 3.0,
            7.5, 10.0, -10.0, 100.0, 1e4, -1e4, 0.999, 1.001, 1.0 + eps, 1.0 - eps / 2, math.pi,
            -math.pi / 2, math.e, 20.0, 88.5, 700.0, 1e30, -1e30, big, -big, tiny, -tiny, sub, -sub,
            sub * 3, math.inf, -math.inf, math.nan, 0.75, -0.75, 0.9, -0.9, 1e-5, 65504.0, 65520.0]


def int_specials(tag):
    bits = NP[tag].itemsize * 8
    signed = tag.startswith("i")
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    return [0, 1, -1, 2, -2, 3, 7, -7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, -100, 127, -128,
            255, 256, lo, hi, lo + 1, hi - 1, bits - 1, bits, bits + 1]


def complex_array(pairs, tag):
    """(re, im) pairs -> array of complex `tag`, parts rounded separately (signs of zero,
    infinities and NaN kept: `re + 1j * im` would turn `1j * inf` into a NaN real part)."""
    re, im = zip(*pairs) if pairs else ((), ())
    z = np.empty(len(pairs), dtype=np.complex128)
    z.real, z.imag = re, im
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return z.astype(NP[tag])


def complex_parts(tag):
    """Special parts: zeros, ones, infinities, NaN, and the overflow/underflow thresholds."""
    fi = finfo(COMPONENT[tag])
    big, tiny = float(fi.max), float(fi.tiny)
    return [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, math.pi / 2, 3.0, big, -big / 3, tiny, math.inf, -math.inf, math.nan]


def complex_random(tag, rng, n):
    """Random values: unit-scale, wide log-uniform magnitudes, and near the overflow and
    underflow thresholds."""
    fi = finfo(COMPONENT[tag])
    big, tiny = float(fi.max), float(fi.tiny)
    pairs = [(rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(n)]
    pairs += [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(n // 2)]
    pairs += [(rng.sign() * 10.0 ** rng.uniform(-30, 30), rng.sign() * 10.0 ** rng.uniform(-30, 30)) for _ in range(n)]
    pairs += [(rng.sign() * big * rng.uniform(0.1, 0.9), rng.sign() * big * rng.uniform(0.0, 0.9)) for _ in range(n // 4)]
    pairs += [(rng.sign() * tiny * rng.uniform(0.5, 8), rng.sign() * tiny * rng.uniform(0.5, 8)) for _ in range(n // 4)]
    return pairs


def unary_input(tag, rng):
    if kind(tag) == "complex":
        parts = complex_parts(tag)
        return complex_array(list(itertools.product(parts, parts)) + complex_random(tag, rng, 32), tag)
    if tag == "bool":
        return np.array([False, True] * 4, dtype=np.bool_)
    if kind(tag) == "int":
        bits = NP[tag].itemsize * 8
        rand = [rng.int_bits(bits) for _ in range(48)] + [rng.int_bits(7) - 64 for _ in range(16)]
        return as_dtype(int_specials(tag) + rand, tag)
    rand = [rng.uniform(-10, 10) for _ in range(32)] + [rng.uniform(-1, 1) for _ in range(16)]
    rand += [rng.sign() * 10.0 ** rng.uniform(-30, 30) for _ in range(32)]
    return as_dtype(float_specials(tag) + rand, tag)


def binary_inputs(tag, rng):
    """(a, b): the cross product of a few specials, then random pairs."""
    if kind(tag) == "complex":
        fi = finfo(COMPONENT[tag])
        big, tiny = float(fi.max), float(fi.tiny)
        spec = [(0.0, 0.0), (-0.0, 0.0), (1.0, 0.0), (0.0, -1.0), (1.0, 1.0), (2.5, -0.5), (-3.0, 2.0), (2.0, 0.0),
                (-1.0, 0.0), (0.5, 0.0), (3.0, 0.0), (math.inf, 0.0), (0.0, -math.inf), (math.inf, math.inf),
                (math.nan, 0.0), (0.0, math.nan), (big / 2, big / 4), (-big / 4, big / 2), (4 * tiny, -tiny)]
        pairs = list(itertools.product(spec, repeat=2))
        rand = complex_random(tag, rng, 64)
        pairs += list(zip(rand, rand[::-1]))
        a, b = zip(*pairs)
        return complex_array(list(a), tag), complex_array(list(b), tag)
    if tag == "bool":
        a, b = zip(*itertools.product([False, True], repeat=2))
        return np.array(a * 2, dtype=np.bool_), np.array(b * 2, dtype=np.bool_)
    if kind(tag) == "int":
        bits = NP[tag].itemsize * 8
        spec = [0, 1, -1, 2, -3, 7, 8, 15, 16, 31, 32, 63, 64, 100, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1, 2**bits - 1]
        pairs = list(itertools.product(spec, repeat=2))
        pairs += [(rng.int_bits(bits), rng.int_bits(bits)) for _ in range(64)]
        pairs += [(rng.int_bits(bits), rng.int_bits(4)) for _ in range(32)]
        a, b = zip(*pairs)
        return as_dtype(a, tag), as_dtype(b, tag)
    fi = finfo(tag)
    spec = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 7.5, 1e30, float(fi.max), float(fi.smallest_subnormal),
            math.inf, -math.inf, math.nan, 2.0, -0.3]
    pairs = list(itertools.product(spec, repeat=2))
    pairs += [(rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(64)]
    pairs += [(rng.sign() * 10.0 ** rng.uniform(-20, 20), rng.sign() * 10.0 ** rng.uniform(-20, 20)) for _ in range(32)]
    a, b = zip(*pairs)
    return as_dtype(a, tag), as_dtype(b, tag)


def float_result(tag):
    """devarray's dtype for float functions of `tag` (NumPy's: int8 -> float16, ...)."""
    return tag if kind(tag) == "float" else result_type(tag, "f16")


def result_type(a, b):
    """devarray's promotion table (ops/promote.rs): NumPy's (ml_dtypes' for the bfloat16 pairs it
    defines), plus the documented bfloat16 rules for the pairs ml_dtypes refuses."""
    try:
        return TAG[np.result_type(NP[a], NP[b])]
    except TypeError:  # DTypePromotionError: bfloat16 with float16 or wide integers
        pass
    other = b if a == "bf16" else a
    assert "bf16" in (a, b), f"NumPy cannot promote {a} and {b}"
    if other == "f16":
        return "f32"
    return "f32" if NP[other].itemsize == 2 else "f64"


def compute(f, *arrays, out_tag=None):
    """Applies a NumPy function; bfloat16 operands are computed in float32 and rounded once."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if any(x.dtype == BF16 for x in arrays):
            r = f(*[cast(x, "f32") for x in arrays])
            return cast(r, "bf16") if r.dtype == np.float32 else r
        r = f(*arrays)
        return r if out_tag is None else cast(r, out_tag)


# ----- expected values per op family ------------------------------------------------------


def unary_expected(op, x, tag):
    """The expected array, or the name of the expected Error variant."""
    if op == "conj" and kind(tag) != "complex":
        return x  # the identity (np.conj lacks a bfloat16 loop)
    f = np_func(op, NP_UNARY)
    if kind(tag) == "complex":
        if op in COMPLEX_UNARY_REFUSED:
            return "UnsupportedDType"
        return standard_complex(op, x, tag, compute(f, x))
    if tag == "bool" and op in ("negative", "positive", "sign", "square"):
        return "UnsupportedDType"
    if kind(tag) == "float" and op == "bitwise_invert":
        return "UnsupportedDType"
    if tag == "bool" and op == "round":
        return x  # NumPy's np.round gives float16 here, though np.floor keeps bool; devarray keeps bool
    if op in FLOAT_MATH_UNARY and kind(tag) != "float":
        # NumPy promotes these through its float loops; reciprocal is devarray's choice.
        ft = float_result(tag)
        return compute(f, cast(x, ft))
    return compute(f, x)


def standard_complex(op, x, tag, got):
    """NumPy's complex result with the Array API's special cases where NumPy breaks them
    (devarray follows the standard there, see src/cpu/complex.rs): expm1 of a non-finite `z`
    (or one whose exp overflows) is `exp(z) - 1` (NumPy's formula makes NaN parts of inf*0) and
    of `x + 0j` the real `expm1(x)` (+0 for -0);  tanh(+-inf + iy) for finite y is `+-1 + copysign(0, y)j`."""
    if op not in ("expm1", "tanh") or not isinstance(got, np.ndarray):
        return got
    out = got.copy()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        re, im = x.real, x.imag
        if op == "expm1":
            safe = 88.0 if tag == "c64" else 700.0
            wild = ~np.isfinite(re) | ~np.isfinite(im) | (re > safe)
            e = np.exp(x[wild])
            out[wild] = complex_array(list(zip(e.real - 1, e.imag)), tag)
            flat = ~wild & (im == 0)
            out[flat] = complex_array(list(zip(np.expm1(re[flat]) + 0.0, im[flat])), tag)  # +0 for -0 + 0j
        else:
            edge = np.isinf(re) & np.isfinite(im)
            out[edge] = complex_array(list(zip(np.copysign(1, re[edge]), np.copysign(0, im[edge]))), tag)
    return out


def int_pow(a, b, tag):
    """Integer power; a negative exponent (NumPy raises) follows devarray's rule."""
    neg = b < 0 if tag.startswith("i") else np.zeros(b.shape, bool)
    r = np.power(a, np.where(neg, 0, b).astype(NP[tag]))
    odd = (b % 2) != 0
    rule = np.where(a == 1, 1, np.where(a == np.array(-1).astype(NP[tag]) if tag.startswith("i") else False, np.where(odd, -1, 1), 0))
    return np.where(neg, rule.astype(NP[tag]), r).astype(NP[tag])


def binary_expected(op, a, b, tag):
    f = np_func(op, NP_BINARY)
    k = kind(tag)
    if k == "complex":
        return compute(f, a, b) if op in COMPLEX_BINARY else "UnsupportedDType"
    if k == "bool" and op in ("subtract", "floor_divide", "remainder", "pow", "bitwise_left_shift", "bitwise_right_shift"):
        return "UnsupportedDType"
    if k == "float" and op.startswith("bitwise"):
        return "UnsupportedDType"
    if op == "pow" and k == "int":
        return int_pow(a, b, tag)
    if op == "nextafter" and tag in ("f16", "bf16"):
        # The dtype's own loop (ml_dtypes' for bfloat16): the step is one of the 16-bit type's,
        # not float32's rounded back. Ties give b, as C and NumPy >= 2.5 (NumPy < 2.5's float16
        # loop returned a, which differs for +-0 toward -+0).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.where(a == b, b, np.nextafter(a, b)).astype(a.dtype)
    if op in FLOAT_MATH_BINARY and k != "float":
        ft = float_result(tag)
        return compute(f, cast(a, ft), cast(b, ft))
    return compute(f, a, b)


def saturate_to_int(x, tag):
    """devarray's float -> int rule: truncate, saturate at the range, NaN -> 0."""
    bits = NP[tag].itemsize * 8
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if tag.startswith("i") else (0, 2**bits - 1)
    vals = []
    for v in cast(x, "f64"):
        vals.append(0 if math.isnan(v) else (lo if v <= lo else hi if v >= hi else int(v)))
    return as_dtype(vals, tag)


def cast_expected(x, src, dst):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cast_expected_quiet(x, src, dst)


def cast_expected_quiet(x, src, dst):
    if kind(src) == "complex" and dst == "bool":
        return x != 0
    if kind(src) == "complex" and kind(dst) != "complex":
        # devarray keeps the real part (NumPy too, with a ComplexWarning).
        return cast_expected_quiet(x.real.copy(), COMPONENT[src], dst)
    if kind(src) == "float" and kind(dst) == "int":
        return saturate_to_int(x, dst)
    # NumPy's own casts (float64 -> float16 rounds once); bfloat16 through float32, which can
    # round twice, as devarray documents (see cast).
    return cast(x, dst)


# ----- reductions -------------------------------------------------------------------------


def reduce_input(tag, rng, with_nan):
    n = 60
    if kind(tag) == "complex":
        pairs = [(round(rng.uniform(-4, 4), 2), round(rng.uniform(-4, 4), 2)) for _ in range(n)]
        if with_nan:
            pairs[13], pairs[21], pairs[40] = (1.0, math.nan), (-math.inf, 0.0), (math.nan, 2.0)
        pairs[9] = (0.0, 0.0)  # any/all see a zero
        return complex_array(pairs, tag).reshape(3, 4, 5)
    if tag == "bool":
        vals = [rng.next_u64() & 1 for _ in range(n)]
    elif kind(tag) == "int":
        vals = [rng.int_bits(4) - (8 if tag.startswith("i") else 0) for _ in range(n)]
        vals[7] = -(2 ** (NP[tag].itemsize * 8 - 1)) if tag.startswith("i") else 2 ** (NP[tag].itemsize * 8) - 1
    else:
        vals = [round(rng.uniform(-4, 4), 2) for _ in range(n)]
        vals[5] = vals[17]  # a tie for argmin/argmax
        if with_nan:
            vals[13], vals[21], vals[40] = math.nan, -math.inf, math.nan
    return as_dtype(vals, tag).reshape(3, 4, 5)


def axes_key(axes):
    return "none" if axes is None else ("empty" if axes == () else ",".join(map(str, axes)))


def reduce_expected(op, x, tag, axes):
    """Expected reduction over `axes` (keepdims=False). Float sums and moments are computed in
    float64 (a better oracle than NumPy's own float16/float32 accumulation) and rounded."""
    k = kind(tag)
    if k == "complex":
        return complex_reduce_expected(op, x, tag, axes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if op in ("min", "max", "all", "any"):
            return compute(lambda v: getattr(np, op)(v, axis=axes), x)
        if op in ("argmin", "argmax"):
            axis = None if axes is None else axes[0]
            return getattr(np, op)(cast(x, "f64") if tag == "bf16" else x, axis=axis)
        if op in ("sum", "prod"):
            f = getattr(np, op)
            if k == "float":
                return cast(f(cast(x, "f64"), axis=axes), tag)
            return f(x, axis=axes, dtype=np.uint64 if tag.startswith("u") else np.int64)
        wide = cast(x, "f64")
        out = tag if k == "float" else "f64"
        if op == "mean":
            return cast(np.mean(wide, axis=axes), out)
        var_or_std, ddof = op[:3], int(op[3:])
        r = np.var(wide, axis=axes, ddof=ddof) if var_or_std == "var" else np.std(wide, axis=axes, ddof=ddof)
        return cast(r, out)


def complex_reduce_expected(op, x, tag, axes):
    """Complex reductions: sums, products and moments in complex128 (var/std real), rounded;
    complex numbers have no order, so min/max/argmin/argmax refuse."""
    if op in ("min", "max", "argmin", "argmax"):
        return "UnsupportedDType"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if op in ("all", "any"):
            return getattr(np, op)(x, axis=axes)
        wide = x.astype(np.complex128)
        if op in ("sum", "prod"):
            return getattr(np, op)(wide, axis=axes).astype(NP[tag])
        if op == "mean":
            # devarray divides each part by the count; NumPy divides by count + 0j (Smith's
            # quotient), which makes both parts NaN when one is and -inf+0j a -inf+nanj.
            total = np.sum(wide, axis=axes)
            count = x.size // np.asarray(total).size
            mean = np.empty(np.shape(total), dtype=np.complex128)
            mean.real, mean.imag = np.real(total) / count, np.imag(total) / count
            return mean.astype(NP[tag])
        var_or_std, ddof = op[:3], int(op[3:])
        r = np.var(wide, axis=axes, ddof=ddof) if var_or_std == "var" else np.std(wide, axis=axes, ddof=ddof)
        return r.astype(NP[COMPONENT[tag]])


REDUCE_OPS = ["sum", "prod", "min", "max", "mean", "var0", "var1", "std0", "std1", "all", "any", "argmin", "argmax"]


# ----- promotion, mixed dtypes, scalars, where/clip ---------------------------------------


MIXED_OPS = ["add", "subtract", "multiply", "divide", "maximum", "less", "equal"]
SCALARS = [("int", 3), ("int", -1), ("int", 300), ("int", -300), ("int", 2**40), ("uint", 2**63),
           ("float", 0.5), ("float", -2.75), ("float", 1e6), ("bool", True)]
SCALAR_OPS = ["add", "subtract", "rsubtract", "multiply", "divide", "floor_divide", "less", "rgreater",
              "equal", "maximum", "bitwise_and", "logical_and"]


def scalar_key(s):
    return f"{s[0]}:{s[1]}"


BOOL_REFUSED = {"subtract", "floor_divide", "remainder", "pow", "bitwise_left_shift", "bitwise_right_shift"}
COMPARISONS = {"equal": "__eq__", "not_equal": "__ne__", "less": "__lt__", "less_equal": "__le__",
               "greater": "__gt__", "greater_equal": "__ge__"}


def scalar_case(op, x, tag, s):
    """`x op s` (or `s op x` for the r-ops) with NumPy's weak scalars. Where NumPy only fails
    because a Python int does not fit a C long, devarray compares mathematically (comparisons)
    or uses the scalar's truth (logical ops). bfloat16 arrays are done in float32 on the scalar
    rounded to bfloat16 (NumPy lacks bfloat16 promotion)."""
    name = {"rgreater": "greater", "rsubtract": "subtract"}.get(op, op)
    f = np_func(name, NP_BINARY)
    reverse = op.startswith("r")
    if tag == "bool" and s[0] == "bool" and name in BOOL_REFUSED:
        return "UnsupportedDType"
    if tag == "bf16":
        if name.startswith("bitwise"):
            return "UnsupportedDType"
        v = cast(cast(np.array([s[1]], dtype=np.float64), "bf16"), "f32")[0]
        return compute(lambda xs: f(v, xs) if reverse else f(xs, v), x)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return f(s[1], x) if reverse else f(x, s[1])
    except OverflowError:
        if name in COMPARISONS:
            cmp = getattr(int, COMPARISONS[name])
            return np.array([cmp(s[1], int(v)) if reverse else cmp(int(v), s[1]) for v in x], dtype=np.bool_)
        if name.startswith("logical"):
            return f(x, bool(s[1]))
        return "InvalidArgument"
    except TypeError:
        return "UnsupportedDType"


def clip_cases(tag, rng):
    """(key suffix, x, lo, hi, expected) with scalar and array bounds."""
    x, _ = binary_inputs(tag, rng)
    x = x[:64]
    if kind(tag) == "bool":
        yield "scalar", x, False, True, np.clip(x, False, True)
        return
    lo_s, hi_s = (-2, 5) if kind(tag) == "int" else (-2.5, 1e3)
    if tag.startswith("u"):
        lo_s = 3
    yield "scalar", x, lo_s, hi_s, compute(lambda v: np.clip(v, lo_s, hi_s), x)
    lo, hi = unary_input(tag, rng)[:64], unary_input(tag, rng)[::-1][:64]
    yield "array", x, lo, hi, compute(np.clip, x, lo, hi)


# ----- writing ----------------------------------------------------------------------------


class Writer:
    def __init__(self):
        self.entries = []

    def array(self, key, arr):
        arr = np.array(arr, copy=True, order="C")  # ascontiguousarray would make 0-d arrays 1-d
        tag = TAG[arr.dtype] if arr.dtype in TAG else None
        assert tag is not None, f"{key}: unexpected dtype {arr.dtype}"
        self.entries.append((key, DTYPES.index(tag), arr.shape, arr.tobytes()))

    def error(self, key, variant):
        self.entries.append((key, ERROR_CODE, (), variant.encode()))

    def put(self, key, value):
        if isinstance(value, str):
            self.error(key, value)
        else:
            self.array(key, np.asarray(value))

    def save(self, path):
        with open(path, "wb") as f:
            f.write(MAGIC + struct.pack("<I", len(self.entries)))
            for key, code, shape, data in self.entries:
                k = key.encode()
                f.write(struct.pack("<H", len(k)) + k + struct.pack("<BB", code, len(shape)))
                f.write(b"".join(struct.pack("<I", d) for d in shape))
                f.write(struct.pack("<I", len(data)) + data)


def gen_unary(w, rng):
    for tag in DTYPES:
        x = unary_input(tag, rng)
        w.array(f"in/{tag}", x)
        for op in UNARY:
            w.put(f"unary/{op}/{tag}", unary_expected(op, x, tag))
        for dst in DTYPES:
            w.put(f"cast/{tag}/{dst}", cast_expected(x, tag, dst))


def gen_binary(w, rng):
    for tag in DTYPES:
        a, b = binary_inputs(tag, rng)
        w.array(f"a/{tag}", a)
        w.array(f"b/{tag}", b)
        for op in BINARY:
            w.put(f"binary/{op}/{tag}", binary_expected(op, a, b, tag))


def gen_promote(w, rng):
    codes = [[DTYPES.index(result_type(a, b)) for b in REAL] for a in REAL]
    w.array("result_type", np.array(codes, dtype=np.uint8))
    safe = [[bool(np.can_cast(NP[a], NP[b])) for b in REAL] for a in REAL]
    w.array("can_cast", np.array(safe, dtype=np.bool_))
    small = [0, 1, 2, 3, 5, 7, 100, 127]
    for tag in REAL:
        w.array(f"mixed_a/{tag}", as_dtype(small, tag))
        w.array(f"mixed_b/{tag}", as_dtype(small[::-1], tag))
    for ta, tb in itertools.product(REAL, repeat=2):
        a, b = as_dtype(small, ta), as_dtype(small[::-1], tb)
        rt = result_type(ta, tb)
        for op in MIXED_OPS:
            if op == "subtract" and rt == "bool":
                w.error(f"mixed/{op}/{ta}/{tb}", "UnsupportedDType")
                continue
            f = getattr(np, op)
            if op == "divide" and kind(rt) != "float":
                rt_op = "f64"
            else:
                rt_op = rt
            r = compute(f, cast(a, rt_op), cast(b, rt_op))
            w.array(f"mixed/{op}/{ta}/{tb}", r)
    for tag in REAL:
        x = as_dtype([0, 1, 2, 5, 100, 127], tag)
        w.array(f"scalar_in/{tag}", x)
        for op, s in itertools.product(SCALAR_OPS, SCALARS):
            w.put(f"scalar/{op}/{tag}/{scalar_key(s)}", scalar_case(op, x, tag, s))
        for suffix, x2, lo, hi, expected in clip_cases(tag, rng):
            w.array(f"clip_x/{suffix}/{tag}", x2)
            if suffix == "array":
                w.array(f"clip_lo/{tag}", lo)
                w.array(f"clip_hi/{tag}", hi)
            else:
                w.array(f"clip_bounds/{tag}", np.array([lo, hi], dtype=np.float64))
            w.array(f"clip/{suffix}/{tag}", expected)
    cond = np.array([True, False, True, False, False, True], dtype=np.bool_)
    w.array("where_cond", cond)
    for ta, tb in itertools.product(REAL, repeat=2):
        a, b = as_dtype([1, 2, 3, 4, 5, 6], ta), as_dtype([7, 8, 9, 10, 11, 12], tb)
        rt = result_type(ta, tb)
        w.array(f"where/{ta}/{tb}", np.where(cond, cast(a, rt), cast(b, rt)))


def gen_reduce(w, rng):
    for tag in DTYPES:
        for variant in ("plain", "nan") if kind(tag) in ("float", "complex") else ("plain",):
            x = reduce_input(tag, rng, variant == "nan")
            w.array(f"x/{variant}/{tag}", x)
            for op, axes in itertools.product(REDUCE_OPS, REDUCE_AXES):
                if op.startswith("arg") and axes is not None and len(axes) != 1:
                    continue
                w.put(f"reduce/{op}/{variant}/{tag}/{axes_key(axes)}", reduce_expected(op, x, tag, axes))


GENERATORS = {"unary.bin": gen_unary, "binary.bin": gen_binary, "promote.bin": gen_promote, "reduce.bin": gen_reduce}


def generate(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for i, (name, gen) in enumerate(GENERATORS.items()):
        w = Writer()
        gen(w, Rng(0xDA0 + i))
        w.save(os.path.join(out_dir, name))


# ----- --check ----------------------------------------------------------------------------


def read_entries(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(MAGIC), f"{path}: not an oracle file"
    (count,), pos = struct.unpack_from("<I", data, len(MAGIC)), len(MAGIC) + 4
    entries = {}
    for _ in range(count):
        (klen,) = struct.unpack_from("<H", data, pos)
        key = data[pos + 2:pos + 2 + klen].decode()
        pos += 2 + klen
        code, ndim = struct.unpack_from("<BB", data, pos)
        shape = struct.unpack_from(f"<{ndim}I", data, pos + 2)
        pos += 2 + 4 * ndim
        (n,) = struct.unpack_from("<I", data, pos)
        entries[key] = (code, shape, data[pos + 4:pos + 4 + n])
        pos += 4 + n
    return entries


def ordered(arr):
    """Float bits as integers whose order and differences count ulps (±0 are both 0)."""
    bits = {2: np.int16, 4: np.int32, 8: np.int64}[arr.dtype.itemsize]
    i = arr.view(bits).astype(np.int64)
    sign = np.int64(1) << (arr.dtype.itemsize * 8 - 1)
    return np.where(i < 0, -(i & (sign - 1)), i)


def close_enough(key, old, new):
    """Same bytes, or (transcendental results) within the ulp bound; NaN equals NaN."""
    parts = key.split("/")
    approx = (parts[0] == "unary" and parts[1] in APPROX_UNARY) or (parts[0] == "binary" and parts[1] in APPROX_BINARY)
    approx = approx or (parts[0] == "reduce" and old[0] in (9, 10, 11, 12, 13, 14))
    complex_tag = parts[-1] in COMPLEX and parts[0] in ("unary", "binary")
    approx = approx or (complex_tag and parts[1] in APPROX_COMPLEX)
    if old == new:
        return True
    if not approx or old[0] != new[0] or old[1] != new[1]:
        return False
    dt = NP[DTYPES[old[0]]]
    if dt.kind == "c":  # compared per part
        dt = NP[COMPONENT[DTYPES[old[0]]]]
    a, b = np.frombuffer(old[2], dtype=dt).astype(dt), np.frombuffer(new[2], dtype=dt).astype(dt)
    both_nan = np.isnan(a.astype(np.float64)) & np.isnan(b.astype(np.float64))
    bound = ULP_NARROW if dt.itemsize == 2 else ULP_WIDE
    if complex_tag:
        bound = ULP_COMPLEX
    if parts[0] == "reduce":
        bound = 64  # float64 reference sums may differ in the last bits across NumPy versions
    return bool(np.all(both_nan | (np.abs(ordered(a) - ordered(b)) <= bound)))


def check(out_dir):
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp)
        failures = []
        for name in GENERATORS:
            checked_in = os.path.join(out_dir, name)
            if not os.path.exists(checked_in):
                failures.append(f"{name}: missing (run tools/gen_oracle.py)")
                continue
            old, new = read_entries(checked_in), read_entries(os.path.join(tmp, name))
            if old.keys() != new.keys():
                failures.append(f"{name}: entries differ: {sorted(set(old) ^ set(new))[:5]}")
                continue
            failures += [f"{name}: {k} differs" for k in old if not close_enough(k, old[k], new[k])]
    for f in failures[:20]:
        print("gen_oracle --check:", f, file=sys.stderr)
    if failures:
        print(f"gen_oracle --check: {len(failures)} differences; regenerate with python tools/gen_oracle.py", file=sys.stderr)
        return 1
    print(f"gen_oracle --check: {out_dir} matches NumPy {np.__version__} / ml_dtypes {ml_dtypes.__version__}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the checked-in files differ from a fresh run")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "data", "oracle"))
    args = parser.parse_args()
    out = os.path.normpath(args.out)
    if args.check:
        return check(out)
    generate(out)
    total = sum(os.path.getsize(os.path.join(out, n)) for n in GENERATORS)
    print(f"wrote {len(GENERATORS)} files, {total} bytes, to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
