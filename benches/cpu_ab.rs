//! A quick A/B harness for the CPU backend: best-of-N wall times of a fixed set of ops, printed
//! one per line, for comparing two builds of devarray in one sitting. Criterion's `cpu_ops`
//! gives the full tables; this gives a 2-minute answer to "did this change slow anything?",
//! including the layouts `cpu_ops` does not cover (transposed operands, narrow non-collapsible
//! rows, broadcasting), where per-row overhead shows.
//!
//! ```text
//! git worktree add ../devarray-before <commit>
//! (cd ../devarray-before && cargo bench -p devarray-benches --bench cpu_ab) > before.txt
//! cargo bench -p devarray-benches --bench cpu_ab > after.txt
//! ```
//!
//! `DEVARRAY_CPU_AB=sort` runs only the sorts.
//!
//! Run both several times, alternating: the machine's state (other load, the allocator's and
//! the caches' history) moves single cases by 10-20%.

use devarray::{Array, AxisSlice, DType, Device, Result};
use std::time::Instant;

mod common;

/// The best wall time of `reps` calls of `f`, in microseconds.
fn best_us(reps: usize, mut f: impl FnMut() -> Result<Array>) -> Result<f64> {
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        f()?;
        best = best.min(t.elapsed().as_secs_f64());
    }
    Ok(best * 1e6)
}

/// Contiguous elementwise ops and whole-array sums, in float32 and float16.
fn contiguous(n: usize, reps: usize, rows: &mut Vec<(String, f64)>) -> Result<()> {
    let dev = Device::Cpu;
    for dt in [DType::F32, DType::F16] {
        let x = Array::arange(0.0, n as f64, 1.0, dt, &dev)?;
        let y = Array::ones(&[n], dt, &dev)?;
        rows.push((format!("add {dt} {n}"), best_us(reps, || x.add(&y))?));
        rows.push((format!("exp {dt} {n}"), best_us(reps, || x.exp())?));
        rows.push((format!("sum {dt} {n}"), best_us(reps, || x.sum(None, false))?));
        rows.push((format!("max {dt} {n}"), best_us(reps, || x.max(None, false))?));
    }
    Ok(())
}

/// Axis reductions, a transposed operand, narrow rows and a broadcast, in float32.
fn strided(n: usize, reps: usize, rows: &mut Vec<(String, f64)>) -> Result<()> {
    let dev = Device::Cpu;
    let m = (n / 1024).max(1);
    let x2 = Array::ones(&[m, 1024], DType::F32, &dev)?;
    rows.push((format!("sum axis0 float32 ({m},1024)"), best_us(reps, || x2.sum(Some(&[0]), false))?));
    rows.push((format!("max axis1 float32 ({m},1024)"), best_us(reps, || x2.max(Some(&[1]), false))?));
    rows.push((format!("sum axis1 float32 ({m},1024)"), best_us(reps, || x2.sum(Some(&[1]), false))?));
    let t = x2.transpose();
    rows.push((format!("add transposed float32 (1024,{m})"), best_us(reps, || t.add(&t))?));
    // Rows of 3 that cannot collapse: one row-kernel call per 3 elements.
    let w = Array::ones(&[n / 4, 4], DType::F32, &dev)?;
    let narrow = w.slice(&[AxisSlice::FULL, AxisSlice::range(None, 3, 1)])?;
    rows.push((format!("add narrow rows float32 ({},3)", n / 4), best_us(reps, || narrow.add(&narrow))?));
    let col = Array::ones(&[n / 4, 1], DType::F32, &dev)?;
    let row = Array::ones(&[1, 4], DType::F32, &dev)?;
    rows.push((format!("add broadcast float32 ({},1)+(1,4)", n / 4), best_us(reps, || col.add(&row))?));
    Ok(())
}

/// Value sorts of normal float32 and random int64 keys, one long row and many short ones (as
/// `python_sort.py`). `DEVARRAY_SIMD=avx2` selects the radix sort on an AVX-512 CPU, so the
/// two value sorts compare in one build.
fn sorts(n: usize, reps: usize, rows: &mut Vec<(String, f64)>) -> Result<()> {
    let dev = Device::Cpu;
    let mut rng = devarray::random::Generator::new(7);
    let f = rng.standard_normal(&[n], DType::F32, &dev)?;
    let i = rng.integers(i128::from(i64::MIN), i128::from(i64::MAX), &[n], DType::I64, false, &dev)?;
    rows.push((format!("sort float32 {n}"), best_us(reps, || f.sort(0, false, false))?));
    rows.push((format!("sort int64 {n}"), best_us(reps, || i.sort(0, false, false))?));
    let m = f.reshape(&[n / 4096.min(n), 4096.min(n)])?;
    rows.push((format!("sort float32 rows of 4096 ({n})"), best_us(reps, || m.sort(-1, false, false))?));
    Ok(())
}

fn main() -> Result<()> {
    let sizes: &[usize] = if common::short_mode() { &[1 << 10] } else { &[1 << 10, 1 << 16, 1 << 20, 1 << 24] };
    let mut rows = Vec::new();
    for &n in sizes {
        let reps = if common::short_mode() {
            1
        } else if n >= 1 << 24 {
            10
        } else {
            100
        };
        if std::env::var("DEVARRAY_CPU_AB").as_deref() != Ok("sort") {
            contiguous(n, reps, &mut rows)?;
            strided(n, reps, &mut rows)?;
        }
        sorts(n, reps.min(20), &mut rows)?;
    }
    for (name, us) in rows {
        println!("{name:44} {us:>12.2} us");
    }
    Ok(())
}
