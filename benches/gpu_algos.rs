//! GPU benchmarks of the algorithm families (issues #12 and #13): matrix products on cuBLAS and on
//! devarray's own integer GEMM kernel (TFLOP/s), the cuSOLVER factorizations (GFLOP/s), sorts
//! (keys/s), cumulative sums (GB/s beside a device-to-device copy of the same bytes) and FFTs
//! (GFLOP/s counted as `5 n log2 n` per complex transform of length `n`).
//!
//! - `cargo bench --bench gpu_algos -- --bench`: full mode. `ci/gpu.sh` saves its output as
//!   `benches/results/gpu_algos.md`.
//! - `cargo test --bench gpu_algos` (no `--bench` argument) or `DEVARRAY_BENCH_SHORT=1`: short
//!   mode, small shapes, one timed run, every result compared with the CPU backend.
//!
//! Without a CUDA device it prints one `gpu_algos: skipped: no CUDA device (...)` line and
//! succeeds, unless `DEVARRAY_REQUIRE_CUDA=1`. A failing row makes it exit non-zero.
//!
//! Device time is measured between two [`Event`]s on the current stream around the timed runs,
//! after two warm-up runs (which also build the kernels and the library handles).

mod common;

use devarray::fft::{self, Norm};
use devarray::{linalg, random::Generator, Array, DType, Device, Event, Result, Stream};
use std::process::ExitCode;
use std::time::Duration;

/// What a case computes from its operands.
type OpFn = Box<dyn Fn(&[Array]) -> Result<Array>>;

/// Makes the cases of one family on a device.
type CaseBuilder = fn(&mut Generator, &Device) -> Result<Vec<Case>>;

