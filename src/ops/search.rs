//! Searching built on the scan: [`Array::flatnonzero`], [`Array::nonzero`],
//! [`Array::argwhere`] and [`Array::count_nonzero`].
//!
//! The positions of the non-zero elements are found on the array's device: a running count of
//! the mask (an int64 cumulative sum), then a scatter of every position to its slot (its running
//! count; positions of zeros go to one spare slot past the end). The result's length is the
//! last running count, which is the one value read back to the host: an explicit, documented
//! synchronisation point (as in CuPy), 8 bytes, stream-ordered after the scan. Nothing else
//! leaves the device.
//!
//! The CPU backend does the same in one fused parallel step (`src/cpu/compact.rs`: a count per
//! piece of the mask, then each piece writes its positions), after one reduction for the count.
//!
//! Boolean-mask selection `x[mask]` of the leading axes ([`mask_select`], used by
//! [`Array::index`]) takes the same path, then gathers the selected rows: no host round trip of
//! the mask.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::{c_strides, Layout};
use crate::storage::Storage;
use crate::{Array, AxisSlice};

impl Array {
    /// The flat (C-order) indices of the non-zero elements, as a 1-D `int64` array (NumPy's
    /// `flatnonzero`). NaN counts as non-zero, `-0.0` as zero.
    ///
    /// **Synchronises:** the number of non-zero elements is read back to the host (8 bytes)
    /// before the result can be allocated; the positions themselves stay on the device.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[0.0f32, 2.0, 0.0, -1.0, f32::NAN], &[5], &Device::Cpu)?;
    /// assert_eq!(x.flatnonzero()?.to_vec::<i64>()?, vec![1, 3, 4]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn flatnonzero(&self) -> Result<Array> {
        let n = self.numel();
        let mask = self.not_equal(0)?.reshape(&[n])?;
        compact_positions(&mask)
    }

    /// The indices of the non-zero elements, one `int64` array per axis (NumPy's and the Array
    /// API's `nonzero`), in C order. Synchronises as [`Array::flatnonzero`] does.
    ///
    /// **Errors** with [`Error::InvalidArgument`] for a 0-d array (as NumPy 2 and the Array
    /// API: use [`Array::argwhere`] or reshape to 1-D).
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[0i32, 5, 7, 0], &[2, 2], &Device::Cpu)?;
    /// let [rows, cols] = <[Array; 2]>::try_from(x.nonzero()?).unwrap();
    /// assert_eq!(rows.to_vec::<i64>()?, vec![0, 1]);
    /// assert_eq!(cols.to_vec::<i64>()?, vec![1, 0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn nonzero(&self) -> Result<Vec<Array>> {
        if self.ndim() == 0 {
            return Err(Error::invalid(
                "nonzero",
                "a 0-d array has no axes to index; reshape it to 1-D (x.reshape(&[1])) or use argwhere",
            ));
        }
        let flat = self.flatnonzero()?;
        let strides = c_strides(self.shape());
        let last = self.ndim() - 1;
        (0..self.ndim())
            .map(|d| {
                let stride = strides[d].max(1) as i64;
                let q = if d == last { flat.clone() } else { flat.floor_divide(stride)? };
                if d == 0 {
                    Ok(q)
                } else {
                    q.remainder(self.shape()[d] as i64)
                }
            })
            .collect()
    }

    /// The indices of the non-zero elements as one `int64` array of shape `(count, ndim)`
    /// (NumPy's `argwhere`; a 0-d array gives shape `(count, 0)`). Synchronises as
    /// [`Array::flatnonzero`] does.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[0u8, 5, 7, 0], &[2, 2], &Device::Cpu)?;
    /// let w = x.argwhere()?;
    /// assert_eq!(w.shape(), &[2, 2]);
    /// assert_eq!(w.to_vec::<i64>()?, vec![0, 1, 1, 0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn argwhere(&self) -> Result<Array> {
        if self.ndim() == 0 {
            let count = self.flatnonzero()?.numel();
            return Array::empty(&[count, 0], DType::I64, &self.device());
        }
        let coords = self.nonzero()?;
        Array::stack(&coords, 1)
    }

    /// The number of non-zero elements over `axes` (all when `None`), as `int64`; no host read.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[0.0f64, 1.0, -0.0, 3.0], &[2, 2], &Device::Cpu)?;
    /// assert_eq!(x.count_nonzero(None, false)?.to_vec::<i64>()?, vec![2]);
    /// assert_eq!(x.count_nonzero(Some(&[0]), false)?.to_vec::<i64>()?, vec![0, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn count_nonzero(&self, axes: Option<&[isize]>, keepdims: bool) -> Result<Array> {
        self.not_equal(0)?.sum(axes, keepdims)
    }
}

