//! Joining and splitting arrays: `concat`, `stack`, `split` and `unstack`.

use super::Array;
use crate::error::{Error, Result};
use crate::layout::{normalize_axis, AxisSlice};
use crate::ops::result_type;

impl Array {
    /// Joins arrays along an existing `axis` (`None`: the arrays flattened first), like the
    /// array API's `concat`. The result has the arrays' promoted dtype ([`result_type`]); all
    /// must be on one device and agree in shape except along `axis`.
    ///
    /// **Errors**: no arrays, 0-d arrays with an axis, shapes that differ off the axis
    /// ([`Error::InvalidArgument`]), [`Error::AxisOutOfRange`], [`Error::DeviceMismatch`].
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2, 2], DType::I32, &Device::Cpu)?;
    /// let b = Array::ones(&[1, 2], DType::F32, &Device::Cpu)?;
    /// let c = Array::concat(&[a, b], Some(0))?;
    /// assert_eq!((c.shape(), c.dtype()), (&[3usize, 2][..], DType::F64));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn concat(arrays: &[Array], axis: Option<isize>) -> Result<Array> {
        const OP: &str = "concat";
        let Some(first) = arrays.first() else {
            return Err(Error::invalid(OP, "need at least one array to concatenate"));
        };
        let (parts, axis) = match axis {
            None => (arrays.iter().map(|p| p.reshape(&[p.numel()])).collect::<Result<Vec<_>>>()?, 0),
            Some(_) if first.ndim() == 0 => {
                return Err(Error::invalid(OP, "zero-dimensional arrays cannot be concatenated"));
            }
            Some(a) => (arrays.to_vec(), normalize_axis(OP, a, first.ndim())?),
        };
        let device = parts[0].device();
        let dtype = parts.iter().map(Array::dtype).fold(parts[0].dtype(), result_type);
        let mut shape = parts[0].shape().to_vec();
        shape[axis] = 0;
        for p in &parts {
            let same = p.ndim() == shape.len() && (0..shape.len()).all(|i| i == axis || p.shape()[i] == shape[i]);
            if !same {
                return Err(Error::invalid(
                    OP,
                    format!(
                        "all arrays must have the same shape except along axis {axis}; got {:?} and {:?}",
                        parts[0].shape(),
                        p.shape()
                    ),
                ));
            }
            if p.device() != device {
                return Err(Error::DeviceMismatch { op: OP, lhs: device, rhs: p.device() });
            }
            shape[axis] += p.shape()[axis];
        }
        let out = Array::empty(&shape, dtype, &device)?;
        let mut start = 0isize;
        for p in &parts {
            let len = p.shape()[axis] as isize;
            let mut index = vec![AxisSlice::FULL; shape.len()];
            index[axis] = AxisSlice::range(start, start + len, 1);
            let src = if p.dtype() == dtype { p.clone() } else { p.astype(dtype)? };
            out.slice(&index)?.assign(&src)?;
            start += len;
        }
        Ok(out)
    }

    /// Joins arrays of one shape along a new `axis` (the array API's `stack`).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[3], DType::F32, &Device::Cpu)?;
    /// assert_eq!(Array::stack(&[a.clone(), a], -1)?.shape(), &[3, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn stack(arrays: &[Array], axis: isize) -> Result<Array> {
        const OP: &str = "stack";
        let Some(first) = arrays.first() else {
            return Err(Error::invalid(OP, "need at least one array to stack"));
        };
        if let Some(bad) = arrays.iter().find(|a| a.shape() != first.shape()) {
            return Err(Error::invalid(
                OP,
                format!("all input arrays must have the same shape; got {:?} and {:?}", first.shape(), bad.shape()),
            ));
        }
        let parts = arrays.iter().map(|a| a.expand_dims(axis)).collect::<Result<Vec<_>>>()?;
        Array::concat(&parts, Some(axis))
    }

    /// Views of consecutive pieces along `axis`, ending before each of `indices` (NumPy's
    /// `split` with a list of indices: `[2, 5]` gives `[:2]`, `[2:5]`, `[5:]`; indices past the
    /// end give empty pieces, decreasing ones empty pieces too).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::arange(0.0, 6.0, 1.0, DType::F32, &Device::Cpu)?;
    /// let parts = x.split(&[2, 5], 0)?;
    /// assert_eq!(parts.iter().map(|p| p.shape()[0]).collect::<Vec<_>>(), vec![2, 3, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn split(&self, indices: &[usize], axis: isize) -> Result<Vec<Array>> {
        let axis = normalize_axis("split", axis, self.ndim())?;
        let len = self.shape()[axis];
        let bounds: Vec<usize> = std::iter::once(0).chain(indices.iter().map(|&i| i.min(len))).chain([len]).collect();
        bounds
            .windows(2)
            .map(|w| {
                let mut index = vec![AxisSlice::FULL; self.ndim()];
                index[axis] = AxisSlice::range(w[0] as isize, w[1].max(w[0]) as isize, 1);
                self.slice(&index)
            })
            .collect()
    }

    /// Views of `sections` equal pieces along `axis` (NumPy's `split` with an int).
    ///
    /// **Errors** when the axis' length is not a multiple of `sections` (or `sections` is 0).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::zeros(&[2, 6], DType::F32, &Device::Cpu)?;
    /// assert_eq!(x.split_equal(3, 1)?[0].shape(), &[2, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn split_equal(&self, sections: usize, axis: isize) -> Result<Vec<Array>> {
        let ax = normalize_axis("split", axis, self.ndim())?;
        let len = self.shape()[ax];
        if sections == 0 || len % sections != 0 {
            return Err(Error::invalid(
                "split",
                format!("array split does not result in an equal division: {len} into {sections}"),
            ));
        }
        let step = len / sections;
        let indices: Vec<usize> = (1..sections).map(|k| k * step).collect();
        self.split(&indices, axis)
    }

    /// The views of this array along `axis`, each without that axis (the array API's
    /// `unstack`).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::zeros(&[2, 3], DType::F32, &Device::Cpu)?;
    /// assert_eq!(x.unstack(1)?.len(), 3);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn unstack(&self, axis: isize) -> Result<Vec<Array>> {
        let axis = normalize_axis("unstack", axis, self.ndim())?;
        (0..self.shape()[axis])
            .map(|i| {
                let mut index = vec![AxisSlice::FULL; axis + 1];
                index[axis] = AxisSlice::Index(i as isize);
                self.slice(&index)
            })
            .collect()
    }
}
