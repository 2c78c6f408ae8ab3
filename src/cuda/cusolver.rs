//! cuSOLVER for the CUDA driver implementation ([`driver`](super::driver)): probing for the
//! library, one dense handle per device, and [`Dense`] calls as `cusolverDn{S,D,C,Z}potrf`,
//! `getrf`, `getrs`, `geqrf` and `gesvd`, `{S,D}syevd`/`{C,Z}heevd` and `{S,D}orgqr`/`{C,Z}ungqr`
//! (with their `_bufferSize` queries).
//!
//! As with cuBLAS ([`cublas`](super::cublas)), cudarc loads libcusolver on the first call and
//! panics when it is missing, so [`probe`] looks for it first (once per process) and a missing
//! library becomes a [`GpuErrorKind::LibraryMissing`] error that says what to install. This file
//! and `driver.rs` are the only ones that call cuSOLVER.

use super::api::{
    Dense, DenseCall, DenseScratch, Fill, GemmOp, GpuError, GpuErrorKind, GpuResult, SolverType, StreamId, SvdJob,
};
use cudarc::cusolver::sys as sol;
use std::ffi::{c_int, c_schar};
use std::sync::OnceLock;

/// The name errors about the library carry.
const LIBRARY: &str = "cuSOLVER";

/// What to do about a missing libcusolver, for the error message.
pub(crate) const INSTALL_HINT: &str = "install it with `pip install nvidia-cusolver-cu12` (it also needs \
     nvidia-cublas-cu12 and nvidia-cusparse-cu12; put their lib directories on LD_LIBRARY_PATH) or with \
     the CUDA toolkit's libcusolver; or move the array to the CPU (to_device(&Device::Cpu)) for the \
     decomposition";

/// Whether libcusolver can be loaded, checked once per process (the answer does not change).
pub(crate) fn probe() -> GpuResult<()> {
    static PRESENT: OnceLock<Result<String, String>> = OnceLock::new();
    let found = PRESENT.get_or_init(|| {
        super::cublas::loadable_or_hint("libcusolver", &cudarc::get_lib_name_candidates("cusolver"), INSTALL_HINT)
    });
    match found {
        Ok(_) => Ok(()),
        Err(reason) => Err(GpuError::new(LIBRARY, GpuErrorKind::LibraryMissing, reason.clone())),
    }
}

/// Converts a cuSOLVER status into a result, naming `call`.
fn check(call: &'static str, status: sol::cusolverStatus_t) -> GpuResult<()> {
    use sol::cusolverStatus_t as S;
    let kind = match status {
        S::CUSOLVER_STATUS_SUCCESS => return Ok(()),
        S::CUSOLVER_STATUS_ALLOC_FAILED => GpuErrorKind::OutOfMemory,
        S::CUSOLVER_STATUS_INVALID_VALUE | S::CUSOLVER_STATUS_NOT_INITIALIZED => GpuErrorKind::InvalidUsage,
        S::CUSOLVER_STATUS_NOT_SUPPORTED | S::CUSOLVER_STATUS_ARCH_MISMATCH => GpuErrorKind::Unsupported,
        _ => GpuErrorKind::Other,
    };
    Err(GpuError::new(call, kind, format!("{status:?}")))
}

/// cuSOLVER's fill mode for `f`.
fn fill(f: Fill) -> sol::cublasFillMode_t {
    match f {
        Fill::Lower => sol::cublasFillMode_t::CUBLAS_FILL_MODE_LOWER,
        Fill::Upper => sol::cublasFillMode_t::CUBLAS_FILL_MODE_UPPER,
    }
}

/// cuSOLVER's eigen mode for `vectors`.
fn jobz(vectors: bool) -> sol::cusolverEigMode_t {
    if vectors {
        sol::cusolverEigMode_t::CUSOLVER_EIG_MODE_VECTOR
    } else {
        sol::cusolverEigMode_t::CUSOLVER_EIG_MODE_NOVECTOR
    }
}

/// Calls the `S`, `D`, `C` or `Z` routine of the list for the element type `t`, with the same
/// arguments (each arm infers its own pointer types: `cuComplex` for `C`, `f32` for its real
/// arrays, and so on).
macro_rules! typed {
    ($t:expr, [$s:ident, $d:ident, $c:ident, $z:ident] ($($arg:expr),* $(,)?)) => {
        match $t {
            SolverType::F32 => sol::$s($($arg),*),
            SolverType::F64 => sol::$d($($arg),*),
            SolverType::C64 => sol::$c($($arg),*),
            SolverType::C128 => sol::$z($($arg),*),
        }
    };
}

/// A device address as the typed pointer a cuSOLVER routine takes.
fn ptr<T>(p: u64) -> *mut T {
    p as usize as *mut T
}

/// A dense cuSOLVER handle of one device (created with that device's context current).
pub(crate) struct Handle(sol::cusolverDnHandle_t);

// SAFETY: a cuSOLVER handle may be used from any thread as long as calls through it do not run
// concurrently; the driver keeps it behind a mutex, held across `cusolverDnSetStream` and the
// call.
unsafe impl Send for Handle {}

