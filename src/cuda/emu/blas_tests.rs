//! The cuBLAS stand-in against a direct reference written from cuBLAS's documentation (plain
//! f64 loops over column-major indices), through the emulated device's [`GpuApi`].

use super::super::device::EmuDevice;
use crate::cuda::api::{Gemm, GemmMatrix, GemmOp, GemmType, GpuApi, GpuErrorKind, StreamId};

struct Dev {
    api: EmuDevice,
    stream: StreamId,
}

impl Dev {
    fn new() -> Dev {
        let api = EmuDevice::new(3);
        let stream = api.stream_create().unwrap();
        Dev { api, stream }
    }
    /// Uploads `values` as `t` elements; returns the device pointer.
    fn upload(&self, t: GemmType, values: &[f64]) -> u64 {
        let bytes = encode(t, values);
        // SAFETY: the stream is live.
        let ptr = unsafe { self.api.alloc(bytes.len().max(1), self.stream) }.unwrap();
        // SAFETY: `ptr` holds the bytes; `bytes` outlives the synchronisation below.
        unsafe { self.api.copy_htod(ptr, bytes.as_ptr(), bytes.len(), self.stream) }.unwrap();
        // SAFETY: the stream is live.
        unsafe { self.api.stream_synchronize(self.stream) }.unwrap();
        ptr
    }
    /// `count` elements at `ptr` (for a complex `t`, `2 * count` interleaved parts).
    fn download(&self, t: GemmType, ptr: u64, count: usize) -> Vec<f64> {
        let mut bytes = vec![0u8; count * t.itemsize()];
        // SAFETY: `ptr` holds `count` elements; `bytes` is waited for below.
        unsafe { self.api.copy_dtoh(bytes.as_mut_ptr(), ptr, bytes.len(), self.stream) }.unwrap();
        // SAFETY: the stream is live.
        unsafe { self.api.stream_synchronize(self.stream) }.unwrap();
        decode(t, &bytes)
    }
}

/// Values per element: 2 (real and imaginary parts, interleaved) for the complex types.
fn parts(t: GemmType) -> usize {
    if super::complex(t) {
        2
    } else {
        1
    }
}

/// `values` as `t` elements (for a complex `t`, the interleaved parts of its elements).
fn encode(t: GemmType, values: &[f64]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|&v| match t {
            GemmType::F64 | GemmType::C128 => v.to_le_bytes().to_vec(),
            GemmType::F32 | GemmType::C64 => (v as f32).to_le_bytes().to_vec(),
            GemmType::F16 => half::f16::from_f64(v).to_le_bytes().to_vec(),
            GemmType::BF16 => half::bf16::from_f64(v).to_le_bytes().to_vec(),
        })
        .collect()
}

fn decode(t: GemmType, bytes: &[u8]) -> Vec<f64> {
    bytes
        .chunks_exact(t.itemsize() / parts(t))
        .map(|b| match t {
            GemmType::F64 | GemmType::C128 => f64::from_le_bytes(b.try_into().unwrap()),
            GemmType::F32 | GemmType::C64 => f64::from(f32::from_le_bytes(b.try_into().unwrap())),
            GemmType::F16 => f64::from(half::f16::from_le_bytes([b[0], b[1]])),
            GemmType::BF16 => f64::from(half::bf16::from_le_bytes([b[0], b[1]])),
        })
        .collect()
}

/// Small exactly-representable values (multiples of 1/4 in [-2, 2)), so every dtype holds them.
fn values(count: usize, seed: u64) -> Vec<f64> {
    let mut x = seed | 1;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 16) as f64 / 4.0 - 2.0
        })
        .collect()
}

