//! Host side of the kernel ABI (`kernels/ABI.md`): the `#[repr(C)]` argument structs, dimension
//! collapsing, index-path selection and grid sizing. Pure arithmetic: no GPU needed, so all of
//! it is unit-tested on CPU-only machines.

use bytemuck::{Pod, Zeroable};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::OnceLock;

/// Most dimensions a strided kernel handles (`DA_MAX_DIMS`); more are looped on the host.
pub(crate) const MAX_DIMS: usize = 8;
/// Threads per block for elementwise, cast, where, clip, fill and copy kernels (`DA_EW_BLOCK`).
pub(crate) const EW_BLOCK: u32 = 128;
/// Threads per block for reductions (`DA_RED_BLOCK`).
pub(crate) const RED_BLOCK: u32 = 256;
/// Most array/scalar inputs of an elementwise kernel.
pub(crate) const MAX_INPUTS: usize = 3;
/// Bytes one `_vec` thread moves per operand per step (a 128-bit access).
pub(crate) const VEC_BYTES: usize = 16;

/// A kernel's name as `kernels/ABI.md` spells it: the base name, then each part joined by `_`
/// (`add` + `f32` → `add_f32`; `cast` + `f16`, `i8` → `cast_f16_i8`; `add_f32` + `vec` →
/// `add_f32_vec`). Every kernel name the launchers look up is built here.
pub(crate) fn kernel_name(base: &str, parts: &[&str]) -> String {
    let mut name = String::with_capacity(base.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    name.push_str(base);
    for part in parts {
        name.push('_');
        name.push_str(part);
    }
    name
}

/// `struct EwArgs` (parameter 1 of every elementwise kernel). Pointers already include the
/// view offset.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct EwArgs {
    pub(crate) out: u64,
    pub(crate) inputs: [u64; MAX_INPUTS],
    /// Raw little-endian bits, zero-extended, of scalar operands.
    pub(crate) scalar: [u64; MAX_INPUTS],
    /// Bit `i` set: input `i` is `scalar[i]` and `inputs[i]` is ignored.
    pub(crate) scalar_mask: u32,
    pub(crate) _pad: u32,
}

/// `struct Layout32`: shape and element strides (`stride[0]` = output, `stride[1 + i]` = input
/// `i`) for kernels indexing in 32 bits.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct Layout32 {
    pub(crate) n: u32,
    pub(crate) ndim: i32,
    pub(crate) shape: [u32; MAX_DIMS],
    pub(crate) stride: [[i32; MAX_DIMS]; 1 + MAX_INPUTS],
}

/// `struct Layout64`: as [`Layout32`] with 64-bit indices. `_pad` is the padding C inserts
/// after `ndim`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct Layout64 {
    pub(crate) n: u64,
    pub(crate) ndim: i32,
    pub(crate) _pad: i32,
    pub(crate) shape: [i64; MAX_DIMS],
    pub(crate) stride: [[i64; MAX_DIMS]; 1 + MAX_INPUTS],
}

/// `struct LayoutContig` for `_vec` kernels.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct LayoutContig {
    pub(crate) n: u64,
}

/// `struct RedArgs` (the only parameter of reduction kernels).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct RedArgs {
    pub(crate) input: u64,
    pub(crate) out: u64,
    pub(crate) partials: u64,
    pub(crate) outer: u64,
    pub(crate) r: u64,
    pub(crate) inner: u64,
    pub(crate) divisor: u64,
}

// The C side's sizes (x86-64/aarch64 CUDA ABI): a mismatch would make kernels read garbage.
const _: () = assert!(std::mem::size_of::<EwArgs>() == 64);
const _: () = assert!(std::mem::size_of::<Layout32>() == 168);
const _: () = assert!(std::mem::size_of::<Layout64>() == 336);
const _: () = assert!(std::mem::size_of::<LayoutContig>() == 8);
const _: () = assert!(std::mem::size_of::<RedArgs>() == 56);

