#!/usr/bin/env python3
"""Reference values for the float64 vector math test (src/cpu/math/vector_tests.rs).

    pip install --target /tmp/mpm mpmath && PYTHONPATH=/tmp/mpm python3 tools/gen_vector_math_ref.py

Writes tests/data/vector_math_f64.txt: one line per input, `name x hi lo` with each float64 as
16 hex digits of its bits, where hi + lo is the exact function value (mpmath at 200 bits),
hi rounded to nearest and lo the rounded remainder. The inputs: uniform and log-uniform samples
over each function's vector range, and the hard cases of each reduction (doubles nearest to
multiples of pi/2 and to multiples of ln2/2, arguments of log near 1, sqrt(2) and sqrt(1/2);
for tan also odd multiples of pi/4, for atan its breakpoints, tiny, huge and infinite
arguments, for asin/acos +-1, +-1/2 and tiny ones, for log2/log10 powers of 2 and 10).
Deterministic (fixed seed); not run by CI, whose test only reads the file.

Also writes tests/data/vector_math2_f64.txt for the binary functions (vector_binary_tests.rs):
lines `name x y hi lo`, with `hi` rounded once to the nearest float64 (subnormals included; +-inf
past the overflow threshold). Inputs for atan2(x, y) (the angle of the point (y, x)): random
angles and radii, quotients near 1, near 0 and huge, in all four quadrants, points near the axes
and near the atan reduction's breakpoints; for pow(x, y): bases near 1 with large exponents,
results near the overflow and underflow thresholds (subnormal and infinite ones included),
integer exponents with both signs of base, x in [0.5, 2] with |y| up to 1000, and x over all
exponents with moderate y; for logaddexp(x, y): moderate, close and equal pairs, every magnitude
with distances up to and past 700, and pairs near the curve e^x + e^y = 1, where the result
cancels (|result| from 2^-40 to 1).

    python3 tools/gen_vector_math_ref.py [--binary-only] [--pow-table]

--binary-only writes only the second file; --pow-table prints the logarithm table of the float64
pow lane (src/cpu/math/lanes64_binary.rs) instead of writing anything.
"""

from __future__ import annotations

import math
import random
import struct
import sys
from fractions import Fraction
from pathlib import Path

import mpmath

mpmath.mp.prec = 200
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "vector_math_f64.txt"
OUT2 = Path(__file__).resolve().parent.parent / "tests" / "data" / "vector_math2_f64.txt"
PER_KIND = 250


def bits(x: float) -> str:
    return f"{struct.unpack('<Q', struct.pack('<d', x))[0]:016x}"


def split(v: mpmath.mpf) -> tuple[float, float]:
    hi = float(v)  # mpmath rounds to nearest
    return hi, float(v - mpmath.mpf(hi))


