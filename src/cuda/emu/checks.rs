//! What memory a launch may touch, derived from its arguments and the kernel ABI
//! (`kernels/ABI.md`), so the emulator can refuse a launch whose pointers do not lie inside live
//! allocations before running it. This is the check a real GPU cannot make: there, a wrong
//! stride or a scratch buffer one slot too small corrupts memory silently.

use super::ffi::{Abi, Kernel};
use crate::cuda::launch::{decode_layout, EwArgs, IndexPath, RedArgs, VEC_BYTES};
use crate::cuda::matmul::MatmulArgs;
use crate::cuda::random::RandArgs;
use crate::cuda::scan::ScanArgs;
use crate::cuda::sort::{SortArgs, SORT_TILE};

/// One range of device memory a launch reads or writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Access {
    /// First byte.
    pub(crate) addr: u64,
    /// Length in bytes (> 0).
    pub(crate) bytes: u64,
    /// Which operand (`"output"`, `"input 1"`, `"partials"`...).
    pub(crate) what: String,
}

/// Every range a launch of `kernel` with `params` over `grid` blocks may access, or why the
/// arguments are inconsistent with the ABI.
pub(crate) fn accesses(kernel: &Kernel, grid_x: u32, params: &[Vec<u8>]) -> Result<Vec<Access>, String> {
    match kernel.abi {
        Abi::Elementwise { inputs, out, input, forced_scalars } => {
            let path = IndexPath::of_kernel(&kernel.name).ok_or_else(|| format!("{}: no path suffix", kernel.name))?;
            let sizes = [out, input[0], input[1], input[2]];
            elementwise(path, &params[0], &params[1], inputs, sizes, forced_scalars)
        }
        Abi::Reduction { input, partial, out } => {
            let path = kernel.name.rsplit('_').next().unwrap_or("");
            reduction(path, &params[0], grid_x, [input, partial, out])
        }
        Abi::Matmul { item } => matmul(&params[0], item),
        Abi::Random { item } => random(&params[0], item),
        Abi::Scan { item } => {
            let path = kernel.name.rsplit('_').next().unwrap_or("");
            scan(path, &params[0], item as u64)
        }
        Abi::Sort { item, path } => sort(&params[0], item, path),
        Abi::Unknown => Ok(Vec::new()),
    }
}

/// `(lowest, highest)` element offset of an operand walking `shape` with `strides`.
fn extent(shape: &[usize], strides: &[isize]) -> (i128, i128) {
    shape.iter().zip(strides).fold((0, 0), |(lo, hi), (&d, &s)| {
        let reach = (d as i128 - 1) * s as i128;
        (lo + reach.min(0), hi + reach.max(0))
    })
}

fn elementwise(
    path: IndexPath,
    args: &[u8],
    layout: &[u8],
    inputs: usize,
    sizes: [usize; 4],
    forced: u32,
) -> Result<Vec<Access>, String> {
    let a: EwArgs = bytemuck::pod_read_unaligned(args);
    let (n, shape, strides) = decode_layout(path, layout).ok_or("malformed layout argument")?;
    if n == 0 {
        return Ok(Vec::new());
    }
    if shape.iter().product::<usize>() != n || shape.contains(&0) {
        return Err(format!("layout shape {shape:?} does not hold n = {n} elements"));
    }
    let scalars = a.scalar_mask | forced;
    let mut out = Vec::new();
    for slot in 0..=inputs.min(3) {
        if slot > 0 && scalars & (1 << (slot - 1)) != 0 {
            continue;
        }
        let ptr = if slot == 0 { a.out } else { a.inputs[slot - 1] };
        let what = if slot == 0 { "output".to_string() } else { format!("input {}", slot - 1) };
        let (lo, hi) = extent(&shape, &strides[slot]);
        if path == IndexPath::S32 && (lo < i128::from(i32::MIN) || hi > i128::from(i32::MAX)) {
            return Err(format!("{what}: a _s32 launch with element offsets {lo}..={hi} beyond 32 bits"));
        }
        if path == IndexPath::Vec && ptr % VEC_BYTES as u64 != 0 {
            return Err(format!("{what}: _vec pointer {ptr:#x} is not {VEC_BYTES}-byte aligned"));
        }
        let size = sizes[slot] as i128;
        let first = i128::from(ptr) + lo * size;
        let bytes = (hi - lo + 1) * size;
        let addr = u64::try_from(first).map_err(|_| format!("{what}: offsets reach below address 0"))?;
        out.push(Access { addr, bytes: bytes as u64, what });
    }
    Ok(out)
}