/// The documented result on host copies: `C[p] = alpha op(A[p]) op(B[p]) + beta C[p]`.
fn reference(g: &Gemm, a: &[f64], b: &[f64], c: &[f64]) -> Vec<f64> {
    let mut out = c.to_vec();
    let at = |x: &GemmMatrix, op: GemmOp, p: i64, i: i64, j: i64| {
        let (r, c) = if op == GemmOp::N { (i, j) } else { (j, i) };
        (p * x.stride + r + c * i64::from(x.ld)) as usize
    };
    for p in 0..i64::from(g.batch) {
        for i in 0..i64::from(g.m) {
            for j in 0..i64::from(g.n) {
                let sum: f64 =
                    (0..i64::from(g.k)).map(|l| a[at(&g.a, g.transa, p, i, l)] * b[at(&g.b, g.transb, p, l, j)]).sum();
                let o = at(&g.c, GemmOp::N, p, i, j);
                out[o] = g.alpha * sum + if g.beta == 0.0 { 0.0 } else { g.beta * c[o] };
            }
        }
    }
    out
}

/// [`reference`] for complex matrices held as interleaved parts (real `alpha` and `beta`).
fn reference_complex(g: &Gemm, a: &[f64], b: &[f64], c: &[f64]) -> Vec<f64> {
    let mut out = c.to_vec();
    let at = |x: &GemmMatrix, op: GemmOp, p: i64, i: i64, j: i64| {
        let (r, c) = if op == GemmOp::N { (i, j) } else { (j, i) };
        2 * (p * x.stride + r + c * i64::from(x.ld)) as usize
    };
    for p in 0..i64::from(g.batch) {
        for i in 0..i64::from(g.m) {
            for j in 0..i64::from(g.n) {
                let (mut re, mut im) = (0.0, 0.0);
                for l in 0..i64::from(g.k) {
                    let (x, y) = (at(&g.a, g.transa, p, i, l), at(&g.b, g.transb, p, l, j));
                    re += a[x] * b[y] - a[x + 1] * b[y + 1];
                    im += a[x] * b[y + 1] + a[x + 1] * b[y];
                }
                let o = at(&g.c, GemmOp::N, p, i, j);
                let keep = |v: f64| if g.beta == 0.0 { 0.0 } else { g.beta * v };
                out[o] = g.alpha * re + keep(c[o]);
                out[o + 1] = g.alpha * im + keep(c[o + 1]);
            }
        }
    }
    out
}

/// Elements a matrix spans over the batch (its strides are non-negative in these tests).
fn len(x: &GemmMatrix, rows: i32, cols: i32, batch: i32) -> usize {
    ((cols - 1) as i64 * i64::from(x.ld) + i64::from(rows) + (i64::from(batch) - 1) * x.stride) as usize
}

/// A problem with the given ops, leading-dimension padding and batch strides (0: broadcast).
fn problem(t: GemmType, ops: (GemmOp, GemmOp), (m, n, k): (i32, i32, i32), pad: i32, batch: i32, zero_b: bool) -> Gemm {
    let rows = |op, r, c| if op == GemmOp::N { (r, c) } else { (c, r) };
    let (ar, ac) = rows(ops.0, m, k);
    let (br, bc) = rows(ops.1, k, n);
    let mat = |r: i32, c: i32, zero: bool| {
        let ld = r + pad;
        GemmMatrix { ptr: 0, ld, stride: if zero { 0 } else { i64::from(ld) * i64::from(c) + 3 } }
    };
    Gemm {
        transa: ops.0,
        transb: ops.1,
        m,
        n,
        k,
        alpha: 1.0,
        beta: 0.0,
        a: mat(ar, ac, false),
        b: mat(br, bc, zero_b),
        c: mat(m, n, false),
        batch,
        dtype: t,
    }
}