/// Which kernel variant indexes the operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum IndexPath {
    /// All operands contiguous and 16-byte aligned: 128-bit accesses.
    Vec,
    /// Strided, every index and offset fits in 32 bits (cheaper integer math).
    S32,
    /// Strided, 64-bit indices.
    S64,
}

impl IndexPath {
    /// The kernel-name suffix (`add_f32_` + this).
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            IndexPath::Vec => "vec",
            IndexPath::S32 => "s32",
            IndexPath::S64 => "s64",
        }
    }

    /// The path of a kernel name ending in `_vec`, `_s32` or `_s64`.
    #[cfg(any(test, feature = "emulator"))]
    pub(crate) fn of_kernel(name: &str) -> Option<IndexPath> {
        [IndexPath::Vec, IndexPath::S32, IndexPath::S64]
            .into_iter()
            .find(|p| name.rsplit('_').next() == Some(p.suffix()))
    }
}

/// A shape and the strides of every operand (operand 0 = output) after collapsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Collapsed {
    /// Extents, innermost last, each ≥ 2 unless the whole shape is `[1]` (or has a 0).
    pub(crate) shape: Vec<usize>,
    /// `strides[op][d]`, in elements.
    pub(crate) strides: Vec<Vec<isize>>,
}

impl Collapsed {
    /// Number of elements.
    pub(crate) fn numel(&self) -> usize {
        self.shape.iter().product()
    }
    /// Number of dimensions.
    pub(crate) fn ndim(&self) -> usize {
        self.shape.len()
    }
    /// True when every operand walks memory contiguously (one dimension, stride 1).
    pub(crate) fn is_contiguous(&self) -> bool {
        self.ndim() == 1 && self.strides.iter().all(|s| s[0] == 1)
    }
    /// Largest `Σ (shape[d] - 1) * |stride[d]|` over operands: the farthest element offset
    /// the kernel computes from a base pointer.
    pub(crate) fn max_reach(&self) -> u128 {
        let reach = |s: &Vec<isize>| -> u128 {
            self.shape.iter().zip(s).map(|(&d, &st)| (d.saturating_sub(1) as u128) * st.unsigned_abs() as u128).sum()
        };
        self.strides.iter().map(reach).max().unwrap_or(0)
    }
}

/// Simplifies an iteration space shared by several operands: drops extent-1 dimensions and
/// merges adjacent dimensions `(outer, inner)` when, for every operand,
/// `stride[outer] == stride[inner] * shape[inner]` (so one index walks both). The visiting
/// order (innermost last) is kept, so results are identical; fewer dimensions mean cheaper index
/// math and let contiguous views take the vectorised path.
pub(crate) fn collapse(shape: &[usize], strides: &[&[isize]]) -> Collapsed {
    debug_assert!(strides.iter().all(|s| s.len() == shape.len()));
    let mut out = Collapsed { shape: Vec::with_capacity(shape.len()), strides: vec![Vec::new(); strides.len()] };
    if shape.contains(&0) {
        out.shape.push(0);
        out.strides.iter_mut().for_each(|s| s.push(1));
        return out;
    }
    for d in (0..shape.len()).filter(|&d| shape[d] != 1) {
        let mergeable = out.shape.last().is_some_and(|_| {
            out.strides.iter().zip(strides).all(|(acc, s)| acc.last() == Some(&(s[d] * shape[d] as isize)))
        });
        if mergeable {
            *out.shape.last_mut().expect("checked non-empty") *= shape[d];
            for (acc, s) in out.strides.iter_mut().zip(strides) {
                *acc.last_mut().expect("same length as shape") = s[d];
            }
        } else {
            out.shape.push(shape[d]);
            for (acc, s) in out.strides.iter_mut().zip(strides) {
                acc.push(s[d]);
            }
        }
    }
    if out.shape.is_empty() {
        out.shape.push(1);
        out.strides.iter_mut().for_each(|s| s.push(1));
    }
    out
}

