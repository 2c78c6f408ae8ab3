//! The CUDA matmul against the CPU backend's (`crate::cpu::matmul`) on the same bytes: every
//! dtype, tile tails, `k == 0`, batches, and transposed, broadcast and flipped operands, which
//! the kernel reads in place through strides. On CUDA device 0 (a GPU, or the emulator with
//! `DEVARRAY_DEVICE=cuda-emu`); with the `emulator` feature and no device, on an emulated device
//! of its own; otherwise they print `skipped: no CUDA device` and pass (they fail instead under
//! `DEVARRAY_REQUIRE_CUDA=1`, as the integration suites do).

use super::*;
use crate::cpu::CpuBuffer;
use crate::cuda::launch::{set_max_grid_override, test_lock};

/// The device the tests run on (see the module comment), or `None` after printing the skip line.
fn device() -> Option<Arc<CudaDevice>> {
    crate::cuda::test_device::device("cuda::matmul")
}

/// Deterministic pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [-2, 2).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
    }
}

/// `count` random elements of `dtype` as bytes. Integers and `bool` take raw random bits (every
/// pattern is valid, products wrap, and `bool` bytes other than 0/1 must read as true); floats
/// are uniform in [-2, 2), rounded to the dtype.
fn random_bytes(dtype: DType, count: usize, rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::with_capacity(count * dtype.itemsize());
    for _ in 0..count {
        match dtype {
            DType::F64 => out.extend_from_slice(&rng.unit().to_le_bytes()),
            DType::F32 => out.extend_from_slice(&(rng.unit() as f32).to_le_bytes()),
            DType::F16 => out.extend_from_slice(&half::f16::from_f64(rng.unit()).to_le_bytes()),
            DType::BF16 => out.extend_from_slice(&half::bf16::from_f64(rng.unit()).to_le_bytes()),
            DType::C64 => {
                [rng.unit(), rng.unit()].iter().for_each(|&p| out.extend_from_slice(&(p as f32).to_le_bytes()))
            }
            DType::C128 => [rng.unit(), rng.unit()].iter().for_each(|&p| out.extend_from_slice(&p.to_le_bytes())),
            _ => out.extend_from_slice(&rng.next().to_le_bytes()[..dtype.itemsize()]),
        }
    }
    out
}

/// A 3-D operand: its layout over a backing store `data` (the elements it spans, from 0).
struct Operand {
    layout: Layout,
    data: Vec<u8>,
}

/// Strides of a C-contiguous `(batch, rows, cols)` operand.
fn contig(s: [usize; 3]) -> [isize; 3] {
    [(s[1] * s[2]) as isize, s[2] as isize, 1]
}

/// Strides of a `(batch, rows, cols)` operand stored as `(batch, cols, rows)`: a transposed view.
fn transposed(s: [usize; 3]) -> [isize; 3] {
    [(s[1] * s[2]) as isize, 1, s[1] as isize]
}

/// An operand of `shape` and `strides` with random contents: the offset makes the lowest element
/// it reaches the first of `data` (negative strides walk down from it).
fn operand(dtype: DType, shape: [usize; 3], strides: [isize; 3], rng: &mut Rng) -> Operand {
    let (mut lo, mut hi) = (0isize, 0isize);
    for (&d, &s) in shape.iter().zip(&strides) {
        let reach = (d.max(1) as isize - 1) * s;
        lo += reach.min(0);
        hi += reach.max(0);
    }
    let layout = Layout::from_parts(shape.to_vec(), strides.to_vec(), (-lo) as usize);
    Operand { layout, data: random_bytes(dtype, (hi - lo + 1) as usize, rng) }
}

/// `a @ b` on the CPU backend, as bytes.
fn cpu_product(dtype: DType, a: &Operand, b: &Operand, out_shape: [usize; 3]) -> Vec<u8> {
    let store = |bytes: &[u8]| {
        let buf = CpuBuffer::alloc(bytes.len().max(1)).unwrap();
        // SAFETY: `buf` holds at least `bytes.len()` bytes and is not shared yet.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.as_ptr(), bytes.len()) };
        buf
    };
    let len = out_shape.iter().product::<usize>() * dtype.itemsize();
    let (ba, bb, bo) = (store(&a.data), store(&b.data), store(&vec![0xab; len]));
    let out = Layout::contiguous(&out_shape);
    crate::cpu::matmul::matmul(dtype, (&ba, &a.layout), (&bb, &b.layout), (&bo, &out)).unwrap();
    // SAFETY: `bo` holds `len` initialised bytes, written by the finished CPU product.
    unsafe { std::slice::from_raw_parts(bo.as_ptr(), len) }.to_vec()
}

