//! Elementwise launches (unary, binary, where/clip, cast, copy, fill: every kernel with the
//! `EwArgs` + layout ABI) and the `fill`/`copy` primitives built on them.
//!
//! Every view is checked against its buffer before a launch: the kernels trust the pointers
//! and strides they get, so this check is what keeps a bad layout from writing outside an
//! allocation.

use super::api::LaunchDims;
use super::context::{CudaBuffer, CudaDevice};
use super::launch::{
    collapse, grid_size, kernel_name, offset_ptr, select_path, Collapsed, EwArgs, IndexPath, LayoutArg, EW_BLOCK,
    MAX_DIMS, MAX_INPUTS, VEC_BYTES,
};
use crate::dtype::{DType, Element, Scalar};
use crate::error::{Error, Result};
use crate::layout::Layout;
use std::sync::Arc;

/// Elements (or vector chunks) each elementwise thread handles per grid-stride step (`U` in
/// `da_ew_vec`/`da_ew_strided`); only used to size grids.
const EW_UNROLL: u64 = 2;

/// The family holding `copy_*` and `fill_*`.
const COPY_FAMILY: &str = "copy";

/// One input of an elementwise kernel.
#[derive(Clone, Copy, Debug)]
pub(crate) enum EwInput<'a> {
    /// A view (already broadcast to the output's shape) and its element size in bytes.
    Array(&'a CudaBuffer, &'a Layout, usize),
    /// A scalar operand of at most 8 bytes: the element's raw little-endian bits,
    /// zero-extended (see [`scalar_bits`]).
    Scalar(u64),
    /// A 16-byte scalar operand (`complex128`): it takes scalar slots `i` and `i + 1`
    /// (`kernels/ABI.md`); where slot `i + 1` is taken or missing, the launcher stages it in a
    /// one-element device buffer and passes that, broadcast, instead.
    Wide(u128),
}

/// The raw bits of `value` converted to `dtype` (NumPy casting), zero-extended to 16 bytes.
pub(crate) fn scalar_bits(dtype: DType, value: Scalar) -> u128 {
    crate::dispatch_dtype!(dtype, T => {
        let repr = value.to_element::<T>().to_repr();
        let bytes = bytemuck::bytes_of(&repr);
        let mut word = [0u8; 16];
        word[..bytes.len()].copy_from_slice(bytes);
        u128::from_le_bytes(word)
    })
}

/// `value` converted to `dtype` as a kernel scalar operand: [`EwInput::Scalar`], or
/// [`EwInput::Wide`] for 16-byte dtypes.
pub(crate) fn scalar_operand(dtype: DType, value: Scalar) -> EwInput<'static> {
    let bits = scalar_bits(dtype, value);
    if dtype.itemsize() > 8 {
        EwInput::Wide(bits)
    } else {
        // Lossless: elements of at most 8 bytes leave the high half zero.
        EwInput::Scalar(bits as u64)
    }
}

fn shape_mismatch(op: &'static str, lhs: &[usize], rhs: &[usize]) -> Error {
    Error::ShapeMismatch { op, lhs: lhs.to_vec(), rhs: rhs.to_vec(), hint: String::new() }
}

/// The byte-width tag (`u8`..`u64`, `c128` for 16 bytes) that moves `itemsize`-byte elements.
pub(crate) fn tag_for_itemsize(op: &'static str, itemsize: usize) -> Result<DType> {
    match itemsize {
        1 => Ok(DType::U8),
        2 => Ok(DType::U16),
        4 => Ok(DType::U32),
        8 => Ok(DType::U64),
        // No 16-byte unsigned dtype: complex128's modules move 16-byte elements bit for bit.
        16 => Ok(DType::C128),
        _ => Err(Error::invalid(op, format!("elements of {itemsize} bytes are not supported (1, 2, 4, 8 or 16)"))),
    }
}

