//! GPU benchmarks (issue #7): device time, host (enqueue) time and bandwidth of elementwise ops,
//! casts and reductions on the CUDA device, each compared with a device-to-device copy of the
//! same byte count measured in the same run, plus host↔device transfer bandwidth.
//!
//! - `cargo bench --bench gpu_ops -- --bench`: full mode (2^20..2^28 elements; sizes that do not
//!   fit the device are skipped). `ci/gpu.sh` saves its output as `benches/results/gpu_ops.md`.
//! - `cargo test --bench gpu_ops` (no `--bench` argument) or `DEVARRAY_BENCH_SHORT=1`: short
//!   mode, tiny sizes, two timed runs, and every result is checked against the CPU backend.
//!   `ci/emulator.sh` runs it on the CUDA emulator (`DEVARRAY_DEVICE=cuda-emu`).
//!
//! Without a CUDA device it prints one `gpu_ops: skipped: no CUDA device (...)` line and
//! succeeds, unless `DEVARRAY_REQUIRE_CUDA=1`. Any failing op makes it exit non-zero.
//!
//! Device time is measured between two [`Event`]s recorded on the current stream around `reps`
//! launches; host time is the wall time to enqueue those launches (no synchronisation), per op.
//! GB/s counts the bytes each op must read and write: every distinct input element once (a
//! broadcast operand counts its own elements; a step-2 view its selected elements) plus the
//! output.

mod common;

use devarray::{Array, AxisSlice, DType, Device, Error, Event, Result, Stream};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Element counts of full mode.
const FULL_SIZES: [usize; 5] = [1 << 20, 1 << 22, 1 << 24, 1 << 26, 1 << 28];
/// Element counts of short mode: a power of two and an odd size with tails everywhere.
const SHORT_SIZES: [usize; 2] = [1 << 10, (1 << 12) + 3];
/// Transfer sizes in bytes, full mode (2^20..2^28 in steps of 4×).
const FULL_TRANSFER_BYTES: [usize; 5] = [1 << 20, 1 << 22, 1 << 24, 1 << 26, 1 << 28];
/// Transfer sizes in bytes, short mode.
const SHORT_TRANSFER_BYTES: [usize; 2] = [1 << 10, 1 << 14];
/// The dtypes every op runs in.
const DTYPES: [DType; 5] = [DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32];
/// Full mode aims at about this much device time per measurement when choosing `reps`.
const TARGET_TIME: Duration = Duration::from_millis(50);
/// Largest share of device memory a size's arrays may need before the size is skipped.
const MEMORY_SHARE: f64 = 0.8;

/// How much to run: the full measurement or the quick, checked pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Full,
    Short,
}

impl Mode {
    /// Full under `cargo bench`, short under `cargo test` or `DEVARRAY_BENCH_SHORT=1`.
    fn from_env_and_args() -> Mode {
        if common::short_mode() {
            Mode::Short
        } else {
            Mode::Full
        }
    }
    fn name(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Short => "short (tiny sizes, results checked against the CPU backend)",
        }
    }
    fn sizes(self) -> &'static [usize] {
        match self {
            Mode::Full => &FULL_SIZES,
            Mode::Short => &SHORT_SIZES,
        }
    }
    fn transfer_bytes(self) -> &'static [usize] {
        match self {
            Mode::Full => &FULL_TRANSFER_BYTES,
            Mode::Short => &SHORT_TRANSFER_BYTES,
        }
    }
    /// Timed launches, given the device time of one launch measured during warm-up.
    fn reps(self, one_launch: Duration) -> u32 {
        match self {
            Mode::Short => 2,
            Mode::Full => {
                let fit = TARGET_TIME.as_secs_f64() / one_launch.as_secs_f64().max(1e-7);
                fit.clamp(5.0, 200.0) as u32
            }
        }
    }
    fn checks_results(self) -> bool {
        self == Mode::Short
    }
}

/// Device time and host enqueue time of one launch, averaged over `reps`.
#[derive(Clone, Copy, Debug)]
struct Timing {
    device: Duration,
    host: Duration,
    reps: u32,
}

/// The device whose ops are measured, the stream they run on, and the copy ceilings measured
/// so far (keyed by bytes moved).
struct Bench {
    device: Device,
    stream: Stream,
    mode: Mode,
    copy_ceilings: HashMap<usize, Timing>,
}