/// `a @ b` on the emulated CUDA device, as bytes.
fn cuda_product(
    dev: &Arc<CudaDevice>,
    dtype: DType,
    a: &Operand,
    b: &Operand,
    out_shape: [usize; 3],
) -> Result<Vec<u8>> {
    let store = |bytes: &[u8]| -> Result<CudaBuffer> {
        let buf = dev.alloc(bytes.len().max(1))?;
        crate::cuda::upload(&buf, 0, bytes)?;
        Ok(buf)
    };
    let len = out_shape.iter().product::<usize>() * dtype.itemsize();
    let (ba, bb, bo) = (store(&a.data)?, store(&b.data)?, store(&vec![0xab; len])?);
    let out = Layout::contiguous(&out_shape);
    matmul(dtype, (&ba, &a.layout), (&bb, &b.layout), (&bo, &out))?;
    let mut host = vec![0u8; len];
    crate::cuda::download(&bo, 0, &mut host)?;
    Ok(host)
}

/// A 16-bit float's bits on a line where adjacent values differ by one (for ulp distances).
fn ordered16(bits: u16) -> i32 {
    if bits & 0x8000 != 0 {
        -i32::from(bits & 0x7fff)
    } else {
        i32::from(bits)
    }
}

/// Whether `got` matches the CPU's `want` for `dtype`: integers and `bool` exactly, 16-bit floats
/// within one unit in the last place (the sums are rounded once, in different orders), f32 and
/// f64 to a tolerance growing with `k`.
fn close(dtype: DType, got: &[u8], want: &[u8], k: usize) -> std::result::Result<(), String> {
    let isz = dtype.itemsize();
    for (i, (g, w)) in got.chunks_exact(isz).zip(want.chunks_exact(isz)).enumerate() {
        let ok = match dtype {
            DType::F16 | DType::BF16 => {
                let (g, w) = (u16::from_le_bytes([g[0], g[1]]), u16::from_le_bytes([w[0], w[1]]));
                (ordered16(g) - ordered16(w)).abs() <= 1
            }
            // Complex: each part as its real type (the same tolerance on the k-term sums).
            DType::C64 => close(DType::F32, g, w, k).is_ok(),
            DType::C128 => close(DType::F64, g, w, k).is_ok(),
            DType::F32 => {
                let (g, w) = (f32::from_le_bytes(g.try_into().unwrap()), f32::from_le_bytes(w.try_into().unwrap()));
                (g - w).abs() <= 1e-6 * (k as f32 + 1.0) * 4.0
            }
            DType::F64 => {
                let (g, w) = (f64::from_le_bytes(g.try_into().unwrap()), f64::from_le_bytes(w.try_into().unwrap()));
                (g - w).abs() <= 1e-14 * (k as f64 + 1.0) * 4.0
            }
            _ => g == w,
        };
        if !ok {
            return Err(format!("{dtype:?} element {i}: got {g:02x?}, want {w:02x?}"));
        }
    }
    Ok(())
}

/// An operand's shape and element strides.
type Spec = ([usize; 3], [isize; 3]);

/// Multiplies `a` (batch, m, k) and `b` (batch, k, n) of the given shapes and strides on both
/// backends and compares the results.
fn check(dev: &Arc<CudaDevice>, dtype: DType, (shape_a, strides_a): Spec, (shape_b, strides_b): Spec) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (shape_a[1] * 1000 + shape_b[2]) as u64);
    let a = operand(dtype, shape_a, strides_a, &mut rng);
    let b = operand(dtype, shape_b, strides_b, &mut rng);
    let out_shape = [shape_a[0], shape_a[1], shape_b[2]];
    let want = cpu_product(dtype, &a, &b, out_shape);
    let got = cuda_product(dev, dtype, &a, &b, out_shape).unwrap();
    let case = format!("{shape_a:?}{strides_a:?} @ {shape_b:?}{strides_b:?}");
    close(dtype, &got, &want, shape_a[2]).unwrap_or_else(|e| panic!("{case}: {e}"));
}

