//! The complex (`C`, `Z`) cuSOLVER stand-ins against their documented contracts, in plain
//! complex loops over column-major indices: `L Lᴴ = A` from either triangle with the other left
//! alone, `A X = B` and `Aᵀ X = B` (a transpose, not a conjugate one), Hermitian eigenpairs read
//! from one triangle with real ascending eigenvalues, `Q R = A` with `Qᴴ Q = I`, and
//! `U diag(S) Vᴴ = A` with real descending `S`.

use super::*;
use num_complex::Complex64 as Z;

const COMPLEX: [SolverType; 2] = [SolverType::C64, SolverType::C128];

/// Interleaved parts, as [`Dev::upload`] takes complex values.
fn parts(z: &[Z]) -> Vec<f64> {
    z.iter().flat_map(|z| [z.re, z.im]).collect()
}

/// `count` complex elements at `ptr`.
fn complexes(dev: &Dev, t: SolverType, ptr: u64, count: usize) -> Vec<Z> {
    dev.download(t, ptr, count).chunks_exact(2).map(|p| Z::new(p[0], p[1])).collect()
}

/// `count` real (component-type) elements at `ptr`: `W`, `S`.
fn reals(dev: &Dev, t: SolverType, ptr: u64, count: usize) -> Vec<f64> {
    let bytes = dev.download_bytes(ptr, count * t.real_itemsize());
    match t.real_itemsize() {
        8 => bytes.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap())).collect(),
        _ => bytes.chunks_exact(4).map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap()))).collect(),
    }
}

fn near(a: Z, b: Z, t: SolverType) -> bool {
    let tol = if t == SolverType::C64 { 1e-4 } else { 1e-10 };
    (a - b).norm() <= tol * (1.0 + b.norm())
}

/// A column-major `n × n` Hermitian positive-definite matrix with leading dimension `ld`
/// (padding rows hold 99).
fn hpd(n: usize, ld: usize) -> Vec<Z> {
    let mut a = vec![Z::new(99.0, 0.0); ld * n];
    for j in 0..n {
        for i in 0..n {
            let d = i as f64 - j as f64;
            a[i + j * ld] = if i == j { Z::new(n as f64 + 1.0, 0.0) } else { Z::new(1.0 / (1.0 + d.abs()), 0.3 * d) };
        }
    }
    a
}

/// `A` rounded as `t` stores it.
fn stored(z: Z, t: SolverType) -> Z {
    if t == SolverType::C64 {
        Z::new(z.re as f32 as f64, z.im as f32 as f64)
    } else {
        z
    }
}

#[test]
fn complex_potrf_factors_either_hermitian_triangle() {
    let dev = Dev::new();
    let (n, ld) = (4usize, 6usize);
    for t in COMPLEX {
        for uplo in [Fill::Lower, Fill::Upper] {
            let a0 = hpd(n, ld);
            let a = dev.upload(t, &parts(&a0));
            assert_eq!(dev.call(Dense { call: DenseCall::Potrf { uplo, n: 4, a, lda: 6 }, dtype: t }), 0);
            let f = complexes(&dev, t, a, ld * n);
            // L(i, j) for i >= j; the upper triangle holds U = Lᴴ.
            let l = |i: usize, j: usize| if uplo == Fill::Lower { f[i + j * ld] } else { f[j + i * ld].conj() };
            for i in 0..n {
                for j in 0..n {
                    let llh: Z = (0..=i.min(j)).map(|k| l(i, k) * l(j, k).conj()).sum();
                    assert!(near(llh, a0[i + j * ld], t), "{t:?} {uplo:?} ({i}, {j}): {llh}");
                    if (uplo == Fill::Lower && i < j) || (uplo == Fill::Upper && i > j) {
                        assert_eq!(f[i + j * ld], stored(a0[i + j * ld], t), "untouched ({i}, {j})");
                    }
                }
                assert_eq!(f[n + i * ld], Z::new(99.0, 0.0), "padding rows untouched");
            }
        }
    }
}

#[test]
fn complex_getrs_transposes_without_conjugating() {
    let dev = Dev::new();
    let n = 3usize;
    let a0 = [
        Z::new(0.0, 0.0),
        Z::new(1.0, 1.0),
        Z::new(4.0, -1.0),
        Z::new(2.0, 0.5),
        Z::new(1.0, 0.0),
        Z::new(0.0, 2.0),
        Z::new(1.0, -1.0),
        Z::new(0.0, 0.0),
        Z::new(3.0, 1.0),
    ];
    let b0 = [Z::new(1.0, 0.0), Z::new(2.0, -1.0), Z::new(3.0, 0.5)];
    for t in COMPLEX {
        for trans in [GemmOp::N, GemmOp::T] {
            let a = dev.upload(t, &parts(&a0));
            let ipiv = dev.upload_bytes(&[0; 12]);
            assert_eq!(dev.call(Dense { call: DenseCall::Getrf { m: 3, n: 3, a, lda: 3, ipiv }, dtype: t }), 0);
            assert_eq!(dev.ints(ipiv, n)[0], 3, "|4-1j| is the largest |re| + |im| of column 0");
            let b = dev.upload(t, &parts(&b0));
            let call = DenseCall::Getrs { trans, n: 3, nrhs: 1, a, lda: 3, ipiv, b, ldb: 3 };
            assert_eq!(dev.call(Dense { call, dtype: t }), 0);
            let x = complexes(&dev, t, b, n);
            let el = |i: usize, k: usize| if trans == GemmOp::N { a0[i + k * 3] } else { a0[k + i * 3] };
            for (i, &want) in b0.iter().enumerate() {
                let ax: Z = (0..n).map(|k| el(i, k) * x[k]).sum();
                assert!(near(ax, want, t), "{t:?} {trans:?}: row {i}: {ax}");
            }
        }
    }
}