/// Seconds as microseconds with two decimals.
fn micros(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e6)
}

/// Gigabytes (10^9 bytes) per second.
fn gb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / time.as_secs_f64().max(1e-12) / 1e9
}

impl Bench {
    /// Warms up (3 launches, timed together to size the measurement), then times `reps`
    /// launches of `op` between two events on the current stream.
    fn time(&self, op: &dyn Fn() -> Result<Array>) -> Result<Timing> {
        const WARMUP: u32 = 3;
        let (start, end) = (Event::new(&self.device)?, Event::new(&self.device)?);
        start.record(&self.stream)?;
        for _ in 0..WARMUP {
            op()?;
        }
        end.record(&self.stream)?;
        let reps = self.mode.reps(end.elapsed_since(&start)? / WARMUP);
        start.record(&self.stream)?;
        let enqueue_started = Instant::now();
        for _ in 0..reps {
            op()?;
        }
        let host = enqueue_started.elapsed() / reps;
        end.record(&self.stream)?;
        let device = end.elapsed_since(&start)? / reps;
        self.stream.synchronize()?;
        Ok(Timing { device, host, reps })
    }

    /// The device-to-device copy that moves `bytes` bytes (reads `bytes / 2`, writes as many):
    /// devarray's plain contiguous copy, measured once per byte count.
    fn copy_ceiling(&mut self, bytes: usize) -> Result<Timing> {
        if let Some(t) = self.copy_ceilings.get(&bytes) {
            return Ok(*t);
        }
        let elements = (bytes / 2).div_ceil(4).max(1);
        let src = Array::ones(&[elements], DType::F32, &self.device)?;
        let timing = self.time(&|| src.copy())?;
        self.copy_ceilings.insert(bytes, timing);
        Ok(timing)
    }
}

/// The arrays one dtype and size are measured on.
struct Inputs {
    dtype: DType,
    x: Array,
    y: Array,
    /// `x > y`, for `where`.
    cond: Array,
    /// `x` and `y` (their first `rows × cols` elements) as matrices.
    x2: Array,
    y2: Array,
    /// `2n` elements: the step-2 views of add read its even and odd elements.
    interleaved: Array,
    /// One row of `x2`'s width, broadcast over its rows.
    row: Array,
}

/// A matrix shape with about `n` elements: exactly `n` for powers of two, else odd sides (so
/// both axes have tails).
fn matrix_shape(n: usize) -> [usize; 2] {
    if n.is_power_of_two() {
        let rows = 1usize << (n.trailing_zeros() / 2);
        return [rows, n / rows];
    }
    let rows = ((n as f64).sqrt() as usize) | 1;
    [rows, n / rows]
}

impl Inputs {
    fn new(dtype: DType, n: usize, device: &Device) -> Result<Inputs> {
        let (lo, hi) = if dtype == DType::I32 { (1.0, 100.0) } else { (0.5, 1.5) };
        let x = Array::linspace(lo, hi, n, true, dtype, device)?;
        let y = Array::linspace(hi, lo, n, true, dtype, device)?;
        let [rows, cols] = matrix_shape(n);
        let prefix = [AxisSlice::range(0, (rows * cols) as isize, 1)];
        let x2 = x.slice(&prefix)?.reshape(&[rows, cols])?;
        let y2 = y.slice(&prefix)?.reshape(&[rows, cols])?;
        let interleaved = Array::linspace(lo, hi, 2 * n, true, dtype, device)?;
        let row = Array::linspace(lo, hi, cols, true, dtype, device)?;
        let cond = x.greater(&y)?;
        Ok(Inputs { dtype, x, y, cond, x2, y2, interleaved, row })
    }

    /// Bytes of device memory the measurements of `dtype` at `n` elements need, at most
    /// (inputs, step-2 source, outputs, and the copy-ceiling arrays).
    fn memory_needed(dtype: DType, n: usize) -> usize {
        n.saturating_mul(12 * dtype.itemsize().max(4))
    }

    /// The step-2 views: even and odd elements of `interleaved`.
    fn strided_pair(&self) -> Result<(Array, Array)> {
        let even = self.interleaved.slice(&[AxisSlice::range(0, None, 2)])?;
        let odd = self.interleaved.slice(&[AxisSlice::range(1, None, 2)])?;
        Ok((even, odd))
    }
}

