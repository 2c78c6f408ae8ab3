//! CPU-device benchmarks: devarray against `ndarray` doing the same work and against a plain
//! memory-copy ceiling, in one run (BENCHMARKS.md).
//!
//! Every benchmark group is one `(op, dtype, layout)` and holds two functions at every size:
//! `devarray`, and `ndarray` written the way a careful ndarray user would for the same result
//! (same accumulator types, NaN-propagating max, single-threaded as ndarray is). A last group,
//! `copy/memcpy/parallel`, times a parallel `memcpy` moving as many bytes as each op reads plus
//! writes, so `t_copy / t_op` is the op's fraction of the memory ceiling. Throughput is set to
//! those bytes, so criterion's GB/s compare across functions. `tools/bench_report.py` turns
//! `target/criterion` into the ratio tables (a filter must keep `copy/` for the ceilings).
//!
//! Modes: `cargo bench --bench cpu_ops` measures, at 2^10 … 2^26 elements. Without `--bench`
//! (`cargo test --benches`, which CI runs) or with `DEVARRAY_BENCH_SHORT=1` it is a short check:
//! two small sizes (one with ragged tails), each benchmark run once, and every devarray result
//! compared with the ndarray result (exactly where the op is exact), so the harness cannot
//! silently measure the wrong work.
//!
//! **For NumPy users:** `benches/python_ops.py` runs the same matrix against NumPy.

mod common;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput};
use devarray::half::{bf16, f16};
use devarray::{Array, DType, Device, Element};
use ndarray::{Array1, ArrayView1, ArrayView2, Axis, Zip};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;

/// Elements per row of the 2-D arrays the reductions run on.
const ROW: usize = 1024;

/// Element counts: `DEVARRAY_BENCH_SIZES` (powers of two, e.g. `10,14,18,22,26`), else
/// 2^10, 2^18 and 2^26 (tiny, cache-resident, memory-bound), which keeps a full run near 30
/// minutes on 2 cores.
fn sizes() -> Vec<usize> {
    if common::short_mode() {
        return vec![1 << 10, 3 * 1027];
    }
    let from_env = std::env::var("DEVARRAY_BENCH_SIZES").ok().map(|list| {
        list.split(',')
            .map(|e| e.trim().parse::<u32>().expect("DEVARRAY_BENCH_SIZES: exponents like 10,18,26"))
            .collect()
    });
    let exponents: Vec<u32> = from_env.unwrap_or_else(|| vec![10, 18, 26]);
    exponents.into_iter().map(|e| 1usize << e).collect()
}

/// `(rows, cols)` of the reduction input: rows of [`ROW`] when `n` allows, else the smallest
/// factor of `n` as the row count (so ragged row lengths get tested too).
fn matrix_shape(n: usize) -> (usize, usize) {
    if n % ROW == 0 {
        return (n / ROW, ROW);
    }
    let rows = (2..n).find(|r| n % r == 0).unwrap_or(1);
    (rows, n / rows)
}

/// A value read back for checking.
trait AsF64: Copy {
    fn as_f64(self) -> f64;
}

macro_rules! as_f64 {
    ($($t:ty => $conv:expr;)*) => {$(
        impl AsF64 for $t {
            fn as_f64(self) -> f64 {
                let conv: fn($t) -> f64 = $conv;
                conv(self)
            }
        }
    )*};
}

as_f64! {
    f16 => f16::to_f64;
    bf16 => bf16::to_f64;
    f32 => f64::from;
    f64 => |x| x;
    i32 => f64::from;
    i64 => |x| x as f64;
}

/// A dtype under test, with its ndarray baseline.
trait BenchElem:
    Element + AsF64 + PartialOrd + Send + Sync + std::ops::Add<Output = Self> + std::ops::Mul<Output = Self>
{
    /// Whether `exp` and `mean` apply (floats only).
    const FLOAT: bool;
    /// What `astype` converts to here.
    const CAST_TO: DType;
    type Cast: AsF64;
    /// Accumulator and result type of `sum` (and `mean`).
    type Acc: AsF64;
    /// Deterministic inputs in [-1, 1) (floats) or [-127, 127] (ints): no overflow anywhere.
    fn sample(i: usize) -> Self;
    fn exp(a: ArrayView1<Self>) -> Array1<Self>;
    fn cast(a: ArrayView1<Self>) -> Array1<Self::Cast>;
    fn sum_all(a: ArrayView2<Self>) -> Self::Acc;
    fn sum_axis(a: ArrayView2<Self>, axis: usize) -> Array1<Self::Acc>;
    fn mean_all(a: ArrayView2<Self>) -> Self::Acc;
    fn mean_axis(a: ArrayView2<Self>, axis: usize) -> Array1<Self::Acc>;
    /// Relative tolerance of reductions and `exp` against the baseline (0: exact).
    const RTOL: f64;
}

