//! Shared helpers of the CUDA-backend suites (`cuda_backend`, `cuda_kernels`), which run on a real
//! GPU and, with `--features emulator` and `DEVARRAY_DEVICE=cuda-emu`, on the CUDA emulator.
#![allow(dead_code)]

use devarray::{dispatch_dtype, Array, DType, Device, Element, Scalar};
use std::sync::OnceLock;

/// CUDA device 0 (real or emulated), or `None` after printing the skip line. With
/// `DEVARRAY_REQUIRE_CUDA=1` (GPU runners, the emulated CI run) a missing device fails instead.
/// (Test files using this module also declare `mod common;`.)
pub fn gpu() -> Option<Device> {
    crate::common::cuda_or_skip("cuda test")
}

/// Whether the CUDA device is the CPU emulator (`DEVARRAY_DEVICE=cuda-emu`).
pub fn emulated() -> bool {
    static EMULATED: OnceLock<bool> = OnceLock::new();
    *EMULATED.get_or_init(|| devarray::devices_report().cuda_emulated)
}

/// Launches of kernel `name` so far in this process, when the emulator counts them (`None` on a
/// real GPU or without the `emulator` feature).
pub fn launches(name: &str) -> Option<u64> {
    #[cfg(feature = "emulator")]
    if emulated() {
        return Some(devarray::emulator::stats().kernels.get(name).copied().unwrap_or(0));
    }
    let _ = name;
    None
}

/// The grid cap the launches use: `DEVARRAY_MAX_GRID`, else what the device allows (≥ 16 blocks
/// of 128 threads on any GPU; 16 on the emulator).
pub fn max_grid() -> usize {
    std::env::var("DEVARRAY_MAX_GRID").ok().and_then(|v| v.trim().parse().ok()).filter(|&g| g > 0).unwrap_or(16)
}

/// Re-runs `tests` of this test binary in a child process with `env` set (launch overrides are
/// read once per process). On a real GPU also checks that the kernel cache directory filled.
pub fn rerun_with(env: (&str, &str), tests: &[&str]) {
    let Some(_) = gpu() else { return };
    let cache = std::env::temp_dir().join(format!("devarray-cuda-test-{}-{}", env.0, std::process::id()));
    let exe = std::env::current_exe().expect("test binary path");
    for test in tests {
        let status = std::process::Command::new(&exe)
            .args([test, "--exact", "--test-threads=1"])
            .env(env.0, env.1)
            .env("DEVARRAY_CACHE_DIR", &cache)
            .env("DEVARRAY_REQUIRE_CUDA", "1")
            .status()
            .expect("child test runs");
        assert!(status.success(), "{test} with {}={} failed", env.0, env.1);
    }
    if !emulated() {
        let cached = std::fs::read_dir(&cache).map(|d| d.filter_map(|e| e.ok()).count()).unwrap_or(0);
        assert!(cached > 0, "kernel images were cached in DEVARRAY_CACHE_DIR");
    }
    let _ = std::fs::remove_dir_all(&cache);
}

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Float values every op must handle.
const FLOAT_SPECIALS: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -2.5,
    2.5,
    1.5,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    1e-30,
    -3e30,
    65504.0,
    6e-8,
    3.0,
];

/// One element of `dtype`: a small "nice" value, a special one, or random bits (any exponent,
/// NaN payloads, integer extremes). `nice_only` keeps to small finite values (for sums whose
/// tolerance scales with the terms).
fn element<T: Element>(dtype: DType, r: u64, nice_only: bool) -> T {
    let choice = if nice_only { 0 } else { r % 10 };
    let small = ((r >> 16) % 4001) as f64 / 16.0 - 125.0;
    let scalar = match dtype {
        DType::Bool => Scalar::Bool(r & 1 == 1),
        _ if choice <= 5 && dtype.is_float() => Scalar::Float(small),
        _ if choice <= 5 => Scalar::Int(small as i64),
        _ if choice == 6 && dtype.is_float() => Scalar::Float(FLOAT_SPECIALS[(r >> 8) as usize % FLOAT_SPECIALS.len()]),
        _ => {
            // Random bits of the element's width.
            let bytes = (r >> 3).to_le_bytes();
            let repr = bytemuck::pod_read_unaligned::<T::Repr>(&bytes[..std::mem::size_of::<T::Repr>()]);
            return T::from_repr(repr);
        }
    };
    scalar.to_element::<T>()
}

/// A host array of `n` elements of `dtype` made by [`element`].
pub fn random(dtype: DType, n: usize, seed: u64, nice_only: bool) -> Array {
    let mut rng = Rng::new(seed ^ (dtype.itemsize() as u64) << 40 ^ n as u64);
    dispatch_dtype!(dtype, T => {
        let v: Vec<T> = (0..n).map(|_| element::<T>(dtype, rng.next(), nice_only)).collect();
        Array::from_slice(&v, &[n], &Device::Cpu).expect("host array")
    })
}