#[test]
fn complex_heevd_reads_one_triangle_and_returns_real_ascending_values() {
    let dev = Dev::new();
    let (n, ld) = (4usize, 5usize);
    for t in COMPLEX {
        for uplo in [Fill::Lower, Fill::Upper] {
            let full = hpd(n, ld);
            let mut a0 = full.clone();
            for j in 0..n {
                for i in 0..n {
                    if (uplo == Fill::Lower && i < j) || (uplo == Fill::Upper && i > j) {
                        a0[i + j * ld] = Z::new(-1e3, 7.0);
                    }
                }
                // LAPACK ignores the diagonal's imaginary part.
                a0[j + j * ld].im = 5.0;
            }
            let a = dev.upload(t, &parts(&a0));
            let w = dev.upload(t, &[0.0; 4]);
            let call = DenseCall::Syevd { vectors: true, uplo, n: 4, a, lda: 5, w };
            assert_eq!(dev.call(Dense { call, dtype: t }), 0);
            let (wv, v) = (reals(&dev, t, w, n), complexes(&dev, t, a, ld * n));
            assert!(wv.windows(2).all(|p| p[0] <= p[1]), "{wv:?}");
            for j in 0..n {
                for i in 0..n {
                    let av: Z = (0..n).map(|k| full[i + k * ld] * v[k + j * ld]).sum();
                    assert!(near(av, v[i + j * ld] * wv[j], t), "{t:?} {uplo:?} A v = w v at ({i}, {j})");
                    let vhv: Z = (0..n).map(|k| v[k + i * ld].conj() * v[k + j * ld]).sum();
                    assert!(near(vhv, Z::new(f64::from(u8::from(i == j)), 0.0), t), "Vᴴ V = I at ({i}, {j})");
                }
            }
        }
    }
}

#[test]
fn complex_geqrf_ungqr_and_gesvd_reconstruct() {
    let dev = Dev::new();
    let (m, n) = (5usize, 3usize);
    let a0: Vec<Z> = (0..m * n).map(|e| Z::new((e % 7) as f64 - 3.0, (e % 4) as f64 * 0.5 - 0.7)).collect();
    for t in COMPLEX {
        let a = dev.upload(t, &parts(&a0));
        let tau = dev.upload(t, &[0.0; 6]);
        assert_eq!(dev.call(Dense { call: DenseCall::Geqrf { m: 5, n: 3, a, lda: 5, tau }, dtype: t }), 0);
        let f = complexes(&dev, t, a, m * n);
        let r = |i: usize, j: usize| if i <= j { f[i + j * m] } else { Z::new(0.0, 0.0) };
        assert!((0..n).all(|i| r(i, i).im == 0.0), "R's diagonal is real");
        assert_eq!(dev.call(Dense { call: DenseCall::Orgqr { m: 5, n: 3, k: 3, a, lda: 5, tau }, dtype: t }), 0);
        let q = complexes(&dev, t, a, m * n);
        for j in 0..n {
            for i in 0..m {
                let qr: Z = (0..n).map(|k| q[i + k * m] * r(k, j)).sum();
                assert!(near(qr, a0[i + j * m], t), "{t:?} Q R at ({i}, {j})");
            }
            for i in 0..n {
                let qhq: Z = (0..m).map(|k| q[k + i * m].conj() * q[k + j * m]).sum();
                assert!(near(qhq, Z::new(f64::from(u8::from(i == j)), 0.0), t), "Qᴴ Q at ({i}, {j})");
            }
        }
        let a = dev.upload(t, &parts(&a0));
        let (s, u, vt, rwork) =
            (dev.upload(t, &[0.0; 3]), dev.upload(t, &[0.0; 30]), dev.upload(t, &[0.0; 18]), dev.upload(t, &[0.0; 2]));
        let call = DenseCall::Gesvd {
            jobu: SvdJob::Thin,
            jobvt: SvdJob::All,
            m: 5,
            n: 3,
            a,
            lda: 5,
            s,
            u,
            ldu: 5,
            vt,
            ldvt: 3,
            rwork,
        };
        assert_eq!(dev.call(Dense { call, dtype: t }), 0);
        let (sv, uu, vv) = (reals(&dev, t, s, n), complexes(&dev, t, u, m * n), complexes(&dev, t, vt, n * n));
        assert!(sv.windows(2).all(|p| p[0] >= p[1]) && sv[n - 1] >= 0.0, "{sv:?}");
        for j in 0..n {
            for i in 0..m {
                let back: Z = (0..n).map(|k| uu[i + k * m] * sv[k] * vv[k + j * n]).sum();
                assert!(near(back, a0[i + j * m], t), "{t:?} U diag(S) Vᴴ at ({i}, {j})");
            }
        }
    }
}
