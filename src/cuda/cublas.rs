//! cuBLAS for the CUDA driver implementation ([`driver`](super::driver)): probing for the
//! library, one handle per device, and [`Gemm`] as `cublasGemmStridedBatchedEx`.
//!
//! cudarc loads libcublas on the first cuBLAS call and panics when it is missing, so
//! [`probe`] looks for it first (once per process) and a missing library becomes a
//! [`GpuErrorKind::LibraryMissing`] error that says what to install. This file and `driver.rs`
//! are the only ones that call cuBLAS.

use super::api::{Gemm, GemmOp, GemmType, GpuError, GpuErrorKind, GpuResult, StreamId};
use cudarc::cublas::sys as blas;
use std::sync::OnceLock;

/// The name errors about the library carry.
const LIBRARY: &str = "cuBLAS";
/// The call that failed, in errors from the GEMM itself.
const GEMM: &str = "cublasGemmStridedBatchedEx";

/// What to do about a missing libcublas, for the error message.
pub(crate) const INSTALL_HINT: &str = "install it with `pip install nvidia-cublas-cu12` (then put its \
     nvidia/cublas/lib directory on LD_LIBRARY_PATH) or with the CUDA toolkit's libcublas; or set \
     DEVARRAY_MATMUL=kernel to use devarray's own matmul kernel instead";

/// The first of `candidates` the dynamic loader can open, or why none could be.
pub(crate) fn first_loadable(library: &str, candidates: &[String]) -> Result<String, String> {
    loadable_or_hint(library, candidates, INSTALL_HINT)
}

/// The first of `candidates` the dynamic loader can open, or why none could be, ending with
/// `hint` (what to install). Shared with [`cusolver`](super::cusolver).
pub(crate) fn loadable_or_hint(library: &str, candidates: &[String], hint: &str) -> Result<String, String> {
    for name in candidates {
        // SAFETY: opening a library runs its initialisers; the candidates are the names cudarc
        // itself would open for this library (or, in tests, names that do not exist), so this
        // runs nothing cudarc's own loader would not.
        if unsafe { libloading::Library::new(name) }.is_ok() {
            return Ok(name.clone());
        }
    }
    Err(format!("{library} could not be loaded (searched for {candidates:?}); {hint}"))
}

/// Whether libcublas can be loaded, checked once per process (the answer does not change).
pub(crate) fn probe() -> GpuResult<()> {
    static PRESENT: OnceLock<Result<String, String>> = OnceLock::new();
    let found = PRESENT.get_or_init(|| first_loadable("libcublas", &cudarc::get_lib_name_candidates("cublas")));
    match found {
        Ok(_) => Ok(()),
        Err(reason) => Err(GpuError::new(LIBRARY, GpuErrorKind::LibraryMissing, reason.clone())),
    }
}

/// Converts a cuBLAS status into a result, naming `call`.
fn check(call: &'static str, status: blas::cublasStatus_t) -> GpuResult<()> {
    use blas::cublasStatus_t as S;
    let kind = match status {
        S::CUBLAS_STATUS_SUCCESS => return Ok(()),
        S::CUBLAS_STATUS_ALLOC_FAILED => GpuErrorKind::OutOfMemory,
        S::CUBLAS_STATUS_INVALID_VALUE | S::CUBLAS_STATUS_NOT_INITIALIZED => GpuErrorKind::InvalidUsage,
        S::CUBLAS_STATUS_NOT_SUPPORTED | S::CUBLAS_STATUS_ARCH_MISMATCH => GpuErrorKind::Unsupported,
        _ => GpuErrorKind::Other,
    };
    Err(GpuError::new(call, kind, format!("{status:?}")))
}

/// A cuBLAS handle of one device (created with that device's context current).
pub(crate) struct Handle(blas::cublasHandle_t);

// SAFETY: a cuBLAS handle may be used from any thread as long as calls through it do not run
// concurrently; the driver keeps it behind a mutex, held across `cublasSetStream` and the call.
unsafe impl Send for Handle {}

impl Handle {
    /// Creates a handle for the device whose context is current on the calling thread; the
    /// caller has called [`probe`] first.
    pub(crate) fn create() -> GpuResult<Handle> {
        let mut h: blas::cublasHandle_t = std::ptr::null_mut();
        // SAFETY: `h` is a valid out-pointer; the library is present (probed); a context is
        // current (the caller's contract).
        check("cublasCreate", unsafe { blas::cublasCreate_v2(&mut h) })?;
        Ok(Handle(h))
    }