def log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def inputs(rng: random.Random) -> dict[str, list[float]]:
    near_pio2 = []
    for _ in range(2 * PER_KIND):
        k = rng.choice([rng.randint(1, 64), rng.randint(1, 333_000)])
        x = float(mpmath.mpf(k) * mpmath.pi / 2)
        near_pio2.append(x + rng.randint(-3, 3) * math.ulp(x))
    trig = (
        [rng.uniform(-math.pi, math.pi) for _ in range(PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-12, 5.2e5) for _ in range(2 * PER_KIND)]
        + near_pio2
        + [1e-310, -2.5e-300, 524287.9, -524288.0]
    )
    near_half_ln2 = []
    for _ in range(PER_KIND):
        k = rng.randint(-2040, 2040)
        x = float(mpmath.mpf(k) * mpmath.log(2) / 2)
        near_half_ln2.append(x + rng.randint(-3, 3) * math.ulp(x))
    exp = (
        [rng.uniform(-707.9, 707.9) for _ in range(PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-18, 700) for _ in range(2 * PER_KIND)]
        + near_half_ln2
        + [1e-300, -1e-17, 707.9, -707.9]
    )
    special = [math.sqrt(2), math.sqrt(0.5), 1.0]
    near_special = [s * (1 + rng.randint(-2**20, 2**20) * 2**-52) for s in special for _ in range(PER_KIND // 3)]
    log = (
        [log_uniform(rng, 2.3e-308, 1.7e308) for _ in range(2 * PER_KIND)]
        + [1 + rng.choice([-1, 1]) * log_uniform(rng, 1e-16, 0.3) for _ in range(PER_KIND)]
        + near_special
        + [2.2250738585072014e-308, 1.7976931348623157e308, 1 - 2**-53, 1 + 2**-52]
    )
    # Drawn after the others, so their values stay as they were before these were added.
    near_ln2_multiples = []
    for _ in range(PER_KIND):
        k = rng.choice([rng.randint(-60, 60), rng.randint(-2040, 2040)])
        x = float(mpmath.mpf(k) * mpmath.log(2) / 2)
        near_ln2_multiples.append(x + rng.randint(-3, 3) * math.ulp(x))
    expm1 = (
        [rng.uniform(-707.9, 707.9) for _ in range(PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-18, 700) for _ in range(2 * PER_KIND)]
        + [rng.uniform(-40, 40) for _ in range(PER_KIND)]
        + near_ln2_multiples
        # The unreduced series' bound, and the ends of the exact 1 - 2^-n (|n| = 53, 54).
        + [s * 0.3465 * (1 + rng.randint(-2**30, 2**30) * 2**-52) for s in (-1, 1) for _ in range(PER_KIND // 5)]
        + [1e-300, -1e-300, 5e-324, 2**-30, -(2**-30), -36.7, -37.1, -37.5, 36.7, 37.5, 707.9, -707.9]
    )
    tanh = (
        [rng.uniform(-20, 20) for _ in range(PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-18, 25) for _ in range(2 * PER_KIND)]
        + [s * 0.17325 * (1 + rng.randint(-2**30, 2**30) * 2**-52) for s in (-1, 1) for _ in range(PER_KIND // 5)]
        + [rng.choice([-1, 1]) * rng.uniform(18.5, 19.5) for _ in range(PER_KIND // 5)]
        # ... and where glibc's tanh is 1.7 ulp off.
        + [1e-300, -5e-324, 0.5, -0.55, 19.06, 20.0, 25.0, -300.0, 0.19732158583313655]
    )
    hyperbolic = (
        [rng.uniform(-707.9, 707.9) for _ in range(PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-18, 707.9) for _ in range(2 * PER_KIND)]
        + [rng.uniform(-3, 3) for _ in range(PER_KIND)]
        + [s * 0.3465 * (1 + rng.randint(-2**30, 2**30) * 2**-52) for s in (-1, 1) for _ in range(PER_KIND // 5)]
        + [1e-300, -5e-324, 2**-30, 0.5, -1.0, 36.7, -37.5, 707.9, -707.9]
    )
    log1p = (
        [log_uniform(rng, 1e-300, 1.7e308) for _ in range(2 * PER_KIND)]
        + [-log_uniform(rng, 1e-300, 0.999) for _ in range(PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-18, 0.5) for _ in range(PER_KIND)]
        # 1 + x near sqrt(2), sqrt(1/2) and 2 (log's reduction boundaries), and x near -1.
        + [s - 1 + rng.randint(-2**20, 2**20) * 2**-52 for s in (math.sqrt(2), math.sqrt(0.5), 2.0) for _ in range(PER_KIND // 3)]
        + [-1 + rng.randint(1, 2**40) * 2**-53 for _ in range(PER_KIND // 5)]
        + [5e-324, -5e-324, 2**-54, -(2**-54), 2**-53, 1 - 2**-53, -1 + 2**-53, 1.7976931348623157e308]
    )
    # tan, atan, asin, acos, log2, log10: drawn after all of the above, so their lines are
    # appended and the earlier functions' lines stay as they were.
    near_pio4 = []
    for _ in range(2 * PER_KIND):
        k = 2 * rng.choice([rng.randint(-32, 32), rng.randint(-333_000, 333_000)]) + 1
        x = float(mpmath.mpf(k) * mpmath.pi / 4)
        near_pio4.append(x + rng.randint(-3, 3) * math.ulp(x))
    near_pio2_tan = []
    for _ in range(2 * PER_KIND):
        k = rng.choice([rng.randint(-64, 64), rng.randint(-333_000, 333_000)])
        x = float(mpmath.mpf(k) * mpmath.pi / 2)
        near_pio2_tan.append(x + rng.randint(-3, 3) * math.ulp(x))
    tan = (
        [rng.uniform(-math.pi, math.pi) for _ in range(PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-12, 5.2e5) for _ in range(2 * PER_KIND)]
        + near_pio2_tan
        + near_pio4
        + [1e-310, -2.5e-300, 2**-27, 524287.9, -524288.0, math.pi / 4, -math.pi / 4, 3 * math.pi / 4]
    )
    # atan's breakpoints tan(j pi/16) for odd j, and the centres tan(j pi/8).
    atan_points = [float(mpmath.tan(j * mpmath.pi / 16)) for j in range(1, 8)]
    atan = (
        [rng.uniform(-10, 10) for _ in range(PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-300, 1e300) for _ in range(2 * PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-3, 1e3) for _ in range(2 * PER_KIND)]
        + [s * c * (1 + rng.randint(-2**40, 2**40) * 2**-52) for c in atan_points for s in (-1, 1) for _ in range(PER_KIND // 10)]
        + [5e-324, -1e-300, 2**-27, 1.0, -1.0, 1e16, -1e16, 2**100, 1e300, 1.7976931348623157e308, math.inf, -math.inf]
        + atan_points
    )
    asin = (
        [rng.uniform(-1, 1) for _ in range(2 * PER_KIND)]
        + [rng.choice([-1, 1]) * log_uniform(rng, 1e-300, 0.5) for _ in range(2 * PER_KIND)]
        # Near +-1 (w tiny), near +-1/2 (the switch of method), and 1/2 < |x| < 1.
        + [rng.choice([-1, 1]) * (1 - log_uniform(rng, 1e-16, 0.2)) for _ in range(PER_KIND)]
        + [s * 0.5 * (1 + rng.randint(-2**40, 2**40) * 2**-52) for s in (-1, 1) for _ in range(PER_KIND // 2)]
        + [rng.choice([-1, 1]) * rng.uniform(0.5, 1) for _ in range(PER_KIND)]
        + [5e-324, -1e-300, 2**-27, 1.0, -1.0, 0.5, -0.5, 1 - 2**-53, -1 + 2**-53, 0.5 + 2**-53, -0.5 - 2**-53]
    )
    log_powers = [2.0**k for k in range(-1022, 1024, 37)] + [10.0**k for k in range(0, 23)] + [10.0**k for k in range(-300, 301, 17)]
    log_bases = (
        [log_uniform(rng, 2.3e-308, 1.7e308) for _ in range(2 * PER_KIND)]
        + [1 + rng.choice([-1, 1]) * log_uniform(rng, 1e-16, 0.3) for _ in range(PER_KIND)]
        # Near powers of 2 and 10, and near sqrt(2) 2^k and sqrt(1/2) 2^k (the reduction's ends).
        + [2.0**rng.randint(-1020, 1020) * (1 + rng.randint(-2**30, 2**30) * 2**-52) for _ in range(PER_KIND // 2)]
        + [10.0**rng.randint(-300, 300) * (1 + rng.randint(-2**30, 2**30) * 2**-52) for _ in range(PER_KIND // 2)]
        + [math.sqrt(s) * 2.0**rng.randint(-1000, 1000) * (1 + rng.randint(-2**20, 2**20) * 2**-52) for s in (2, 0.5) for _ in range(PER_KIND // 4)]
        + log_powers
        + [2.2250738585072014e-308, 1.7976931348623157e308, 1 - 2**-53, 1 + 2**-52]
    )
    return {
        "exp": exp, "log": log, "sin": trig, "cos": trig, "expm1": expm1, "tanh": tanh,
        "sinh": hyperbolic, "cosh": hyperbolic, "log1p": log1p,
        "tan": tan, "atan": atan, "asin": asin, "acos": asin, "log2": log_bases, "log10": log_bases,
    }


def round_once(v: mpmath.mpf) -> tuple[float, float]:
    """`split`, with subnormal and overflowing values rounded once to the nearest float64."""
    if abs(v) >= mpmath.mpf(2) ** 1024 - mpmath.mpf(2) ** 970:
        return (math.inf if v > 0 else -math.inf), 0.0
    if abs(v) < mpmath.mpf(2) ** -1022:
        hi = math.ldexp(float(mpmath.nint(v * mpmath.mpf(2) ** 1074)), -1074)
        if hi == 0:
            return (-0.0 if v < 0 else 0.0), 0.0
        return hi, float(v - mpmath.mpf(hi))
    return split(v)


def atan2_inputs(rng: random.Random) -> list[tuple[float, float]]:
    sign = lambda: rng.choice([-1, 1])  # noqa: E731
    pairs = []
    for _ in range(300):  # random angles and radii
        t, r = rng.uniform(-math.pi, math.pi), log_uniform(rng, 1e-10, 1e10)
        pairs.append((r * math.sin(t), r * math.cos(t)))
    for _ in range(150):  # every magnitude, each on its own
        pairs.append((sign() * log_uniform(rng, 1e-300, 1e300), sign() * log_uniform(rng, 1e-300, 1e300)))
    for _ in range(200):  # quotients near 1
        y = log_uniform(rng, 1e-5, 1e5)
        x = y * (1 + rng.randint(-(2**20), 2**20) * 2**-52)
        pairs.append((sign() * x, sign() * y))
    for _ in range(200):  # quotients near 0 and huge ones (near the axes), every quadrant
        a, q = log_uniform(rng, 1e-6, 1e6), log_uniform(rng, 1e-300, 1e-2)
        pairs.append((sign() * a * q, sign() * a) if rng.random() < 0.5 else (sign() * a, sign() * a * q))
    # The atan reduction's breakpoints tan(j pi/16), the centre tan(pi/8), and their inverses.
    points = [float(mpmath.tan(j * mpmath.pi / 16)) for j in (1, 2, 3)]
    for _ in range(200):
        p = rng.choice(points) * (1 + rng.randint(-(2**30), 2**30) * 2**-52)
        y = log_uniform(rng, 1e-3, 1e3)
        pairs.append((sign() * p * y, sign() * y) if rng.random() < 0.5 else (sign() * y, sign() * p * y))
    for _ in range(100):  # near +-pi: x tiny against a negative y
        pairs.append((sign() * log_uniform(rng, 1e-300, 1e-10), -log_uniform(rng, 1e-3, 1e3)))
    pairs += [(1.0, 1.0), (1.0, -1.0), (-1.0, -1.0), (-1.0, 1.0), (0.0, -2.0), (0.0, 3.0), (5.0, 0.0), (-5.0, 0.0),
              (1e-300, 1e300), (-1e300, 1e-300), (5e-324, 1.0), (1.0, -5e-324), (3.0, 4.0), (-4.0, -3.0)]
    return pairs


def pow_inputs(rng: random.Random) -> list[tuple[float, float]]:
    sign = lambda: rng.choice([-1, 1])  # noqa: E731
    pairs = []
    for _ in range(300):  # bases near 1 with large exponents
        x = 1 + sign() * log_uniform(rng, 2**-52, 2**-8)
        pairs.append((x, sign() * rng.uniform(0.1, 700) / abs(math.log(x))))
    for _ in range(300):  # results near the overflow and underflow thresholds
        x = log_uniform(rng, 1e-10, 1e10)
        if abs(math.log(x)) < 1e-3:
            continue
        t = rng.choice([rng.uniform(690, 709.7), rng.uniform(-708.5, -690), rng.uniform(-745.2, -708.3), rng.uniform(709.5, 710)])
        pairs.append((x, t / math.log(x)))
    for _ in range(100):  # ... exactly at them: powers of 2 (and of -2)
        pairs.append((rng.choice([2.0, -2.0, 0.5]), float(rng.choice([rng.randint(-1080, -1000), rng.randint(1000, 1030)]))))
    for _ in range(100):
        pairs.append((2.0, rng.uniform(1000, 1024)))
    for _ in range(300):  # integer exponents, both signs of base
        x = sign() * log_uniform(rng, 1e-3, 1e3)
        pairs.append((x, float(rng.randint(-100, 100))))
    for _ in range(100):
        x = sign() * log_uniform(rng, 1e-300, 1e300)
        pairs.append((x, float(rng.randint(-3, 3))))
    for _ in range(300):  # x in [0.5, 2] with |y| up to 1000
        pairs.append((rng.uniform(0.5, 2), rng.uniform(-1000, 1000)))
    for _ in range(300):  # x over all exponents, moderate y
        x = log_uniform(rng, 1e-300, 1e300)
        pairs.append((x, rng.uniform(-1, 1) * min(700 / abs(math.log(x)), 10)))
    pairs += [(2.0, 0.5), (4.0, 0.5), (10.0, 2.0), (-3.0, 3.0), (0.1, 1.0), (1.5, 1750.0), (1.5, -1800.0),
              (2.0, 1023.0), (2.0, 1024.0), (2.0, -1022.0), (2.0, -1074.0), (2.0, -1075.0), (9.0, -0.5),
              (1 + 2**-52, 2.0**60), (1 - 2**-53, -(2.0**61)), (1.7976931348623157e308, 1.0), (2.2250738585072014e-308, 0.5)]
    return pairs


def logaddexp_inputs(rng: random.Random) -> list[tuple[float, float]]:
    sign = lambda: rng.choice([-1, 1])  # noqa: E731
    pairs = []
    for _ in range(400):  # moderate arguments
        pairs.append((rng.uniform(-40, 40), rng.uniform(-40, 40)))
    for _ in range(200):  # close pairs (and equal ones)
        x = sign() * log_uniform(rng, 1e-6, 1e6)
        pairs.append((x, x * (1 + rng.randint(-(2**24), 2**24) * 2**-52) if rng.random() < 0.8 else x))
    for _ in range(200):  # every magnitude, and distances up to and past the lane's cut at 700
        x = sign() * log_uniform(rng, 1e-300, 1e300)
        pairs.append((x, x - log_uniform(rng, 1e-3, 1e3)))
    for _ in range(300):  # near the curve e^x + e^y = 1, where the result cancels: |result| from 2^-40 to 1
        x = -log_uniform(rng, 1e-3, 5)
        target = sign() * log_uniform(rng, 2.0**-40, 1)
        inner = mpmath.exp(target) - mpmath.exp(x)
        if inner > 0:
            pairs.append((x, float(mpmath.log(inner))))
    pairs += [(0.0, 0.0), (1.0, 1.0), (-1.0, -1.0), (0.0, -800.0), (5.0, -745.0), (-0.6931471805599453, -0.6931471805599453),
              (1e308, 1e308), (-1e308, 1e308), (1e-310, -1.0), (3.0, 4.0)]
    return pairs


def logaddexp_exact(x: mpmath.mpf, y: mpmath.mpf) -> mpmath.mpf:
    m, n = max(x, y), min(x, y)
    return m + mpmath.log1p(mpmath.exp(n - m))


def write_binary() -> None:
    rng = random.Random(20261205)
    lines = ["# name x y hi lo: float64 bits in hex; hi + lo = f(x, y) (mpmath, 200 bits). tools/gen_vector_math_ref.py"]
    funcs = {"atan2": (mpmath.atan2, atan2_inputs), "pow": (mpmath.power, pow_inputs),
             "logaddexp": (logaddexp_exact, logaddexp_inputs)}
    for name, (f, make) in funcs.items():
        for x, y in make(rng):
            if name == "pow" and x < 0 and y != int(y):
                continue
            v = f(mpmath.mpf(x), mpmath.mpf(y))
            hi, lo = round_once(v)
            lines.append(f"{name} {bits(x)} {bits(y)} {bits(hi)} {bits(lo)}")
    OUT2.write_text("\n".join(lines) + "\n")
    print(f"{len(lines) - 1} values -> {OUT2}")


def print_pow_table() -> None:
    """The float64 pow lane's logarithm table: for each of 128 intervals of z in [0.6875, 1.375)
    (width 2^-8 below 1, 2^-7 above), c on the grid 2^-7 minimising max |z c - 1| (1 for the two
    intervals next to 1), and -ln c as a multiple of 2^-42 plus the rounded rest."""
    cs, his, los = [], [], []
    for i in range(128):
        lo = Fraction(11, 16) + Fraction(i, 256) if i < 80 else 1 + Fraction(i - 80, 128)
        hi = lo + (Fraction(1, 256) if i < 80 else Fraction(1, 128))
        c = Fraction(1) if i in (79, 80) else min(
            (Fraction(j, 128) for j in range(80, 200)), key=lambda c: max(abs(lo * c - 1), abs(hi * c - 1)))
        big = -mpmath.log(mpmath.mpf(c.numerator) / c.denominator)
        l_hi = float(mpmath.nint(big * 2**42) / 2**42)
        cs.append(repr(float(c)))
        his.append(l_hi)
        los.append(float(big - l_hi))

    def hexed(v: float) -> str:
        h = bits(v)
        return f"f64::from_bits(0x{h[0:4]}_{h[4:8]}_{h[8:12]}_{h[12:16]}),"

    print("const LOG_C: [f64; 128] = [")
    for r in range(0, 128, 8):
        print("    " + " ".join(f"{c}," for c in cs[r:r + 8]))
    print("];")
    for name, vals in (("LOG_L_HI", his), ("LOG_L_LO", los)):
        print(f"const {name}: [f64; 128] = [")
        for r in range(0, 128, 4):
            print("    " + " ".join(hexed(v) for v in vals[r:r + 4]))
        print("];")


def main() -> None:
    if "--pow-table" in sys.argv:
        print_pow_table()
        return
    write_binary()
    if "--binary-only" in sys.argv:
        return
    rng = random.Random(20261203)
    funcs = {
        "exp": mpmath.exp, "log": mpmath.log, "sin": mpmath.sin, "cos": mpmath.cos,
        "expm1": mpmath.expm1, "tanh": mpmath.tanh, "sinh": mpmath.sinh, "cosh": mpmath.cosh,
        "log1p": mpmath.log1p, "tan": mpmath.tan, "atan": mpmath.atan, "asin": mpmath.asin,
        "acos": mpmath.acos, "log2": lambda x: mpmath.log(x, 2), "log10": mpmath.log10,
    }
    lines = ["# name x hi lo: float64 bits in hex; hi + lo = f(x) (mpmath, 200 bits). tools/gen_vector_math_ref.py"]
    for name, xs in inputs(rng).items():
        for x in xs:
            hi, lo = split(funcs[name](mpmath.mpf(x)))
            lines.append(f"{name} {bits(x)} {bits(hi)} {bits(lo)}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{len(lines) - 1} values -> {OUT}")


if __name__ == "__main__":
    main()
