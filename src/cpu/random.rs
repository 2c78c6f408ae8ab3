//! Random numbers on the CPU device: the algorithm of `kernels/random.cu`, operation for
//! operation, so a seed gives the same bits here as on a CUDA device (the module docs of
//! `kernels/random.cu` and [`crate::random`] describe the mapping from counters to values).
//!
//! Philox4x32-10 blocks are independent, so the draw runs in parallel over ranges of counter
//! blocks through the CPU backend's one driver ([`super::parallel`]). The math (log, sincos)
//! uses only correctly rounded operations with no fused multiply-adds, which Rust never
//! introduces and the kernel forbids (`da_dmul`/`da_dadd`), so both sides round identically.

use super::parallel::{for_tasks, worth_parallel, SendPtr, PAR_CHUNK};
use super::{queue, view_ptr, CpuBuffer};
use crate::backend::View;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::vocab::{Counter, RandomDist};

const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

/// Philox4x32-10 of counter `c` under key `k` (Salmon et al., SC'11; Random123's `philox4x32`).
pub(crate) fn philox4x32_10(c: [u32; 4], k: [u32; 2]) -> [u32; 4] {
    let [mut c0, mut c1, mut c2, mut c3] = c;
    let [mut k0, mut k1] = k;
    for r in 0..10 {
        if r > 0 {
            k0 = k0.wrapping_add(W0);
            k1 = k1.wrapping_add(W1);
        }
        let p0 = u64::from(M0) * u64::from(c0);
        let p1 = u64::from(M1) * u64::from(c2);
        (c0, c1, c2, c3) = ((p1 >> 32) as u32 ^ c1 ^ k0, p1 as u32, (p0 >> 32) as u32 ^ c3 ^ k1, p0 as u32);
    }
    [c0, c1, c2, c3]
}

/// The four words of counter block `block`, attempt `attempt`, of the stream `ctr`.
fn block_words(ctr: Counter, block: u64, attempt: u32) -> [u32; 4] {
    philox4x32_10([block as u32, (block >> 32) as u32, attempt, 0], ctr.key)
}

/// `log(x)` for positive normal `x`: fdlibm's `e_log.c` algorithm (< 1 ulp), as in the kernel.
pub(crate) fn rng_log(x: f64) -> f64 {
    const LN2_HI: f64 = 0.6931471803691238;
    const LN2_LO: f64 = 1.9082149292705877e-10;
    const LG: [f64; 7] = [
        0.6666666666666735,
        0.3999999999940942,
        0.2857142874366239,
        0.22222198432149784,
        0.1818357216161805,
        0.15313837699209373,
        0.14798198605116586,
    ];
    let bits = x.to_bits();
    let mut k = (bits >> 52) as i32 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        k += 1;
    }
    let (f, dk) = (m - 1.0, f64::from(k));
    let s = f / (2.0 + f);
    let (z, w) = (s * s, s * s * (s * s));
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let (r, hfsq) = (t2 + t1, 0.5 * f * f);
    dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f)
}