    /// Queues `g` on `stream`.
    ///
    /// # Safety
    /// The handle's device context is current; `stream` is a live stream of it; the matrices
    /// satisfy [`GpuApi::gemm_strided_batched`](super::api::GpuApi::gemm_strided_batched)'s
    /// contract.
    pub(crate) unsafe fn gemm(&mut self, g: &Gemm, stream: StreamId) -> GpuResult<()> {
        // SAFETY: the handle is live; `stream` is a live stream of its context (the contract).
        check("cublasSetStream", unsafe { blas::cublasSetStream_v2(self.0, stream.0 as usize as blas::cudaStream_t) })?;
        let (data, compute) = types(g.dtype);
        // The scalars are read on the host, in the compute type, during the call: a complex
        // scalar (cuComplex, cuDoubleComplex) for the complex types, with a zero imaginary part.
        let (alpha32, beta32) = ([g.alpha as f32, 0.0], [g.beta as f32, 0.0]);
        let (alpha64, beta64) = ([g.alpha, 0.0], [g.beta, 0.0]);
        let scalars: (*const std::ffi::c_void, *const std::ffi::c_void) = if g.dtype.is_double() {
            (alpha64.as_ptr().cast(), beta64.as_ptr().cast())
        } else {
            (alpha32.as_ptr().cast(), beta32.as_ptr().cast())
        };
        let op = |o: GemmOp| match o {
            GemmOp::N => blas::cublasOperation_t::CUBLAS_OP_N,
            GemmOp::T => blas::cublasOperation_t::CUBLAS_OP_T,
        };
        let ptr = |p: u64| p as usize as *const std::ffi::c_void;
        // SAFETY: the handle is live and bound to `stream`; the scalars outlive the call (host
        // pointer mode, read before it returns); the matrices lie in live device memory for
        // every element the arguments describe, and C overlaps neither input (the contract).
        let status = unsafe {
            blas::cublasGemmStridedBatchedEx(
                self.0,
                op(g.transa),
                op(g.transb),
                g.m,
                g.n,
                g.k,
                scalars.0,
                ptr(g.a.ptr),
                data,
                g.a.ld,
                g.a.stride,
                ptr(g.b.ptr),
                data,
                g.b.ld,
                g.b.stride,
                scalars.1,
                g.c.ptr as usize as *mut std::ffi::c_void,
                data,
                g.c.ld,
                g.c.stride,
                g.batch,
                compute,
                blas::cublasGemmAlgo_t::CUBLAS_GEMM_DEFAULT,
            )
        };
        check(GEMM, status)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle is live and destroyed once; errors at process exit (driver already
        // shut down) are ignored because nothing can be done about them.
        let _ = unsafe { blas::cublasDestroy_v2(self.0) };
    }
}

/// cuBLAS's data and compute types for `t`: 16-bit inputs accumulate in f32; complex types
/// compute in their part's precision (cuBLAS's table for `cublasGemmEx`).
fn types(t: GemmType) -> (blas::cudaDataType, blas::cublasComputeType_t) {
    use blas::cublasComputeType_t as C;
    use blas::cudaDataType_t as D;
    match t {
        GemmType::F32 => (D::CUDA_R_32F, C::CUBLAS_COMPUTE_32F),
        GemmType::F64 => (D::CUDA_R_64F, C::CUBLAS_COMPUTE_64F),
        GemmType::F16 => (D::CUDA_R_16F, C::CUBLAS_COMPUTE_32F),
        GemmType::BF16 => (D::CUDA_R_16BF, C::CUBLAS_COMPUTE_32F),
        GemmType::C64 => (D::CUDA_C_32F, C::CUBLAS_COMPUTE_32F),
        GemmType::C128 => (D::CUDA_C_64F, C::CUBLAS_COMPUTE_64F),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn a_missing_library_is_a_typed_error_naming_what_to_install() {
        let names = vec!["libdevarray-no-such-blas.so.99".to_string()];
        let reason = first_loadable("libcublas", &names).unwrap_err();
        assert!(reason.contains("libdevarray-no-such-blas.so.99"), "{reason}");
        assert!(reason.contains("pip install nvidia-cublas-cu12"), "{reason}");
        assert!(reason.contains("DEVARRAY_MATMUL=kernel"), "{reason}");
        let e: Error = GpuError::new(LIBRARY, GpuErrorKind::LibraryMissing, reason).into();
        assert!(matches!(e, Error::LibraryUnavailable { library: "cuBLAS", .. }), "{e:?}");
        assert!(e.to_string().starts_with("cuBLAS is not available: "), "{e}");
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
        use blas::cublasStatus_t as S;
        assert!(check("x", S::CUBLAS_STATUS_SUCCESS).is_ok());
        let e = check("x", S::CUBLAS_STATUS_INVALID_VALUE).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (GpuErrorKind::InvalidUsage, "CUBLAS_STATUS_INVALID_VALUE"));
        assert_eq!(check("x", S::CUBLAS_STATUS_ALLOC_FAILED).unwrap_err().kind, GpuErrorKind::OutOfMemory);
        assert_eq!(check("x", S::CUBLAS_STATUS_EXECUTION_FAILED).unwrap_err().kind, GpuErrorKind::Other);
    }
}