/// Picks the kernel variant. `aligned`: every array operand's base pointer is 16-byte aligned.
pub(crate) fn select_path(c: &Collapsed, aligned: bool) -> IndexPath {
    if force_index64() {
        return IndexPath::S64;
    }
    if c.is_contiguous() && aligned {
        return IndexPath::Vec;
    }
    let limit = i32::MAX as u128;
    if (c.numel() as u128) <= limit && c.max_reach() <= limit {
        IndexPath::S32
    } else {
        IndexPath::S64
    }
}

/// The layout argument of a strided or vectorised elementwise launch.
// A short-lived stack value built once per launch; boxing the large variant would cost an
// allocation per launch for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LayoutArg {
    /// For `_vec`.
    Contig(LayoutContig),
    /// For `_s32`.
    S32(Layout32),
    /// For `_s64`.
    S64(Layout64),
}

impl LayoutArg {
    /// Builds the argument for `path`. `c` has at most [`MAX_DIMS`] dimensions; its stride row
    /// `k` goes to kernel operand slot `slots[k]` (0 = output, `1 + i` = input `i`) and slots of
    /// scalar inputs keep zero strides. For `S32`, `c` must satisfy [`select_path`]'s bounds.
    pub(crate) fn build(path: IndexPath, c: &Collapsed, slots: &[usize]) -> LayoutArg {
        debug_assert!(c.ndim() <= MAX_DIMS && slots.len() == c.strides.len());
        debug_assert!(slots.iter().all(|&s| s <= MAX_INPUTS));
        let n = c.numel();
        let rows = || slots.iter().zip(&c.strides);
        match path {
            IndexPath::Vec => LayoutArg::Contig(LayoutContig { n: n as u64 }),
            IndexPath::S32 => {
                let mut l =
                    Layout32 { n: n as u32, ndim: c.ndim() as i32, shape: [0; MAX_DIMS], stride: [[0; MAX_DIMS]; 4] };
                c.shape.iter().enumerate().for_each(|(d, &e)| l.shape[d] = e as u32);
                for (&slot, s) in rows() {
                    s.iter().enumerate().for_each(|(d, &st)| l.stride[slot][d] = st as i32);
                }
                LayoutArg::S32(l)
            }
            IndexPath::S64 => {
                let mut l = Layout64 {
                    n: n as u64,
                    ndim: c.ndim() as i32,
                    _pad: 0,
                    shape: [0; MAX_DIMS],
                    stride: [[0; MAX_DIMS]; 4],
                };
                c.shape.iter().enumerate().for_each(|(d, &e)| l.shape[d] = e as i64);
                for (&slot, s) in rows() {
                    s.iter().enumerate().for_each(|(d, &st)| l.stride[slot][d] = st as i64);
                }
                LayoutArg::S64(l)
            }
        }
    }

    /// The bytes passed as kernel parameter 2.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            LayoutArg::Contig(l) => bytemuck::bytes_of(l),
            LayoutArg::S32(l) => bytemuck::bytes_of(l),
            LayoutArg::S64(l) => bytemuck::bytes_of(l),
        }
    }
}

/// A decoded elementwise layout argument: element count, shape, and the strides of the four
/// operand slots.
#[cfg(any(test, feature = "emulator"))]
pub(crate) type DecodedLayout = (usize, Vec<usize>, Vec<Vec<isize>>);

