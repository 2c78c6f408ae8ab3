#!/usr/bin/env python3
"""CPU test of the devarray kernels against NumPy (no GPU): kernels/*.cu built as host C++
(build.py) and launched through a fiber-per-thread launcher with small grids.

Checks the ABI structs (mirrored here with ctypes), every path (_vec incl. tails, _s32/_s64 with
transposed / broadcast / negative-stride operands, scalar operands) and the NumPy semantics.
Needs numpy and ml_dtypes (bfloat16). Usage: python3 kernels/hosttest/test_kernels.py [-k substr]
"""
import ctypes
import math
import os
import subprocess
import sys
import warnings

import numpy as np

try:
    import ml_dtypes
    BF16 = ml_dtypes.bfloat16
except ImportError:  # pragma: no cover
    BF16 = None

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
warnings.simplefilter("ignore")

TAGS = ["bool", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f16", "bf16", "f32", "f64"]
NP = {"bool": np.bool_, "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64, "i8": np.int8,
      "i16": np.int16, "i32": np.int32, "i64": np.int64, "f16": np.float16, "bf16": BF16, "f32": np.float32,
      "f64": np.float64}
FLOATS = ["f16", "bf16", "f32", "f64"]
INTS = ["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"]
MAXD = 8


class EwArgs(ctypes.Structure):
    _fields_ = [("out", ctypes.c_void_p), ("inp", ctypes.c_void_p * 3), ("scalar", ctypes.c_uint64 * 3),
                ("scalar_mask", ctypes.c_uint32), ("_pad", ctypes.c_uint32)]


class Layout32(ctypes.Structure):
    _fields_ = [("n", ctypes.c_uint32), ("ndim", ctypes.c_int32), ("shape", ctypes.c_uint32 * MAXD),
                ("stride", (ctypes.c_int32 * MAXD) * 4)]


class Layout64(ctypes.Structure):
    _fields_ = [("n", ctypes.c_uint64), ("ndim", ctypes.c_int32), ("shape", ctypes.c_int64 * MAXD),
                ("stride", (ctypes.c_int64 * MAXD) * 4)]


class LayoutContig(ctypes.Structure):
    _fields_ = [("n", ctypes.c_uint64)]


class RedArgs(ctypes.Structure):
    _fields_ = [("inp", ctypes.c_void_p), ("out", ctypes.c_void_p), ("partials", ctypes.c_void_p),
                ("outer", ctypes.c_uint64), ("r", ctypes.c_uint64), ("inner", ctypes.c_uint64),
                ("divisor", ctypes.c_uint64)]


assert ctypes.sizeof(EwArgs) == 64 and ctypes.sizeof(Layout32) == 168 and ctypes.sizeof(Layout64) == 336


def load_lib():
    so = os.path.join(ROOT, ".cache/hosttest/libdaemu.so")
    subprocess.run([sys.executable, os.path.join(HERE, "build.py"), so], check=True, stdout=subprocess.DEVNULL)
    lib = ctypes.CDLL(so, mode=ctypes.RTLD_GLOBAL)
    lib.da_emu_launch.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
    return lib


LIB = None
KEEP = []  # keep buffers alive


def aligned_empty(n, dtype, offset_elems=0):
    """1-D array of n elements whose data starts 16-byte aligned (+ offset_elems elements)."""
    dt = np.dtype(dtype)
    raw = np.empty(n * dt.itemsize + 64 + offset_elems * dt.itemsize, np.uint8)
    start = (-raw.ctypes.data) % 16 + offset_elems * dt.itemsize
    a = raw[start:start + n * dt.itemsize].view(dt)
    KEEP.append(raw)
    return a


def aligned_copy(x, offset_elems=0):
    a = aligned_empty(x.size, x.dtype, offset_elems)
    a[...] = x.reshape(-1)
    return a.reshape(x.shape)


def scalar_bits(v, tag):
    a = np.array([v], dtype=NP[tag])
    return int.from_bytes(a.tobytes(), "little")


def launch(name, p1, p2=None, grid=3, block=128):
    rc = LIB.da_emu_launch(name.encode(), grid, block, ctypes.byref(p1), ctypes.byref(p2) if p2 is not None else None)
    if rc != 0:
        raise KeyError("kernel %s not found" % name)


def ew(name, out_tag, ins, path, shape=None, grid=3, out_view=None):
    """Run an elementwise kernel. ins: list of (array or ('scalar', value, tag)).
    path 'vec': arrays must be contiguous+aligned; 's32'/'s64': any strides (broadcast to shape)."""
    args = EwArgs()
    mask = 0
    arrs = []
    for i, x in enumerate(ins):
        if isinstance(x, tuple) and x[0] == "scalar":
            args.scalar[i] = scalar_bits(x[1], x[2])
            mask |= 1 << i
            arrs.append(None)
        else:
            arrs.append(x)
            args.inp[i] = x.ctypes.data
    args.scalar_mask = mask
    if shape is None:
        shape = np.broadcast_shapes(*[a.shape for a in arrs if a is not None]) if any(a is not None for a in arrs) else (0,)
    n = int(np.prod(shape))
    if path == "vec":
        out = aligned_empty(n, NP[out_tag]).reshape(shape)
        args.out = out.ctypes.data
        launch(name + "_vec", args, LayoutContig(n), grid)
        return out
    out = out_view if out_view is not None else aligned_empty(n, NP[out_tag]).reshape(shape)
    args.out = out.ctypes.data
    L = Layout32() if path == "s32" else Layout64()
    L.n = n
    L.ndim = len(shape)
    for d, s in enumerate(shape):
        L.shape[d] = s
    ops = [out] + arrs
    for k, a in enumerate(ops):
        if a is None:
            continue
        b = np.broadcast_to(a, shape)
        for d in range(len(shape)):
            L.stride[k][d] = b.strides[d] // b.itemsize
    launch(name + "_" + path, args, L, grid)
    return out


# ---------------------------------------------------------------- comparisons
def ordered(x):
    x = np.asarray(x)
    bits = x.view({2: np.int16, 4: np.int32, 8: np.int64}[x.itemsize]).astype(np.int64)
    top = 1 << (8 * x.itemsize - 1)
    return np.where(bits < 0, -(bits & (top - 1)), bits)  # monotonic; -0 and +0 both map to 0


def ulp_diff(a, b):
    return np.abs(ordered(a) - ordered(b))


class Fail(Exception):
    pass


def check(got, want, what, ulps=0, zero_sign=True):
    got = np.asarray(got)
    want = np.asarray(want)
    if got.shape != want.shape:
        raise Fail("%s: shape %s != %s" % (what, got.shape, want.shape))
    if got.dtype != want.dtype:
        raise Fail("%s: dtype %s != %s" % (what, got.dtype, want.dtype))
    if got.dtype.kind == "f" or (BF16 is not None and got.dtype == np.dtype(BF16)):
        g = got.astype(np.float64)
        w = want.astype(np.float64)
        nan_ok = np.isnan(g) == np.isnan(w)
        if ulps:
            close = ulp_diff(got, want) <= ulps
            close |= (g == w)
        else:
            close = (g == w)
            if zero_sign:
                close &= np.signbit(g) == np.signbit(w)
        bad = ~((np.isnan(g) & np.isnan(w)) | (close & ~np.isnan(w))) | ~nan_ok
    else:
        bad = got != want
    if bad.any():
        idx = np.argwhere(bad.reshape(got.shape))[:5]
        ex = ["%s: got %r want %r" % (tuple(i), got[tuple(i)], want[tuple(i)]) for i in idx]
        raise Fail("%s: %d/%d mismatches, e.g. %s" % (what, bad.sum(), bad.size, "; ".join(ex)))


# ---------------------------------------------------------------- data
RNG = np.random.default_rng(1234)


def sample(tag, n, kind="any"):
    dt = NP[tag]
    if tag == "bool":
        return RNG.integers(0, 2, n).astype(np.bool_)
    if tag in INTS:
        info = np.iinfo(dt)
        if kind == "small":
            lo, hi = (0, 10) if info.min == 0 else (-10, 10)
            return RNG.integers(lo, hi + 1, n).astype(dt)
        x = RNG.integers(info.min, info.max, n, dtype=dt, endpoint=True)
        x[: min(n, 6)] = [info.min, info.max, 0, 1, info.max - 1, info.min + 1][: min(n, 6)]
        return x
    # floats
    if kind == "unit":
        x = RNG.uniform(-1, 1, n)
    elif kind == "pos":
        x = np.exp(RNG.uniform(-5, 5, n))
    elif kind == "ge1":
        x = 1 + np.exp(RNG.uniform(-5, 5, n))
    else:
        x = RNG.standard_normal(n) * np.exp(RNG.uniform(-3, 3, n))
    x = x.astype(np.float64)
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 0.5, -0.5, 1.5, 2.5, -2.5, 1.0, -1.0]
    if kind == "any":
        x[: min(n, len(specials))] = specials[: min(n, len(specials))]
    return x.astype(dt)