macro_rules! native_float {
    ($t:ty, $cast_dtype:ident, $cast:ty, $to_cast:expr, $rtol:expr) => {
        impl BenchElem for $t {
            const FLOAT: bool = true;
            const CAST_TO: DType = DType::$cast_dtype;
            type Cast = $cast;
            type Acc = $t;
            const RTOL: f64 = $rtol;
            fn sample(i: usize) -> Self {
                ((i * 7919) % 1000) as $t * 0.002 - 1.0
            }
            fn exp(a: ArrayView1<Self>) -> Array1<Self> {
                a.mapv(<$t>::exp)
            }
            fn cast(a: ArrayView1<Self>) -> Array1<$cast> {
                a.mapv($to_cast)
            }
            fn sum_all(a: ArrayView2<Self>) -> $t {
                a.sum()
            }
            fn sum_axis(a: ArrayView2<Self>, axis: usize) -> Array1<$t> {
                a.sum_axis(Axis(axis))
            }
            fn mean_all(a: ArrayView2<Self>) -> $t {
                a.mean().unwrap_or(<$t>::NAN)
            }
            fn mean_axis(a: ArrayView2<Self>, axis: usize) -> Array1<$t> {
                a.mean_axis(Axis(axis)).expect("a non-empty axis")
            }
        }
    };
}

// The 16-bit floats accumulate in f32, as devarray and NumPy do, and round the result once.
macro_rules! half_float {
    ($t:ty, $rtol:expr) => {
        impl BenchElem for $t {
            const FLOAT: bool = true;
            const CAST_TO: DType = DType::F32;
            type Cast = f32;
            type Acc = $t;
            const RTOL: f64 = $rtol;
            fn sample(i: usize) -> Self {
                <$t>::from_f32(((i * 7919) % 1000) as f32 * 0.002 - 1.0)
            }
            fn exp(a: ArrayView1<Self>) -> Array1<Self> {
                a.mapv(|x| <$t>::from_f32(x.to_f32().exp()))
            }
            fn cast(a: ArrayView1<Self>) -> Array1<f32> {
                a.mapv(<$t>::to_f32)
            }
            fn sum_all(a: ArrayView2<Self>) -> $t {
                <$t>::from_f32(a.fold(0f32, |s, x| s + x.to_f32()))
            }
            fn sum_axis(a: ArrayView2<Self>, axis: usize) -> Array1<$t> {
                a.fold_axis(Axis(axis), 0f32, |s, x| s + x.to_f32()).mapv(<$t>::from_f32)
            }
            fn mean_all(a: ArrayView2<Self>) -> $t {
                <$t>::from_f32(a.fold(0f32, |s, x| s + x.to_f32()) / a.len() as f32)
            }
            fn mean_axis(a: ArrayView2<Self>, axis: usize) -> Array1<$t> {
                let count = a.len_of(Axis(axis)) as f32;
                a.fold_axis(Axis(axis), 0f32, |s, x| s + x.to_f32()).mapv(|s| <$t>::from_f32(s / count))
            }
        }
    };
}

native_float!(f32, F16, f16, f16::from_f32, 1e-5);
native_float!(f64, F32, f32, |x| x as f32, 1e-12);
half_float!(f16, 2e-3);
half_float!(bf16, 1.6e-2);

