//! The CUDA emulator (cargo feature `emulator`): the CUDA backend on the CPU, with the very kernel
//! sources of `kernels/` compiled as host C++ (by `build.rs`, through `kernels/emu/shim.h`).
//!
//! It is a [`GpuPlatform`] with one device, chosen instead of the CUDA driver when the process
//! starts with `DEVARRAY_DEVICE=cuda-emu`; [`Device::Cuda(0)`](crate::Device::Cuda) is then the
//! emulated device. Everything above [`GpuApi`](crate::cuda::api::GpuApi) — launch
//! configuration, argument packing, path selection, the module cache, stream ordering — is the
//! code that drives a real GPU. Below it:
//! - memory: host allocations whose addresses are the device pointers, guarded and poisoned
//!   ([`memory`]); every launch's pointers are checked against the live allocations first
//!   ([`checks`]);
//! - streams: queues of deferred work, run when the host waits; events order them ([`queue`]);
//! - cuBLAS: `cublasGemmStridedBatchedEx` is a host stand-in with cuBLAS's documented
//!   semantics and argument checks ([`blas`]), so matmul's mapping onto cuBLAS is tested here;
//! - cuSOLVER: `cusolverDn{S,D,C,Z}potrf/getrf/getrs/geqrf/gesvd`, `{S,D}syevd/orgqr` and
//!   `{C,Z}heevd/ungqr` (and their workspace queries) likewise ([`solver`], `solver_complex`),
//!   so the decompositions' mapping onto cuSOLVER is tested here;
//! - cuFFT: `cufftPlanMany` (rank 1) and `cufftExec*` likewise ([`fft`]), so the transforms'
//!   mapping onto cuFFT (layouts, scratch copies, normalisation, the plan cache) is tested here;
//! - kernels: looked up by name in a registry generated with the host build, run block by block
//!   with a fiber per CUDA thread ([`ffi`], `kernels/emu/runtime.cpp`).

mod blas;
mod checks;
mod device;
mod ffi;
mod fft;
mod memory;
mod queue;
mod solver;
mod solver_complex;

use crate::cuda::api::{DeviceProps, GpuApi, GpuError, GpuErrorKind, GpuPlatform, GpuResult};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

/// The emulator as a platform: one device, ordinal 0.
pub(crate) struct EmuPlatform;

impl GpuPlatform for EmuPlatform {
    fn describe(&self) -> &'static str {
        "devarray CUDA emulator"
    }
    fn emulated(&self) -> bool {
        true
    }
    fn driver_version(&self) -> Option<i32> {
        None
    }
    fn device_count(&self) -> usize {
        1
    }
    fn device_props(&self, ordinal: usize) -> GpuResult<DeviceProps> {
        match ordinal {
            0 => Ok(device::props()),
            _ => Err(GpuError::new("cuDeviceGet", GpuErrorKind::NoDevice, "the emulator has one device")),
        }
    }
    fn open(&self, ordinal: usize) -> GpuResult<Arc<dyn GpuApi>> {
        self.device_props(ordinal)?;
        Ok(Arc::new(new_device()))
    }
}

/// A new emulated device, with the scheduling seed from `DEVARRAY_EMU_SEED` (default 0).
pub(crate) fn new_device() -> device::EmuDevice {
    static SUMMARY: Once = Once::new();
    SUMMARY.call_once(register_exit_summary);
    let seed = std::env::var("DEVARRAY_EMU_SEED").ok().and_then(|s| s.trim().parse::<u64>().ok()).unwrap_or(0);
    device::EmuDevice::new(seed)
}

static LAUNCHES: AtomicU64 = AtomicU64::new(0);
static BLOCKS: AtomicU64 = AtomicU64::new(0);
static THREADS: AtomicU64 = AtomicU64::new(0);
static SWITCHES: AtomicU64 = AtomicU64::new(0);
static PER_KERNEL: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());

/// Counts one completed launch.
fn record_launch(name: &str, stats: &ffi::RunStats) {
    LAUNCHES.fetch_add(1, Ordering::Relaxed);
    BLOCKS.fetch_add(stats.blocks, Ordering::Relaxed);
    THREADS.fetch_add(stats.threads, Ordering::Relaxed);
    SWITCHES.fetch_add(stats.switches, Ordering::Relaxed);
    *PER_KERNEL.lock().unwrap_or_else(|e| e.into_inner()).entry(name.to_string()).or_default() += 1;
}

extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
}

extern "C" fn print_exit_summary() {
    let s = public::stats();
    if s.launches > 0 {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "{s}");
    }
}

/// Prints what the emulator ran when the process exits (test binaries show it after their
/// results).
fn register_exit_summary() {
    // SAFETY: `print_exit_summary` is a plain function that only reads atomics and a mutex and
    // writes to stderr; registering it cannot fail in a way that matters (the summary is advisory).
    let _ = unsafe { atexit(print_exit_summary) };
}

/// What the CUDA emulator has run in this process (feature `emulator`).
///
/// The emulator runs the CUDA backend on the CPU: select it with `DEVARRAY_DEVICE=cuda-emu` when
/// the process starts (the crate must be built with `--features emulator`), and
/// `Device::Cuda(0)` is an emulated device whose kernels are the sources of `kernels/` compiled
/// as host C++. For tests: it is slow, and never part of a real GPU's path.
pub mod public {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::sync::atomic::Ordering;

    /// Whether `Device::Cuda(0)` is the emulator in this process.
    ///
    /// ```
    /// println!("emulated CUDA: {}", devarray::emulator::is_active());
    /// ```
    pub fn is_active() -> bool {
        crate::cuda::emulated()
    }

    /// Counts of emulated work since the process started.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct Stats {
        /// Kernel launches run.
        pub launches: u64,
        /// Thread blocks run.
        pub blocks: u64,
        /// CUDA threads run (each a fiber).
        pub threads: u64,
        /// Fiber switches (threads starting, or resuming after a barrier).
        pub switches: u64,
        /// Launches per kernel name (`add_f32_vec`, `sum_f64_full1`...).
        pub kernels: BTreeMap<String, u64>,
    }

    impl fmt::Display for Stats {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "devarray CUDA emulator: {} kernel launches of {} distinct kernels, {} blocks, {} threads, {} fiber switches",
                self.launches,
                self.kernels.len(),
                self.blocks,
                self.threads,
                self.switches
            )
        }
    }

    /// A snapshot of the counters.
    ///
    /// ```
    /// let s = devarray::emulator::stats();
    /// assert!(s.launches >= s.kernels.len() as u64);
    /// ```
    pub fn stats() -> Stats {
        Stats {
            launches: super::LAUNCHES.load(Ordering::Relaxed),
            blocks: super::BLOCKS.load(Ordering::Relaxed),
            threads: super::THREADS.load(Ordering::Relaxed),
            switches: super::SWITCHES.load(Ordering::Relaxed),
            kernels: super::PER_KERNEL.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }
}

#[cfg(test)]
mod tests;
