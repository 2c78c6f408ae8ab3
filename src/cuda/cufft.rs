//! cuFFT for the CUDA driver implementation ([`driver`](super::driver)): probing for the
//! library, and plans as `cufftPlanMany` (rank 1, advanced layout) executed with
//! `cufftSetStream` + `cufftExec{C2C,Z2Z,R2C,D2Z,C2R,Z2D}`.
//!
//! As with cuBLAS ([`cublas`](super::cublas)), cudarc loads libcufft on the first call and
//! panics when it is missing, so [`probe`] looks for it first (once per process) and a missing
//! library becomes a [`GpuErrorKind::LibraryMissing`] error that says what to install. This file
//! and `driver.rs` are the only ones that call cuFFT. A plan is the `cufftHandle` itself (an
//! `int`), carried as the [`FftPlanId`].

use super::api::{DevPtr, FftDesc, FftPlanId, FftType, GpuError, GpuErrorKind, GpuResult, StreamId};
use cudarc::cufft::sys as fft;
use std::ffi::c_int;
use std::sync::OnceLock;

/// The name errors about the library carry.
const LIBRARY: &str = "cuFFT";

/// What to do about a missing libcufft, for the error message.
pub(crate) const INSTALL_HINT: &str = "install it with `pip install nvidia-cufft-cu12` (then put its \
     nvidia/cufft/lib directory on LD_LIBRARY_PATH) or with the CUDA toolkit's libcufft; or move the \
     array to the CPU (to_device(&Device::Cpu)) for the transform";

/// Whether libcufft can be loaded, checked once per process (the answer does not change).
pub(crate) fn probe() -> GpuResult<()> {
    static PRESENT: OnceLock<Result<String, String>> = OnceLock::new();
    let found = PRESENT.get_or_init(|| {
        super::cublas::loadable_or_hint("libcufft", &cudarc::get_lib_name_candidates("cufft"), INSTALL_HINT)
    });
    match found {
        Ok(_) => Ok(()),
        Err(reason) => Err(GpuError::new(LIBRARY, GpuErrorKind::LibraryMissing, reason.clone())),
    }
}

/// Converts a cuFFT status into a result, naming `call`.
fn check(call: &'static str, status: fft::cufftResult) -> GpuResult<()> {
    use fft::cufftResult as S;
    let kind = match status {
        S::CUFFT_SUCCESS => return Ok(()),
        S::CUFFT_ALLOC_FAILED => GpuErrorKind::OutOfMemory,
        S::CUFFT_INVALID_PLAN | S::CUFFT_INVALID_VALUE | S::CUFFT_INVALID_SIZE | S::CUFFT_INVALID_TYPE => {
            GpuErrorKind::InvalidUsage
        }
        S::CUFFT_NOT_SUPPORTED | S::CUFFT_NOT_IMPLEMENTED => GpuErrorKind::Unsupported,
        _ => GpuErrorKind::Other,
    };
    Err(GpuError::new(call, kind, format!("{status:?}")))
}

/// cuFFT's type for `t`.
fn ty(t: FftType) -> fft::cufftType {
    use fft::cufftType as T;
    match t {
        FftType::C2C => T::CUFFT_C2C,
        FftType::Z2Z => T::CUFFT_Z2Z,
        FftType::R2C => T::CUFFT_R2C,
        FftType::D2Z => T::CUFFT_D2Z,
        FftType::C2R => T::CUFFT_C2R,
        FftType::Z2D => T::CUFFT_Z2D,
    }
}

/// Makes a plan for `desc`; the caller has probed, and the device's context is current.
pub(crate) fn plan(desc: &FftDesc) -> GpuResult<FftPlanId> {
    let mut handle: fft::cufftHandle = 0;
    let mut n = [desc.n];
    // The embed arrays only need to be non-null for the strides and distances to be used;
    // with rank 1 their single entry is ignored.
    let mut inembed = [desc.in_len()];
    let mut onembed = [desc.out_len()];
    // SAFETY: every pointer is to a live local of the size cuFFT reads (rank 1: one `int`
    // each); the library is present (probed) and a context is current (the caller's contract).
    let status = unsafe {
        fft::cufftPlanMany(
            &mut handle,
            1,
            n.as_mut_ptr(),
            inembed.as_mut_ptr(),
            desc.istride,
            desc.idist,
            onembed.as_mut_ptr(),
            desc.ostride,
            desc.odist,
            ty(desc.ty),
            desc.batch,
        )
    };
    check("cufftPlanMany", status)?;
    Ok(FftPlanId(handle as u32 as u64))
}