fn reduction(path: &str, args: &[u8], grid_x: u32, sizes: [usize; 3]) -> Result<Vec<Access>, String> {
    let a: RedArgs = bytemuck::pod_read_unaligned(args);
    let [input, partial, out] = sizes.map(|s| s as u64);
    let n = a.outer.checked_mul(a.r).and_then(|v| v.checked_mul(a.inner)).ok_or("outer * r * inner overflows")?;
    let grid = u64::from(grid_x);
    let range = |addr: u64, count: u64, size: u64, what: &str| -> Result<Option<Access>, String> {
        let bytes = count.checked_mul(size).ok_or_else(|| format!("{what}: size overflows"))?;
        Ok((bytes > 0).then(|| Access { addr, bytes, what: what.to_string() }))
    };
    let list = match path {
        "full1" => [
            range(a.input, n, input, "input")?,
            range(a.partials, grid, partial, "partials")?,
            range(a.out, u64::from(grid == 1), out, "output")?,
        ],
        "full2" => [range(a.partials, a.r, partial, "partials")?, range(a.out, 1, out, "output")?, None],
        "inner" if a.inner != 1 => return Err(format!("_inner launch with inner = {} (must be 1)", a.inner)),
        "inner" | "outer" => {
            [range(a.input, n, input, "input")?, range(a.out, a.outer * a.inner, out, "output")?, None]
        }
        other => return Err(format!("unknown reduction kernel kind {other:?}")),
    };
    Ok(list.into_iter().flatten().collect())
}

/// The output's `n` contiguous elements.
fn random(args: &[u8], item: usize) -> Result<Vec<Access>, String> {
    let a: RandArgs = bytemuck::pod_read_unaligned(args);
    if a.n == 0 {
        return Ok(Vec::new());
    }
    let bytes = a.n.checked_mul(item as u64).ok_or("n * element size overflows")?;
    Ok(vec![Access { addr: a.out, bytes, what: "output".to_string() }])
}

/// Input and output hold `outer * r * inner` elements; the three-phase kernels also touch
/// `outer * ceil(r / chunk)` partials (`kernels/scan.cu`).
fn scan(path: &str, args: &[u8], item: u64) -> Result<Vec<Access>, String> {
    let a: ScanArgs = bytemuck::pod_read_unaligned(args);
    let n = a.outer.checked_mul(a.r).and_then(|v| v.checked_mul(a.inner)).ok_or("outer * r * inner overflows")?;
    let range = |addr: u64, count: u64, what: &str| -> Result<Option<Access>, String> {
        let bytes = count.checked_mul(item).ok_or_else(|| format!("{what}: size overflows"))?;
        Ok((bytes > 0).then(|| Access { addr, bytes, what: what.to_string() }))
    };
    let three_phase = matches!(path, "up" | "mid" | "down");
    if three_phase && (a.inner != 1 || a.chunk == 0) {
        return Err(format!("_{path} launch with inner = {} and chunk = {}", a.inner, a.chunk));
    }
    if path == "rows" && a.inner != 1 {
        return Err(format!("_rows launch with inner = {} (must be 1)", a.inner));
    }
    let partials = if three_phase { a.outer * a.r.div_ceil(a.chunk.max(1)) } else { 0 };
    let list = match path {
        "rows" | "cols" => [range(a.input, n, "input")?, range(a.out, n, "output")?, None],
        "up" => [range(a.input, n, "input")?, range(a.partials, partials, "partials")?, None],
        "mid" => [range(a.partials, partials, "partials")?, None, None],
        "down" => [range(a.input, n, "input")?, range(a.out, n, "output")?, range(a.partials, partials, "partials")?],
        other => return Err(format!("unknown scan kernel kind {other:?}")),
    };
    Ok(list.into_iter().flatten().collect())
}

/// `a` walks `(batch, m, k)` and `b` `(batch, k, n)` with their strides; `out` is `batch * m * n`
/// contiguous elements. An operand with no elements is not touched (`k == 0`: only `out`).
fn matmul(args: &[u8], item: usize) -> Result<Vec<Access>, String> {
    let a: MatmulArgs = bytemuck::pod_read_unaligned(args);
    let sizes = [a.batch, a.m, a.n, a.k];
    let [batch, m, n, k] = sizes.map(|d| usize::try_from(d).ok());
    let (Some(batch), Some(m), Some(n), Some(k)) = (batch, m, n, k) else {
        return Err(format!("negative sizes (batch, m, n, k) = {sizes:?}"));
    };
    let outputs = batch.checked_mul(m).and_then(|v| v.checked_mul(n)).ok_or("batch * m * n overflows")?;
    if outputs == 0 {
        return Ok(Vec::new());
    }
    let operand = |ptr: u64, shape: [usize; 3], strides: [i64; 3], what: &str| -> Result<Option<Access>, String> {
        if shape.contains(&0) {
            return Ok(None);
        }
        let (lo, hi) = extent(&shape, &strides.map(|s| s as isize));
        let first = i128::from(ptr) + lo * item as i128;
        let addr = u64::try_from(first).map_err(|_| format!("{what}: offsets reach below address 0"))?;
        let bytes = u64::try_from((hi - lo + 1) * item as i128).map_err(|_| format!("{what}: size overflows"))?;
        Ok(Some(Access { addr, bytes, what: what.to_string() }))
    };
    let list = [
        operand(a.a, [batch, m, k], a.sa, "input a")?,
        operand(a.b, [batch, k, n], a.sb, "input b")?,
        operand(a.out, [1, 1, outputs], [0, 0, 1], "output")?,
    ];
    Ok(list.into_iter().flatten().collect())
}