/// Decodes the layout argument of a `path` launch (`_vec`: one dimension of `n`, unit strides).
/// `None` for bytes of the wrong size or more than [`MAX_DIMS`] dimensions. For the test fake and
/// the emulator, which check launches against the memory they touch.
#[cfg(any(test, feature = "emulator"))]
pub(crate) fn decode_layout(path: IndexPath, bytes: &[u8]) -> Option<DecodedLayout> {
    fn parts<S: Copy, T: Copy>(
        ndim: i32,
        shape: &[S; MAX_DIMS],
        stride: &[[T; MAX_DIMS]; 1 + MAX_INPUTS],
        dim: impl Fn(S) -> usize,
        step: impl Fn(T) -> isize,
    ) -> Option<(Vec<usize>, Vec<Vec<isize>>)> {
        let nd = usize::try_from(ndim).ok().filter(|&d| d <= MAX_DIMS)?;
        Some((
            shape[..nd].iter().map(|&d| dim(d)).collect(),
            stride.iter().map(|s| s[..nd].iter().map(|&x| step(x)).collect()).collect(),
        ))
    }
    match path {
        IndexPath::Vec => {
            let l: LayoutContig = bytemuck::try_pod_read_unaligned(bytes).ok()?;
            Some((l.n as usize, vec![l.n as usize], vec![vec![1]; 1 + MAX_INPUTS]))
        }
        IndexPath::S32 => {
            let l: Layout32 = bytemuck::try_pod_read_unaligned(bytes).ok()?;
            let (shape, strides) = parts(l.ndim, &l.shape, &l.stride, |d| d as usize, |s| s as isize)?;
            Some((l.n as usize, shape, strides))
        }
        IndexPath::S64 => {
            let l: Layout64 = bytemuck::try_pod_read_unaligned(bytes).ok()?;
            let (shape, strides) = parts(l.ndim, &l.shape, &l.stride, |d| d as usize, |s| s as isize)?;
            Some((l.n as usize, shape, strides))
        }
    }
}

/// What bounds a grid on one device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GridLimits {
    /// Streaming multiprocessors.
    pub(crate) multiprocessors: u32,
    /// Resident threads per SM.
    pub(crate) threads_per_multiprocessor: u32,
    /// Hardware limit on `gridDim.x`.
    pub(crate) max_grid_x: u32,
}

/// Blocks for a grid-stride kernel over `work` items (one item per thread per step): enough
/// to cover the work, but no more than one full wave of resident blocks (SMs × blocks per SM),
/// the hardware limit and the `DEVARRAY_MAX_GRID` override. Always ≥ 1, since every kernel is
/// correct for any grid ≥ 1.
pub(crate) fn grid_size(work: u64, block: u32, limits: &GridLimits) -> u32 {
    let block = block.max(1);
    let needed = work.div_ceil(u64::from(block)).max(1);
    let per_sm = (limits.threads_per_multiprocessor / block).max(1);
    let wave = u64::from(limits.multiprocessors.max(1)) * u64::from(per_sm);
    let mut cap = wave.min(u64::from(limits.max_grid_x.max(1)));
    if let Some(max) = max_grid_override() {
        cap = cap.min(u64::from(max));
    }
    needed.min(cap).max(1) as u32
}

/// Process-wide launch overrides: read from the environment once, adjustable by tests.
struct Overrides {
    /// `DEVARRAY_FORCE_INDEX64=1`: always use `_s64` kernels (tests the 64-bit path on small
    /// arrays).
    force_index64: AtomicBool,
    /// `DEVARRAY_MAX_GRID=N`: cap every grid at N blocks (0 = no cap); the emulator uses tiny
    /// grids, and small grids test the grid-stride loops.
    max_grid: AtomicU32,
}

fn overrides() -> &'static Overrides {
    static O: OnceLock<Overrides> = OnceLock::new();
    O.get_or_init(|| {
        let var = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let force = var("DEVARRAY_FORCE_INDEX64").is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"));
        let max_grid = var("DEVARRAY_MAX_GRID").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
        Overrides { force_index64: AtomicBool::new(force), max_grid: AtomicU32::new(max_grid) }
    })
}

/// Whether 64-bit indexing is forced.
pub(crate) fn force_index64() -> bool {
    overrides().force_index64.load(Ordering::Relaxed)
}

/// Forces (or stops forcing) the 64-bit path; for tests.
#[allow(dead_code)] // used by tests and by the GPU test suite's hooks
pub(crate) fn set_force_index64(on: bool) {
    overrides().force_index64.store(on, Ordering::Relaxed);
}