/// Byte addresses `[lo, hi)` a non-empty view touches, after checking it lies inside `buf`,
/// on `dev`. Returns `(address of element [0, ...], lo, hi)`.
///
/// Every operand of queued work passes here, so this is also where the buffer records the
/// stream the work goes to ([`CudaBuffer::record_use`]): its free is ordered after it.
pub(crate) fn check_view(
    op: &'static str,
    dev: &Arc<CudaDevice>,
    buf: &CudaBuffer,
    layout: &Layout,
    itemsize: usize,
) -> Result<(u64, u64, u64)> {
    if !Arc::ptr_eq(buf.device(), dev) {
        return Err(Error::DeviceMismatch { op, lhs: dev.device(), rhs: buf.device().device() });
    }
    let base = buf.device_ptr().wrapping_add((layout.offset() as u64).wrapping_mul(itemsize as u64));
    if layout.numel() == 0 {
        return Ok((base, base, base));
    }
    buf.record_use();
    let (mut lo, mut hi) = (layout.offset() as i128, layout.offset() as i128 + 1);
    for (&d, &s) in layout.shape().iter().zip(layout.strides()) {
        let reach = (d as i128 - 1) * s as i128;
        if reach < 0 {
            lo += reach;
        } else {
            hi += reach;
        }
    }
    let isz = itemsize as i128;
    if lo < 0 || hi * isz > buf.len_bytes() as i128 {
        let msg = format!(
            "view (shape {:?}, strides {:?}, offset {}) of {itemsize}-byte elements reaches elements {lo}..{hi}, outside a buffer of {} bytes",
            layout.shape(),
            layout.strides(),
            layout.offset(),
            buf.len_bytes()
        );
        return Err(Error::invalid(op, msg));
    }
    let addr = |e: i128| buf.device_ptr().wrapping_add((e * isz) as u64);
    Ok((base, addr(lo), addr(hi)))
}