/// `exp(x)` for `x <= 0`: fdlibm's `e_exp.c` algorithm (< 1 ulp), as in the kernel.
pub(crate) fn rng_exp(x: f64) -> f64 {
    const LN2_HI: f64 = 0.6931471803691238;
    const LN2_LO: f64 = 1.9082149292705877e-10;
    const INV_LN2: f64 = std::f64::consts::LOG2_E;
    const P: [f64; 5] = [
        0.16666666666666602,
        -0.0027777777777015593,
        6.613756321437934e-5,
        -1.6533902205465252e-6,
        4.1381367970572385e-8,
    ];
    if x < -745.1332191019411 {
        return 0.0;
    }
    let k = (INV_LN2 * x - 0.5) as i32; // round to nearest (x <= 0)
    let (hi, lo) = (x - f64::from(k) * LN2_HI, f64::from(k) * LN2_LO);
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (P[0] + t * (P[1] + t * (P[2] + t * (P[3] + t * P[4]))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    if k >= -1021 {
        return f64::from_bits(y.to_bits().wrapping_add((i64::from(k) as u64) << 52));
    }
    f64::from_bits(y.to_bits().wrapping_add((i64::from(k + 1000) as u64) << 52)) * f64::from_bits(0x0170_0000_0000_0000)
}

fn ksin(x: f64) -> f64 {
    const S: [u64; 6] = [
        0xbfc5_5555_5555_5549,
        0x3f81_1111_1110_f8a6,
        0xbf2a_01a0_19c1_61d5,
        0x3ec7_1de3_57b1_fe7d,
        0xbe5a_e5e6_8a2b_9ceb,
        0x3de5_d93a_5acf_d57c,
    ];
    let s = S.map(f64::from_bits);
    let (z, v) = (x * x, x * x * x);
    let r = s[1] + z * (s[2] + z * (s[3] + z * (s[4] + z * s[5])));
    x + v * (s[0] + z * r)
}

fn kcos(x: f64) -> f64 {
    const C: [u64; 6] = [
        0x3fa5_5555_5555_554c,
        0xbf56_c16c_16c1_5177,
        0x3efa_01a0_19cb_1590,
        0xbe92_7e4f_809c_52ad,
        0x3e21_ee9e_bdb4_b1c4,
        0xbda8_fae9_be88_38d4,
    ];
    let c = C.map(f64::from_bits);
    let z = x * x;
    let r = z * (c[0] + z * (c[1] + z * (c[2] + z * (c[3] + z * (c[4] + z * c[5])))));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + z * r)
}

/// `(sin, cos)(2 pi u)` for `u` in `[0, 1)`, as the kernel computes it.
pub(crate) fn sincos_2pi(u: f64) -> (f64, f64) {
    let v = u * 4.0;
    let mut q = v as i32;
    let mut r = v - f64::from(q);
    if r > 0.5 {
        r -= 1.0;
        q += 1;
    }
    let x = r * std::f64::consts::FRAC_PI_2;
    let (sx, cx) = (ksin(x), kcos(x));
    match q & 3 {
        0 => (sx, cx),
        1 => (cx, -sx),
        2 => (-sx, -cx),
        _ => (-cx, sx),
    }
}

fn pair(w: &[u32; 4], s: usize) -> u64 {
    u64::from(w[2 * s]) | (u64::from(w[2 * s + 1]) << 32)
}

fn open32(w: u32) -> f64 {
    (f64::from(w) + 0.5) * f64::from_bits(0x3df0_0000_0000_0000) // 2^-32
}

fn open52(x: u64) -> f64 {
    ((x >> 12) as f64 + 0.5) * f64::from_bits(0x3cb0_0000_0000_0000) // 2^-52
}

/// The float values of one block (uniform, normal, exponential) in slot order.
fn float_values(dist: RandomDist, dtype: DType, w: &[u32; 4]) -> [f64; 4] {
    let wide = dtype.itemsize() == 8;
    let mut v = [0.0; 4];
    match dist {
        RandomDist::Uniform { low, scale } => {
            for (s, slot) in v.iter_mut().enumerate().take(if wide { 2 } else { 4 }) {
                let u = match dtype {
                    DType::F64 => (pair(w, s) >> 11) as f64 * f64::from_bits(0x3ca0_0000_0000_0000), // 2^-53
                    DType::F16 => f64::from(w[s] >> 21) * f64::from_bits(0x3f40_0000_0000_0000),     // 2^-11
                    DType::BF16 => f64::from(w[s] >> 24) * f64::from_bits(0x3f70_0000_0000_0000),    // 2^-8
                    _ => f64::from(w[s] >> 8) * f64::from_bits(0x3e70_0000_0000_0000),               // 2^-24
                };
                *slot = low + scale * u;
            }
        }
        RandomDist::Normal { loc, scale } => {
            for h in 0..if wide { 1 } else { 2 } {
                let (u1, u2) = if wide {
                    (open52(pair(w, 0)), open52(pair(w, 1)))
                } else {
                    (open32(w[2 * h]), open32(w[2 * h + 1]))
                };
                let r = (-2.0 * rng_log(u1)).sqrt();
                let (sn, cs) = sincos_2pi(u2);
                v[2 * h] = loc + scale * (r * cs);
                v[2 * h + 1] = loc + scale * (r * sn);
            }
        }
        RandomDist::Exponential { scale } => {
            for (s, slot) in v.iter_mut().enumerate().take(if wide { 2 } else { 4 }) {
                let u = if wide { open52(pair(w, s)) } else { open32(w[s]) };
                *slot = scale * -rng_log(u);
            }
        }
        _ => {}
    }
    v
}

/// Lemire's method: the uniform integer in `[0, span]` of the element of `block`.
fn bounded(ctr: Counter, block: u64, span: u64) -> u64 {
    let mut attempt = 0u32;
    loop {
        let w = block_words(ctr, block, attempt);
        if span < 0xffff_ffff {
            let s = span as u32 + 1;
            let t = s.wrapping_neg() % s;
            for &x in &w {
                let m = u64::from(x) * u64::from(s);
                if m as u32 >= t {
                    return m >> 32;
                }
            }
        } else if span == 0xffff_ffff {
            return u64::from(w[0]);
        } else if span == u64::MAX {
            return pair(&w, 0);
        } else {
            let s = span + 1;
            let t = s.wrapping_neg() % s;
            for c in 0..2 {
                let m = u128::from(pair(&w, c)) * u128::from(s);
                if m as u64 >= t {
                    return (m >> 64) as u64;
                }
            }
        }
        attempt = attempt.wrapping_add(1);
    }
}

/// A standard gamma variate of shape `alpha` for the element of `block`, from sub-stream `sub`
/// (counter word 3): Marsaglia–Tsang, as `da_rng_gamma` in the kernel.
fn gamma(ctr: Counter, block: u64, alpha: f64, sub: u32) -> f64 {
    let (b0, b1) = (block as u32, (block >> 32) as u32);
    let boost = alpha < 1.0;
    let d = (if boost { alpha + 1.0 } else { alpha }) - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    let mut g = 0.0;
    for j in 0..u32::MAX {
        let x = philox4x32_10([b0, b1, j, sub], ctr.key);
        let r = (-2.0 * rng_log(open32(x[0]))).sqrt();
        let (_, cs) = sincos_2pi(open32(x[1]));
        let z = r * cs;
        let t = 1.0 + c * z;
        let v = t * t * t;
        if v.is_nan() || v < f64::MIN_POSITIVE {
            continue;
        }
        let lhs = rng_log(open52(pair(&x, 1)));
        let rhs = (0.5 * z * z + d) + (d * rng_log(v) - d * v);
        if lhs < rhs {
            g = d * v;
            break;
        }
    }
    if boost {
        let x = philox4x32_10([b0, b1, u32::MAX, sub], ctr.key);
        g *= rng_exp(rng_log(open52(pair(&x, 0))) / alpha);
    }
    g
}

/// `log(k!)` for a whole `k` in `[0, 2^63)`: `da_rng_logfact` of the kernel (the log of the
/// exact product below 16, Stirling's series above).
fn log_factorial(k: f64) -> f64 {
    if k < 16.0 {
        let mut f = 1.0;
        let mut i = 2.0;
        while i <= k {
            f *= i;
            i += 1.0;
        }
        return rng_log(f);
    }
    let x = k + 1.0;
    let r = 1.0 / x;
    let r2 = r * r;
    let series = r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 * (1.0 / 1680.0 - r2 / 1188.0))));
    ((x - 0.5) * rng_log(x) - x + 0.918_938_533_204_672_8) + series
}

