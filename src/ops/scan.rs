//! Scans: [`Array::scan`], `cumulative_sum`, `cumulative_prod` (Array API 2024.12) and NumPy's
//! `cumsum`/`cumprod`.
//!
//! Every scan runs over a contiguous input viewed as `outer × r × inner` (the scanned axis in
//! the middle), like the reductions; a non-contiguous input is copied once. The backends scan in
//! the result dtype: the input is converted first, and float16/bfloat16 are scanned in float32
//! and rounded once per element.

use super::dispatch::ReduceDims;
use super::{ReduceOp, ScanOp};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::normalize_axis;
use crate::{Array, AxisSlice};

impl ScanOp {
    /// The default result dtype for an input of `dtype`: signed integers and `bool` give
    /// `int64`, unsigned integers `uint64`, floats keep their dtype (the Array API's and NumPy's
    /// rule, the same as for `sum`).
    fn default_dtype(dtype: DType) -> DType {
        ReduceOp::Sum.out_dtype(dtype)
    }

    /// The value an `include_initial` result starts with.
    fn initial(self) -> i32 {
        match self {
            ScanOp::Sum => 0,
            ScanOp::Prod => 1,
        }
    }
}

impl Array {
    /// The inclusive scan `op` along `axis` (Array API `cumulative_sum`/`cumulative_prod`).
    ///
    /// - `axis`: may be `None` only for arrays of at most one dimension (a 0-d array scans as
    ///   shape `[1]`); negative counts from the end.
    /// - `dtype`: the result dtype (the input is converted to it first; integers then wrap in
    ///   it); `None` picks `int64` for signed integers and `bool`, `uint64` for unsigned ones,
    ///   and keeps floats. float16/bfloat16 accumulate in float32 and round once per element.
    /// - `include_initial`: the result starts with the op's identity (0 or 1) along `axis`, which
    ///   is then one longer.
    ///
    /// Float sums add in NumPy's sequential order within pieces of a row and chain the pieces'
    /// totals, so their error stays within NumPy's bound; results are deterministic (the split
    /// depends on the shape only). `-0.0` stays `-0.0`.
    ///
    /// **Errors:** [`Error::InvalidArgument`] when `axis` is `None` for more than one dimension,
    /// [`Error::AxisOutOfRange`].
    ///
    /// **For NumPy users:** NumPy's `cumsum(axis=None)` flattens first; that is
    /// [`Array::cumsum`]. A `dtype` of `bool` scans with logical or (sum) and and (prod), as
    /// NumPy does.
    ///
    /// ```
    /// use devarray::{Array, DType, Device, ScanOp};
    /// let x = Array::from_slice(&[1i8, 2, 3, 4, 5, 6], &[2, 3], &Device::Cpu)?;
    /// let s = x.scan(ScanOp::Sum, Some(1), None, false)?;
    /// assert_eq!(s.dtype(), DType::I64);
    /// assert_eq!(s.to_vec::<i64>()?, vec![1, 3, 6, 4, 9, 15]);
    /// let p = x.scan(ScanOp::Prod, Some(0), Some(DType::I8), true)?;
    /// assert_eq!(p.shape(), &[3, 3]);
    /// assert_eq!(p.to_vec::<i8>()?, vec![1, 1, 1, 1, 2, 3, 4, 10, 18]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn scan(&self, op: ScanOp, axis: Option<isize>, dtype: Option<DType>, include_initial: bool) -> Result<Array> {
        let x = if self.ndim() == 0 { self.reshape_view(&[1])? } else { self.clone() };
        let axis = match axis {
            Some(a) => normalize_axis(op.name(), a, x.ndim())?,
            None if x.ndim() == 1 => 0,
            None => {
                return Err(Error::invalid(
                    op.name(),
                    format!("axis is required for an array of {} dimensions; pass the axis to scan", x.ndim()),
                ))
            }
        };
        let out_dtype = dtype.unwrap_or_else(|| ScanOp::default_dtype(x.dtype()));
        let compute = if matches!(out_dtype, DType::F16 | DType::BF16) { DType::F32 } else { out_dtype };
        let scanned = x.cast_to(compute)?.scan_axis(op, axis)?.cast_to(out_dtype)?;
        if !include_initial {
            return Ok(scanned);
        }
        let mut shape = scanned.shape().to_vec();
        shape[axis] += 1;
        let out = Array::full(&shape, op.initial(), out_dtype, &self.device())?;
        let mut index = vec![AxisSlice::range(0, None, 1); axis];
        index.push(AxisSlice::range(1, None, 1));
        out.slice(&index)?.assign(&scanned)?;
        Ok(out)
    }

    /// Scans along `axis` in `self`'s dtype (a fresh contiguous result).
    fn scan_axis(&self, op: ScanOp, axis: usize) -> Result<Array> {
        let out = Array::empty(self.shape(), self.dtype(), &self.device())?;
        if self.numel() == 0 {
            return Ok(out);
        }
        let input = self.contiguous()?;
        let shape = self.shape();
        let dims = ReduceDims {
            outer: shape[..axis].iter().product(),
            r: shape[axis],
            inner: shape[axis + 1..].iter().product(),
        };
        let src = (input.storage().as_ref(), input.layout());
        out.storage().scan(out.layout(), op, self.dtype(), src, dims)?;
        Ok(out)
    }

    /// Cumulative sum along `axis` (Array API `cumulative_sum`); see [`Array::scan`].
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1.5f32, 2.0, -0.5], &[3], &Device::Cpu)?;
    /// assert_eq!(x.cumulative_sum(None, None, false)?.to_vec::<f32>()?, vec![1.5, 3.5, 3.0]);
    /// assert_eq!(x.cumulative_sum(None, None, true)?.to_vec::<f32>()?, vec![0.0, 1.5, 3.5, 3.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn cumulative_sum(&self, axis: Option<isize>, dtype: Option<DType>, include_initial: bool) -> Result<Array> {
        self.scan(ScanOp::Sum, axis, dtype, include_initial)
    }

    /// Cumulative product along `axis` (Array API `cumulative_prod`); see [`Array::scan`].
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[2u8, 3, 4], &[3], &Device::Cpu)?;
    /// assert_eq!(x.cumulative_prod(Some(0), None, false)?.to_vec::<u64>()?, vec![2, 6, 24]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn cumulative_prod(&self, axis: Option<isize>, dtype: Option<DType>, include_initial: bool) -> Result<Array> {
        self.scan(ScanOp::Prod, axis, dtype, include_initial)
    }

    /// NumPy's `cumsum`: along `axis`, or over the flattened array (C order) when `None`.
    ///
    /// **For NumPy users:** as `np.cumsum(x, axis, dtype)`.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1i32, 2, 3, 4], &[2, 2], &Device::Cpu)?;
    /// assert_eq!(x.cumsum(None, None)?.to_vec::<i64>()?, vec![1, 3, 6, 10]);
    /// assert_eq!(x.cumsum(Some(0), None)?.to_vec::<i64>()?, vec![1, 2, 4, 6]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn cumsum(&self, axis: Option<isize>, dtype: Option<DType>) -> Result<Array> {
        self.numpy_scan(ScanOp::Sum, axis, dtype)
    }

    /// NumPy's `cumprod`: along `axis`, or over the flattened array (C order) when `None`.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1.0f64, 2.0, 3.0, 4.0], &[2, 2], &Device::Cpu)?;
    /// assert_eq!(x.cumprod(None, None)?.to_vec::<f64>()?, vec![1.0, 2.0, 6.0, 24.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn cumprod(&self, axis: Option<isize>, dtype: Option<DType>) -> Result<Array> {
        self.numpy_scan(ScanOp::Prod, axis, dtype)
    }

    fn numpy_scan(&self, op: ScanOp, axis: Option<isize>, dtype: Option<DType>) -> Result<Array> {
        match axis {
            Some(a) => self.scan(op, Some(a), dtype, false), // 0-d: scans as shape [1], like NumPy
            None => self.reshape(&[self.numel()])?.scan(op, Some(0), dtype, false),
        }
    }
}