/// The positions of the `true` elements of a contiguous 1-D `bool` mask, as a 1-D `int64` array
/// on the mask's device (see the module doc).
pub(crate) fn compact_positions(mask: &Array) -> Result<Array> {
    let (n, device) = (mask.numel(), mask.device());
    if n == 0 {
        return Array::empty(&[0], DType::I64, &device);
    }
    if matches!(device, crate::Device::Cpu) {
        // The CPU compacts in one fused parallel step; the count is one reduction of the mask.
        let mask = mask.contiguous()?;
        let count = mask.sum_as(None, false, DType::I64)?.item::<i64>()?;
        let count = usize::try_from(count).map_err(|_| Error::invalid("nonzero", format!("negative count {count}")))?;
        let out = Array::empty(&[count], DType::I64, &device)?;
        if Storage::compact_positions((mask.storage(), mask.layout()), (out.storage(), out.layout()))? {
            return Ok(out);
        }
    }
    let counts = mask.cumulative_sum(Some(0), Some(DType::I64), false)?;
    // The one host read: the number of selected elements.
    let total = counts.slice(&[AxisSlice::Index(-1)])?.item::<i64>()?;
    let count = usize::try_from(total).map_err(|_| Error::invalid("nonzero", format!("negative count {total}")))?;
    // Slot 0 is unused (the running counts start at 1) and one spare slot past the end
    // receives the positions of the zeros: the counts index the slots directly.
    let out = Array::empty(&[count + 2], DType::I64, &device)?;
    if count > 0 {
        let spare = total + 1;
        let table = Array::where_(mask, &counts, spare)?;
        let positions = Array::arange(0.0, n as f64, 1.0, DType::I64, &device)?;
        let dst = Layout::from_parts(vec![n], vec![0], out.layout().offset());
        // SAFETY: every table value is a running count (1 to `total`) or `total + 1`, so it
        // lies in `[0, total + 1]`, and `out` holds `total + 2` elements from its base;
        // `positions` and `table` are other, fresh buffers.
        unsafe {
            Storage::scatter(
                (positions.storage(), positions.layout()),
                (table.storage(), table.layout()),
                (0, spare),
                (out.storage(), &dst),
                DType::I64.itemsize(),
            )?;
        }
    }
    out.slice(&[AxisSlice::range(1, (total + 1) as isize, 1)])
}

/// `x[mask]` for a `bool` mask covering `x`'s leading axes on `x`'s device: the positions of the
/// true values (as [`compact_positions`]), then one gather of the selected rows. `None` when the
/// key is anything else (the general indexing path then handles it, errors included).
pub(crate) fn mask_select(x: &Array, mask: &Array) -> Result<Option<Array>> {
    let k = mask.ndim();
    let fits = mask.dtype() == DType::Bool && k > 0 && k <= x.ndim() && mask.shape() == &x.shape()[..k];
    if !fits || mask.device() != x.device() {
        return Ok(None);
    }
    let m = mask.numel();
    let rest = &x.shape()[k..];
    let r: usize = rest.iter().product();
    let positions = compact_positions(&mask.reshape(&[m])?)?;
    let count = positions.numel();
    let mut shape = vec![count];
    shape.extend_from_slice(rest);
    let out = Array::empty(&shape, x.dtype(), &x.device())?;
    if count == 0 || r == 0 {
        return Ok(Some(out));
    }
    let src = x.contiguous()?;
    let table = positions.multiply(r as i64)?;
    let mut src_strides = vec![0isize];
    src_strides.extend_from_slice(&c_strides(rest));
    let mut table_strides = vec![table.strides()[0]];
    table_strides.resize(shape.len(), 0);
    let src_view = Layout::from_parts(shape.clone(), src_strides, src.layout().offset());
    let table_view = Layout::from_parts(shape, table_strides, table.layout().offset());
    let reach = (0, ((m - 1) * r) as i64);
    // SAFETY: every table value is a selected row's position `p < m` times the row length `r`,
    // so it lies in `reach`, and `src` (C-contiguous, `m * r` elements from its offset) shifted
    // by it plus any offset within a row stays inside `src`'s buffer; `out` is a new buffer.
    unsafe {
        Storage::gather(
            (src.storage(), &src_view),
            (table.storage(), &table_view),
            reach,
            (out.storage(), out.layout()),
            x.dtype().itemsize(),
        )?;
    }
    Ok(Some(out))
}