# ---------------------------------------------------------------- unary
def bf_ok(tag):
    return tag != "bf16" or BF16 is not None


UNARY_NP = {
    "negative": np.negative, "positive": np.positive, "abs": np.abs, "sign": np.sign, "sqrt": np.sqrt,
    "square": np.square, "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "log2": np.log2,
    "log10": np.log10, "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin, "acos": np.arccos,
    "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "floor": np.floor, "ceil": np.ceil, "trunc": np.trunc,
    "round": np.rint, "reciprocal": np.reciprocal, "isnan": np.isnan, "isinf": np.isinf,
    "isfinite": np.isfinite, "logical_not": np.logical_not, "bitwise_invert": np.invert, "signbit": np.signbit,
}
EXACT_UNARY = {"negative", "positive", "abs", "sign", "sqrt", "square", "floor", "ceil", "trunc", "round",
               "reciprocal", "isnan", "isinf", "isfinite", "logical_not", "bitwise_invert", "signbit"}
DOMAIN = {"log": "pos", "log2": "pos", "log10": "pos", "sqrt": "pos", "log1p": "pos", "acosh": "ge1",
          "asin": "unit", "acos": "unit", "atanh": "unit"}


def unary_ops(tag):
    ops = ["abs", "isnan", "isinf", "isfinite", "signbit", "logical_not", "floor", "ceil", "trunc", "round"]
    if tag != "bool":
        ops += ["negative", "positive", "sign", "square"]
    if tag in INTS or tag == "bool":
        ops += ["bitwise_invert"]
    if tag in FLOATS:
        ops += ["sqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "asin", "acos",
                "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "reciprocal"]
    return ops


def np_unary(op, x, tag):
    f = UNARY_NP[op]
    if tag in ("f16", "bf16") and op not in EXACT_UNARY - {"sqrt", "reciprocal"}:
        r = f(x.astype(np.float32))
        return r.astype(x.dtype) if r.dtype.kind == "f" else r
    if op in ("floor", "ceil", "trunc", "round") and tag not in FLOATS:
        return x.copy()
    if tag == "bf16" and op in ("sqrt", "reciprocal", "sign"):
        return f(x.astype(np.float32)).astype(x.dtype)
    return f(x)


def t_unary(tag, op):
    kind = DOMAIN.get(op, "any")
    n = 1000 + 7
    x = aligned_copy(sample(tag, n, kind))
    if op in ("sin", "cos", "tan") and tag in ("f32", "f64"):
        big = np.array([1e5, -3e6, 1e10, 1e22, -1e30, 3.4e38, 1.5707963267948966, 3.141592653589793,
                        1e-30, 6.2831853, 710.0, 2.0 ** 60, 4.2e8, -4.3e8, 1e300], np.float64)
        big = big[np.isfinite(big.astype(NP[tag]))].astype(NP[tag])
        x[20:20 + big.size] = big
    want = np_unary(op, x, tag)
    out_tag = "bool" if want.dtype == np.bool_ else tag
    ulps = 0 if op in EXACT_UNARY else {"f16": 1, "bf16": 1, "f32": 4, "f64": 4}.get(tag, 0)
    name = "%s_%s" % (op, tag)
    check(ew(name, out_tag, [x], "vec"), want, name + "_vec", ulps)
    xs = aligned_copy(x[:900]).reshape(30, 30).T[::-1]  # transposed, negative stride
    check(ew(name, out_tag, [xs], "s32"), np_unary(op, xs, tag), name + "_s32", ulps)
    check(ew(name, out_tag, [xs], "s64", grid=2), np_unary(op, xs, tag), name + "_s64", ulps)


# ---------------------------------------------------------------- binary
BIN_NP = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.true_divide,
    "floor_divide": np.floor_divide, "remainder": np.remainder, "pow": np.power, "maximum": np.maximum,
    "minimum": np.minimum, "atan2": np.arctan2, "hypot": np.hypot, "copysign": np.copysign,
    "logaddexp": np.logaddexp, "equal": np.equal, "not_equal": np.not_equal, "less": np.less,
    "less_equal": np.less_equal, "greater": np.greater, "greater_equal": np.greater_equal,
    "logical_and": np.logical_and, "logical_or": np.logical_or, "logical_xor": np.logical_xor,
    "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor,
    "bitwise_left_shift": np.left_shift, "bitwise_right_shift": np.right_shift, "nextafter": np.nextafter,
}
INEXACT_BIN = {"atan2", "hypot", "logaddexp", "pow"}


