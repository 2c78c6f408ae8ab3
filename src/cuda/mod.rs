//! The CUDA backend: device memory, copies and kernel launches on NVIDIA GPUs.
//!
//! Layers, bottom up:
//! - [`api`]: the narrow [`GpuApi`](api::GpuApi) interface, the only way anything here reaches
//!   a GPU; [`driver`] implements it over the CUDA driver (cudarc, loaded at run time), `emu`
//!   (feature `emulator`) over the CPU with the kernels compiled as host C++, and a test fake
//!   records launches.
//! - [`nvrtc`] compiles `kernels/*.cu` at run time for the device's exact architecture;
//!   [`module`] caches images on disk and loaded modules per device.
//! - [`context`]: one [`CudaDevice`] per ordinal (primary context, one non-blocking stream,
//!   stream-ordered pool allocations); [`stream`]: the safe stream layer (streams, events, the
//!   event pool, the thread's current stream, per-buffer stream uses), which the public
//!   `Stream`/`Event` (`src/stream.rs`) and DLPack's stream ordering sit on;
//!   [`buffer`]: [`CudaBuffer`], freed after every stream that used it; [`memory`]: the pool's
//!   figures and trim behind `Device::memory_info`/`empty_cache`.
//! - [`launch`] (ABI structs, dimension collapsing, path selection, grid sizing),
//!   [`elementwise`] and [`reduce`]: the launchers ops are written with; [`ops`] implements the
//!   [`Backend`](crate::backend::Backend) primitives of the storage dispatch (`src/storage.rs`)
//!   on those kernels.
//!
//! Nothing here panics when the driver or NVRTC is missing: probing happens once, and every
//! entry point returns [`Error::CudaUnavailable`] (or [`Error::Kernel`] for NVRTC) instead.

pub(crate) mod api;
pub(crate) mod buffer;
pub(crate) mod context;
pub(crate) mod cublas;
pub(crate) mod cufft;
pub(crate) mod cusolver;
pub(crate) mod driver;
pub(crate) mod elementwise;
pub(crate) mod fft;
pub(crate) mod gather;
pub(crate) mod gemm;
pub(crate) mod launch;
pub(crate) mod linalg;
pub(crate) mod matmul;
pub(crate) mod memory;
pub(crate) mod module;
pub(crate) mod nvrtc;
pub(crate) mod ops;
pub(crate) mod random;
pub(crate) mod reduce;
pub(crate) mod scan;
pub(crate) mod sort;
pub(crate) mod stream;

#[cfg(feature = "emulator")]
pub(crate) mod emu;
#[cfg(test)]
pub(crate) mod fake;
#[cfg(test)]
pub(crate) mod test_device;

pub(crate) use context::{CudaBuffer, CudaDevice};
pub(crate) use ops::Cuda;

use crate::device::{Device, DeviceInfo};
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Layout;

/// The CUDA devices this process has opened (see [`context::opened`]).
pub(crate) fn opened_devices() -> Vec<std::sync::Arc<CudaDevice>> {
    context::opened()
}

/// Number of CUDA devices; 0 without a driver or device. Never panics.
pub(crate) fn device_count() -> usize {
    context::platform().map_or(0, |p| p.device_count())
}

/// Why CUDA cannot be used (`"libcuda.so not found ..."`), or `None` when at least one device
/// exists.
pub(crate) fn unavailable_reason() -> Option<String> {
    context::unusable(0)
}

/// Whether the CUDA devices are the CPU emulator (feature `emulator`, `DEVARRAY_DEVICE=cuda-emu`).
pub(crate) fn emulated() -> bool {
    context::platform().is_ok_and(|p| p.emulated())
}

/// The `DEVARRAY_DEVICE` value that selects the CUDA emulator.
pub(crate) const EMULATOR_DEVICE: &str = "cuda-emu";

/// Whether this process asked for the CUDA emulator (`DEVARRAY_DEVICE=cuda-emu` in a build with
/// the `emulator` feature); unlike [`emulated`], probes nothing.
pub(crate) fn emulator_requested() -> bool {
    cfg!(feature = "emulator")
        && std::env::var(crate::device::DEVICE_ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case(EMULATOR_DEVICE))
}

