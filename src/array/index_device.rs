//! Integer index arrays resolved on the array's device: bounds checked and made non-negative by
//! device ops, and the gather/scatter table of element offsets computed there too, so that
//! `x[idx]`, `take`, `take_along_axis` and `put` never copy an index array to the host.
//!
//! What does reach the host: one flag per index array (whether any index is out of bounds),
//! which NumPy's `IndexError` needs; the offending value is read only when the flag is set.
//! The table's range, which the backends check against the buffer, is bounded from the axis
//! sizes instead of being read: every valid index lies in `0..size`.
//!
//! On the CPU device the host is the device: index arrays there are read directly
//! ([`resolve`] returns host indices), which is one pass instead of several elementwise ones.

use super::index::{out_of_bounds, Indices};
use super::Array;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::vocab::{BinaryOp, ReduceOp};
use crate::Device;

/// `a` (any integer dtype, any device) checked against an axis of `size` and made
/// non-negative, where the indexed array lives: host indices on the CPU device (read
/// directly), int64 on the device otherwise ([`normalize`]); the bounds error as there.
pub(crate) fn resolve(a: &Array, axis: usize, size: usize, device: &Device) -> Result<(Indices, Option<Error>)> {
    if *device == Device::Cpu && a.device() == Device::Cpu {
        let values: Vec<i128> = if a.dtype() == DType::U64 {
            a.to_vec::<u64>()?.into_iter().map(i128::from).collect()
        } else {
            a.astype(DType::I64)?.to_vec::<i64>()?.into_iter().map(i128::from).collect()
        };
        let dim = size as i128;
        if let Some(&bad) = values.iter().find(|v| !(-dim..dim).contains(*v)) {
            return Ok((Indices::Host(Vec::new()), Some(out_of_bounds(bad, axis, size))));
        }
        let idx = values.into_iter().map(|v| if v < 0 { (v + dim) as usize } else { v as usize }).collect();
        return Ok((Indices::Host(idx), None));
    }
    let (idx, error) = normalize(a, axis, size, device)?;
    Ok((Indices::Device(idx), error))
}

/// `a` (any integer dtype, any device) checked against an axis of `size` and made
/// non-negative, as int64 on `device`; the bounds error, if any index is out of bounds, is the
/// second result (NumPy raises it only for a non-empty selection, which the caller decides).
pub(crate) fn normalize(a: &Array, axis: usize, size: usize, device: &Device) -> Result<(Array, Option<Error>)> {
    let a = if a.device() == *device { a.clone() } else { a.to_device(device)? };
    let n = i64::try_from(size).map_err(|_| Error::invalid("index", "axis size beyond int64"))?;
    let (outside, normalized) = if a.dtype() == DType::U64 {
        // In-bounds values are below `size`, so the cast to int64 is exact for every one used.
        (Array::binary(BinaryOp::GreaterEqual, &a, size as u64)?, a.astype(DType::I64)?)
    } else {
        let a64 = if a.dtype() == DType::I64 { a.clone() } else { a.astype(DType::I64)? };
        let below = Array::binary(BinaryOp::Less, &a64, -n)?;
        let above = Array::binary(BinaryOp::GreaterEqual, &a64, n)?;
        let negative = Array::binary(BinaryOp::Less, &a64, 0i64)?;
        let wrapped = Array::binary(BinaryOp::Add, &a64, n)?;
        (Array::binary(BinaryOp::LogicalOr, &below, &above)?, Array::where_(&negative, &wrapped, &a64)?)
    };
    let error = if any(&outside)? { Some(first_out_of_bounds(&a, axis, size)?) } else { None };
    Ok((normalized, error))
}

/// Whether any element of the bool array `flags` is true: one value read from the device.
fn any(flags: &Array) -> Result<bool> {
    if flags.numel() == 0 {
        return Ok(false);
    }
    let v = flags.reduce(ReduceOp::Any, None, false)?.to_vec::<bool>()?;
    Ok(v.first().copied().unwrap_or(false))
}

/// NumPy's error for the first out-of-bounds value of `a` (read to the host: the error path).
fn first_out_of_bounds(a: &Array, axis: usize, size: usize) -> Result<Error> {
    let values: Vec<i128> = if a.dtype() == DType::U64 {
        a.to_vec::<u64>()?.into_iter().map(i128::from).collect()
    } else {
        a.astype(DType::I64)?.to_vec::<i64>()?.into_iter().map(i128::from).collect()
    };
    let dim = size as i128;
    let bad = values.into_iter().find(|v| !(-dim..dim).contains(v)).unwrap_or(dim);
    Ok(out_of_bounds(bad, axis, size))
}