/// Runs `g` (pointers filled in here) on the device and against the reference.
fn check(dev: &Dev, mut g: Gemm) {
    let rows = |op, r, c| if op == GemmOp::N { (r, c) } else { (c, r) };
    let (ar, ac) = rows(g.transa, g.m, g.k);
    let (br, bc) = rows(g.transb, g.k, g.n);
    let (la, lb, lc) = (len(&g.a, ar, ac, g.batch), len(&g.b, br, bc, g.batch), len(&g.c, g.m, g.n, g.batch));
    let np = parts(g.dtype);
    let (a, b, c) = (values(la * np, 1), values(lb * np, 2), values(lc * np, 3));
    g.a.ptr = dev.upload(g.dtype, &a);
    g.b.ptr = dev.upload(g.dtype, &b);
    g.c.ptr = dev.upload(g.dtype, &c);
    // SAFETY: every matrix lies in its upload (sized by `len`), C is separate.
    unsafe { dev.api.gemm_strided_batched(&g, dev.stream) }.unwrap();
    let got = dev.download(g.dtype, g.c.ptr, lc);
    let want = if np == 2 { reference_complex(&g, &a, &b, &c) } else { reference(&g, &a, &b, &c) };
    // The 16-bit types round each output once; f32 sums of these values are exact.
    let tol = match g.dtype {
        GemmType::F16 => 1.0 / 512.0,
        GemmType::BF16 => 1.0 / 64.0,
        _ => 1e-12,
    };
    for (i, (g2, w)) in got.iter().zip(&want).enumerate() {
        assert!((g2 - w).abs() <= tol * w.abs().max(1.0), "{g:?}: element {i}: got {g2}, want {w}");
    }
}

#[test]
fn every_transpose_combination_with_padded_leading_dimensions() {
    let dev = Dev::new();
    for ops in [(GemmOp::N, GemmOp::N), (GemmOp::N, GemmOp::T), (GemmOp::T, GemmOp::N), (GemmOp::T, GemmOp::T)] {
        for pad in [0, 3] {
            check(&dev, problem(GemmType::F64, ops, (5, 4, 3), pad, 1, false));
            check(&dev, problem(GemmType::F32, ops, (2, 7, 6), pad, 2, false));
        }
    }
}

#[test]
fn complex_types_multiply_without_conjugation() {
    let dev = Dev::new();
    for ops in [(GemmOp::N, GemmOp::N), (GemmOp::N, GemmOp::T), (GemmOp::T, GemmOp::N), (GemmOp::T, GemmOp::T)] {
        check(&dev, problem(GemmType::C128, ops, (5, 4, 3), 2, 2, false));
        check(&dev, problem(GemmType::C64, ops, (2, 7, 6), 0, 3, true));
    }
    let mut g = problem(GemmType::C64, (GemmOp::T, GemmOp::N), (3, 2, 4), 1, 2, false);
    (g.alpha, g.beta) = (-0.5, 2.0);
    check(&dev, g);
    // (1 + 2i)(3 - i) = 5 + 5i: the imaginary parts are multiplied, not conjugated.
    let t = GemmType::C128;
    let mut g = problem(t, (GemmOp::N, GemmOp::N), (1, 1, 1), 0, 1, false);
    let (a, b, c) = (dev.upload(t, &[1.0, 2.0]), dev.upload(t, &[3.0, -1.0]), dev.upload(t, &[f64::NAN, 0.0]));
    (g.a.ptr, g.b.ptr, g.c.ptr) = (a, b, c);
    // SAFETY: the matrices are the uploads above.
    unsafe { dev.api.gemm_strided_batched(&g, dev.stream) }.unwrap();
    assert_eq!(dev.download(t, c, 1), vec![5.0, 5.0], "beta = 0 does not read C's NaN");
}

#[test]
fn alpha_and_beta_scale_the_product_and_c() {
    let dev = Dev::new();
    for (alpha, beta) in [(2.0, 0.0), (0.5, 1.0), (-1.0, -0.25), (0.0, 2.0)] {
        let mut g = problem(GemmType::F32, (GemmOp::N, GemmOp::T), (4, 3, 5), 1, 2, false);
        (g.alpha, g.beta) = (alpha, beta);
        check(&dev, g);
    }
}

