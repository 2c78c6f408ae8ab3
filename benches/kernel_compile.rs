//! Kernel build times (BENCHMARKS.md). A module is one op for one dtype (`add_f32`), so the
//! first use of an op compiles that module only. Measured: NVRTC compiling each float32 module
//! with an empty cache (cold, one at a time: what the first call of that op waits for), the
//! whole kernel set compiled on all cores (a `KernelModule::all()` prebuild), and the disk-cached
//! load of the whole set (warm).
//!
//! Needs NVRTC only (no GPU): the target is the first CUDA device's architecture when there is
//! one, else sm_80. Without NVRTC it prints `kernel_compile: skipped: ...` (and fails under
//! `DEVARRAY_REQUIRE_NVRTC=1`).
//!
//! Modes: `cargo bench --bench kernel_compile` measures all that; without `--bench` (as under
//! `cargo test --benches`) or with `DEVARRAY_BENCH_SHORT=1` it builds two modules, cold then warm,
//! and checks that the warm pass read the cache and produced the same images.
//!
//! "Warm" here is the disk cache's read and checksum; loading an image into a device
//! (`cuModuleLoadData`) is part of the GPU benchmarks' first-call figures.

mod common;

use devarray::kernels::{KernelModule, ModuleBuild};
use devarray::{devices_report, DType};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A fresh, empty cache directory, removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(label: &str) -> ScratchDir {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("devarray-bench-{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a scratch cache directory");
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn build_all(modules: &[KernelModule], arch: (u32, u32), dir: &Path) -> Vec<ModuleBuild> {
    modules.iter().map(|m| m.build(arch, Some(dir)).unwrap_or_else(|e| panic!("building {m}: {e}"))).collect()
}

fn target_arch() -> ((u32, u32), String) {
    let report = devices_report();
    match report.devices.iter().find_map(|d| d.compute_capability) {
        Some(cc) => (cc, "the first CUDA device".to_string()),
        None => ((8, 0), "no CUDA device: sm_80, the A100's".to_string()),
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

fn print_cold_table(cold: &[ModuleBuild]) {
    println!("| module | cold compile (ms) | image (KiB) |\n|---|---:|---:|");
    for b in cold {
        println!("| {} | {:.0} | {:.0} |", b.module, ms(b.elapsed), b.image_bytes as f64 / 1024.0);
    }
}

/// The whole set: compiled on all cores into `dir` (cold), then read back (warm).
struct WholeSet {
    modules: usize,
    cold_parallel: Duration,
    warm: Vec<ModuleBuild>,
    warm_total: Duration,
}

fn whole_set(arch: (u32, u32), dir: &Path) -> WholeSet {
    let modules = KernelModule::all();
    let started = Instant::now();
    modules.par_iter().for_each(|m| {
        m.build(arch, Some(dir)).unwrap_or_else(|e| panic!("building {m}: {e}"));
    });
    let cold_parallel = started.elapsed();
    let started = Instant::now();
    let warm = build_all(&modules, arch, dir);
    let warm_total = started.elapsed();
    assert!(warm.iter().all(|b| b.from_cache), "the warm pass compiled a module");
    WholeSet { modules: modules.len(), cold_parallel, warm, warm_total }
}

fn print_summary(cold: &[ModuleBuild], set: &WholeSet) {
    let cold_ms: Vec<f64> = cold.iter().map(|b| ms(b.elapsed)).collect();
    let max = cold.iter().max_by_key(|b| b.elapsed).expect("at least one module");
    let add = cold.iter().find(|b| b.module.name() == "add_f32");
    println!("\n| figure | value | target |\n|---|---:|---|");
    println!("| cold, median of the {} modules above | {:.0} ms | < 1 s per op |", cold.len(), median(cold_ms));
    println!("| cold, slowest ({}) | {:.0} ms | < 1 s per op |", max.module, ms(max.elapsed));
    if let Some(b) = add {
        println!("| cold, what `add` on float32 needs ({}) | {:.0} ms | < 1 s |", b.module, ms(b.elapsed));
    }
    println!(
        "| cold, whole set ({} modules) on {} threads | {:.1} s | |",
        set.modules,
        rayon::current_num_threads(),
        set.cold_parallel.as_secs_f64()
    );
    let (warm, warm_total) = (&set.warm, set.warm_total);
    let bytes: usize = warm.iter().map(|b| b.image_bytes).sum();
    println!(
        "| warm (disk cache), whole set | {:.1} ms for {:.1} MiB | < 50 ms |",
        ms(warm_total),
        bytes as f64 / 1048576.0
    );
}

fn main() {
    if let Err(why) = devarray::kernels::nvrtc_version() {
        if std::env::var_os("DEVARRAY_REQUIRE_NVRTC").is_some_and(|v| v == "1") {
            panic!("kernel_compile: DEVARRAY_REQUIRE_NVRTC=1 but {why}");
        }
        println!("kernel_compile: skipped: NVRTC not available ({why})");
        return;
    }
    let (arch, why_arch) = target_arch();
    let (major, minor) = devarray::kernels::nvrtc_version().expect("probed above");
    let modules: Vec<KernelModule> = if common::short_mode() {
        vec![KernelModule::named("copy_u8").unwrap(), KernelModule::named("add_f32").unwrap()]
    } else {
        KernelModule::all().into_iter().filter(|m| m.dtype() == DType::F32).collect()
    };
    println!("## Kernel compilation: NVRTC {major}.{minor}, sm_{}{} ({why_arch})\n", arch.0, arch.1);

    let cache = ScratchDir::new("cold");
    let cold = build_all(&modules, arch, &cache.0);
    assert!(cold.iter().all(|b| !b.from_cache), "an empty cache directory served a module");
    let started = Instant::now();
    let warm = build_all(&modules, arch, &cache.0);
    let warm_total = started.elapsed();
    for (c, w) in cold.iter().zip(&warm) {
        assert!(
            w.from_cache && w.image_bytes == c.image_bytes,
            "{}: the warm build did not read the cached image",
            c.module
        );
    }

    if common::short_mode() {
        print_cold_table(&cold);
        println!("\nwarm (disk cache): {:.1} ms for {} modules", ms(warm_total), warm.len());
        return;
    }
    let set = whole_set(arch, &ScratchDir::new("set").0);
    print_cold_table(&cold);
    print_summary(&cold, &set);
}