impl BenchElem for i32 {
    const FLOAT: bool = false;
    const CAST_TO: DType = DType::F32;
    type Cast = f32;
    /// The Array API sums int32 into the default integer, int64.
    type Acc = i64;
    const RTOL: f64 = 0.0;
    fn sample(i: usize) -> Self {
        ((i * 7919) % 255) as i32 - 127
    }
    fn exp(_: ArrayView1<Self>) -> Array1<Self> {
        unreachable!("exp is benchmarked for floats only")
    }
    fn cast(a: ArrayView1<Self>) -> Array1<f32> {
        a.mapv(|x| x as f32)
    }
    fn sum_all(a: ArrayView2<Self>) -> i64 {
        a.fold(0i64, |s, &x| s + i64::from(x))
    }
    fn sum_axis(a: ArrayView2<Self>, axis: usize) -> Array1<i64> {
        a.fold_axis(Axis(axis), 0i64, |s, &x| s + i64::from(x))
    }
    fn mean_all(_: ArrayView2<Self>) -> i64 {
        unreachable!("mean is benchmarked for floats only")
    }
    fn mean_axis(_: ArrayView2<Self>, _: usize) -> Array1<i64> {
        unreachable!("mean is benchmarked for floats only")
    }
}

/// NumPy's max: NaN wins, otherwise the larger value.
fn nan_max<T: PartialOrd + Copy>(m: T, x: T) -> T {
    #[allow(clippy::eq_op)] // `x != x` is the NaN test every PartialOrd float type supports
    let x_is_nan = x != x;
    if x > m || x_is_nan {
        x
    } else {
        m
    }
}

/// Which axes a reduction covers on the `(rows, cols)` input.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Axes {
    All,
    /// `axis=1`: along rows, contiguous.
    Inner,
    /// `axis=0`: across rows, strided by the row length.
    Outer,
}

impl Axes {
    fn name(self) -> &'static str {
        match self {
            Axes::All => "all",
            Axes::Inner => "inner",
            Axes::Outer => "outer",
        }
    }
    fn devarray(self) -> Option<&'static [isize]> {
        match self {
            Axes::All => None,
            Axes::Inner => Some(&[1]),
            Axes::Outer => Some(&[0]),
        }
    }
    fn ndarray_axis(self) -> usize {
        if self == Axes::Outer {
            0
        } else {
            1
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Multiply,
    Exp,
    Where,
    Astype,
    Sum(Axes),
    Max(Axes),
    Mean(Axes),
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Multiply => "multiply",
            Op::Exp => "exp",
            Op::Where => "where",
            Op::Astype => "astype",
            Op::Sum(_) => "sum",
            Op::Max(_) => "max",
            Op::Mean(_) => "mean",
        }
    }
    fn layout(self) -> &'static str {
        match self {
            Op::Sum(a) | Op::Max(a) | Op::Mean(a) => a.name(),
            _ => "contiguous",
        }
    }
    fn all() -> Vec<Op> {
        let mut ops = vec![Op::Add, Op::Multiply, Op::Exp, Op::Where, Op::Astype];
        for axes in [Axes::All, Axes::Inner, Axes::Outer] {
            ops.extend([Op::Sum(axes), Op::Max(axes), Op::Mean(axes)]);
        }
        ops
    }
    fn applies_to<T: BenchElem>(self) -> bool {
        T::FLOAT || !matches!(self, Op::Exp | Op::Mean(_))
    }
    /// Whether the baseline and devarray must agree bit for bit.
    fn exact(self) -> bool {
        matches!(self, Op::Add | Op::Multiply | Op::Where | Op::Astype | Op::Max(_))
    }
}

/// The same inputs for both libraries (and the copy ceiling's buffers).
struct Inputs<T> {
    a: Array1<T>,
    b: Array1<T>,
    cond: Array1<bool>,
    shape: (usize, usize),
    da_a: Array,
    da_b: Array,
    da_cond: Array,
    da_matrix: Array,
}

impl<T: BenchElem> Inputs<T> {
    fn new(n: usize) -> Self {
        let a: Array1<T> = (0..n).map(T::sample).collect();
        let b: Array1<T> = (0..n).map(|i| T::sample(i + 17)).collect();
        let cond: Array1<bool> = (0..n).map(|i| (i * 31) % 7 < 3).collect();
        let shape = matrix_shape(n);
        let dev = Device::Cpu;
        let upload = |x: &[T]| Array::from_slice(x, &[n], &dev).expect("upload");
        let da_cond = Array::from_slice(cond.as_slice().expect("contiguous"), &[n], &dev).expect("upload");
        let (da_a, da_b) = (upload(a.as_slice().expect("contiguous")), upload(b.as_slice().expect("contiguous")));
        let da_matrix = da_a.reshape(&[shape.0, shape.1]).expect("reshape");
        Inputs { a, b, cond, shape, da_a, da_b, da_cond, da_matrix }
    }