/// What an op computes from its operands.
type OpFn = Box<dyn Fn(&[Array]) -> Result<Array>>;

/// One measured row: an op, the operands it runs on (views as they are used), how they are
/// laid out.
struct Case {
    op: String,
    layout: String,
    operands: Vec<Array>,
    run: OpFn,
}

impl Case {
    fn new(op: impl Into<String>, layout: impl Into<String>, operands: Vec<Array>, run: OpFn) -> Case {
        Case { op: op.into(), layout: layout.into(), operands, run }
    }

    /// Elements the op reads from its first operand (its problem size).
    fn elements(&self) -> usize {
        self.operands[0].numel()
    }
}

/// Elements an operand holds in memory: broadcast (zero-stride) axes count once.
fn distinct_elements(a: &Array) -> usize {
    a.shape().iter().zip(a.strides()).filter(|(_, &s)| s != 0).map(|(&d, _)| d).product()
}

/// Bytes an op must move: its operands' distinct elements read once, and the output written.
fn bytes_moved(operands: &[Array], output: &Array) -> usize {
    let read: usize = operands.iter().map(|a| distinct_elements(a) * a.dtype().itemsize()).sum();
    read + output.nbytes()
}

/// `add` on each layout: contiguous, transposed matrices, step-2 views, a broadcast row.
fn add_cases(inp: &Inputs) -> Result<Vec<Case>> {
    let add: fn(&[Array]) -> Result<Array> = |v| v[0].add(&v[1]);
    let [rows, cols] = [inp.x2.shape()[0], inp.x2.shape()[1]];
    let (even, odd) = inp.strided_pair()?;
    Ok(vec![
        Case::new("add", "contiguous", vec![inp.x.clone(), inp.y.clone()], Box::new(add)),
        Case::new(
            "add",
            format!("transposed {cols}×{rows}"),
            vec![inp.x2.transpose(), inp.y2.transpose()],
            Box::new(add),
        ),
        Case::new("add", "step-2 views", vec![even, odd], Box::new(add)),
        Case::new(
            "add",
            format!("broadcast row {rows}×{cols} + {cols}"),
            vec![inp.x2.clone(), inp.row.clone()],
            Box::new(add),
        ),
    ])
}

/// `multiply`, `exp` (floats), `where` and `astype`, all contiguous.
fn elementwise_cases(inp: &Inputs) -> Vec<Case> {
    let (x, y) = (inp.x.clone(), inp.y.clone());
    let mut cases =
        vec![Case::new("multiply", "contiguous", vec![x.clone(), y.clone()], Box::new(|v| v[0].multiply(&v[1])))];
    if inp.dtype.is_float() {
        cases.push(Case::new("exp", "contiguous", vec![x.clone()], Box::new(|v| v[0].exp())));
    }
    let operands = vec![x.clone(), inp.cond.clone(), y];
    cases.push(Case::new("where", "contiguous", operands, Box::new(|v| Array::where_(&v[1], &v[0], &v[2]))));
    let targets: &[DType] = if inp.dtype == DType::F32 { &[DType::F16, DType::F64] } else { &[DType::F32] };
    for &to in targets {
        let op = format!("astype → {to}");
        cases.push(Case::new(op, "contiguous", vec![x.clone()], Box::new(move |v| v[0].astype(to))));
    }
    cases
}

/// `sum`, `max` and `mean` (floats) over all axes, the inner axis and the outer axis of the
/// matrix.
fn reduction_cases(inp: &Inputs) -> Vec<Case> {
    let [rows, cols] = [inp.x2.shape()[0], inp.x2.shape()[1]];
    let mut cases = Vec::new();
    let names: &[&str] = if inp.dtype.is_float() { &["sum", "max", "mean"] } else { &["sum", "max"] };
    for &name in names {
        for (axes, label) in [(None, "all axes"), (Some(1), "inner axis"), (Some(0), "outer axis")] {
            let layout = format!("{label} of {rows}×{cols}");
            let run: OpFn = Box::new(move |v| {
                let axes = axes.map(|a: isize| [a]);
                let axes = axes.as_ref().map(|a| &a[..]);
                match name {
                    "sum" => v[0].sum(axes, false),
                    "max" => v[0].max(axes, false),
                    _ => v[0].mean(axes, false),
                }
            });
            cases.push(Case::new(name, layout, vec![inp.x2.clone()], run));
        }
    }
    cases
}