/// `U - 1/2` and `V` of attempt `j` of the transformed-rejection methods (words 0-1, 2-3).
fn uv(ctr: Counter, block: u64, j: u32) -> (f64, f64) {
    let x = block_words(ctr, block, j);
    (open52(pair(&x, 0)) - 0.5, open52(pair(&x, 1)))
}

/// A Poisson variate of mean `lam` for the element of `block`: inversion below 10, PTRS
/// (Hörmann 1993) above, as `da_rng_poisson` in the kernel.
fn poisson(ctr: Counter, block: u64, lam: f64) -> u64 {
    if lam == 0.0 {
        return 0;
    }
    if lam < 10.0 {
        let u = open52(pair(&block_words(ctr, block, 0), 0));
        let (mut pk, mut k) = (rng_exp(-lam), 0.0);
        let mut cdf = pk;
        while u > cdf && pk > 0.0 {
            k += 1.0;
            pk *= lam / k;
            cdf += pk;
        }
        return k as u64;
    }
    let (slam, loglam) = (lam.sqrt(), rng_log(lam));
    let b = 0.931 + 2.53 * slam;
    let a = -0.059 + 0.02483 * b;
    let invalpha = 1.1239 + 1.1328 / (b - 3.4);
    let vr = 0.9277 - 3.6224 / (b - 2.0);
    for j in 0..u32::MAX {
        let (u, v) = uv(ctr, block, j);
        let us = 0.5 - u.abs();
        let k = (((2.0 * a / us + b) * u + lam) + 0.43).floor();
        if !(0.0..9_223_372_036_854_775_808.0).contains(&k) {
            continue;
        }
        if us >= 0.07 && v <= vr {
            return k as u64;
        }
        if us < 0.013 && v > us {
            continue;
        }
        let lhs = rng_log(v * invalpha / (a / (us * us) + b));
        if lhs <= (-lam + k * loglam) - log_factorial(k) {
            return k as u64;
        }
    }
    0
}