    fn matrix(&self) -> ArrayView2<'_, T> {
        self.a.view().into_shape_with_order(self.shape).expect("row-major reshape")
    }

    /// Bytes the op reads plus writes.
    fn traffic(&self, op: Op) -> u64 {
        let (n, s) = (self.a.len(), T::DTYPE.itemsize());
        let out = |count: usize, dtype: DType| count * dtype.itemsize();
        let acc = if T::FLOAT { T::DTYPE } else { DType::I64 };
        let reduced = |axes: Axes| match axes {
            Axes::All => 1,
            Axes::Inner => self.shape.0,
            Axes::Outer => self.shape.1,
        };
        let bytes = match op {
            Op::Add | Op::Multiply => 3 * n * s,
            Op::Exp => 2 * n * s,
            Op::Where => n * (1 + 3 * s),
            Op::Astype => n * s + out(n, T::CAST_TO),
            Op::Sum(axes) | Op::Mean(axes) => n * s + out(reduced(axes), acc),
            Op::Max(axes) => n * s + out(reduced(axes), T::DTYPE),
        };
        bytes as u64
    }
}

fn run_devarray<T: BenchElem>(op: Op, x: &Inputs<T>) -> Array {
    let result = match op {
        Op::Add => x.da_a.add(&x.da_b),
        Op::Multiply => x.da_a.multiply(&x.da_b),
        Op::Exp => x.da_a.exp(),
        Op::Where => Array::where_(&x.da_cond, &x.da_a, &x.da_b),
        Op::Astype => x.da_a.astype(T::CAST_TO),
        Op::Sum(axes) => x.da_matrix.sum(axes.devarray(), false),
        Op::Max(axes) => x.da_matrix.max(axes.devarray(), false),
        Op::Mean(axes) => x.da_matrix.mean(axes.devarray(), false),
    };
    result.expect("devarray op")
}

/// Runs the ndarray baseline; returns its values only when `read` (outside the timed loop).
fn run_ndarray<T: BenchElem>(op: Op, x: &Inputs<T>, read: bool) -> Option<Vec<f64>> {
    fn values<V: AsF64>(r: Array1<V>, read: bool) -> Option<Vec<f64>> {
        black_box(&r);
        read.then(|| r.iter().map(|v| v.as_f64()).collect())
    }
    fn value<V: AsF64>(r: V, read: bool) -> Option<Vec<f64>> {
        black_box(&r);
        read.then(|| vec![r.as_f64()])
    }
    let m = x.matrix();
    match op {
        Op::Add => values(&x.a + &x.b, read),
        Op::Multiply => values(&x.a * &x.b, read),
        Op::Exp => values(T::exp(x.a.view()), read),
        Op::Where => {
            values(Zip::from(&x.cond).and(&x.a).and(&x.b).map_collect(|&c, &p, &q| if c { p } else { q }), read)
        }
        Op::Astype => values(T::cast(x.a.view()), read),
        Op::Sum(Axes::All) => value(T::sum_all(m), read),
        Op::Sum(axes) => values(T::sum_axis(m, axes.ndarray_axis()), read),
        Op::Mean(Axes::All) => value(T::mean_all(m), read),
        Op::Mean(axes) => values(T::mean_axis(m, axes.ndarray_axis()), read),
        Op::Max(Axes::All) => value(m.iter().copied().reduce(nan_max).expect("non-empty"), read),
        Op::Max(Axes::Inner) => {
            values(m.map_axis(Axis(1), |row| row.iter().copied().reduce(nan_max).expect("non-empty row")), read)
        }
        // Row by row, as `fold_axis` does: reading down columns would be cache-hostile.
        Op::Max(Axes::Outer) => {
            let mut maxima = m.row(0).to_owned();
            for row in m.rows().into_iter().skip(1) {
                Zip::from(&mut maxima).and(&row).for_each(|acc, &v| *acc = nan_max(*acc, v));
            }
            values(maxima, read)
        }
    }
}