/// Launches `{kernel_base}_{vec|s32|s64}` from module `(family, module_tag)` over `out`'s
/// shape. Inputs are views of the output's shape (broadcast with zero strides) or scalars.
///
/// **Errors**: more than 3 inputs, shape mismatch, a view outside its buffer or on another
/// device ([`Error::InvalidArgument`], [`Error::ShapeMismatch`], [`Error::DeviceMismatch`]);
/// kernel compile/load/lookup ([`Error::Kernel`]); launch failures ([`Error::Driver`]).
pub(crate) fn launch_elementwise(
    dev: &Arc<CudaDevice>,
    family: &str,
    module_tag: DType,
    kernel_base: &str,
    out: (&CudaBuffer, &Layout, usize),
    inputs: &[EwInput<'_>],
) -> Result<()> {
    launch_with_paths(dev, (family, module_tag, kernel_base), out, inputs, true)
}

/// [`launch_elementwise`] for kernels that may lack the `_vec` path (`with_vec` false: only
/// `_s32`/`_s64` are launched, as for `gather_*`/`scatter_*`).
pub(crate) fn launch_with_paths(
    dev: &Arc<CudaDevice>,
    (family, module_tag, kernel_base): (&str, DType, &str),
    out: (&CudaBuffer, &Layout, usize),
    inputs: &[EwInput<'_>],
    with_vec: bool,
) -> Result<()> {
    const OP: &str = "elementwise kernel";
    if inputs.len() > MAX_INPUTS {
        return Err(Error::invalid(OP, format!("{} inputs given, at most {MAX_INPUTS} supported", inputs.len())));
    }
    let (obuf, olayout, oisz) = out;
    let staged = stage_wide_scalars(dev, inputs, olayout.shape())?;
    let staged_inputs: Vec<EwInput<'_>> = inputs
        .iter()
        .zip(&staged)
        .map(|(&input, st)| match st {
            Some((buf, layout)) => EwInput::Array(buf, layout, 16),
            None => input,
        })
        .collect();
    let inputs = &staged_inputs[..];
    let mut args = EwArgs { out: check_view(OP, dev, obuf, olayout, oisz)?.0, ..EwArgs::default() };
    let mut strides: Vec<&[isize]> = vec![olayout.strides()];
    let mut slots = vec![0usize];
    let mut itemsizes = vec![oisz];
    for (i, input) in inputs.iter().enumerate() {
        match *input {
            EwInput::Scalar(bits) => {
                args.scalar[i] = bits;
                args.scalar_mask |= 1 << i;
            }
            EwInput::Wide(bits) => {
                // `stage_wide_scalars` left only wide scalars whose slot `i + 1` is free.
                args.scalar[i] = bits as u64;
                args.scalar[i + 1] = (bits >> 64) as u64;
                args.scalar_mask |= 1 << i;
            }
            EwInput::Array(buf, layout, isz) => {
                if layout.shape() != olayout.shape() {
                    return Err(shape_mismatch(OP, layout.shape(), olayout.shape()));
                }
                args.inputs[i] = check_view(OP, dev, buf, layout, isz)?.0;
                strides.push(layout.strides());
                slots.push(1 + i);
                itemsizes.push(isz);
            }
        }
    }
    if olayout.numel() == 0 {
        return Ok(());
    }
    let plan = Plan { dev, family, module_tag, kernel_base, slots: &slots, itemsizes: &itemsizes, with_vec };
    plan.run(args, &collapse(olayout.shape(), &strides))
}

/// A one-element device copy of each 16-byte scalar that cannot take two scalar slots (it is
/// the last input, or the next input is a scalar too), as a view broadcast to `shape`; `None`
/// for every other input. The copy is written by the `fill_c128` kernel, in stream order: no
/// host synchronisation.
fn stage_wide_scalars(
    dev: &Arc<CudaDevice>,
    inputs: &[EwInput<'_>],
    shape: &[usize],
) -> Result<Vec<Option<(CudaBuffer, Layout)>>> {
    let is_scalar = |i: usize| matches!(inputs.get(i), Some(EwInput::Scalar(_) | EwInput::Wide(_)));
    let mut staged = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        match *input {
            EwInput::Wide(bits) if i + 1 >= MAX_INPUTS || is_scalar(i + 1) => {
                let buf = dev.alloc(16)?;
                let one = Layout::contiguous(&[1]);
                let kernel = kernel_name("fill", &[DType::C128.tag()]);
                launch_elementwise(dev, COPY_FAMILY, DType::C128, &kernel, (&buf, &one, 16), &[EwInput::Wide(bits)])?;
                let layout = Layout::from_parts(shape.to_vec(), vec![0isize; shape.len()], 0);
                staged.push(Some((buf, layout)));
            }
            _ => staged.push(None),
        }
    }
    Ok(staged)
}

/// What stays fixed across the launches of one elementwise operation.
struct Plan<'a> {
    dev: &'a Arc<CudaDevice>,
    family: &'a str,
    module_tag: DType,
    kernel_base: &'a str,
    /// Kernel operand slot of each stride row (0 = output, `1 + i` = input `i`).
    slots: &'a [usize],
    /// Element size of each stride row's operand.
    itemsizes: &'a [usize],
    /// Whether the kernel has a `_vec` path.
    with_vec: bool,
}

impl Plan<'_> {
    /// Launches over `c`; with more than [`MAX_DIMS`] dimensions, loops over the leading ones
    /// on the host, one launch per leading index.
    fn run(&self, args: EwArgs, c: &Collapsed) -> Result<()> {
        if c.ndim() <= MAX_DIMS {
            return self.launch(&args, c);
        }
        let lead = c.ndim() - MAX_DIMS;
        let inner = Collapsed {
            shape: c.shape[lead..].to_vec(),
            strides: c.strides.iter().map(|s| s[lead..].to_vec()).collect(),
        };
        let mut index = vec![0usize; lead];
        loop {
            let mut shifted = args;
            for (k, &slot) in self.slots.iter().enumerate() {
                let elements: isize = index.iter().zip(&c.strides[k]).map(|(&i, &s)| i as isize * s).sum();
                let ptr = operand_ptr(&mut shifted, slot);
                *ptr = offset_ptr(*ptr, elements, self.itemsizes[k]);
            }
            self.launch(&shifted, &inner)?;
            // Odometer step over the leading dimensions, last fastest.
            let mut d = lead;
            loop {
                if d == 0 {
                    return Ok(());
                }
                d -= 1;
                index[d] += 1;
                if index[d] < c.shape[d] {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    /// One launch over at most [`MAX_DIMS`] dimensions.
    fn launch(&self, args: &EwArgs, c: &Collapsed) -> Result<()> {
        let mut args = *args;
        let aligned =
            self.with_vec && self.slots.iter().all(|&slot| *operand_ptr(&mut args, slot) % VEC_BYTES as u64 == 0);
        let path = select_path(c, aligned);
        let layout = LayoutArg::build(path, c, self.slots);
        let n = c.numel() as u64;
        // Items a thread takes per grid-stride step: EW_UNROLL elements (strided) or 16-byte
        // chunks of the widest array operand (vectorised).
        let per_step = match path {
            IndexPath::Vec => (VEC_BYTES / self.itemsizes.iter().copied().max().unwrap_or(1).max(1)).max(1) as u64,
            IndexPath::S32 | IndexPath::S64 => 1,
        };
        let work = n.div_ceil(per_step * EW_UNROLL);
        let grid = grid_size(work, EW_BLOCK, self.dev.grid_limits());
        let name = kernel_name(self.kernel_base, &[path.suffix()]);
        let f = self.dev.function(self.family, self.module_tag, &name)?;
        // SAFETY: `f` is this device's kernel with the elementwise ABI (EwArgs, layout struct
        // of `path`); every array operand was checked by `check_view` to lie, for all indices of
        // its shape and strides (which `c` and the host loop only regroup), inside a live buffer
        // on this device; those buffers are borrowed for this call and freed only in stream
        // order after the launch.
        unsafe { self.dev.launch(f, LaunchDims::linear(grid, EW_BLOCK), &[bytemuck::bytes_of(&args), layout.bytes()]) }
    }
}

/// The pointer field of kernel operand `slot`.
fn operand_ptr(args: &mut EwArgs, slot: usize) -> &mut u64 {
    match slot {
        0 => &mut args.out,
        i => &mut args.inputs[i - 1],
    }
}

/// Writes `value` (converted to `dtype`) into every element of the view: a `memset` when the
/// view is contiguous and the value's bytes are all equal (zeros, ones of `u8`...), else the
/// `fill_{u8,u16,u32,u64,c128}` kernel for the element size.
pub(crate) fn fill(buf: &CudaBuffer, layout: &Layout, dtype: DType, value: Scalar) -> Result<()> {
    let dev = buf.device().clone();
    let isz = dtype.itemsize();
    let (base, _, _) = check_view("fill", &dev, buf, layout, isz)?;
    if layout.numel() == 0 {
        return Ok(());
    }
    let bits = scalar_bits(dtype, value);
    let bytes = &bits.to_le_bytes()[..isz];
    if bytes.iter().all(|&b| b == bytes[0]) && collapse(layout.shape(), &[layout.strides()]).is_contiguous() {
        // SAFETY: the view is contiguous and was checked to lie inside `buf`, which is live.
        let r = unsafe { dev.api().memset_u8(base, bytes[0], layout.numel() * isz, dev.current_stream()) };
        return Ok(r?);
    }
    let tag = tag_for_itemsize("fill", isz)?;
    let kernel = kernel_name("fill", &[tag.tag()]);
    let operand = if isz > 8 { EwInput::Wide(bits) } else { EwInput::Scalar(bits as u64) };
    launch_elementwise(&dev, COPY_FAMILY, tag, &kernel, (buf, layout, isz), &[operand])
}

/// Copies the elements of view `src` into view `dst` (same device, same shape, `itemsize`-byte
/// elements): a `memcpy` when both are contiguous, else the `copy_u*` kernel. When the views
/// share memory and their byte ranges overlap, the copy is staged through a temporary so every
/// element is read before any is written.
pub(crate) fn copy(src: (&CudaBuffer, &Layout), dst: (&CudaBuffer, &Layout), itemsize: usize) -> Result<()> {
    const OP: &str = "copy";
    let dev = dst.0.device().clone();
    if src.1.shape() != dst.1.shape() {
        return Err(shape_mismatch(OP, src.1.shape(), dst.1.shape()));
    }
    let tag = tag_for_itemsize(OP, itemsize)?;
    let (s_base, s_lo, s_hi) = check_view(OP, &dev, src.0, src.1, itemsize)?;
    let (d_base, d_lo, d_hi) = check_view(OP, &dev, dst.0, dst.1, itemsize)?;
    let numel = dst.1.numel();
    if numel == 0 || (s_base == d_base && src.1.strides() == dst.1.strides()) {
        return Ok(());
    }
    if s_lo < d_hi && d_lo < s_hi {
        let tmp = dev.alloc(numel * itemsize)?;
        let tmp_layout = Layout::contiguous(src.1.shape());
        copy(src, (&tmp, &tmp_layout), itemsize)?;
        return copy((&tmp, &tmp_layout), dst, itemsize);
    }
    if collapse(dst.1.shape(), &[dst.1.strides(), src.1.strides()]).is_contiguous() {
        // SAFETY: both views are contiguous, inside their live buffers, and do not overlap.
        return Ok(unsafe { dev.api().copy_dtod(d_base, s_base, numel * itemsize, dev.current_stream()) }?);
    }
    let kernel = kernel_name("copy", &[tag.tag()]);
    launch_elementwise(
        &dev,
        COPY_FAMILY,
        tag,
        &kernel,
        (dst.0, dst.1, itemsize),
        &[EwInput::Array(src.0, src.1, itemsize)],
    )
}