def binary_ops(tag):
    ops = ["add", "multiply", "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater",
           "greater_equal", "logical_and", "logical_or", "logical_xor"]
    if tag != "bool":
        ops += ["subtract", "floor_divide", "remainder", "pow"]
    if tag in INTS or tag == "bool":
        ops += ["bitwise_and", "bitwise_or", "bitwise_xor"]
    if tag in INTS:
        ops += ["bitwise_left_shift", "bitwise_right_shift"]
    if tag in FLOATS:
        ops += ["divide", "atan2", "hypot", "copysign", "logaddexp", "nextafter"]
    return ops


def np_binary(op, a, b, tag):
    f = BIN_NP[op]
    if op == "pow" and tag in INTS:
        bb = np.broadcast_to(b, np.broadcast_shapes(np.shape(a), np.shape(b)))
        aa = np.broadcast_to(a, bb.shape)
        neg = bb < 0
        r = f(aa, np.where(neg, 0, bb).astype(bb.dtype))
        alt = np.where(aa == 1, 1, np.where(aa == -1, np.where(bb % 2 == 0, 1, -1), 0)).astype(aa.dtype) if tag[0] == "i" else r
        return np.where(neg, alt, r).astype(aa.dtype)
    if op == "nextafter":  # steps in the dtype's own bits (NumPy's float16 loop, ml_dtypes' bfloat16)
        with np.errstate(all="ignore"):  # ties give b, as C and NumPy >= 2.5 (< 2.5: a for float16)
            return np.where(np.asarray(a) == np.asarray(b), b, f(a, b)).astype(np.asarray(a).dtype)
    if tag in ("f16", "bf16"):
        r = f(np.asarray(a).astype(np.float32), np.asarray(b).astype(np.float32))
        return r.astype(NP[tag]) if r.dtype.kind == "f" else r
    return f(a, b)