/// Contiguous `(batch, m, k) @ (batch, k, n)`.
fn check_contig(dev: &Arc<CudaDevice>, dtype: DType, batch: usize, m: usize, k: usize, n: usize) {
    check(dev, dtype, ([batch, m, k], contig([batch, m, k])), ([batch, k, n], contig([batch, k, n])));
}

/// A contiguous operand holding `data`.
fn filled(shape: [usize; 3], data: Vec<u8>) -> Operand {
    Operand { layout: Layout::contiguous(&shape), data }
}

#[test]
fn every_dtype_matches_the_cpu_with_tile_tails() {
    let Some(dev) = device() else { return };
    // m, n, k none a multiple of the 64 × 64 × 16 tile; two batch positions.
    for dtype in DType::REAL {
        check_contig(&dev, dtype, 2, 33, 65, 17);
    }
}

#[test]
fn one_by_one_products() {
    let Some(dev) = device() else { return };
    for dtype in DType::REAL {
        check_contig(&dev, dtype, 1, 1, 1, 1);
    }
}

#[test]
fn several_tiles_and_batch_positions() {
    let Some(dev) = device() else { return };
    check_contig(&dev, DType::F32, 3, 130, 40, 129);
    check_contig(&dev, DType::I32, 2, 64, 16, 64);
}

#[test]
fn small_grids_stride_over_tiles_and_batches() {
    let Some(dev) = device() else { return };
    // A cap of 2 blocks per grid dimension (as DEVARRAY_MAX_GRID sets): the kernel's three
    // grid-stride loops each take several rounds (3 tile columns, 3 tile rows, 5 batch positions).
    let _lock = test_lock();
    let previous = max_grid_override();
    set_max_grid_override(Some(2));
    check_contig(&dev, DType::F64, 5, 150, 9, 140);
    set_max_grid_override(previous);
}

#[test]
fn k_zero_writes_zeros() {
    let Some(dev) = device() else { return };
    for dtype in [DType::F32, DType::I8, DType::Bool, DType::BF16] {
        let (a, b) = (filled([2, 3, 0], vec![]), filled([2, 0, 4], vec![]));
        let got = cuda_product(&dev, dtype, &a, &b, [2, 3, 4]).unwrap();
        assert!(got.iter().all(|&x| x == 0), "{dtype:?}: {got:?}");
        assert_eq!(got, cpu_product(dtype, &a, &b, [2, 3, 4]));
    }
}

#[test]
fn empty_outputs_launch_nothing() {
    let Some(dev) = device() else { return };
    let (a, b) = (filled([2, 0, 3], vec![]), filled([2, 3, 4], vec![0; 24 * 4]));
    assert!(cuda_product(&dev, DType::F32, &a, &b, [2, 0, 4]).unwrap().is_empty());
}

#[test]
fn integer_products_wrap_like_numpy() {
    let Some(dev) = device() else { return };
    // 100 * 100 * 3 = 30000 = 48 (mod 256) in int8; u64 products of large values wrap mod 2^64.
    let (a, b) = (filled([1, 2, 3], vec![100; 6]), filled([1, 3, 2], vec![100; 6]));
    assert_eq!(cuda_product(&dev, DType::I8, &a, &b, [1, 2, 2]).unwrap(), vec![48; 4]);
    let big = |v: u64| v.to_le_bytes().repeat(4);
    let (a, b) = (filled([1, 2, 2], big(u64::MAX - 2)), filled([1, 2, 2], big(1 << 40)));
    let want = (u64::MAX - 2).wrapping_mul(1 << 40).wrapping_mul(2);
    assert_eq!(cuda_product(&dev, DType::U64, &a, &b, [1, 2, 2]).unwrap(), want.to_le_bytes().repeat(4));
    for dtype in [DType::I8, DType::U16, DType::I32, DType::U64, DType::I64] {
        check_contig(&dev, dtype, 1, 20, 70, 9);
    }
}

#[test]
fn transposed_operands_are_read_in_place() {
    let Some(dev) = device() else { return };
    for dtype in [DType::F32, DType::I16, DType::F16] {
        let (sa, sb) = ([2, 37, 21], [2, 21, 70]);
        check(&dev, dtype, (sa, transposed(sa)), (sb, contig(sb)));
        check(&dev, dtype, (sa, contig(sa)), (sb, transposed(sb)));
        check(&dev, dtype, (sa, transposed(sa)), (sb, transposed(sb)));
    }
}

