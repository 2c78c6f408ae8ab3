//! The cuSOLVER stand-ins through the emulated device's [`GpuApi`], checked against their
//! documented contracts: reconstruction (`L Lᵀ = A`, `P L U = A`, `A X = B`, `A V = V diag(w)`)
//! in plain f64 loops over column-major indices, `info` values, untouched triangles, padded
//! leading dimensions, and `CUSOLVER_STATUS_INVALID_VALUE` for bad arguments.

use super::super::device::EmuDevice;
use crate::cuda::api::{
    Dense, DenseCall, DenseScratch, Fill, GemmOp, GpuApi, GpuErrorKind, SolverType, StreamId, SvdJob,
};

struct Dev {
    api: EmuDevice,
    stream: StreamId,
}

impl Dev {
    fn new() -> Dev {
        let api = EmuDevice::new(5);
        let stream = api.stream_create().unwrap();
        Dev { api, stream }
    }
    fn upload_bytes(&self, bytes: &[u8]) -> u64 {
        // SAFETY: the stream is live.
        let ptr = unsafe { self.api.alloc(bytes.len().max(1), self.stream) }.unwrap();
        // SAFETY: `ptr` holds the bytes; `bytes` outlives the synchronisation below.
        unsafe { self.api.copy_htod(ptr, bytes.as_ptr(), bytes.len(), self.stream) }.unwrap();
        self.sync().unwrap();
        ptr
    }
    fn upload(&self, t: SolverType, values: &[f64]) -> u64 {
        // Complex values are their interleaved parts.
        let bytes: Vec<u8> = match t.real_itemsize() {
            8 => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            _ => values.iter().flat_map(|&v| (v as f32).to_le_bytes()).collect(),
        };
        self.upload_bytes(&bytes)
    }
    fn download_bytes(&self, ptr: u64, len: usize) -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        // SAFETY: `ptr` holds `len` bytes; `bytes` is waited for below.
        unsafe { self.api.copy_dtoh(bytes.as_mut_ptr(), ptr, len, self.stream) }.unwrap();
        self.sync().unwrap();
        bytes
    }
    fn download(&self, t: SolverType, ptr: u64, count: usize) -> Vec<f64> {
        let bytes = self.download_bytes(ptr, count * t.itemsize());
        match t.real_itemsize() {
            8 => bytes.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap())).collect(),
            _ => bytes.chunks_exact(4).map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap()))).collect(),
        }
    }
    fn ints(&self, ptr: u64, count: usize) -> Vec<i32> {
        self.download_bytes(ptr, count * 4).chunks_exact(4).map(|b| i32::from_le_bytes(b.try_into().unwrap())).collect()
    }
    fn sync(&self) -> Result<(), crate::cuda::api::GpuError> {
        // SAFETY: the stream is live.
        unsafe { self.api.stream_synchronize(self.stream) }
    }
    /// Queries the workspace, allocates it and an `info`, queues the call; returns `info`.
    fn call(&self, dense: Dense) -> i32 {
        let lwork = self.api.dense_workspace(&dense).unwrap();
        // `lwork` elements of the call's type: two parts each for the complex routines.
        let parts = dense.dtype.itemsize() / dense.dtype.real_itemsize();
        let work = self.upload(dense.dtype, &vec![0.0; lwork.max(1) as usize * parts]);
        let info = self.upload_bytes(&[0x55; 4]);
        // SAFETY: every range lies in the allocations made for it by the tests.
        unsafe { self.api.dense_solve(&dense, DenseScratch { work, lwork, info }, self.stream) }.unwrap();
        self.ints(info, 1)[0]
    }
}

/// A column-major `n × n` symmetric positive-definite matrix with leading dimension `ld`
/// (padding rows hold 99).
fn spd(n: usize, ld: usize) -> Vec<f64> {
    let mut a = vec![99.0; ld * n];
    for j in 0..n {
        for i in 0..n {
            let v = 1.0 / (1.0 + (i as f64 - j as f64).abs()) + if i == j { n as f64 } else { 0.0 };
            a[i + j * ld] = v;
        }
    }
    a
}