def t_binary(tag, op):
    n = 1000 + 3
    kind = "small" if op in ("pow", "bitwise_left_shift", "bitwise_right_shift") and tag in INTS else "any"
    a = aligned_copy(sample(tag, n, "small" if (op == "pow" and tag in INTS) else "any"))
    b = aligned_copy(sample(tag, n, kind))
    if op in ("bitwise_left_shift", "bitwise_right_shift"):
        bits = 8 * np.dtype(NP[tag]).itemsize
        b = aligned_copy(RNG.integers(0 if tag[0] == "u" else -3, bits + 4, n).astype(NP[tag]))
    if op == "pow" and tag in FLOATS:
        a = aligned_copy(np.abs(a))
    want = np_binary(op, a, b, tag)
    out_tag = "bool" if want.dtype == np.bool_ else tag
    ulps = {"f16": 1, "bf16": 1, "f32": 4, "f64": 4}.get(tag, 0) if op in INEXACT_BIN else 0
    name = "%s_%s" % (op, tag)
    check(ew(name, out_tag, [a, b], "vec"), want, name + "_vec", ulps)
    # scalar second / first operand on the vec path
    s = b[7].item() if tag not in ("f16", "bf16") else float(b[7])
    check(ew(name, out_tag, [a, ("scalar", s, tag)], "vec"), np_binary(op, a, np.array(b[7]), tag),
          name + "_vec_scalar1", ulps)
    s0 = a[9].item() if tag not in ("f16", "bf16") else float(a[9])
    check(ew(name, out_tag, [("scalar", s0, tag), b], "vec", shape=b.shape), np_binary(op, np.array(a[9]), b, tag),
          name + "_vec_scalar0", ulps)
    # broadcasting + transposes on the strided paths
    a2 = aligned_copy(a[:600]).reshape(20, 30)
    b2 = aligned_copy(b[:30]).reshape(1, 30)
    check(ew(name, out_tag, [a2.T, b2.T], "s32"), np_binary(op, a2.T, b2.T, tag), name + "_s32", ulps)
    a3 = aligned_copy(a[:120]).reshape(2, 3, 4, 5)
    b3 = aligned_copy(b[:12]).reshape(1, 3, 4, 1)
    check(ew(name, out_tag, [a3, b3[:, :, ::-1]], "s64", grid=2), np_binary(op, a3, b3[:, :, ::-1], tag),
          name + "_s64", ulps)