/// One indexed axis of a gather table: its non-negative indices (of `shape`), the axis's
/// element stride and its size.
pub(crate) struct TablePart<'a> {
    pub(crate) idx: &'a Indices,
    pub(crate) shape: &'a [usize],
    pub(crate) stride: isize,
    pub(crate) size: usize,
}

/// The gather table on `device`: for each position of `bshape` (C order), the sum over `parts`
/// of `index × stride`, each part broadcast to `bshape`; a contiguous int64 array of
/// `bshape`'s element count, and a range holding every value (from the axis sizes).
/// `bshape` must be non-empty in elements (so every indexed axis has `size >= 1`).
pub(crate) fn table(bshape: &[usize], parts: &[TablePart<'_>], device: &Device) -> Result<(Array, (i64, i64))> {
    let count: usize = bshape.iter().product();
    let mut sum: Option<Array> = None;
    let (mut lo, mut hi) = (0i64, 0i64);
    for p in parts {
        let idx = match p.idx {
            Indices::Host(v) => {
                let v: Vec<i64> = v.iter().map(|&i| i as i64).collect();
                Array::from_slice(&v, p.shape, device)?
            }
            Indices::Device(a) => a.clone(),
        };
        let lead = bshape.len() - p.shape.len();
        let ranked: Vec<usize> = std::iter::repeat_n(1, lead).chain(p.shape.iter().copied()).collect();
        let term = Array::binary(BinaryOp::Multiply, &idx.reshape(&ranked)?, p.stride as i64)?;
        sum = Some(match sum {
            None => term,
            Some(s) => Array::binary(BinaryOp::Add, &s, &term)?,
        });
        let extreme = (p.size.saturating_sub(1) as i64).saturating_mul(p.stride as i64);
        lo += extreme.min(0);
        hi += extreme.max(0);
    }
    let table = match sum {
        Some(s) => s.broadcast_to(bshape)?.contiguous()?,
        None => Array::zeros(bshape, DType::I64, device)?,
    };
    Ok((table.reshape(&[count])?, (lo, hi)))
}

/// Element offsets, in a view of `shape` and `strides`, of the C-order flat positions `flat`
/// (checked, on the host).
pub(crate) fn host_flat_offsets(flat: &[usize], shape: &[usize], strides: &[isize]) -> Vec<i64> {
    let contiguous = crate::layout::c_strides(shape);
    flat.iter()
        .map(|&f| {
            let mut rest = f;
            let mut offset = 0i64;
            for (&c, &s) in contiguous.iter().zip(strides) {
                let c = c.max(1) as usize;
                offset += (rest / c) as i64 * s as i64;
                rest %= c;
            }
            offset
        })
        .collect()
}

/// Element offsets, in a view of `shape` and `strides`, of the C-order flat positions `flat`
/// (non-negative, checked, int64 on the view's device), and a range holding every offset.
pub(crate) fn flat_offsets(flat: &Array, shape: &[usize], strides: &[isize]) -> Result<(Array, (i64, i64))> {
    let contiguous = crate::layout::c_strides(shape);
    let (mut lo, mut hi) = (0i64, 0i64);
    for (&n, &s) in shape.iter().zip(strides) {
        let extreme = (n.saturating_sub(1) as i64).saturating_mul(s as i64);
        lo += extreme.min(0);
        hi += extreme.max(0);
    }
    if strides.iter().zip(&contiguous).all(|(&s, &c)| s == c) {
        return Ok((flat.clone(), (lo, hi)));
    }
    let mut rest = flat.clone();
    let mut offsets: Option<Array> = None;
    for (&c, &s) in contiguous.iter().zip(strides) {
        let c = c.max(1) as i64;
        let coordinate = Array::binary(BinaryOp::FloorDivide, &rest, c)?;
        let term = Array::binary(BinaryOp::Multiply, &coordinate, s as i64)?;
        offsets = Some(match offsets {
            None => term,
            Some(o) => Array::binary(BinaryOp::Add, &o, &term)?,
        });
        rest = Array::binary(BinaryOp::Remainder, &rest, c)?;
    }
    let offsets = match offsets {
        Some(o) => o,
        None => Array::zeros(flat.shape(), DType::I64, &flat.device())?,
    };
    Ok((offsets, (lo, hi)))
}