#[test]
fn batch_strides_including_a_broadcast_operand() {
    let dev = Dev::new();
    check(&dev, problem(GemmType::F64, (GemmOp::T, GemmOp::N), (3, 4, 2), 2, 4, true));
    check(&dev, problem(GemmType::F32, (GemmOp::N, GemmOp::N), (6, 1, 4), 0, 3, false));
}

#[test]
fn half_types_accumulate_in_f32() {
    let dev = Dev::new();
    for t in [GemmType::F16, GemmType::BF16] {
        check(&dev, problem(t, (GemmOp::N, GemmOp::T), (7, 5, 33), 1, 2, false));
        // 2048 + 1 + 1 ... is not representable in f16 step by step, but is in an f32 sum.
        let mut g = problem(t, (GemmOp::N, GemmOp::N), (1, 1, 3), 0, 1, false);
        let a = dev.upload(t, &[2048.0, 1.0, 1.0]);
        let b = dev.upload(t, &[1.0, 1.0, 1.0]);
        let c = dev.upload(t, &[0.0]);
        (g.a.ptr, g.b.ptr, g.c.ptr) = (a, b, c);
        // SAFETY: the matrices are the uploads above.
        unsafe { dev.api.gemm_strided_batched(&g, dev.stream) }.unwrap();
        assert_eq!(dev.download(t, c, 1), vec![2048.0 + if t == GemmType::F16 { 2.0 } else { 0.0 }], "{t:?}");
    }
}

#[test]
fn invalid_arguments_are_cublas_status_invalid_value() {
    let dev = Dev::new();
    let base = problem(GemmType::F32, (GemmOp::N, GemmOp::T), (4, 3, 5), 0, 1, false);
    let mut cases = Vec::new();
    let mut g = base;
    g.a.ld = 3; // op(A) is m × k with A stored m × k: lda >= 4
    cases.push(g);
    let mut g = base;
    g.b.ld = 2; // B stored n × k (transposed): ldb >= 3
    cases.push(g);
    let mut g = base;
    g.c.ld = 0;
    cases.push(g);
    let mut g = base;
    g.k = -1;
    cases.push(g);
    let mut g = base;
    g.batch = -2;
    cases.push(g);
    for g in cases {
        // SAFETY: refused before anything is queued (no pointer is used).
        let e = unsafe { dev.api.gemm_strided_batched(&g, dev.stream) }.unwrap_err();
        assert_eq!(e.kind, GpuErrorKind::InvalidUsage, "{g:?}");
        assert!(e.message.starts_with("CUBLAS_STATUS_INVALID_VALUE"), "{}", e.message);
        assert_eq!(e.call, "cublasGemmStridedBatchedEx");
    }
    // Zero-sized problems are valid and touch nothing (null pointers included).
    let mut g = base;
    g.m = 0;
    // SAFETY: nothing is accessed.
    unsafe { dev.api.gemm_strided_batched(&g, dev.stream) }.unwrap();
}

#[test]
fn matrices_outside_the_allocations_fail_the_stream() {
    let dev = Dev::new();
    let mut g = problem(GemmType::F32, (GemmOp::N, GemmOp::N), (4, 4, 4), 0, 2, false);
    let small = dev.upload(GemmType::F32, &[0.0; 16]);
    let c = dev.upload(GemmType::F32, &[0.0; 64]);
    (g.a.ptr, g.b.ptr, g.c.ptr) = (small, small, c);
    // SAFETY: deliberately out of bounds for the second batch position: the emulator checks
    // the spans before running anything.
    unsafe { dev.api.gemm_strided_batched(&g, dev.stream) }.unwrap();
    // SAFETY: the stream is live.
    let e = unsafe { dev.api.stream_synchronize(dev.stream) }.unwrap_err();
    assert!(e.message.contains("cublasGemmStridedBatchedEx: matrix A"), "{}", e.message);
}