/// Binomial inversion for `n p < 10` (`p <= 1/2`), as `da_rng_binomial_inv`.
fn binomial_inv(ctr: Counter, block: u64, n: f64, pp: f64) -> u64 {
    let q = 1.0 - pp;
    let np = n * pp;
    let s = pp / q;
    let a = (n + 1.0) * s;
    let r = rng_exp(n * rng_log(q));
    let reach = np + 10.0 * (np * q + 1.0).sqrt();
    let bound = if reach < n { reach } else { n };
    for j in 0..u32::MAX {
        let (mut u, mut pk, mut k) = (open52(pair(&block_words(ctr, block, j), 0)), r, 0.0);
        while u > pk {
            u -= pk;
            k += 1.0;
            if k > bound {
                break;
            }
            pk *= a / k - s;
        }
        if k <= bound {
            return k as u64;
        }
    }
    0
}

/// Binomial BTRS (Hörmann 1993) for `n p >= 10` (`p <= 1/2`), as `da_rng_binomial_btrs`.
fn binomial_btrs(ctr: Counter, block: u64, n: f64, pp: f64) -> u64 {
    let q = 1.0 - pp;
    let np = n * pp;
    let spq = (np * q).sqrt();
    let b = 1.15 + 2.53 * spq;
    let a = (-0.0873 + 0.0248 * b) + 0.01 * pp;
    let (c, vr, alpha) = (np + 0.5, 0.92 - 4.2 / b, (2.83 + 5.1 / b) * spq);
    let (lpq, m) = (rng_log(pp / q), ((n + 1.0) * pp).floor());
    let h = log_factorial(m) + log_factorial(n - m);
    for j in 0..u32::MAX {
        let (u, v) = uv(ctr, block, j);
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + c).floor();
        if !(0.0..=n).contains(&k) {
            continue;
        }
        if us >= 0.07 && v <= vr {
            return k as u64;
        }
        let lhs = rng_log(v * alpha / (a / (us * us) + b));
        if lhs <= ((h - log_factorial(k)) - log_factorial(n - k)) + (k - m) * lpq {
            return k as u64;
        }
    }
    0
}

/// A binomial variate of `n` trials of success probability `p`, as `da_rng_binomial`.
fn binomial(ctr: Counter, block: u64, n: u64, p: f64) -> u64 {
    if n == 0 || p == 0.0 {
        return 0;
    }
    if p == 1.0 {
        return n;
    }
    let flip = p > 0.5;
    let (pp, dn) = (if flip { 1.0 - p } else { p }, n as f64);
    let k = if dn * pp < 10.0 { binomial_inv(ctr, block, dn, pp) } else { binomial_btrs(ctr, block, dn, pp) };
    let k = k.min(n);
    if flip {
        n - k
    } else {
        k
    }
}