/// One benchmark: what it runs, on which operands, and how its work is counted.
struct Case {
    family: &'static str,
    op: String,
    dtype: DType,
    shape: String,
    operands: Vec<Array>,
    run: OpFn,
    /// Work of one run and its unit, for the rate column: (amount, unit).
    work: (f64, &'static str),
}

/// The rate of `work` done in `time`, in the unit's own scale (TFLOP/s, GFLOP/s, Gkeys/s, GB/s).
fn rate(work: (f64, &'static str), time: Duration) -> String {
    let per_s = work.0 / time.as_secs_f64().max(1e-12);
    let scale = match work.1 {
        "TFLOP/s" => 1e12,
        _ => 1e9,
    };
    format!("{:.2} {}", per_s / scale, work.1)
}

/// Whether a full run was asked for (`cargo bench -- --bench`).
fn full() -> bool {
    !common::short_mode()
}

/// A random matrix stack of `shape` in `dtype` (integers in [-8, 8) for integer dtypes).
fn random(rng: &mut Generator, shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
    if dtype.is_float() {
        rng.uniform(-1.0, 1.0, shape, dtype, device)
    } else {
        rng.integers(-8, 8, shape, dtype, false, device)
    }
}

/// A case whose dtype is its first operand's.
fn case(
    family: &'static str,
    op: &str,
    shape: String,
    operands: Vec<Array>,
    run: OpFn,
    work: (f64, &'static str),
) -> Case {
    Case { family, op: op.into(), dtype: operands[0].dtype(), shape, operands, run, work }
}

/// A case on one operand.
fn unary(family: &'static str, op: &str, shape: String, x: Array, run: OpFn, work: (f64, &'static str)) -> Case {
    case(family, op, shape, vec![x], run, work)
}

/// Matrix products: square, and a batched stack of small matrices.
fn matmul_cases(rng: &mut Generator, device: &Device) -> Result<Vec<Case>> {
    let (n, batch) = if full() { (4096, [64, 256, 256]) } else { (96, [3, 33, 17]) };
    let mut cases = Vec::new();
    for dtype in [DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32] {
        for shape in [vec![n, n], batch.to_vec()] {
            // b is (…, k, m): the product is (…, m, m).
            let mut b_shape = shape.clone();
            b_shape.swap(shape.len() - 2, shape.len() - 1);
            let (a, b) = (random(rng, &shape, dtype, device)?, random(rng, &b_shape, dtype, device)?);
            let [m, k] = [shape[shape.len() - 2], shape[shape.len() - 1]];
            let stack: usize = shape[..shape.len() - 2].iter().product();
            let flops = 2.0 * (stack * m * k * m) as f64;
            let run: OpFn = Box::new(|v| v[0].matmul(&v[1]));
            let label = format!("{shape:?} @ {b_shape:?}");
            cases.push(case("matmul", "a @ b", label, vec![a, b], run, (flops, "TFLOP/s")));
        }
    }
    Ok(cases)
}

/// A symmetric positive definite `n × n` matrix: `m mᵀ / n + I`.
fn spd(rng: &mut Generator, n: usize, dtype: DType, device: &Device) -> Result<Array> {
    let m = random(rng, &[n, n], dtype, device)?;
    let scale = Array::full(&[], 1.0 / n as f64, dtype, device)?;
    m.matmul(&m.transpose())?.multiply(&scale)?.add(&Array::eye(n, n, 0, dtype, device)?)
}

/// cuSOLVER: Cholesky (`n³/3` flops) and `solve` with one right-hand side (`2n³/3`).
fn solver_cases(rng: &mut Generator, device: &Device) -> Result<Vec<Case>> {
    let n = if full() { 4096 } else { 64 };
    let mut cases = Vec::new();
    for dtype in [DType::F32, DType::F64] {
        let a = spd(rng, n, dtype, device)?;
        let b = random(rng, &[n, 1], dtype, device)?;
        let cube = (n * n * n) as f64;
        let (square, work) = (format!("[{n}, {n}]"), (cube / 3.0, "GFLOP/s"));
        let run: OpFn = Box::new(|v| linalg::cholesky(&v[0], false));
        cases.push(case("linalg", "cholesky", square, vec![a.clone()], run, work));
        let (system, work) = (format!("[{n}, {n}] \\ [{n}, 1]"), (2.0 * cube / 3.0, "GFLOP/s"));
        cases.push(case("linalg", "solve", system, vec![a, b], Box::new(|v| linalg::solve(&v[0], &v[1])), work));
    }
    Ok(cases)
}

/// Sorts of random keys (one long row, and many rows of 1024 or 4096: the block sort in shared
/// memory), argsorts, and the cumulative sum.
fn sort_scan_cases(rng: &mut Generator, device: &Device) -> Result<Vec<Case>> {
    let sizes: &[usize] = if full() { &[1 << 24, 1 << 26] } else { &[4097] };
    let mut cases = Vec::new();
    for &n in sizes {
        let (keys, row) = ((n as f64, "Gkeys/s"), format!("[{n}]"));
        let ints = rng.integers(i64::MIN.into(), i64::MAX.into(), &[n], DType::I64, true, device)?;
        for x in [rng.random(&[n], DType::F32, device)?, ints] {
            cases.push(unary("sort", "sort", row.clone(), x, Box::new(|v| v[0].sort(-1, false, false)), keys));
        }
        let x = rng.random(&[n], DType::F32, device)?;
        let run: OpFn = Box::new(|v| v[0].argsort(-1, false, true));
        cases.push(unary("sort", "argsort (stable)", row.clone(), x, run, keys));
        let rows = rng.random(&[n / 1024, 1024], DType::F32, device)?;
        let shape = format!("[{}, 1024], axis -1", n / 1024);
        cases.push(unary("sort", "sort rows", shape, rows, Box::new(|v| v[0].sort(-1, false, false)), keys));
        let rows = rng.random(&[n / 4096, 4096], DType::F32, device)?;
        let shape = format!("[{}, 4096], axis -1", n / 4096);
        let run: OpFn = Box::new(|v| v[0].argsort(-1, false, true));
        cases.push(unary("sort", "argsort rows (stable)", shape, rows, run, keys));
        let (x, bytes) = (rng.random(&[n], DType::F32, device)?, (8.0 * n as f64, "GB/s"));
        let run: OpFn = Box::new(|v| v[0].cumulative_sum(None, None, false));
        cases.push(unary("scan", "cumulative_sum", row.clone(), x.clone(), run, bytes));
        let shape = format!("[{n}] (the copy ceiling)");
        cases.push(unary("scan", "copy", shape, x, Box::new(|v| v[0].copy()), bytes));
    }
    Ok(cases)
}

/// cuFFT: one long complex64 transform, a batch of rows, and a real transform.
fn fft_cases(rng: &mut Generator, device: &Device) -> Result<Vec<Case>> {
    let (n, rows) = if full() { (1 << 24, [1 << 12, 1 << 12]) } else { (1 << 10, [8, 96]) };
    let flops = |len: usize, count: usize| (5.0 * (len * count) as f64 * (len as f64).log2(), "GFLOP/s");
    let x = rng.random(&[n], DType::F32, device)?;
    let z = x.astype(DType::C64)?;
    let zb = rng.random(&rows, DType::F32, device)?.astype(DType::C64)?;
    let fft: fn(&[Array]) -> Result<Array> = |v| fft::fft(&v[0], None, -1, Norm::Backward);
    let rfft: OpFn = Box::new(|v| fft::rfft(&v[0], None, -1, Norm::Backward));
    let (long, batch) = (format!("[{n}]"), format!("{rows:?}, axis -1"));
    let half = (flops(n, 1).0 / 2.0, "GFLOP/s");
    Ok(vec![
        unary("fft", "fft", long.clone(), z, Box::new(fft), flops(n, 1)),
        unary("fft", "fft rows", batch, zb, Box::new(fft), flops(rows[1], rows[0])),
        unary("fft", "rfft", long, x, rfft, half),
    ])
}

/// Device time of one run: two warm-ups (timed together to choose the count), then the runs.
fn time(device: &Device, stream: &Stream, case: &Case) -> Result<(Duration, u32)> {
    let (start, end) = (Event::new(device)?, Event::new(device)?);
    start.record(stream)?;
    for _ in 0..2 {
        (case.run)(&case.operands)?;
    }
    end.record(stream)?;
    let one = end.elapsed_since(&start)? / 2;
    let reps = if full() { (0.2 / one.as_secs_f64().max(1e-7)).clamp(3.0, 100.0) as u32 } else { 1 };
    start.record(stream)?;
    for _ in 0..reps {
        (case.run)(&case.operands)?;
    }
    end.record(stream)?;
    let per_run = end.elapsed_since(&start)? / reps;
    stream.synchronize()?;
    Ok((per_run, reps))
}

/// Compares the GPU result of `case` with the CPU backend's (exact for integers and sorts).
fn check(case: &Case, got: &Array) -> std::result::Result<(), String> {
    let cpu = |a: &Array| a.to_device(&Device::Cpu);
    let operands = case.operands.iter().map(cpu).collect::<Result<Vec<_>>>().map_err(|e| e.to_string())?;
    let want = (case.run)(&operands).map_err(|e| format!("on the CPU: {e}"))?;
    if got.shape() != want.shape() || got.dtype() != want.dtype() {
        return Err(format!("GPU {:?} {}, CPU {:?} {}", got.shape(), got.dtype(), want.shape(), want.dtype()));
    }
    let flat = |a: &Array| -> Result<Vec<f64>> {
        let a = cpu(a)?;
        if a.dtype().is_complex() {
            // Both parts, real then imaginary.
            let mut parts = a.real().astype(DType::F64)?.to_vec::<f64>()?;
            parts.extend(a.imag()?.astype(DType::F64)?.to_vec::<f64>()?);
            return Ok(parts);
        }
        a.astype(DType::F64)?.to_vec::<f64>()
    };
    let (g, w) = (flat(got).map_err(|e| e.to_string())?, flat(&want).map_err(|e| e.to_string())?);
    let scale = w.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1.0);
    let tol = match (case.family, case.dtype) {
        ("sort", _) | (_, DType::I32 | DType::I64) => 0.0,
        (_, DType::F16 | DType::BF16) => 3e-2 * scale,
        (_, DType::F32 | DType::C64) => 1e-3 * scale,
        _ => 1e-9 * scale,
    };
    match g.iter().zip(&w).position(|(a, b)| (a - b).abs() > tol) {
        Some(i) => Err(format!("element {i}: GPU {} vs CPU {}", g[i], w[i])),
        None => Ok(()),
    }
}

/// Runs one case: the first run (checked in short mode), then the timing. Returns the row.
fn measure(device: &Device, stream: &Stream, case: &Case) -> std::result::Result<String, String> {
    let first = (case.run)(&case.operands).map_err(|e| e.to_string())?;
    let checked = if full() { "–" } else { check(case, &first).map(|_| "ok")? };
    drop(first);
    let (t, reps) = time(device, stream, case).map_err(|e| e.to_string())?;
    let us = t.as_secs_f64() * 1e6;
    Ok(format!("{:.1} | {} | {reps} | {checked}", us, rate(case.work, t)))
}

fn main() -> ExitCode {
    let device = match Device::from_env() {
        Ok(d @ Device::Cuda(_)) => d,
        other => {
            let why = other.err().map_or("the default device is the CPU".to_string(), |e| e.to_string());
            if std::env::var("DEVARRAY_REQUIRE_CUDA").is_ok_and(|v| v.trim() == "1") {
                eprintln!("gpu_algos: DEVARRAY_REQUIRE_CUDA=1 but there is no CUDA device: {why}");
                return ExitCode::FAILURE;
            }
            println!("gpu_algos: skipped: no CUDA device ({why})");
            return ExitCode::SUCCESS;
        }
    };
    let stream = match Stream::current(&device) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gpu_algos: no stream on {device}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = devarray::devices_report();
    let name = report.devices.iter().find(|d| d.device == device).map_or("unknown", |d| d.name.as_str());
    println!("# devarray GPU benchmarks: algorithm families (gpu_algos)\n");
    println!("- device: {device}, {name}");
    println!("- command: `{}`", std::env::args().collect::<Vec<_>>().join(" "));
    println!("- mode: {}\n", if full() { "full" } else { "short (small shapes, checked against the CPU backend)" });
    println!("| family | op | dtype | shape | time (µs) | rate | reps | check |\n|---|---|---|---|---|---|---|---|");
    let mut rng = Generator::new(20261204);
    let builders: [CaseBuilder; 4] = [matmul_cases, solver_cases, sort_scan_cases, fft_cases];
    let mut failures = 0;
    for build in builders {
        let cases = match build(&mut rng, &device) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("gpu_algos: making the inputs FAILED: {e}");
                failures += 1;
                continue;
            }
        };
        for case in &cases {
            let cells = match measure(&device, &stream, case) {
                Ok(cells) => cells,
                Err(e) => {
                    failures += 1;
                    eprintln!("gpu_algos: {} {} {}: FAILED: {e}", case.op, case.dtype, case.shape);
                    format!("– | – | – | FAILED: {e}")
                }
            };
            println!("| {} | {} | {} | {} | {cells} |", case.family, case.op, case.dtype, case.shape);
        }
    }
    if failures > 0 {
        eprintln!("gpu_algos: {failures} failures");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