/// A measured (or skipped, or failed) row of the ops table.
struct Row {
    op: String,
    dtype: DType,
    layout: String,
    n: usize,
    outcome: std::result::Result<Measured, String>,
}

/// What a successful measurement found.
struct Measured {
    timing: Timing,
    bytes: usize,
    copy: Timing,
    /// `"ok"` when compared with the CPU backend, `"–"` when not checked.
    check: &'static str,
}

/// Tolerance `(relative, absolute)` for comparing a result of `dtype` with the CPU's.
fn tolerance(dtype: DType) -> (f64, f64) {
    match dtype {
        DType::F16 => (4e-3, 1e-3),
        DType::BF16 => (3e-2, 1e-2),
        DType::F32 => (1e-4, 1e-5),
        DType::F64 => (1e-10, 1e-12),
        _ => (0.0, 0.0),
    }
}

/// Runs the case on the CPU backend (operands copied there) and compares the GPU `result`.
fn check_against_cpu(case: &Case, result: &Array) -> std::result::Result<(), String> {
    let on_cpu = |a: &Array| a.to_device(&Device::Cpu);
    let cpu_operands = case.operands.iter().map(on_cpu).collect::<Result<Vec<_>>>().map_err(|e| e.to_string())?;
    let expected = (case.run)(&cpu_operands).map_err(|e| format!("on the CPU: {e}"))?;
    if (result.shape(), result.dtype()) != (expected.shape(), expected.dtype()) {
        return Err(format!(
            "GPU gave {:?} {}, CPU {:?} {}",
            result.shape(),
            result.dtype(),
            expected.shape(),
            expected.dtype()
        ));
    }
    let as_f64 = |a: &Array| a.to_device(&Device::Cpu)?.astype(DType::F64)?.to_vec::<f64>();
    let (got, want) = (as_f64(result).map_err(|e| e.to_string())?, as_f64(&expected).map_err(|e| e.to_string())?);
    let (rel, abs) = tolerance(result.dtype());
    let bad = got.iter().zip(&want).position(|(g, w)| (g - w).abs() > abs + rel * w.abs());
    match bad {
        Some(i) => Err(format!("element {i}: GPU {} vs CPU {} ({} elements)", got[i], want[i], got.len())),
        None => Ok(()),
    }
}

impl Bench {
    /// Measures one case: a first run (checked against the CPU in short mode), then the timing
    /// and the copy of the same byte count.
    fn measure(&mut self, case: &Case) -> std::result::Result<Measured, String> {
        let describe = |e: Error| match e {
            Error::OutOfMemory { .. } => format!("skipped: {e}"),
            e => format!("FAILED: {e}"),
        };
        let first = (case.run)(&case.operands).map_err(describe)?;
        let bytes = bytes_moved(&case.operands, &first);
        let check = if self.mode.checks_results() {
            check_against_cpu(case, &first).map_err(|e| format!("FAILED: wrong result: {e}"))?;
            "ok"
        } else {
            "–"
        };
        drop(first);
        let timing = self.time(&|| (case.run)(&case.operands)).map_err(describe)?;
        let copy = self.copy_ceiling(bytes).map_err(describe)?;
        Ok(Measured { timing, bytes, copy, check })
    }

    /// Every case of `dtype` at `n` elements (or one skipped row when they cannot fit).
    fn measure_dtype(&mut self, dtype: DType, n: usize, memory: Option<usize>) -> Vec<Row> {
        let needed = Inputs::memory_needed(dtype, n);
        if let Some(total) = memory.filter(|&m| needed as f64 > MEMORY_SHARE * m as f64) {
            let why = format!("skipped: needs ~{} MiB of the device's {} MiB", needed >> 20, total >> 20);
            return vec![Row { op: "(all)".into(), dtype, layout: "–".into(), n, outcome: Err(why) }];
        }
        let cases = Inputs::new(dtype, n, &self.device).and_then(|inp| {
            let mut cases = add_cases(&inp)?;
            cases.extend(elementwise_cases(&inp));
            cases.extend(reduction_cases(&inp));
            Ok(cases)
        });
        let cases = match cases {
            Ok(c) => c,
            Err(e) => {
                let outcome = Err(format!("FAILED: making the inputs: {e}"));
                return vec![Row { op: "(inputs)".into(), dtype, layout: "–".into(), n, outcome }];
            }
        };
        let rows = cases.iter().map(|case| Row {
            op: case.op.clone(),
            dtype,
            layout: case.layout.clone(),
            n: case.elements(),
            outcome: self.measure(case),
        });
        rows.collect()
    }
}