#[test]
fn broadcast_operands_have_zero_strides() {
    let Some(dev) = device() else { return };
    let (sa, sb) = ([3, 20, 18], [3, 18, 11]);
    // One matrix of a for every batch position; a b whose rows all repeat one row.
    check(&dev, DType::F64, (sa, [0, 18, 1]), (sb, contig(sb)));
    check(&dev, DType::U8, (sa, contig(sa)), (sb, [18 * 11, 0, 1]));
    check(&dev, DType::Bool, (sa, [0, 0, 1]), (sb, [0, 11, 1]));
}

#[test]
fn negative_strides_walk_flipped_views() {
    let Some(dev) = device() else { return };
    let (sa, sb) = ([2, 19, 33], [2, 33, 40]);
    // a with its rows flipped; b with its columns and its batch flipped; both transposed too.
    check(&dev, DType::F32, (sa, [19 * 33, -33, 1]), (sb, contig(sb)));
    check(&dev, DType::I64, (sa, contig(sa)), (sb, [-(33 * 40), 40, -1]));
    check(&dev, DType::BF16, (sa, [-(19 * 33), -1, -19]), (sb, [33 * 40, -40, -1]));
}

#[test]
fn bad_views_are_typed_errors() {
    let Some(dev) = device() else { return };
    let (small, big, other) = (dev.alloc(16).unwrap(), dev.alloc(64).unwrap(), dev.alloc(64).unwrap());
    let l = Layout::contiguous(&[1, 2, 2]);
    // f64 elements: 4 of them need 32 bytes, `small` has 16.
    let err = matmul(DType::F64, (&small, &l), (&big, &l), (&other, &l)).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    let err = matmul(DType::F32, (&big, &l), (&other, &l), (&big, &l)).unwrap_err();
    assert!(err.to_string().contains("overlaps"), "{err}");
    let wide = Layout::contiguous(&[1, 2, 3]);
    let err = matmul(DType::F32, (&big, &l), (&other, &wide), (&small, &l)).unwrap_err();
    assert!(matches!(err, Error::ShapeMismatch { .. }), "{err:?}");
}

/// [`check`] on a given path.
fn check_on(dev: &Arc<CudaDevice>, path: Path, dtype: DType, (shape_a, strides_a): Spec, (shape_b, strides_b): Spec) {
    let mut rng = Rng(0x5151 ^ (shape_a[1] * 1000 + shape_b[2]) as u64);
    let a = operand(dtype, shape_a, strides_a, &mut rng);
    let b = operand(dtype, shape_b, strides_b, &mut rng);
    let out_shape = [shape_a[0], shape_a[1], shape_b[2]];
    let want = cpu_product(dtype, &a, &b, out_shape);
    let store = |bytes: &[u8]| {
        let buf = dev.alloc(bytes.len().max(1)).unwrap();
        crate::cuda::upload(&buf, 0, bytes).unwrap();
        buf
    };
    let len = out_shape.iter().product::<usize>() * dtype.itemsize();
    let (ba, bb, bo) = (store(&a.data), store(&b.data), store(&vec![0xab; len]));
    let out = Layout::contiguous(&out_shape);
    matmul_on(path, dtype, (&ba, &a.layout), (&bb, &b.layout), (&bo, &out)).unwrap();
    let mut got = vec![0u8; len];
    crate::cuda::download(&bo, 0, &mut got).unwrap();
    let case = format!("{path:?} {shape_a:?}{strides_a:?} @ {shape_b:?}{strides_b:?}");
    close(dtype, &got, &want, shape_a[2]).unwrap_or_else(|e| panic!("{case}: {e}"));
}

const FLOATS: [DType; 4] = [DType::F32, DType::F64, DType::F16, DType::BF16];