/// The driver's CUDA version (`12080` = 12.8), when a driver loads.
pub(crate) fn driver_version() -> Option<i32> {
    context::platform().ok().and_then(|p| p.driver_version())
}

/// NVRTC's version, when libnvrtc loads.
pub(crate) fn nvrtc_version() -> Option<(i32, i32)> {
    nvrtc::get().ok().map(|n| n.version)
}

/// Name, compute capability, memory and SM count of device `ordinal` (opens no context).
pub(crate) fn device_info(ordinal: usize) -> Result<DeviceInfo> {
    if let Some(reason) = context::unusable(ordinal) {
        return Err(Error::CudaUnavailable { reason });
    }
    let p = context::platform().map_err(|reason| Error::CudaUnavailable { reason: reason.to_string() })?;
    let props = p.device_props(ordinal)?;
    Ok(DeviceInfo {
        device: Device::Cuda(ordinal),
        name: props.name,
        compute_capability: Some(props.compute_capability),
        total_memory: Some(props.total_memory),
        multiprocessors: props.multiprocessors as usize,
    })
}

/// Writes `value` (converted to `dtype`) into every element of a view of `buf`.
pub(crate) fn fill(buf: &CudaBuffer, layout: &Layout, dtype: DType, value: Scalar) -> Result<()> {
    elementwise::fill(buf, layout, dtype, value)
}

/// Copies view `src` into view `dst` (same device and shape); overlapping views are staged.
pub(crate) fn copy(src: (&CudaBuffer, &Layout), dst: (&CudaBuffer, &Layout), itemsize: usize) -> Result<()> {
    elementwise::copy(src, dst, itemsize)
}

/// Checks that `len` bytes at `byte_offset` lie inside `buf`.
/// Records the use on the current stream (see [`CudaBuffer::record_use`]).
fn check_bytes(op: &'static str, buf: &CudaBuffer, byte_offset: usize, len: usize) -> Result<()> {
    match byte_offset.checked_add(len) {
        Some(end) if end <= buf.len_bytes() => {
            buf.record_use();
            Ok(())
        }
        _ => Err(Error::invalid(
            op,
            format!("{len} bytes at offset {byte_offset} do not fit a buffer of {} bytes", buf.len_bytes()),
        )),
    }
}

/// Copies host bytes into `dst` at `byte_offset`. Returns once `src` may be reused (the copy
/// has completed, which also covers page-locked `src`, where the driver copies asynchronously).
pub(crate) fn upload(dst: &CudaBuffer, byte_offset: usize, src: &[u8]) -> Result<()> {
    check_bytes("upload", dst, byte_offset, src.len())?;
    if src.is_empty() {
        return Ok(());
    }
    let dev = dst.device();
    let at = dst.device_ptr() + byte_offset as u64;
    // SAFETY: the range is inside `dst` (checked above); `src` is borrowed until this function
    // returns, which `wait_for_copy` delays until the copy has completed.
    unsafe { dev.api().copy_htod(at, src.as_ptr(), src.len(), dev.current_stream()) }?;
    wait_for_copy(dev)
}

/// Copies bytes of `src` from `byte_offset` into host `dst`. Returns once `dst` is filled.
pub(crate) fn download(src: &CudaBuffer, byte_offset: usize, dst: &mut [u8]) -> Result<()> {
    check_bytes("download", src, byte_offset, dst.len())?;
    if dst.is_empty() {
        return Ok(());
    }
    let dev = src.device();
    let at = src.device_ptr() + byte_offset as u64;
    // SAFETY: the range is inside `src` (checked above); `dst` is mutably borrowed, so nothing
    // else touches it, until this function returns, which `wait_for_copy` delays until the
    // copy has completed.
    unsafe { dev.api().copy_dtoh(dst.as_mut_ptr(), at, dst.len(), dev.current_stream()) }?;
    wait_for_copy(dev)
}

/// Blocks until the copy just queued on `dev`'s current stream has completed (an event behind
/// it, so work other threads queue later is not waited for). If the event fails, falls back to
/// synchronising the whole device: the host buffer must not be released while the copy may
/// still run.
fn wait_for_copy(dev: &CudaDevice) -> Result<()> {
    match dev.wait_current_stream() {
        Ok(()) => Ok(()),
        Err(e) => dev.synchronize().and(Err(e)),
    }
}