/// `| a | b |` from cells.
fn table_line(cells: &[String]) -> String {
    format!("| {} |", cells.join(" | "))
}

/// The markdown table of the ops section.
fn ops_table(rows: &[Row]) -> String {
    let header =
        ["op", "dtype", "layout", "n", "time (µs)", "host (µs)", "GB/s", "copy GB/s", "of copy", "reps", "check"];
    let mut out = table_line(&header.map(String::from)) + "\n";
    out += &table_line(&header.map(|_| "---".to_string()));
    out.push('\n');
    for r in rows {
        let mut cells = vec![r.op.clone(), r.dtype.to_string(), r.layout.clone(), r.n.to_string()];
        match &r.outcome {
            Ok(m) => {
                let (op_rate, copy_rate) = (gb_per_s(m.bytes, m.timing.device), gb_per_s(m.bytes, m.copy.device));
                cells.extend([micros(m.timing.device), micros(m.timing.host), format!("{op_rate:.1}")]);
                cells.extend([format!("{copy_rate:.1}"), format!("{:.0}%", 100.0 * op_rate / copy_rate)]);
                cells.push(m.timing.reps.to_string());
                cells.push(m.check.to_string());
            }
            Err(why) => cells.extend(["–", "–", "–", "–", "–", "–", why.as_str()].map(String::from)),
        }
        out += &table_line(&cells);
        out.push('\n');
    }
    out
}

/// Host↔device bandwidth from pageable memory: `Array::from_slice` (H2D, which returns once the
/// copy is done) and `copy_to_host` into a buffer already touched (D2H). Wall time, best of the
/// timed runs after one warm-up.
fn transfer_rows(device: &Device, mode: Mode) -> Result<Vec<String>> {
    let reps = if mode == Mode::Full { 5 } else { 2 };
    let mut rows = Vec::new();
    for &bytes in mode.transfer_bytes() {
        let host = vec![1.0f32; bytes / 4];
        let mut back = vec![0.0f32; bytes / 4];
        let shape = [host.len()];
        let mut h2d = Duration::MAX;
        let mut d2h = Duration::MAX;
        let on_device = Array::from_slice(&host, &shape, device)?;
        on_device.copy_to_host(&mut back)?;
        for _ in 0..reps {
            let t = Instant::now();
            let a = Array::from_slice(&host, &shape, device)?;
            h2d = h2d.min(t.elapsed());
            let t = Instant::now();
            a.copy_to_host(&mut back)?;
            d2h = d2h.min(t.elapsed());
        }
        for (direction, time) in [("host → device", h2d), ("device → host", d2h)] {
            rows.push(format!(
                "| {direction} | pageable | {bytes} | {} | {:.2} |",
                micros(time),
                gb_per_s(bytes, time)
            ));
        }
    }
    for direction in ["host → device", "device → host"] {
        rows.push(format!(
            "| {direction} | pinned | – | – | not measured: devarray has no pinned host allocation yet |"
        ));
    }
    Ok(rows)
}

/// `YYYY-MM-DD HH:MM UTC` from the system clock.
fn utc_now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (mut days, time_of_day) = (secs / 86_400, secs % 86_400);
    let leap = |y: u64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut year = 1970;
    while days >= if leap(year) { 366 } else { 365 } {
        days -= if leap(year) { 366 } else { 365 };
        year += 1;
    }
    let february = if leap(year) { 29 } else { 28 };
    let month_lengths = [31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 0;
    while days >= month_lengths[month] {
        days -= month_lengths[month];
        month += 1;
    }
    let (hour, minute) = (time_of_day / 3600, time_of_day % 3600 / 60);
    format!("{year:04}-{:02}-{:02} {hour:02}:{minute:02} UTC", month + 1, days + 1)
}