fn close(a: f64, b: f64, t: SolverType) -> bool {
    let tol = if t == SolverType::F32 { 1e-4 } else { 1e-10 };
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn potrf_factors_either_triangle_and_leaves_the_other_alone() {
    let dev = Dev::new();
    let (n, ld) = (4usize, 6usize);
    for t in [SolverType::F32, SolverType::F64] {
        for uplo in [Fill::Lower, Fill::Upper] {
            let a0 = spd(n, ld);
            let a = dev.upload(t, &a0);
            let info = dev.call(Dense { call: DenseCall::Potrf { uplo, n: 4, a, lda: 6 }, dtype: t });
            assert_eq!(info, 0);
            let f = dev.download(t, a, ld * n);
            // L(i, j) for i >= j, from the triangle used.
            let l = |i: usize, j: usize| if uplo == Fill::Lower { f[i + j * ld] } else { f[j + i * ld] };
            for i in 0..n {
                for j in 0..n {
                    let llt: f64 = (0..=i.min(j)).map(|k| l(i, k) * l(j, k)).sum();
                    assert!(close(llt, a0[i + j * ld], t), "{t:?} {uplo:?} ({i}, {j})");
                    let other = if uplo == Fill::Lower { i < j } else { i > j };
                    let stored = if t == SolverType::F32 { a0[i + j * ld] as f32 as f64 } else { a0[i + j * ld] };
                    if other {
                        assert_eq!(f[i + j * ld], stored, "untouched ({i}, {j})");
                    }
                }
                assert_eq!(f[n + i * ld], 99.0, "padding rows untouched");
            }
        }
    }
}

#[test]
fn potrf_reports_the_first_non_positive_leading_minor() {
    let dev = Dev::new();
    // [[1, 2, 0], [2, 1, 0], [0, 0, 1]]: the leading minor of order 2 is -3.
    let a = dev.upload(SolverType::F64, &[1.0, 2.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
    let call = DenseCall::Potrf { uplo: Fill::Lower, n: 3, a, lda: 3 };
    assert_eq!(dev.call(Dense { call, dtype: SolverType::F64 }), 2);
    let nan = dev.upload(SolverType::F32, &[f64::NAN]);
    let call = DenseCall::Potrf { uplo: Fill::Upper, n: 1, a: nan, lda: 1 };
    assert_eq!(dev.call(Dense { call, dtype: SolverType::F32 }), 1, "a NaN pivot is not positive");
}

#[test]
fn getrf_getrs_solve_both_ways_with_one_based_pivots() {
    let dev = Dev::new();
    let n = 3usize;
    // Column-major A = [[0, 2, 1], [1, 1, 0], [4, 0, 3]]: a zero (1, 1) forces a pivot.
    let a0 = [0.0, 1.0, 4.0, 2.0, 1.0, 0.0, 1.0, 0.0, 3.0];
    let b0 = [1.0, 2.0, 3.0, -1.0, 0.5, 2.0];
    for t in [SolverType::F32, SolverType::F64] {
        for trans in [GemmOp::N, GemmOp::T] {
            let a = dev.upload(t, &a0);
            let ipiv = dev.upload_bytes(&[0; 12]);
            let info = dev.call(Dense { call: DenseCall::Getrf { m: 3, n: 3, a, lda: 3, ipiv }, dtype: t });
            assert_eq!(info, 0);
            let piv = dev.ints(ipiv, n);
            assert_eq!(piv[0], 3, "the largest |A(i, 0)| is row 3 (1-based)");
            assert!(piv.iter().enumerate().all(|(i, &p)| p as usize > i && p as usize <= n), "{piv:?}");
            let b = dev.upload(t, &b0);
            let call = DenseCall::Getrs { trans, n: 3, nrhs: 2, a, lda: 3, ipiv, b, ldb: 3 };
            assert_eq!(dev.call(Dense { call, dtype: t }), 0);
            let x = dev.download(t, b, 6);
            for c in 0..2 {
                for i in 0..n {
                    let el = |i: usize, k: usize| if trans == GemmOp::N { a0[i + k * 3] } else { a0[k + i * 3] };
                    let ax: f64 = (0..n).map(|k| el(i, k) * x[k + c * 3]).sum();
                    assert!(close(ax, b0[i + c * 3], t), "{t:?} {trans:?}: row {i} rhs {c}: {ax}");
                }
            }
        }
    }
}

#[test]
fn getrf_reports_an_exactly_zero_pivot_and_continues() {
    let dev = Dev::new();
    // Rank 1: U(2, 2) is exactly zero.
    let a = dev.upload(SolverType::F64, &[1.0, 2.0, 2.0, 4.0]);
    let ipiv = dev.upload_bytes(&[0; 8]);
    let info = dev.call(Dense { call: DenseCall::Getrf { m: 2, n: 2, a, lda: 2, ipiv }, dtype: SolverType::F64 });
    assert_eq!(info, 2);
    assert_eq!(dev.ints(ipiv, 2), vec![2, 2]);
}

#[test]
fn syevd_is_ascending_with_vectors_overwriting_a() {
    let dev = Dev::new();
    let (n, ld) = (4usize, 5usize);
    for t in [SolverType::F32, SolverType::F64] {
        for uplo in [Fill::Lower, Fill::Upper] {
            // Only the `uplo` triangle holds the matrix; the other holds garbage it must not read.
            let full = spd(n, ld);
            let mut a0 = full.clone();
            for j in 0..n {
                for i in 0..n {
                    if (uplo == Fill::Lower && i < j) || (uplo == Fill::Upper && i > j) {
                        a0[i + j * ld] = -1e3;
                    }
                }
            }
            let a = dev.upload(t, &a0);
            let w = dev.upload(t, &[0.0; 4]);
            let call = DenseCall::Syevd { vectors: true, uplo, n: 4, a, lda: 5, w };
            assert_eq!(dev.call(Dense { call, dtype: t }), 0);
            let (wv, v) = (dev.download(t, w, n), dev.download(t, a, ld * n));
            assert!(wv.windows(2).all(|p| p[0] <= p[1]), "{wv:?}");
            for j in 0..n {
                for i in 0..n {
                    let av: f64 = (0..n).map(|k| full[i + k * ld] * v[k + j * ld]).sum();
                    assert!(close(av, wv[j] * v[i + j * ld], t), "{t:?} {uplo:?} A v = w v at ({i}, {j})");
                }
            }
            let call = DenseCall::Syevd { vectors: false, uplo, n: 4, a: dev.upload(t, &a0), lda: 5, w };
            assert_eq!(dev.call(Dense { call, dtype: t }), 0);
            let again = dev.download(t, w, n);
            assert!(again.iter().zip(&wv).all(|(x, y)| close(*x, *y, t)));
        }
    }
}

#[test]
fn invalid_arguments_are_cusolver_status_invalid_value() {
    let dev = Dev::new();
    let t = SolverType::F32;
    let calls = [
        DenseCall::Potrf { uplo: Fill::Lower, n: 3, a: 8, lda: 2 },
        DenseCall::Potrf { uplo: Fill::Lower, n: -1, a: 8, lda: 1 },
        DenseCall::Getrf { m: 4, n: 2, a: 8, lda: 3, ipiv: 8 },
        DenseCall::Getrs { trans: GemmOp::N, n: 3, nrhs: 1, a: 8, lda: 3, ipiv: 8, b: 8, ldb: 2 },
        DenseCall::Getrs { trans: GemmOp::T, n: 3, nrhs: -1, a: 8, lda: 3, ipiv: 8, b: 8, ldb: 3 },
        DenseCall::Syevd { vectors: true, uplo: Fill::Upper, n: 2, a: 8, lda: 0, w: 8 },
    ];
    for call in calls {
        let dense = Dense { call, dtype: t };
        let scratch = DenseScratch { work: 8, lwork: 1 << 20, info: 8 };
        // SAFETY: refused before anything is queued (no pointer is used).
        for e in [
            dev.api.dense_workspace(&dense).unwrap_err(),
            unsafe { dev.api.dense_solve(&dense, scratch, dev.stream) }.unwrap_err(),
        ] {
            assert_eq!(e.kind, GpuErrorKind::InvalidUsage, "{call:?}");
            assert!(e.message.starts_with("CUSOLVER_STATUS_INVALID_VALUE"), "{}", e.message);
        }
    }
    // A workspace smaller than the query said.
    let dense =
        Dense { call: DenseCall::Syevd { vectors: true, uplo: Fill::Lower, n: 8, a: 8, lda: 8, w: 8 }, dtype: t };
    let need = dev.api.dense_workspace(&dense).unwrap();
    let scratch = DenseScratch { work: 8, lwork: need - 1, info: 8 };
    // SAFETY: refused before anything is queued.
    let e = unsafe { dev.api.dense_solve(&dense, scratch, dev.stream) }.unwrap_err();
    assert!(e.message.contains("lwork"), "{}", e.message);
}

#[test]
fn ranges_outside_the_allocations_or_overlapping_fail_the_stream() {
    let dev = Dev::new();
    let a = dev.upload(SolverType::F64, &spd(3, 3));
    let small = dev.upload_bytes(&[0; 4]);
    let call = DenseCall::Potrf { uplo: Fill::Lower, n: 4, a, lda: 4 };
    let scratch = DenseScratch { work: small, lwork: 4, info: small };
    // SAFETY: deliberately out of bounds: the emulator checks the spans before running.
    unsafe { dev.api.dense_solve(&Dense { call, dtype: SolverType::F64 }, scratch, dev.stream) }.unwrap();
    let e = dev.sync().unwrap_err();
    assert!(e.message.contains("cusolverDnXpotrf: matrix A"), "{}", e.message);
    // The workspace and info sharing memory.
    let work = dev.upload(SolverType::F64, &[0.0; 4]);
    let call = DenseCall::Potrf { uplo: Fill::Lower, n: 3, a, lda: 3 };
    let scratch = DenseScratch { work, lwork: 3, info: work };
    // SAFETY: as above: checked before running.
    unsafe { dev.api.dense_solve(&Dense { call, dtype: SolverType::F64 }, scratch, dev.stream) }.unwrap();
    let e = dev.sync().unwrap_err();
    assert!(e.message.contains("overlaps"), "{}", e.message);
}

#[test]
fn geqrf_orgqr_give_an_orthogonal_q_and_upper_r() {
    let dev = Dev::new();
    let (m, n, ld) = (4usize, 3usize, 5usize);
    let a0: Vec<f64> = (0..ld * n).map(|e| if e % ld < m { ((e * 7) % 11) as f64 / 4.0 - 1.0 } else { 99.0 }).collect();
    for t in [SolverType::F32, SolverType::F64] {
        let a = dev.upload(t, &a0);
        let tau = dev.upload(t, &[0.0; 3]);
        let info = dev.call(Dense { call: DenseCall::Geqrf { m: 4, n: 3, a, lda: 5, tau }, dtype: t });
        assert_eq!(info, 0);
        let f = dev.download(t, a, ld * n);
        assert!((0..n).all(|j| f[m + j * ld] == 99.0), "padding rows untouched");
        // The complete Q (4 × 4) from the 3 reflectors, in a 4 × 4 buffer with lda 4.
        let mut store = vec![0.0; m * m];
        for j in 0..n {
            store[j * m..j * m + m].copy_from_slice(&f[j * ld..j * ld + m]);
        }
        let qb = dev.upload(t, &store);
        let info = dev.call(Dense { call: DenseCall::Orgqr { m: 4, n: 4, k: 3, a: qb, lda: 4, tau }, dtype: t });
        assert_eq!(info, 0);
        let q = dev.download(t, qb, m * m);
        for i in 0..m {
            for j in 0..n {
                // (Q R)(i, j) with R the upper triangle of the factored A.
                let qr: f64 = (0..=j.min(m - 1)).map(|l| q[i + l * m] * f[l + j * ld]).sum();
                assert!(close(qr, a0[i + j * ld], t), "{t:?} QR ({i}, {j}): {qr}");
            }
            for j in 0..m {
                let qtq: f64 = (0..m).map(|l| q[l + i * m] * q[l + j * m]).sum();
                assert!(close(qtq, f64::from(u8::from(i == j)), t), "{t:?} QᵀQ ({i}, {j})");
            }
        }
    }
    // orgqr needs m >= n >= k.
    let dense = Dense { call: DenseCall::Orgqr { m: 3, n: 4, k: 2, a: 8, lda: 3, tau: 8 }, dtype: SolverType::F64 };
    assert_eq!(dev.api.dense_workspace(&dense).unwrap_err().kind, GpuErrorKind::InvalidUsage);
}

#[test]
fn gesvd_gives_descending_values_and_orthogonal_vectors() {
    let dev = Dev::new();
    let (m, n, ld) = (5usize, 3usize, 6usize);
    let a0: Vec<f64> = (0..ld * n).map(|e| if e % ld < m { ((e * 5) % 13) as f64 / 6.0 - 1.0 } else { 99.0 }).collect();
    for t in [SolverType::F32, SolverType::F64] {
        for (jobu, u_cols) in [(SvdJob::All, m), (SvdJob::Thin, n)] {
            let (a, s) = (dev.upload(t, &a0), dev.upload(t, &[0.0; 3]));
            let (u, vt, rwork) =
                (dev.upload(t, &vec![0.0; m * u_cols]), dev.upload(t, &[0.0; 9]), dev.upload(t, &[0.0; 2]));
            let call =
                DenseCall::Gesvd { jobu, jobvt: SvdJob::All, m: 5, n: 3, a, lda: 6, s, u, ldu: 5, vt, ldvt: 3, rwork };
            assert_eq!(dev.call(Dense { call, dtype: t }), 0);
            let (s, u, vt) = (dev.download(t, s, n), dev.download(t, u, m * u_cols), dev.download(t, vt, n * n));
            assert!(s.windows(2).all(|w| w[0] >= w[1]) && s[n - 1] >= 0.0, "{s:?}");
            let destroyed = dev.download(t, a, ld * n);
            let padding_kept = |e: usize, v: f64| if e % ld < m { v.is_nan() } else { v == 99.0 };
            assert!(destroyed.iter().enumerate().all(|(e, &v)| padding_kept(e, v)), "A destroyed, padding kept");
            for i in 0..m {
                for j in 0..n {
                    // (U Σ Vᵀ)(i, j) from the first n columns of U.
                    let usv: f64 = (0..n).map(|l| u[i + l * m] * s[l] * vt[l + j * n]).sum();
                    assert!(close(usv, a0[i + j * ld], t), "{t:?} {jobu:?} U S Vt ({i}, {j}): {usv}");
                }
            }
            for i in 0..u_cols {
                for j in 0..u_cols {
                    let utu: f64 = (0..m).map(|l| u[l + i * m] * u[l + j * m]).sum();
                    assert!(close(utu, f64::from(u8::from(i == j)), t), "{t:?} UᵀU ({i}, {j})");
                }
            }
        }
    }
    // Values only: U and Vt are not referenced (null); m < n is refused as cuSOLVER does.
    let (a, s) = (dev.upload(SolverType::F64, &a0), dev.upload(SolverType::F64, &[0.0; 3]));
    let rwork = dev.upload(SolverType::F64, &[0.0; 2]);
    let values = DenseCall::Gesvd {
        jobu: SvdJob::None,
        jobvt: SvdJob::None,
        m: 5,
        n: 3,
        a,
        lda: 6,
        s,
        u: 0,
        ldu: 5,
        vt: 0,
        ldvt: 3,
        rwork,
    };
    assert_eq!(dev.call(Dense { call: values, dtype: SolverType::F64 }), 0);
    assert!(dev.download(SolverType::F64, s, 3).windows(2).all(|w| w[0] >= w[1]));
    let wide = DenseCall::Gesvd {
        jobu: SvdJob::None,
        jobvt: SvdJob::None,
        m: 2,
        n: 3,
        a,
        lda: 6,
        s,
        u: 0,
        ldu: 2,
        vt: 0,
        ldvt: 3,
        rwork,
    };
    let dense = Dense { call: wide, dtype: SolverType::F64 };
    assert_eq!(dev.api.dense_workspace(&dense).unwrap_err().kind, GpuErrorKind::InvalidUsage);
}

#[path = "solver_complex_tests.rs"]
mod complex;