# ---------------------------------------------------------------- where / clip / cast / copy
def t_where(tag):
    n = 777
    c = aligned_copy(sample("bool", n))
    x = aligned_copy(sample(tag, n))
    y = aligned_copy(sample(tag, n))
    check(ew("where_" + tag, tag, [c, x, y], "vec"), np.where(c, x, y), "where_vec")
    s = y[3].item() if tag not in ("f16", "bf16") else float(y[3])
    check(ew("where_" + tag, tag, [c, x, ("scalar", s, tag)], "vec"), np.where(c, x, y[3]), "where_vec_scalar")
    c2 = aligned_copy(c[:40]).reshape(8, 5)
    x2 = aligned_copy(x[:5]).reshape(1, 5)
    check(ew("where_" + tag, tag, [c2.T, x2.T, ("scalar", s, tag)], "s32", shape=(5, 8)),
          np.where(c2.T, x2.T, y[3]), "where_s32")
    check(ew("where_" + tag, tag, [c2, x2, ("scalar", s, tag)], "s64", shape=(8, 5)),
          np.where(c2, x2, y[3]), "where_s64")


def t_clip(tag):
    n = 555
    x = aligned_copy(sample(tag, n))
    if tag in INTS:
        lo, hi = sorted(x[10:12].tolist())
    elif tag == "bool":
        lo, hi = False, True
    else:
        lo, hi = -0.75, 1.25
    ref_max = lambda p, q: np.maximum(p, q)
    if tag in ("f16", "bf16"):
        want = np.minimum(np.maximum(x.astype(np.float32), np.float32(lo)), np.float32(hi)).astype(NP[tag])
    else:
        want = np.minimum(np.maximum(x, NP[tag](lo)), NP[tag](hi))
    got = ew("clip_" + tag, tag, [x, ("scalar", lo, tag), ("scalar", hi, tag)], "vec")
    check(got, want, "clip_vec")
    if tag in FLOATS:
        got = ew("clip_" + tag, tag, [x, ("scalar", lo, tag), ("scalar", float("nan"), tag)], "s32")
        check(np.isnan(got.astype(np.float64)), np.ones(n, bool), "clip_nan_hi")


def sat_cast(x, src, dst):
    """Reference for float -> int: truncate, saturate, NaN -> 0."""
    info = np.iinfo(NP[dst])
    out = []
    for v in np.asarray(x, np.float64).reshape(-1).tolist():
        if math.isnan(v):
            out.append(0)
        elif v == math.inf or (math.isfinite(v) and math.trunc(v) > info.max):
            out.append(info.max)
        elif v == -math.inf or (math.isfinite(v) and math.trunc(v) < info.min):
            out.append(info.min)
        else:
            out.append(math.trunc(v))
    return np.array(out, dtype=object).astype(NP[dst]).reshape(np.shape(x))


def np_cast(x, src, dst):
    if src in FLOATS and dst in INTS:
        return sat_cast(x, src, dst)
    if src == "f64" and dst == "bf16":
        return x.astype(np.float32).astype(BF16)
    if src in INTS and dst in ("f16", "bf16"):
        return x.astype(np.float32).astype(NP[dst])
    return x.astype(NP[dst])


def t_cast(src, dst):
    n = 513
    x = sample(src, n)
    if src in FLOATS:
        extra = np.array([1e10, -1e10, 3e9, -3e9, 70000.0, -70000.0, 255.9, -1.5, -0.7, 1e30, 65519.0, 65520.0,
                          1 + 2 ** -11 + 2 ** -40], np.float64)
        x[40:40 + extra.size] = extra.astype(NP[src])
    x = aligned_copy(x)
    name = "cast_%s_%s" % (src, dst)
    want = np_cast(x, src, dst)
    check(ew(name, dst, [x], "vec"), want, name + "_vec")
    xs = aligned_copy(x[:500]).reshape(20, 25).T
    check(ew(name, dst, [xs], "s32"), np_cast(xs, src, dst), name + "_s32")