/// The `cufftHandle` of `plan`.
fn handle(plan: FftPlanId) -> fft::cufftHandle {
    plan.0 as u32 as c_int
}

/// Binds `plan` to `stream` and queues its transform.
///
/// # Safety
/// The plan's device context is current; `plan` is live and was made for `desc`; `stream` is a
/// live stream of that context; the memory satisfies
/// [`GpuApi::fft_exec`](super::api::GpuApi::fft_exec)'s contract.
pub(crate) unsafe fn exec(
    plan: FftPlanId,
    desc: &FftDesc,
    io: (DevPtr, DevPtr),
    inverse: bool,
    stream: StreamId,
) -> GpuResult<()> {
    let h = handle(plan);
    // SAFETY: the plan is live; `stream` is a live stream of the current context (the contract).
    check("cufftSetStream", unsafe { fft::cufftSetStream(h, stream.0 as usize as fft::cudaStream_t) })?;
    let (i, o) = (io.0 as usize, io.1 as usize);
    let dir: c_int = if inverse { 1 } else { -1 };
    // SAFETY: the plan was made for `desc`, whose element types these pointer casts name; the
    // memory holds every element `desc` describes until the stream runs the call (the contract).
    let status = unsafe {
        match desc.ty {
            FftType::C2C => fft::cufftExecC2C(h, i as *mut _, o as *mut _, dir),
            FftType::Z2Z => fft::cufftExecZ2Z(h, i as *mut _, o as *mut _, dir),
            FftType::R2C => fft::cufftExecR2C(h, i as *mut _, o as *mut _),
            FftType::D2Z => fft::cufftExecD2Z(h, i as *mut _, o as *mut _),
            FftType::C2R => fft::cufftExecC2R(h, i as *mut _, o as *mut _),
            FftType::Z2D => fft::cufftExecZ2D(h, i as *mut _, o as *mut _),
        }
    };
    check("cufftExec", status)
}

/// Destroys `plan`.
///
/// # Safety
/// As [`GpuApi::fft_plan_destroy`](super::api::GpuApi::fft_plan_destroy); the plan's context is
/// current.
pub(crate) unsafe fn destroy(plan: FftPlanId) -> GpuResult<()> {
    // SAFETY: the caller's contract: a live plan, destroyed once, unused by queued work.
    check("cufftDestroy", unsafe { fft::cufftDestroy(handle(plan)) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn a_missing_library_is_a_typed_error_naming_what_to_install() {
        let names = vec!["libdevarray-no-such-fft.so.99".to_string()];
        let reason = super::super::cublas::loadable_or_hint("libcufft", &names, INSTALL_HINT).unwrap_err();
        assert!(reason.contains("libdevarray-no-such-fft.so.99"), "{reason}");
        assert!(reason.contains("pip install nvidia-cufft-cu12"), "{reason}");
        let e: Error = GpuError::new(LIBRARY, GpuErrorKind::LibraryMissing, reason).into();
        assert!(matches!(e, Error::LibraryUnavailable { library: "cuFFT", .. }), "{e:?}");
        assert!(e.to_string().starts_with("cuFFT is not available: "), "{e}");
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
        use fft::cufftResult as S;
        assert!(check("x", S::CUFFT_SUCCESS).is_ok());
        let e = check("x", S::CUFFT_INVALID_SIZE).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (GpuErrorKind::InvalidUsage, "CUFFT_INVALID_SIZE"));
        assert_eq!(check("x", S::CUFFT_ALLOC_FAILED).unwrap_err().kind, GpuErrorKind::OutOfMemory);
        assert_eq!(check("x", S::CUFFT_EXEC_FAILED).unwrap_err().kind, GpuErrorKind::Other);
    }
}