#[test]
fn float_products_through_cublas_match_the_cpu_for_every_layout() {
    let Some(dev) = device() else { return };
    let (sa, sb) = ([3, 13, 9], [3, 9, 11]);
    let cases: [(Spec, Spec); 7] = [
        ((sa, contig(sa)), (sb, contig(sb))),
        ((sa, transposed(sa)), (sb, transposed(sb))),
        // Rows padded (a slice of wider matrices): read in place with lda > extent.
        ((sa, [13 * 20, 20, 1]), (sb, [9 * 16, 1, 12])),
        // Stepped columns: copied once.
        ((sa, [13 * 18, 18, 2]), (sb, contig(sb))),
        // One matrix broadcast over the batch, and rows broadcast inside b (copied).
        ((sa, [0, 9, 1]), (sb, [0, 0, 1])),
        // Flipped rows, flipped batch: copied.
        ((sa, [13 * 9, -9, 1]), (sb, [-(9 * 11), 11, 1])),
        ((sa, [-(13 * 9), -1, -13]), (sb, [9 * 11, -11, -1])),
    ];
    for dtype in FLOATS.into_iter().chain([DType::C64, DType::C128]) {
        for &(a, b) in &cases {
            check_on(&dev, Path::Auto, dtype, a, b);
        }
    }
}

#[test]
fn complex_products_match_the_cpu_at_the_edges() {
    let Some(dev) = device() else { return };
    for dtype in [DType::C64, DType::C128] {
        check_contig(&dev, dtype, 1, 1, 1, 1);
        check_contig(&dev, dtype, 2, 3, 0, 4);
        check_contig(&dev, dtype, 0, 3, 2, 4);
        check_contig(&dev, dtype, 2, 65, 33, 70);
    }
}

#[test]
fn the_kernel_path_still_multiplies_floats() {
    let Some(dev) = device() else { return };
    let (sa, sb) = ([2, 21, 17], [2, 17, 30]);
    for dtype in FLOATS {
        check_on(&dev, Path::Kernel, dtype, (sa, transposed(sa)), (sb, contig(sb)));
        check_on(&dev, Path::Kernel, dtype, (sa, [0, 17, 1]), (sb, [-(17 * 30), 30, -1]));
    }
}

#[test]
fn the_environment_switch_selects_the_kernel() {
    assert_eq!(path_from(None), Path::Auto);
    assert_eq!(path_from(Some("kernel")), Path::Kernel);
    assert_eq!(path_from(Some(" KERNEL ")), Path::Kernel);
    assert_eq!(path_from(Some("cublas")), Path::Auto);
    assert_eq!(path_from(Some("")), Path::Auto);
}

/// Matmul on the recording fake GPU: which GEMMs and launches a product queues.
mod on_the_fake {
    use super::*;
    use crate::cuda::api::{GemmMatrix, GemmOp, GemmType};
    use crate::cuda::fake::fake_device;

    /// Runs `a @ b` of `dtype` on the fake, returning `(gemm calls, launched kernel names)`.
    fn product(
        path: Path,
        dtype: DType,
        a: &Layout,
        b: &Layout,
        out: &Layout,
    ) -> (Vec<crate::cuda::api::Gemm>, Vec<String>) {
        let (fake, dev) = fake_device();
        let isz = dtype.itemsize();
        let buf = |l: &Layout| dev.alloc((l.offset() + l.numel().max(1) * 4) * isz).unwrap();
        let (ba, bb, bo) = (buf(a), buf(b), buf(out));
        matmul_on(path, dtype, (&ba, a), (&bb, b), (&bo, out)).unwrap();
        let s = fake.state();
        (s.gemms.iter().map(|g| g.0).collect(), s.launches.iter().map(|l| l.name.clone()).collect())
    }

    #[test]
    fn one_gemm_per_product_of_contiguous_operands() {
        let (a, b, out) =
            (Layout::contiguous(&[2, 3, 4]), Layout::contiguous(&[2, 4, 5]), Layout::contiguous(&[2, 3, 5]));
        let (gemms, launches) = product(Path::Auto, DType::F32, &a, &b, &out);
        assert!(launches.is_empty(), "{launches:?}");
        let [g] = gemms[..] else { panic!("{gemms:?}") };
        // Cᵀ (5 × 3) = Bᵀ (5 × 4) @ Aᵀ (4 × 3), column-major, each read as stored.
        assert_eq!((g.transa, g.transb, g.m, g.n, g.k, g.batch), (GemmOp::N, GemmOp::N, 5, 3, 4, 2));
        assert_eq!((g.a.ld, g.a.stride, g.b.ld, g.b.stride), (5, 20, 4, 12));
        assert_eq!((g.c.ld, g.c.stride, g.dtype), (5, 15, GemmType::F32));
        assert_eq!((g.alpha, g.beta), (1.0, 0.0));
    }