impl Handle {
    /// Creates a handle for the device whose context is current on the calling thread; the
    /// caller has called [`probe`] first.
    pub(crate) fn create() -> GpuResult<Handle> {
        let mut h: sol::cusolverDnHandle_t = std::ptr::null_mut();
        // SAFETY: `h` is a valid out-pointer; the library is present (probed); a context is
        // current (the caller's contract).
        check("cusolverDnCreate", unsafe { sol::cusolverDnCreate(&mut h) })?;
        Ok(Handle(h))
    }

    /// The workspace `d` needs, in elements (0 for `getrs`).
    pub(crate) fn workspace(&mut self, d: &Dense) -> GpuResult<i32> {
        let mut lwork: c_int = 0;
        let (h, l, t) = (self.0, &mut lwork as *mut c_int, d.dtype);
        // SAFETY: the handle is live; the size queries read no matrix element (the pointers are
        // only passed through) and write `lwork`, a valid out-pointer.
        let status = unsafe {
            match d.call {
                DenseCall::Potrf { uplo, n, a, lda } => typed!(
                    t,
                    [
                        cusolverDnSpotrf_bufferSize,
                        cusolverDnDpotrf_bufferSize,
                        cusolverDnCpotrf_bufferSize,
                        cusolverDnZpotrf_bufferSize
                    ](h, fill(uplo), n, ptr(a), lda, l)
                ),
                DenseCall::Getrf { m, n, a, lda, .. } => typed!(
                    t,
                    [
                        cusolverDnSgetrf_bufferSize,
                        cusolverDnDgetrf_bufferSize,
                        cusolverDnCgetrf_bufferSize,
                        cusolverDnZgetrf_bufferSize
                    ](h, m, n, ptr(a), lda, l)
                ),
                DenseCall::Getrs { .. } => return Ok(0),
                DenseCall::Syevd { vectors, uplo, n, a, lda, w } => typed!(
                    t,
                    [
                        cusolverDnSsyevd_bufferSize,
                        cusolverDnDsyevd_bufferSize,
                        cusolverDnCheevd_bufferSize,
                        cusolverDnZheevd_bufferSize
                    ](h, jobz(vectors), fill(uplo), n, ptr(a), lda, ptr(w), l)
                ),
                DenseCall::Geqrf { m, n, a, lda, .. } => typed!(
                    t,
                    [
                        cusolverDnSgeqrf_bufferSize,
                        cusolverDnDgeqrf_bufferSize,
                        cusolverDnCgeqrf_bufferSize,
                        cusolverDnZgeqrf_bufferSize
                    ](h, m, n, ptr(a), lda, l)
                ),
                DenseCall::Orgqr { m, n, k, a, lda, tau } => typed!(
                    t,
                    [
                        cusolverDnSorgqr_bufferSize,
                        cusolverDnDorgqr_bufferSize,
                        cusolverDnCungqr_bufferSize,
                        cusolverDnZungqr_bufferSize
                    ](h, m, n, k, ptr(a), lda, ptr(tau), l)
                ),
                DenseCall::Gesvd { m, n, .. } => typed!(
                    t,
                    [
                        cusolverDnSgesvd_bufferSize,
                        cusolverDnDgesvd_bufferSize,
                        cusolverDnCgesvd_bufferSize,
                        cusolverDnZgesvd_bufferSize
                    ](h, m, n, l)
                ),
            }
        };
        check(d.call.name(), status)?;
        Ok(lwork)
    }