/// The raw bits (zero-extended) of the values of one block, in slot order.
fn block_bits(dist: RandomDist, dtype: DType, ctr: Counter, block: u64) -> [u64; 4] {
    match dist {
        RandomDist::Integers { low, span } => {
            let v = low.wrapping_add(bounded(ctr, block, span));
            [if dtype == DType::Bool { u64::from(v & 0xff != 0) } else { v }, 0, 0, 0]
        }
        RandomDist::Bernoulli { p } => {
            let w = block_words(ctr, block, 0);
            w.map(|x| u64::from(f64::from(x) * f64::from_bits(0x3df0_0000_0000_0000) < p))
        }
        RandomDist::Binomial { n, p } => [binomial(ctr, block, n, p), 0, 0, 0],
        RandomDist::Poisson { lam } => [poisson(ctr, block, lam), 0, 0, 0],
        RandomDist::Gamma { shape, scale } => [float_bits(dtype, scale * gamma(ctr, block, shape, 0)), 0, 0, 0],
        RandomDist::Beta { a, b } => {
            let (x, y) = (gamma(ctr, block, a, 0), gamma(ctr, block, b, 1));
            [float_bits(dtype, x / (x + y)), 0, 0, 0]
        }
        _ => {
            let v = float_values(dist, dtype, &block_words(ctr, block, 0));
            v.map(|x| float_bits(dtype, x))
        }
    }
}

/// The bits of `x` rounded once to float `dtype` (16-bit floats through float32, as the kernel).
fn float_bits(dtype: DType, x: f64) -> u64 {
    match dtype {
        DType::F64 => x.to_bits(),
        DType::F32 => u64::from((x as f32).to_bits()),
        DType::F16 => u64::from(half::f16::from_f32(x as f32).to_bits()),
        _ => u64::from(half::bf16::from_f32(x as f32).to_bits()),
    }
}

/// Fills counter blocks `blocks` of a draw of `n` elements into `out` (element 0 at `out`),
/// writing each value as the `E`-sized low bits of its raw bits (one typed store, not a
/// byte copy of run-time length).
///
/// # Safety
/// `out` points at `n` writable elements of `dtype` (whose size is `size_of::<E>()`), and no
/// other thread writes the elements of these blocks.
unsafe fn fill_blocks<E: Copy>(
    dist: RandomDist,
    dtype: DType,
    ctr: Counter,
    n: u64,
    blocks: std::ops::Range<u64>,
    out: *mut u8,
    narrow: impl Fn(u64) -> E,
) {
    let per = dist.per_block(dtype);
    let out = out.cast::<E>();
    for k in blocks {
        let bits = block_bits(dist, dtype, ctr, ctr.offset.wrapping_add(k));
        let first = k * per;
        for (s, &b) in bits.iter().enumerate().take((n - first).min(per) as usize) {
            // SAFETY: element `first + s < n` lies in the output (the caller's contract);
            // unaligned, since a foreign view needs no alignment.
            unsafe { out.add(first as usize + s).write_unaligned(narrow(b)) };
        }
    }
}

/// [`fill_blocks`] with the store width of `dtype`.
///
/// # Safety
/// As [`fill_blocks`].
unsafe fn fill_range(dist: RandomDist, dtype: DType, ctr: Counter, n: u64, blocks: std::ops::Range<u64>, out: *mut u8) {
    // SAFETY (every arm): the caller's contract; the store type has the dtype's size.
    unsafe {
        match dtype.itemsize() {
            1 => fill_blocks(dist, dtype, ctr, n, blocks, out, |b| b as u8),
            2 => fill_blocks(dist, dtype, ctr, n, blocks, out, |b| b as u16),
            4 => fill_blocks(dist, dtype, ctr, n, blocks, out, |b| b as u32),
            _ => fill_blocks(dist, dtype, ctr, n, blocks, out, |b| b),
        }
    }
}