def t_copy(tag):
    dt = {"u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64}[tag]
    x = aligned_copy(sample(tag, 999))
    check(ew("copy_" + tag, tag, [x], "vec"), x, "copy_vec")
    x3 = aligned_copy(x[:960]).reshape(4, 8, 30)
    v = x3.transpose(2, 0, 1)[::2, :, ::-1]
    check(ew("copy_" + tag, tag, [v], "s32"), np.ascontiguousarray(v), "copy_s32")
    check(ew("copy_" + tag, tag, [v], "s64"), np.ascontiguousarray(v), "copy_s64")
    bc = np.broadcast_to(x[:7], (5, 7))
    check(ew("copy_" + tag, tag, [bc], "s32"), np.ascontiguousarray(bc), "copy_broadcast")
    f = ew("fill_" + tag, tag, [("scalar", int(x[3]), tag)], "vec", shape=(1001,))
    check(f, np.full(1001, x[3], dt), "fill_vec")
    out = aligned_empty(600, dt).reshape(20, 30)
    ew("fill_" + tag, tag, [("scalar", int(x[5]), tag)], "s32", shape=(30, 20), out_view=out.T)
    check(out, np.full((20, 30), x[5], dt), "fill_s32")


# ---------------------------------------------------------------- reductions
def red_out_dtype(op, tag):
    if op in ("sum", "prod"):
        if tag in FLOATS:
            return NP[tag]
        return np.uint64 if tag[0] == "u" else np.int64
    if op in ("argmin", "argmax"):
        return np.int64
    if op in ("all", "any"):
        return np.bool_
    return NP[tag]


def np_reduce(op, x, axis, tag, mean=False):
    if op in ("sum", "prod"):
        if tag in FLOATS:
            acc = np.float64 if tag == "f64" else np.float32
            f = np.sum if op == "sum" else np.prod
            r = f(x.astype(acc), axis=axis)
            if mean:
                r = r / acc(x.size if axis is None else x.shape[axis])
            return np.asarray(r).astype(NP[tag])
        acc = np.uint64 if tag[0] == "u" else np.int64
        f = np.sum if op == "sum" else np.prod
        return np.asarray(f(x.astype(acc), axis=axis)).astype(acc)
    if op in ("min", "max"):
        f = np.min if op == "min" else np.max
        if tag == "bf16":
            return np.asarray(f(x.astype(np.float32), axis=axis)).astype(BF16)
        return np.asarray(f(x, axis=axis))
    if op in ("argmin", "argmax"):
        f = np.argmin if op == "argmin" else np.argmax
        xx = x.astype(np.float32) if tag == "bf16" else x
        return np.asarray(f(xx, axis=axis)).astype(np.int64)
    f = np.all if op == "all" else np.any
    return np.asarray(f(x, axis=axis))


def run_reduce(op, tag, x3, mode, grid=4, divisor=0):
    """x3: contiguous (outer, r, inner)."""
    outer, r, inner = x3.shape
    odt = red_out_dtype(op, tag)
    args = RedArgs()
    args.inp = x3.ctypes.data
    args.outer, args.r, args.inner, args.divisor = outer, r, inner, divisor
    name = "%s_%s_" % (op, tag)
    if mode == "full":
        out = aligned_empty(1, odt)
        parts = aligned_empty(grid * 16, np.uint8)
        args.out, args.partials = out.ctypes.data, parts.ctypes.data
        launch(name + "full1", args, None, grid, 256)
        if grid > 1:
            a2 = RedArgs()
            a2.inp = 0
            a2.out, a2.partials = out.ctypes.data, parts.ctypes.data
            a2.outer, a2.r, a2.inner, a2.divisor = 1, grid, 1, divisor
            launch(name + "full2", a2, None, 1, 256)
        return out.reshape(())
    out = aligned_empty(outer * inner, odt)
    args.out = out.ctypes.data
    launch(name + mode, args, None, grid, 256)
    return out.reshape(outer, inner)


RED_OPS = ["sum", "prod", "min", "max", "argmin", "argmax", "all", "any"]


def check_reduction(op, tag, got, want, x3, what, ulps):
    """A reduction of x3 (outer, r, inner) along r against NumPy's. float32/float64 sums, means
    and products are accumulated in another order than NumPy's, and an ulp count relative to the
    result does not bound that difference (a sum that cancels, a product of thousands of
    factors): bound the error by r * eps * sum(|x|) (sums; divided by r for means) or by
    2 * r * eps * |result| (products) instead. Everything else: `check` with `ulps`."""
    if op not in ("sum", "mean", "prod") or tag not in ("f32", "f64"):
        return check(got, want, what, ulps)
    r = x3.shape[1]
    eps = np.finfo(NP[tag]).eps
    g, w = np.asarray(got, np.float64), np.asarray(want, np.float64)
    if op == "prod":
        bound = 2 * r * eps * np.abs(w)
    else:
        bound = r * eps * np.abs(x3.astype(np.float64)).sum(axis=1).reshape(w.shape) / (r if op == "mean" else 1)
    if np.asarray(got).dtype != np.asarray(want).dtype:
        raise Fail("%s: dtype %s != %s" % (what, np.asarray(got).dtype, np.asarray(want).dtype))
    if (np.abs(g - w) > bound).any():
        raise Fail("%s: error %g over the bound %g" % (what, np.abs(g - w).max(), bound.max()))


def t_reduce(tag, op):
    ulps = 0
    if op in ("sum", "prod") and tag in FLOATS:
        ulps = {"f16": 1, "bf16": 1, "f32": 64, "f64": 64}[tag]
    kind = "small" if op == "prod" else "any"
    # full: odd length, unaligned start
    n = 5003
    base = sample(tag, n + 3, kind)
    if tag in FLOATS:
        base = np.where(np.isfinite(base.astype(np.float64)), base, NP[tag](1.0)).astype(NP[tag])
        if op == "prod":
            base = (1 + RNG.uniform(-0.01, 0.01, n + 3)).astype(NP[tag])
    buf = aligned_copy(base, offset_elems=1 if np.dtype(NP[tag]).itemsize < 8 else 0)
    x = buf[1:1 + n]
    for grid in (1, 5):
        got = run_reduce(op, tag, x.reshape(1, n, 1), "full", grid)
        want = np_reduce(op, x, None, tag)
        check_reduction(op, tag, got, want, x.reshape(1, n, 1), "%s_%s_full g%d" % (op, tag, grid), ulps)
    if op == "sum" and tag in FLOATS:
        got = run_reduce(op, tag, x.reshape(1, n, 1), "full", 3, divisor=n)
        want = np_reduce(op, x, None, tag, mean=True)
        check_reduction("mean", tag, got, want, x.reshape(1, n, 1), "mean_%s_full" % tag, ulps)
    if op in ("argmin", "argmax", "min", "max") and tag in FLOATS:
        y = aligned_copy(x)
        y[[100, 4000]] = np.nan
        check(run_reduce(op, tag, y.reshape(1, n, 1), "full", 3), np_reduce(op, y, None, tag), op + "_nan_full")
        check(run_reduce(op, tag, y.reshape(1, n, 1), "inner", 3), np_reduce(op, y.reshape(1, n), 1, tag).reshape(1, 1),
              op + "_nan_inner")
    # ties for arg ops
    if op in ("argmin", "argmax"):
        y = aligned_copy(np.zeros(n, NP[tag]))
        if tag == "bool":
            y[[500, 900]] = op == "argmax"
        else:
            y[[500, 900]] = NP[tag](1 if op == "argmax" else 0) if tag in INTS and tag[0] == "u" and op == "argmin" else y[[500, 900]]
            if op == "argmax":
                y[[500, 900]] = NP[tag](1)
            else:
                y[:] = NP[tag](1)
                y[[500, 900]] = NP[tag](0)
        check(run_reduce(op, tag, y.reshape(1, n, 1), "full", 4), np_reduce(op, y, None, tag), op + "_ties_full")
    # inner (rows), short and long rows; outer (columns)
    for (o, r, i, mode) in [(37, 61, 1, "inner"), (3, 3000, 1, "inner"), (5, 7, 9, "outer"), (4, 100, 13, "outer"),
                            (2, 1, 3, "outer")]:
        x3 = aligned_copy(sample(tag, o * r * i, kind)).reshape(o, r, i)
        if tag in FLOATS:
            x3[...] = np.where(np.isfinite(x3.astype(np.float64)), x3, NP[tag](2.0))
            if op == "prod":
                x3[...] = (1 + RNG.uniform(-0.01, 0.01, x3.shape)).astype(NP[tag])
        got = run_reduce(op, tag, x3, mode, grid=3)
        want = np_reduce(op, x3, 1, tag).reshape(o, i)
        check_reduction(op, tag, got, want, x3, "%s_%s_%s(%d,%d,%d)" % (op, tag, mode, o, r, i), ulps)


# ---------------------------------------------------------------- matmul
class MatmulArgs(ctypes.Structure):
    _fields_ = [("a", ctypes.c_void_p), ("b", ctypes.c_void_p), ("out", ctypes.c_void_p),
                ("m", ctypes.c_int64), ("n", ctypes.c_int64), ("k", ctypes.c_int64), ("batch", ctypes.c_int64),
                ("sa", ctypes.c_int64 * 3), ("sb", ctypes.c_int64 * 3)]


assert ctypes.sizeof(MatmulArgs) == 104


def run_matmul(tag, a, b, grid=3):
    """a (batch, m, k) @ b (batch, k, n), both views with any strides (read in place)."""
    batch, m, k = a.shape
    n = b.shape[2]
    out = aligned_empty(batch * m * n, NP[tag]).reshape(batch, m, n)
    args = MatmulArgs()
    args.a, args.b, args.out = a.ctypes.data, b.ctypes.data, out.ctypes.data
    args.m, args.n, args.k, args.batch = m, n, k, batch
    args.sa[:] = [s // a.itemsize for s in a.strides]
    args.sb[:] = [s // b.itemsize for s in b.strides]
    launch("matmul_%s_tile" % tag, args, None, grid, 256)
    return out


def np_matmul(a, b, tag):
    """NumPy's results: integer products wrap, bool is OR of ANDs; 16-bit floats accumulate in
    float32 and round once."""
    if tag in ("f16", "bf16"):
        return np.matmul(a.astype(np.float32), b.astype(np.float32)).astype(NP[tag])
    return np.matmul(a, b)


def check_matmul(tag, a, b, what):
    got, want = run_matmul(tag, a, b), np_matmul(a, b, tag)
    if tag in ("f32", "f64"):
        # Summation order differs from NumPy's BLAS: bound the error by k * eps * (|a| @ |b|).
        bound = np.matmul(np.abs(a).astype(np.float64), np.abs(b).astype(np.float64))
        eps = np.finfo(NP[tag]).eps
        err = np.abs(got.astype(np.float64) - want.astype(np.float64))
        if (err > 2 * (a.shape[2] + 1) * eps * bound).any():
            raise Fail("%s: max error %g" % (what, err.max()))
    else:
        check(got, want, what, ulps=1 if tag in ("f16", "bf16") else 0)


def t_matmul(tag):
    kind = "unit" if tag in FLOATS else "any"
    rnd = lambda *shape: sample(tag, int(np.prod(shape)), kind).reshape(shape)
    a, b = rnd(2, 33, 65), rnd(2, 65, 17)  # tails in m, n and k of the 64 x 64 x 16 tile
    check_matmul(tag, a, b, "matmul_%s contiguous" % tag)
    check_matmul(tag, rnd(2, 65, 33).swapaxes(1, 2), rnd(2, 17, 65).swapaxes(1, 2), "matmul_%s transposed" % tag)
    check_matmul(tag, np.broadcast_to(rnd(1, 33, 65), (3, 33, 65)), rnd(3, 65, 70), "matmul_%s broadcast" % tag)
    check_matmul(tag, a[:, ::-1, :], b[::-1, :, ::-1], "matmul_%s flipped" % tag)
    check_matmul(tag, rnd(3, 130, 20), rnd(3, 20, 129), "matmul_%s several tiles" % tag)
    zero = run_matmul(tag, rnd(2, 3, 0), rnd(2, 0, 4))
    check(zero, np.zeros((2, 3, 4), NP[tag]), "matmul_%s k = 0" % tag)


# ---------------------------------------------------------------- driver
def tests():
    for tag in TAGS:
        if not bf_ok(tag):
            continue
        for op in unary_ops(tag):
            yield "unary %s %s" % (op, tag), (lambda t=tag, o=op: t_unary(t, o))
        for op in binary_ops(tag):
            yield "binary %s %s" % (op, tag), (lambda t=tag, o=op: t_binary(t, o))
        yield "where %s" % tag, (lambda t=tag: t_where(t))
        yield "clip %s" % tag, (lambda t=tag: t_clip(t))
        for dst in TAGS:
            if bf_ok(dst):
                yield "cast %s %s" % (tag, dst), (lambda s=tag, d=dst: t_cast(s, d))
        for op in RED_OPS:
            yield "reduce %s %s" % (op, tag), (lambda t=tag, o=op: t_reduce(t, o))
        yield "matmul %s" % tag, (lambda t=tag: t_matmul(t))
    for tag in ("u8", "u16", "u32", "u64"):
        yield "copy %s" % tag, (lambda t=tag: t_copy(t))


def main():
    global LIB
    sel = None
    if len(sys.argv) > 2 and sys.argv[1] == "-k":
        sel = sys.argv[2]
    LIB = load_lib()
    passed = failed = 0
    for name, fn in tests():
        if sel and sel not in name:
            continue
        try:
            fn()
            passed += 1
        except (Fail, KeyError) as e:
            failed += 1
            print("FAIL %s: %s" % (name, e))
        KEEP.clear()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