    /// Queues `d` on `stream`.
    ///
    /// # Safety
    /// The handle's device context is current; `stream` is a live stream of it; the memory
    /// satisfies [`GpuApi::dense_solve`](super::api::GpuApi::dense_solve)'s contract.
    pub(crate) unsafe fn run(&mut self, d: &Dense, s: DenseScratch, stream: StreamId) -> GpuResult<()> {
        // SAFETY: the handle is live; `stream` is a live stream of its context (the contract).
        check("cusolverDnSetStream", unsafe {
            sol::cusolverDnSetStream(self.0, stream.0 as usize as sol::cudaStream_t)
        })?;
        let (h, info, lw, t, work) = (self.0, ptr::<c_int>(s.info), s.lwork, d.dtype, s.work);
        // SAFETY: the handle is live and bound to `stream`; every pointer addresses live device
        // memory for the elements the arguments describe, without overlaps (the contract).
        let status = unsafe {
            match d.call {
                DenseCall::Potrf { uplo, n, a, lda } => typed!(
                    t,
                    [cusolverDnSpotrf, cusolverDnDpotrf, cusolverDnCpotrf, cusolverDnZpotrf](
                        h,
                        fill(uplo),
                        n,
                        ptr(a),
                        lda,
                        ptr(work),
                        lw,
                        info
                    )
                ),
                DenseCall::Getrf { m, n, a, lda, ipiv } => typed!(
                    t,
                    [cusolverDnSgetrf, cusolverDnDgetrf, cusolverDnCgetrf, cusolverDnZgetrf](
                        h,
                        m,
                        n,
                        ptr(a),
                        lda,
                        ptr(work),
                        ptr(ipiv),
                        info
                    )
                ),
                DenseCall::Getrs { trans, n, nrhs, a, lda, ipiv, b, ldb } => typed!(
                    t,
                    [cusolverDnSgetrs, cusolverDnDgetrs, cusolverDnCgetrs, cusolverDnZgetrs](
                        h,
                        op(trans),
                        n,
                        nrhs,
                        ptr(a),
                        lda,
                        ptr(ipiv),
                        ptr(b),
                        ldb,
                        info
                    )
                ),
                DenseCall::Syevd { vectors, uplo, n, a, lda, w } => typed!(
                    t,
                    [cusolverDnSsyevd, cusolverDnDsyevd, cusolverDnCheevd, cusolverDnZheevd](
                        h,
                        jobz(vectors),
                        fill(uplo),
                        n,
                        ptr(a),
                        lda,
                        ptr(w),
                        ptr(work),
                        lw,
                        info
                    )
                ),
                DenseCall::Geqrf { m, n, a, lda, tau } => typed!(
                    t,
                    [cusolverDnSgeqrf, cusolverDnDgeqrf, cusolverDnCgeqrf, cusolverDnZgeqrf](
                        h,
                        m,
                        n,
                        ptr(a),
                        lda,
                        ptr(tau),
                        ptr(work),
                        lw,
                        info
                    )
                ),
                DenseCall::Orgqr { m, n, k, a, lda, tau } => typed!(
                    t,
                    [cusolverDnSorgqr, cusolverDnDorgqr, cusolverDnCungqr, cusolverDnZungqr](
                        h,
                        m,
                        n,
                        k,
                        ptr(a),
                        lda,
                        ptr(tau),
                        ptr(work),
                        lw,
                        info
                    )
                ),
                DenseCall::Gesvd { jobu, jobvt, m, n, a, lda, s: sv, u, ldu, vt, ldvt, rwork } => typed!(
                    t,
                    [cusolverDnSgesvd, cusolverDnDgesvd, cusolverDnCgesvd, cusolverDnZgesvd](
                        h,
                        job(jobu),
                        job(jobvt),
                        m,
                        n,
                        ptr(a),
                        lda,
                        ptr(sv),
                        ptr(u),
                        ldu,
                        ptr(vt),
                        ldvt,
                        ptr(work),
                        lw,
                        ptr(rwork),
                        info
                    )
                ),
            }
        };
        check(d.call.name(), status)
    }
}

/// `gesvd`'s `jobu`/`jobvt` character for `j`.
fn job(j: SvdJob) -> c_schar {
    let c = match j {
        SvdJob::All => b'A',
        SvdJob::Thin => b'S',
        SvdJob::None => b'N',
    };
    c as c_schar
}

/// cuSOLVER's (cuBLAS's) operation for `o`.
fn op(o: GemmOp) -> sol::cublasOperation_t {
    match o {
        GemmOp::N => sol::cublasOperation_t::CUBLAS_OP_N,
        GemmOp::T => sol::cublasOperation_t::CUBLAS_OP_T,
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle is live and destroyed once; errors at process exit (driver already
        // shut down) are ignored because nothing can be done about them.
        let _ = unsafe { sol::cusolverDnDestroy(self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn a_missing_library_is_a_typed_error_naming_what_to_install() {
        let names = vec!["libdevarray-no-such-solver.so.99".to_string()];
        let reason = super::super::cublas::loadable_or_hint("libcusolver", &names, INSTALL_HINT).unwrap_err();
        assert!(reason.contains("libdevarray-no-such-solver.so.99"), "{reason}");
        assert!(reason.contains("pip install nvidia-cusolver-cu12"), "{reason}");
        let e: Error = GpuError::new(LIBRARY, GpuErrorKind::LibraryMissing, reason).into();
        assert!(matches!(e, Error::LibraryUnavailable { library: "cuSOLVER", .. }), "{e:?}");
        assert!(e.to_string().starts_with("cuSOLVER is not available: "), "{e}");
    }

    #[test]
    fn probing_the_real_system_never_panics() {
        match probe() {
            Ok(()) => {}
            Err(e) => assert_eq!(e.kind, GpuErrorKind::LibraryMissing),
        }
    }

    #[test]
    fn statuses_become_typed_errors() {
        use sol::cusolverStatus_t as S;
        assert!(check("x", S::CUSOLVER_STATUS_SUCCESS).is_ok());
        let e = check("x", S::CUSOLVER_STATUS_INVALID_VALUE).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (GpuErrorKind::InvalidUsage, "CUSOLVER_STATUS_INVALID_VALUE"));
        assert_eq!(check("x", S::CUSOLVER_STATUS_ALLOC_FAILED).unwrap_err().kind, GpuErrorKind::OutOfMemory);
        assert_eq!(check("x", S::CUSOLVER_STATUS_EXECUTION_FAILED).unwrap_err().kind, GpuErrorKind::Other);
    }
}