/// The ranges of a sort kernel (`kernels/sort.cu`): `n` keys or elements of `item` bytes, `n`
/// 8-byte positions, `256 * tiles` 8-byte counts, per kernel kind; the block sort also checks
/// that its rows fit the shared tile.
fn sort(args: &[u8], item: usize, path: u32) -> Result<Vec<Access>, String> {
    let a: SortArgs = bytemuck::pod_read_unaligned(args);
    if a.n == 0 {
        return Ok(Vec::new());
    }
    if a.len == 0 || a.tiles != a.n.div_ceil(SORT_TILE) {
        return Err(format!("len = {} and tiles = {} for n = {}", a.len, a.tiles, a.n));
    }
    let range = |addr: u64, count: u64, size: u64, what: &str| -> Result<Access, String> {
        let bytes = count.checked_mul(size).ok_or_else(|| format!("{what}: size overflows"))?;
        Ok(Access { addr, bytes, what: what.to_string() })
    };
    let (n, isz) = (a.n, item as u64);
    let row_digit = a.flags & 2 != 0;
    let list = match path {
        0 => vec![
            range(a.input, n, isz, "input")?,
            range(a.out, n, isz, "keys out")?,
            range(a.vals_out, n, 8, "positions out")?,
        ],
        1 => vec![
            range(a.input, n, isz, "input")?,
            range(a.vals_in, n, 8, "positions")?,
            range(a.out, n, isz, "output")?,
        ],
        2 | 4 => {
            let mut l = vec![range(a.counts, 256 * a.tiles, 8, "counts")?, range(a.vals_in, n, 8, "positions in")?];
            if !row_digit || path == 4 {
                l.push(range(a.input, n, isz, "keys in")?);
            }
            if path == 4 {
                l.push(range(a.out, n, isz, "keys out")?);
                l.push(range(a.vals_out, n, 8, "positions out")?);
            }
            l
        }
        5 => vec![range(a.vals_in, n, 8, "positions")?, range(a.out, n, 8, "output")?],
        7 => {
            if a.shift > 12 || a.len > 1u64 << a.shift {
                return Err(format!("block sort of rows of {} in 2^{} slots (at most 4096)", a.len, a.shift));
            }
            let out_item = if a.flags & 4 != 0 { 8 } else { isz };
            vec![range(a.input, n, isz, "input")?, range(a.out, n, out_item, "output")?]
        }
        6 => vec![
            range(a.input, a.len, isz, "sorted")?,
            range(a.vals_in, n, isz, "values")?,
            range(a.out, n, 8, "output")?,
        ],
        other => return Err(format!("unknown sort kernel kind {other}")),
    };
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cuda::launch::{collapse, LayoutArg};

    fn ew(path: IndexPath, args: EwArgs, shape: &[usize], strides: &[&[isize]]) -> Result<Vec<Access>, String> {
        let layout = LayoutArg::build(path, &collapse(shape, strides), &[0, 1]);
        elementwise(path, bytemuck::bytes_of(&args), layout.bytes(), 1, [4, 2, 0, 0], 0)
    }

    #[test]
    fn elementwise_ranges_follow_shapes_strides_and_element_sizes() {
        let args = EwArgs { out: 0x1000, inputs: [0x2000, 0, 0], ..EwArgs::default() };
        let acc = ew(IndexPath::S32, args, &[3, 4], &[&[4, 1], &[1, -3]]).unwrap();
        assert_eq!(acc[0], Access { addr: 0x1000, bytes: 48, what: "output".into() });
        // input offsets: -9 ..= 2 (2-byte elements)
        assert_eq!((acc[1].addr, acc[1].bytes), (0x2000 - 18, 24));
        let vec = ew(IndexPath::Vec, args, &[10], &[&[1], &[1]]).unwrap();
        assert_eq!((vec[0].bytes, vec[1].bytes), (40, 20));
        let misaligned = EwArgs { out: 0x1004, ..args };
        assert!(ew(IndexPath::Vec, misaligned, &[10], &[&[1], &[1]]).unwrap_err().contains("aligned"));
        let scalar = EwArgs { scalar_mask: 1, ..args };
        assert_eq!(ew(IndexPath::S64, scalar, &[5], &[&[1], &[0]]).unwrap().len(), 1, "scalars touch nothing");
    }

    #[test]
    fn block_sort_rows_must_fit_the_tile() {
        let a =
            SortArgs { input: 0x100, out: 0x200, n: 12, len: 3, tiles: 1, shift: 2, flags: 4, ..SortArgs::default() };
        let acc = sort(bytemuck::bytes_of(&a), 4, 7).unwrap();
        assert_eq!((acc[0].bytes, acc[1].bytes), (48, 96), "4-byte values in, int64 indices out");
        let values = SortArgs { flags: 1, ..a };
        assert_eq!(sort(bytemuck::bytes_of(&values), 4, 7).unwrap()[1].bytes, 48, "values out");
        assert!(sort(bytemuck::bytes_of(&SortArgs { len: 5, ..a }), 4, 7).is_err(), "rows of 5 in 4 slots");
        assert!(sort(bytemuck::bytes_of(&SortArgs { shift: 13, len: 5000, ..a }), 4, 7).is_err(), "over 4096");
    }

    #[test]
    fn reduction_ranges_depend_on_the_kernel_kind() {
        let a = RedArgs { input: 0x100, out: 0x200, partials: 0x300, outer: 2, r: 5, inner: 3, divisor: 0 };
        let bytes = |p: &str, grid| -> Vec<u64> {
            reduction(p, bytemuck::bytes_of(&a), grid, [4, 8, 2]).unwrap().iter().map(|x| x.bytes).collect()
        };
        assert_eq!(bytes("outer", 2), vec![120, 12]);
        assert_eq!(bytes("full1", 4), vec![120, 32], "no output with several blocks");
        assert_eq!(bytes("full1", 1), vec![120, 8, 2]);
        assert_eq!(bytes("full2", 1), vec![40, 2], "r partials");
        assert!(reduction("inner", bytemuck::bytes_of(&a), 1, [4, 8, 2]).is_err(), "inner must be 1");
    }

    #[test]
    fn scan_ranges_cover_partials_on_the_three_phase_path() {
        let a = ScanArgs { input: 0x100, out: 0x200, partials: 0x300, outer: 2, r: 20, inner: 1, chunk: 8 };
        let bytes =
            |p: &str| -> Vec<u64> { scan(p, bytemuck::bytes_of(&a), 4).unwrap().iter().map(|x| x.bytes).collect() };
        assert_eq!(bytes("rows"), vec![160, 160]);
        assert_eq!(bytes("up"), vec![160, 24], "2 rows x 3 chunks of partials");
        assert_eq!(bytes("mid"), vec![24]);
        assert_eq!(bytes("down"), vec![160, 160, 24]);
        let cols = ScanArgs { inner: 3, ..a };
        assert!(scan("rows", bytemuck::bytes_of(&cols), 4).is_err(), "rows need inner == 1");
        assert!(scan("up", bytemuck::bytes_of(&ScanArgs { chunk: 0, ..a }), 4).is_err());
        assert_eq!(scan("cols", bytemuck::bytes_of(&cols), 4).unwrap()[0].bytes, 480);
    }

    #[test]
    fn matmul_ranges_follow_each_operands_strides() {
        // a: 2 x (3 x 4) transposed in its matrix (row stride 1, k stride 3), b broadcast over the
        // batch with flipped rows (k stride -5), 4-byte elements.
        let args = MatmulArgs {
            a: 0x1000,
            b: 0x2000,
            out: 0x3000,
            m: 3,
            n: 5,
            k: 4,
            batch: 2,
            sa: [12, 1, 3],
            sb: [0, -5, 1],
        };
        let acc = matmul(bytemuck::bytes_of(&args), 4).unwrap();
        assert_eq!(acc[0], Access { addr: 0x1000, bytes: 24 * 4, what: "input a".into() });
        assert_eq!((acc[1].addr, acc[1].bytes), (0x2000 - 15 * 4, 20 * 4));
        assert_eq!((acc[2].addr, acc[2].bytes), (0x3000, 30 * 4));
        let no_k = MatmulArgs { k: 0, ..args };
        assert_eq!(matmul(bytemuck::bytes_of(&no_k), 4).unwrap().len(), 1, "k = 0 only writes out");
        assert!(matmul(bytemuck::bytes_of(&MatmulArgs { n: 0, ..args }), 4).unwrap().is_empty());
        assert!(matmul(bytemuck::bytes_of(&MatmulArgs { m: -1, ..args }), 4).is_err());
    }
}