/// The report's heading: device, driver, date, command and mode.
fn print_header(device: &Device, mode: Mode) -> Option<usize> {
    let report = devarray::devices_report();
    let info = report.devices.iter().find(|d| d.device == *device);
    let name = info.map_or("unknown", |d| d.name.as_str());
    let driver = match (report.driver_version, report.cuda_emulated) {
        (Some(v), _) => format!("CUDA driver {}.{}", v / 1000, (v % 1000) / 10),
        (None, true) => "none: CUDA is emulated on the CPU".to_string(),
        (None, false) => "unknown".to_string(),
    };
    let nvrtc = report.nvrtc_version.map_or("not found".to_string(), |(a, b)| format!("{a}.{b}"));
    let command: Vec<String> = std::env::args().collect();
    println!("# devarray GPU benchmarks (gpu_ops)\n");
    println!("- device: {device}, {name}");
    if let Some(memory) = info.and_then(|d| d.total_memory) {
        println!("- device memory: {:.1} GiB", memory as f64 / f64::from(1u32 << 30));
    }
    println!("- driver: {driver}; NVRTC: {nvrtc}");
    println!("- date: {}", utc_now());
    println!("- command: `{}`", command.join(" "));
    println!("- mode: {}\n", mode.name());
    info.and_then(|d| d.total_memory)
}

/// The CUDA device to measure, or why there is none.
fn cuda_device() -> std::result::Result<Device, String> {
    match Device::from_env() {
        Ok(d @ Device::Cuda(_)) => Ok(d),
        Ok(_) => Err(devarray::devices_report()
            .cuda_unavailable
            .unwrap_or_else(|| format!("{} selects the CPU", devarray::DEVICE_ENV))),
        Err(e) => Err(e.to_string()),
    }
}

/// Measures every dtype at every size of the mode; prints the ops and copy tables.
fn run_op_sections(bench: &mut Bench, memory: Option<usize>) -> usize {
    let mut rows = Vec::new();
    for &n in bench.mode.sizes() {
        for dtype in DTYPES {
            rows.extend(bench.measure_dtype(dtype, n, memory));
        }
    }
    println!("## Elementwise ops, casts and reductions\n");
    println!("time = device time per op between two events; host = enqueue time per op; GB/s = bytes");
    println!("read and written per op / time; copy GB/s = a device-to-device copy (`Array::copy` of a");
    println!("contiguous float32 array) moving the same number of bytes, measured in this run; of copy =");
    println!("GB/s / copy GB/s. n = elements of the first operand; check = compared with the CPU backend.\n");
    println!("{}", ops_table(&rows));
    let failures: Vec<&Row> = rows.iter().filter(|r| matches!(&r.outcome, Err(w) if w.starts_with("FAILED"))).collect();
    for r in &failures {
        eprintln!("gpu_ops: {} {} {} n={}: {}", r.op, r.dtype, r.layout, r.n, r.outcome.as_ref().err().unwrap());
    }
    failures.len()
}

fn main() -> ExitCode {
    let device = match cuda_device() {
        Ok(d) => d,
        Err(reason) if std::env::var("DEVARRAY_REQUIRE_CUDA").is_ok_and(|v| v.trim() == "1") => {
            eprintln!("gpu_ops: DEVARRAY_REQUIRE_CUDA=1 but there is no CUDA device: {reason}");
            return ExitCode::FAILURE;
        }
        Err(reason) => {
            println!("gpu_ops: skipped: no CUDA device ({reason})");
            return ExitCode::SUCCESS;
        }
    };
    let mode = Mode::from_env_and_args();
    let memory = print_header(&device, mode);
    let stream = match Stream::current(&device) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gpu_ops: no stream on {device}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut bench = Bench { device, stream, mode, copy_ceilings: HashMap::new() };
    let mut failures = run_op_sections(&mut bench, memory);
    println!("## Host ↔ device transfers\n");
    println!("| direction | host memory | bytes | time (µs) | GB/s |\n| --- | --- | --- | --- | --- |");
    match transfer_rows(&device, mode) {
        Ok(rows) => rows.iter().for_each(|r| println!("{r}")),
        Err(e) => {
            eprintln!("gpu_ops: transfers FAILED: {e}");
            failures += 1;
        }
    }
    if failures > 0 {
        eprintln!("gpu_ops: {failures} failures");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