/// The ceiling: the machine's memory copy over all cores, moving `bytes / 2` bytes each way.
fn parallel_copy(dst: &mut [u8], src: &[u8]) {
    const CHUNK: usize = 1 << 18;
    if src.len() < 4 * CHUNK {
        dst.copy_from_slice(src);
    } else {
        dst.par_chunks_mut(CHUNK).zip(src.par_chunks(CHUNK)).for_each(|(d, s)| d.copy_from_slice(s));
    }
}

/// Short mode: devarray's result must equal the baseline's (within `T::RTOL` scaled by the
/// magnitude of what was summed, for the inexact ops).
fn check<T: BenchElem>(op: Op, x: &Inputs<T>) {
    let ours = run_devarray(op, x).astype(DType::F64).and_then(|r| r.to_vec::<f64>()).expect("read back");
    let theirs = run_ndarray(op, x, true).expect("values");
    assert_eq!(ours.len(), theirs.len(), "{} {}: result length", op.name(), T::DTYPE);
    let per_output = (x.a.len() / theirs.len().max(1)) as f64;
    for (i, (&o, &t)) in ours.iter().zip(&theirs).enumerate() {
        let ok = if op.exact() || T::RTOL == 0.0 {
            o == t || (o.is_nan() && t.is_nan())
        } else {
            (o - t).abs() <= T::RTOL * (t.abs() + per_output)
        };
        assert!(
            ok,
            "{} {} {} n={}: element {i}: devarray {o} vs ndarray {t}",
            op.name(),
            T::DTYPE,
            op.layout(),
            x.a.len()
        );
    }
}

/// Benchmarks `op` at `n` elements; returns the bytes it moves (for the copy ceiling).
fn bench_case<T: BenchElem>(group: &mut BenchmarkGroup<WallTime>, op: Op, n: usize) -> u64 {
    let inputs = Inputs::<T>::new(n);
    if common::short_mode() {
        check(op, &inputs);
    }
    let bytes = inputs.traffic(op);
    group.throughput(Throughput::Bytes(bytes));
    group.sampling_mode(if n >= 1 << 20 { SamplingMode::Flat } else { SamplingMode::Auto });
    group.bench_function(BenchmarkId::new("devarray", n), |b| b.iter(|| black_box(run_devarray(op, &inputs))));
    group.bench_function(BenchmarkId::new("ndarray", n), |b| b.iter(|| run_ndarray(op, &inputs, false)));
    bytes
}

fn bench_dtype<T: BenchElem>(c: &mut Criterion, traffic: &mut BTreeSet<u64>) {
    for op in Op::all().into_iter().filter(|op| op.applies_to::<T>()) {
        let mut group = c.benchmark_group(format!("{}/{}/{}", op.name(), T::DTYPE, op.layout()));
        for n in sizes() {
            traffic.insert(bench_case::<T>(&mut group, op, n));
        }
        group.finish();
    }
}

/// The ceiling, once per distinct byte count: group `copy/memcpy/parallel`, parameter = bytes
/// moved (read + written), which is how `tools/bench_report.py` matches it to the ops.
fn bench_copy_ceiling(c: &mut Criterion, traffic: &BTreeSet<u64>) {
    let mut group = c.benchmark_group("copy/memcpy/parallel");
    for &bytes in traffic {
        let src = vec![1u8; (bytes / 2) as usize];
        let mut dst = vec![0u8; src.len()];
        group.throughput(Throughput::Bytes(bytes));
        group.sampling_mode(if bytes >= 1 << 24 { SamplingMode::Flat } else { SamplingMode::Auto });
        group.bench_function(BenchmarkId::new("copy", bytes), |b| b.iter(|| parallel_copy(black_box(&mut dst), &src)));
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(700))
        .sample_size(10)
        .configure_from_args();
    let mut traffic = BTreeSet::new();
    bench_dtype::<f32>(&mut c, &mut traffic);
    bench_dtype::<f64>(&mut c, &mut traffic);
    bench_dtype::<f16>(&mut c, &mut traffic);
    bench_dtype::<bf16>(&mut c, &mut traffic);
    bench_dtype::<i32>(&mut c, &mut traffic);
    bench_copy_ceiling(&mut c, &traffic);
    c.final_summary();
}