/// The grid cap, if any.
pub(crate) fn max_grid_override() -> Option<u32> {
    match overrides().max_grid.load(Ordering::Relaxed) {
        0 => None,
        n => Some(n),
    }
}

/// Sets (`Some`) or clears (`None`) the grid cap; for tests and the emulator.
#[allow(dead_code)] // used by tests and the emulator
pub(crate) fn set_max_grid_override(max: Option<u32>) {
    overrides().max_grid.store(max.unwrap_or(0), Ordering::Relaxed);
}

/// Serialises tests that set the process-wide overrides or assert which path was taken.
#[cfg(test)]
pub(crate) fn test_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Offset `ptr` by `elements * itemsize` bytes (negative allowed), with the wrapping two's
/// complement arithmetic device addresses use.
pub(crate) fn offset_ptr(ptr: u64, elements: isize, itemsize: usize) -> u64 {
    ptr.wrapping_add((elements as i64).wrapping_mul(itemsize as i64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::offset_of;

    #[test]
    fn structs_match_the_c_layout() {
        assert_eq!(
            (offset_of!(EwArgs, inputs), offset_of!(EwArgs, scalar), offset_of!(EwArgs, scalar_mask)),
            (8, 32, 56)
        );
        assert_eq!((offset_of!(Layout32, ndim), offset_of!(Layout32, shape), offset_of!(Layout32, stride)), (4, 8, 40));
        assert_eq!(
            (offset_of!(Layout64, ndim), offset_of!(Layout64, shape), offset_of!(Layout64, stride)),
            (8, 16, 80)
        );
        assert_eq!((offset_of!(RedArgs, partials), offset_of!(RedArgs, r), offset_of!(RedArgs, divisor)), (16, 32, 48));
        assert_eq!((std::mem::align_of::<Layout32>(), std::mem::align_of::<Layout64>()), (4, 8));
    }

    fn c(shape: &[usize], strides: &[&[isize]]) -> Collapsed {
        collapse(shape, strides)
    }

    #[test]
    fn collapsing_merges_contiguous_runs_and_drops_unit_dims() {
        let r = c(&[2, 3, 4], &[&[12, 4, 1], &[12, 4, 1]]);
        assert_eq!((r.shape.clone(), r.strides.clone()), (vec![24], vec![vec![1], vec![1]]));
        assert!(r.is_contiguous());
        // A column slice: rows of stride 8, contiguous within.
        let r = c(&[3, 1, 4], &[&[4, 4, 1], &[8, 99, 1]]);
        assert_eq!((r.shape.clone(), r.strides.clone()), (vec![3, 4], vec![vec![4, 1], vec![8, 1]]));
        // Broadcast input: stride 0 blocks merging of the broadcast dim only.
        let r = c(&[5, 2, 3], &[&[6, 3, 1], &[0, 3, 1]]);
        assert_eq!((r.shape.clone(), r.strides.clone()), (vec![5, 6], vec![vec![6, 1], vec![0, 1]]));
        // Flipped contiguous data merges with a negative stride.
        let r = c(&[2, 3], &[&[-3, -1]]);
        assert_eq!((r.shape.clone(), r.strides.clone()), (vec![6], vec![vec![-1]]));
        // Transposed: nothing merges; innermost stays last.
        let r = c(&[3, 2], &[&[2, 1], &[1, 3]]);
        assert_eq!(r.shape, vec![3, 2]);
        // All-unit and empty shapes.
        assert_eq!(c(&[1, 1], &[&[5, 7]]), Collapsed { shape: vec![1], strides: vec![vec![1]] });
        assert_eq!(c(&[], &[&[]]).shape, vec![1]);
        assert_eq!(c(&[3, 0], &[&[0, 1]]).numel(), 0);
    }

    #[test]
    fn path_selection() {
        let _g = test_lock();
        let contig = c(&[1000], &[&[1], &[1]]);
        assert_eq!(select_path(&contig, true), IndexPath::Vec);
        assert_eq!(select_path(&contig, false), IndexPath::S32, "misaligned contiguous → s32, ndim 1");
        let strided = c(&[1000], &[&[2], &[1]]);
        assert_eq!(select_path(&strided, true), IndexPath::S32);
        let big = c(&[1 << 31], &[&[1], &[1]]);
        assert_eq!(select_path(&big, false), IndexPath::S64, "n ≥ 2^31");
        let far = c(&[2, 3], &[&[1 << 30, 1], &[3, 1]]);
        assert_eq!(select_path(&far, false), IndexPath::S32, "reach 2^30 + 2 fits");
        let too_far = c(&[3, 3], &[&[1 << 30, 1], &[3, 1]]);
        assert_eq!(select_path(&too_far, false), IndexPath::S64, "reach 2^31 + 2 does not");
        let neg = c(&[3], &[&[-(1 << 30)]]);
        assert_eq!(select_path(&neg, false), IndexPath::S64, "|stride| counts");
        set_force_index64(true);
        let forced = select_path(&contig, true);
        set_force_index64(false);
        assert_eq!(forced, IndexPath::S64);
        assert_eq!((IndexPath::Vec.suffix(), IndexPath::S32.suffix(), IndexPath::S64.suffix()), ("vec", "s32", "s64"));
    }

    #[test]
    fn layout_args_place_strides_by_slot() {
        let col = c(&[4, 3], &[&[3, 1], &[0, 1]]);
        let LayoutArg::S32(l) = LayoutArg::build(IndexPath::S32, &col, &[0, 2]) else { panic!() };
        assert_eq!((l.n, l.ndim, &l.shape[..3]), (12, 2, &[4, 3, 0][..]));
        assert_eq!(
            (l.stride[0][..2].to_vec(), l.stride[1][..2].to_vec(), l.stride[2][..2].to_vec()),
            (vec![3, 1], vec![0, 0], vec![0, 1])
        );
        let LayoutArg::S64(l) = LayoutArg::build(IndexPath::S64, &col, &[0, 2]) else { panic!() };
        assert_eq!((l.n, l.ndim, l.stride[2][1]), (12, 2, 1));
        assert_eq!(LayoutArg::build(IndexPath::S64, &col, &[0, 2]).bytes().len(), 336);
        assert_eq!(LayoutArg::build(IndexPath::Vec, &col, &[0, 2]).bytes(), &12u64.to_le_bytes());
    }

    #[test]
    fn grids_cover_work_up_to_one_wave() {
        let _g = test_lock();
        let h100 = GridLimits { multiprocessors: 132, threads_per_multiprocessor: 2048, max_grid_x: i32::MAX as u32 };
        assert_eq!(grid_size(0, 128, &h100), 1);
        assert_eq!(grid_size(1, 128, &h100), 1);
        assert_eq!(grid_size(129, 128, &h100), 2);
        assert_eq!(grid_size(1 << 30, 128, &h100), 132 * 16);
        assert_eq!(grid_size(1 << 30, 256, &h100), 132 * 8);
        let tiny = GridLimits { multiprocessors: 1, threads_per_multiprocessor: 64, max_grid_x: 3 };
        assert_eq!(grid_size(1 << 20, 128, &tiny), 1, "at least one block per SM");
        let capped = GridLimits { max_grid_x: 5, ..h100 };
        assert_eq!(grid_size(1 << 30, 128, &capped), 5);
        set_max_grid_override(Some(2));
        let overridden = grid_size(1 << 30, 128, &h100);
        set_max_grid_override(None);
        assert_eq!(overridden, 2);
    }

    #[test]
    fn pointer_offsets_wrap_like_device_addresses() {
        assert_eq!(offset_ptr(0x1000, 3, 4), 0x100c);
        assert_eq!(offset_ptr(0x1000, -2, 8), 0x0ff0);
    }
}