/// Fills the contiguous view `out` of `dtype` with draw `dist` of the stream `ctr` (see
/// `Backend::random`).
pub(crate) fn random(dist: RandomDist, dtype: DType, ctr: Counter, out: View<'_, CpuBuffer>) -> Result<()> {
    if !dist.supports(dtype) {
        return Err(dist.unsupported(dtype));
    }
    if !out.1.is_c_contiguous() {
        return Err(Error::invalid(dist.name(), "the output must be C-contiguous"));
    }
    let n = out.1.numel() as u64;
    let per = dist.per_block(dtype);
    let blocks = n.div_ceil(per);
    let chunk = (PAR_CHUNK as u64 / per).max(1);
    let tasks = blocks.div_ceil(chunk) as usize;
    let ptr = SendPtr(view_ptr(out.0, out.1, dtype.itemsize()));
    let _q = queue();
    for_tasks(tasks, worth_parallel(tasks, n as usize, PAR_CHUNK), |t| {
        let lo = t as u64 * chunk;
        // SAFETY: the view is contiguous with `n` elements in a live buffer (the op layer
        // allocated it); tasks cover disjoint block ranges, hence disjoint elements; the queue
        // excludes other access to the buffer.
        unsafe { fill_range(dist, dtype, ctr, n, lo..(lo + chunk).min(blocks), ptr.get()) };
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn philox_matches_random123_known_answers() {
        // Random123 examples/kat_vectors: "philox4x32 10 <ctr x4> <key x2> <expected x4>".
        assert_eq!(philox4x32_10([0; 4], [0; 2]), [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]);
        assert_eq!(philox4x32_10([u32::MAX; 4], [u32::MAX; 2]), [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]);
        let pi = philox4x32_10([0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344], [0xa409_3822, 0x299f_31d0]);
        assert_eq!(pi, [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]);
    }

    #[test]
    fn the_math_is_within_an_ulp_of_the_system_libm() {
        let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).abs();
        for i in 0..20_000u64 {
            let u = open32((i as u32).wrapping_mul(2_654_435_761));
            assert!(ulps(rng_log(u), u.ln()) <= 1, "log({u})");
            let tiny = open52(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            assert!(ulps(rng_log(tiny), tiny.ln()) <= 1, "log({tiny})");
            let (s, c) = sincos_2pi(u);
            let t = 2.0 * std::f64::consts::PI * u;
            // The reference rounds 2 pi u first (up to 4.4e-16 at 2 pi), so compare absolutely.
            assert!((s - t.sin()).abs() <= 1.5e-15 && (c - t.cos()).abs() <= 1.5e-15, "sincos({u})");
        }
        assert_eq!(rng_log(1.0), 0.0);
        for i in 0..20_000u64 {
            let x = -745.0 * open32((i as u32).wrapping_mul(2_654_435_761));
            assert!(ulps(rng_exp(x), x.exp()) <= 1, "exp({x})");
            let small = -open32((i as u32).wrapping_mul(2_654_435_761));
            assert!(ulps(rng_exp(small), small.exp()) <= 1, "exp({small})");
        }
        assert_eq!((rng_exp(0.0), rng_exp(-746.0), rng_exp(-f64::MAX)), (1.0, 0.0, 0.0));
        assert_eq!(sincos_2pi(0.0), (0.0, 1.0));
    }

    #[test]
    fn log_factorial_agrees_with_the_sum_of_logs() {
        let mut sum = 0.0f64;
        for k in 0..2000u32 {
            if k > 1 {
                sum += f64::from(k).ln();
            }
            let lf = log_factorial(f64::from(k));
            // The running sum carries about k ulps of error; the table/series far less.
            assert!((lf - sum).abs() <= 1e-15 * sum.max(1.0) * (1.0 + f64::from(k).sqrt()), "log({k}!)");
        }
        // Stirling at a large argument: log(1e15!) = 3.35e16 to 15 digits (mpmath).
        let big = log_factorial(1e15);
        assert!((big / 3.353_877_639_491_070_3e16 - 1.0).abs() < 1e-14, "{big}");
    }

    #[test]
    fn lemire_covers_the_range_without_bias_on_small_spans() {
        let ctr = Counter { key: [1, 2], offset: 0 };
        let mut seen = [0u32; 3];
        for b in 0..3000 {
            seen[bounded(ctr, b, 2) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (900..1100).contains(&c)), "{seen:?}");
        assert!((0..100).all(|b| bounded(ctr, b, 0) == 0));
        assert!((0..100).any(|b| bounded(ctr, b, u64::MAX) > u64::MAX / 2));
        assert!((0..100).all(|b| bounded(ctr, b, (1 << 40) + 7) <= (1 << 40) + 7));
    }
}