    #[test]
    fn transposed_and_broadcast_operands_need_no_copy() {
        let a = Layout::contiguous(&[1, 4, 3]).permuted(&[0, 2, 1]).unwrap();
        let b = Layout::from_parts(vec![2, 4, 5], vec![0, 5, 1], 0);
        let (gemms, launches) =
            product(Path::Auto, DType::F64, &a.broadcast_to(&[2, 3, 4]).unwrap(), &b, &Layout::contiguous(&[2, 3, 5]));
        assert!(launches.is_empty(), "{launches:?}");
        let [g] = gemms[..] else { panic!("{gemms:?}") };
        assert_eq!((g.transa, g.transb), (GemmOp::N, GemmOp::T));
        assert_eq!((g.a.stride, g.b.stride, g.b.ld), (0, 0, 3));
        assert!(matches!(g.b, GemmMatrix { ld: 3, .. }));
    }

    #[test]
    fn without_cublas_float_products_are_a_typed_error_unless_the_kernel_is_forced() {
        let (fake, dev) = fake_device();
        fake.state().failing.push("cublas");
        let l = Layout::contiguous(&[1, 2, 2]);
        let (a, b, out) = (dev.alloc(16).unwrap(), dev.alloc(16).unwrap(), dev.alloc(16).unwrap());
        let err = matmul_on(Path::Auto, DType::F32, (&a, &l), (&b, &l), (&out, &l)).unwrap_err();
        assert!(matches!(err, Error::LibraryUnavailable { library: "cuBLAS", .. }), "{err:?}");
        matmul_on(Path::Kernel, DType::F32, (&a, &l), (&b, &l), (&out, &l)).unwrap();
        assert_eq!(fake.state().launches.len(), 1);
    }

    #[test]
    fn complex_products_are_one_complex_gemm_and_refused_on_the_kernel_path() {
        let (a, b, out) =
            (Layout::contiguous(&[2, 3, 4]), Layout::contiguous(&[2, 4, 5]), Layout::contiguous(&[2, 3, 5]));
        for (dtype, t) in [(DType::C64, GemmType::C64), (DType::C128, GemmType::C128)] {
            let (gemms, launches) = product(Path::Auto, dtype, &a, &b, &out);
            assert!(launches.is_empty(), "{launches:?}");
            let [g] = gemms[..] else { panic!("{gemms:?}") };
            assert_eq!((g.transa, g.transb, g.m, g.n, g.k, g.batch, g.dtype), (GemmOp::N, GemmOp::N, 5, 3, 4, 2, t));
            assert_eq!((g.alpha, g.beta), (1.0, 0.0));
            let (fake, dev) = fake_device();
            let buf = || dev.alloc(2 * 3 * 5 * 16).unwrap();
            let (ba, bb, bo) = (buf(), buf(), buf());
            let err = matmul_on(Path::Kernel, dtype, (&ba, &a), (&bb, &b), (&bo, &out)).unwrap_err();
            assert!(matches!(err, Error::UnsupportedOnDevice { op: "matmul", .. }), "{err:?}");
            assert!(err.to_string().contains("DEVARRAY_MATMUL=kernel"), "{err}");
            assert!(fake.state().launches.is_empty() && fake.state().gemms.is_empty());
        }
    }

    #[test]
    fn stepped_operands_are_copied_once_and_integers_use_the_kernel() {
        let a = Layout::from_parts(vec![1, 3, 4], vec![24, 8, 2], 0);
        let (b, out) = (Layout::contiguous(&[1, 4, 5]), Layout::contiguous(&[1, 3, 5]));
        let (gemms, launches) = product(Path::Auto, DType::F16, &a, &b, &out);
        assert_eq!((gemms.len(), launches.len()), (1, 1), "{launches:?}");
        assert!(launches[0].starts_with("copy_u16"), "{launches:?}");
        let (gemms, launches) = product(Path::Auto, DType::I32, &Layout::contiguous(&[1, 3, 4]), &b, &out);
        assert!(gemms.is_empty() && launches == ["matmul_i32_tile"], "{launches:?}");
        let (gemms, launches) = product(Path::Kernel, DType::F32, &Layout::contiguous(&[1, 3, 4]), &b, &out);
        assert!(gemms.is_empty() && launches == ["matmul_f32_tile"], "{launches:?}");
    }
}
