//! Memory introspection and trimming (`Device::memory_info`, `Device::empty_cache`,
//! `devarray::empty_cache`, `Device::reset_peak_memory`): the CPU buffer cache always, and the
//! CUDA device's memory pool on a real GPU or the CUDA emulator (whose pool stand-in follows the
//! driver's documented semantics, so its figures are checked exactly; a real pool reserves in
//! chunks, so there only the inequalities the driver guarantees are).
//!
//! The figures are process-wide (one cache, one pool per device): the tests take a lock so that
//! none allocates while another reads them.

mod common;
mod cuda_support;

use cuda_support::{emulated, gpu};
use devarray::{Array, DType, Device, MemoryInfo, Result};
use std::sync::{Mutex, MutexGuard};

static FIGURES: Mutex<()> = Mutex::new(());

fn exclusive() -> MutexGuard<'static, ()> {
    FIGURES.lock().unwrap_or_else(|e| e.into_inner())
}

/// 4 MiB of float32: larger than any block the CPU cache refuses, far below its limit.
const N: usize = 1 << 20;
const BYTES: usize = 4 * N;

fn figures(info: &MemoryInfo) -> (usize, usize) {
    let used = info.used_bytes.expect("a CUDA device with pools reports used bytes");
    let reserved = info.reserved_bytes.expect("and reserved bytes");
    assert!(reserved >= used, "{info}: reserved below used");
    assert_eq!(info.cached_bytes, reserved - used, "{info}: cached is reserved minus used");
    assert!(info.peak_used_bytes.unwrap() >= used && info.peak_reserved_bytes.unwrap() >= reserved, "{info}");
    (used, reserved)
}

#[test]
fn the_cpu_cache_is_reported_and_emptied() -> Result<()> {
    let _lock = exclusive();
    Device::Cpu.empty_cache()?;
    let info = Device::Cpu.memory_info()?;
    assert_eq!(info.cached_bytes, 0);
    assert_eq!(info.cache_limit_bytes, devarray::cpu_cache_limit());
    assert_eq!((info.used_bytes, info.reserved_bytes, info.total_bytes), (None, None, None));
    let a = Array::zeros(&[N], DType::F32, &Device::Cpu)?;
    drop(a);
    let cached = Device::Cpu.memory_info()?.cached_bytes;
    if devarray::cpu_cache_limit() >= BYTES {
        assert!(cached >= BYTES, "a freed 4 MiB buffer is cached ({cached} bytes)");
    }
    devarray::empty_cache()?; // the CPU cache, and any CUDA device opened
    assert_eq!(Device::Cpu.memory_info()?.cached_bytes, 0);
    Device::Cpu.reset_peak_memory()?;
    Ok(())
}

/// Allocate: used grows by at least the allocation. Free: used shrinks back, the memory stays
/// reserved (cached). Trim: reserved shrinks to what is used.
#[test]
fn the_pool_reports_allocations_frees_and_trims() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let _lock = exclusive();
    dev.empty_cache()?;
    let (used0, _) = figures(&dev.memory_info()?);

    let a = Array::zeros(&[N], DType::F32, &dev)?;
    let held = dev.memory_info()?;
    let (used1, reserved1) = figures(&held);
    assert!(used1 >= used0 + BYTES, "used {used0} -> {used1} after allocating {BYTES} bytes");
    assert!(held.peak_used_bytes.unwrap() >= used1);
    let (free, total) = (held.free_bytes.expect("free memory"), held.total_bytes.expect("total memory"));
    assert!(free <= total && reserved1 <= total, "{held}");
    assert_eq!(held.cache_limit_bytes, total, "devarray keeps every freed byte cached (up to the device)");

    drop(a);
    dev.synchronize()?; // the free is stream-ordered: it has run once the device is idle
    let freed = dev.memory_info()?;
    let (used2, reserved2) = figures(&freed);
    assert!(used2 + BYTES <= used1, "used {used1} -> {used2} after freeing {BYTES} bytes");
    assert_eq!(reserved2, reserved1, "freed memory stays reserved");
    assert!(freed.cached_bytes >= BYTES, "{freed}");

    // The next allocation of that size reuses the cached memory.
    let b = Array::zeros(&[N], DType::F32, &dev)?;
    assert_eq!(figures(&dev.memory_info()?).1, reserved1, "the pool did not grow");
    drop(b);

    dev.empty_cache()?;
    let trimmed = dev.memory_info()?;
    let (used3, reserved3) = figures(&trimmed);
    assert!(used3 <= used2, "{trimmed}");
    if emulated() {
        assert_eq!(reserved3, used3, "trimmed to what is used: {trimmed}");
        assert_eq!(trimmed.cached_bytes, 0);
        assert_eq!(trimmed.free_bytes, Some(total - reserved3));
    } else {
        // A real pool releases whole chunks; the one the freed arrays used is unused now.
        assert!(reserved3 < reserved2, "reserved {reserved2} -> {reserved3} after the trim");
    }
    Ok(())
}

/// The peaks remember the largest figures until reset, then restart at the current ones.
#[test]
fn peaks_hold_until_reset() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let _lock = exclusive();
    let a = Array::zeros(&[2 * N], DType::F32, &dev)?;
    let high = figures(&dev.memory_info()?).0;
    drop(a);
    dev.synchronize()?;
    let after = dev.memory_info()?;
    assert!(after.peak_used_bytes.unwrap() >= high, "{after}");
    assert!(after.used_bytes.unwrap() + 2 * BYTES <= high, "{after}");
    dev.reset_peak_memory()?;
    let reset = dev.memory_info()?;
    let (used, reserved) = figures(&reset);
    assert!(reset.peak_used_bytes.unwrap() < high, "{reset}");
    if emulated() {
        assert_eq!((reset.peak_used_bytes, reset.peak_reserved_bytes), (Some(used), Some(reserved)));
    }
    Ok(())
}

/// `devarray::empty_cache()` trims every opened CUDA device too, and `Display` names the figures.
#[test]
fn the_global_trim_covers_opened_devices() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let _lock = exclusive();
    let a = Array::zeros(&[N], DType::F32, &dev)?;
    drop(a);
    dev.synchronize()?;
    assert!(dev.memory_info()?.cached_bytes >= BYTES);
    devarray::empty_cache()?;
    let info = dev.memory_info()?;
    if emulated() {
        assert_eq!(info.cached_bytes, 0, "{info}");
    }
    let text = info.to_string();
    assert!(text.starts_with(&format!("{dev}: ")) && text.contains(" used, ") && text.contains(" free"), "{text}");
    Ok(())
}

#[test]
fn an_unusable_cuda_device_is_an_error() {
    let bogus = Device::Cuda(4096);
    assert!(bogus.memory_info().is_err());
    assert!(bogus.empty_cache().is_err());
    assert!(bogus.reset_peak_memory().is_err());
}
