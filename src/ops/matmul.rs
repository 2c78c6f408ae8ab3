//! Matrix products: [`Array::matmul`] and the products built on it ([`Array::tensordot`],
//! [`Array::vecdot`], [`Array::outer`]).
//!
//! The op layer resolves everything NumPy's `matmul` decides (1-D promotion, batch
//! broadcasting, the result dtype) and hands the backends one primitive, a batched product of
//! 3-D strided views (`Backend::matmul`). Batch dimensions that cannot merge into one strided
//! dimension (say `(4, 1) × (1, 5)` batches) become a host loop over 3-D views: no operand is
//! copied to make it fit.

use super::result_type;
use crate::error::{Error, Result};
use crate::layout::{broadcast_shapes, normalize_axes_in_order, normalize_axis, Dims, Layout};
use crate::Array;

/// One batch dimension after merging: its extent and the element strides of `a`, `b` and the
/// output along it.
type BatchDim = (usize, [isize; 3]);

impl Array {
    /// The matrix product `self @ other`, NumPy's `matmul` (the Array API's `matmul`).
    ///
    /// - 2-D operands multiply as matrices: `(m, k) @ (k, n) -> (m, n)`.
    /// - Operands with more dimensions are stacks of matrices in the last two axes; the
    ///   leading (batch) axes broadcast: `(8, 1, m, k) @ (3, k, n) -> (8, 3, m, n)`.
    /// - A 1-D first operand is a row vector and a 1-D second operand a column vector; the
    ///   added axis is removed from the result, so `(k,) @ (k,)` is a 0-d array.
    ///
    /// The result has the operands' promoted dtype ([`result_type`]). Integer products wrap
    /// as NumPy's do; `bool` gives the logical or of ands; float16 and bfloat16 accumulate in
    /// float32 and round once (as PyTorch and cuBLAS do).
    ///
    /// **Errors:** [`Error::InvalidArgument`] for a 0-d operand, [`Error::ShapeMismatch`] naming
    /// both shapes when the contracted axes differ or the batch axes do not broadcast,
    /// [`Error::DeviceMismatch`] for operands on different devices.
    ///
    /// **For NumPy users:** `np.matmul`'s `out`, `casting` and `axes` options are not offered;
    /// [`Array::tensordot`] covers general contractions.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let a = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3], &Device::Cpu)?;
    /// let g = a.matmul(&a.transpose())?; // the 2×2 Gram matrix
    /// assert_eq!(g.to_vec::<f32>()?, vec![14.0, 32.0, 32.0, 77.0]);
    /// let v = Array::from_slice(&[1.0f32, 1.0, 1.0], &[3], &Device::Cpu)?;
    /// assert_eq!(a.matmul(&v)?.to_vec::<f32>()?, vec![6.0, 15.0]); // row sums, shape (2,)
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn matmul(&self, other: &Array) -> Result<Array> {
        const OP: &str = "matmul";
        self.check_same_device(OP, other)?;
        if self.ndim() == 0 || other.ndim() == 0 {
            return Err(Error::invalid(OP, "0-d operands have no matrix axes; use multiply for scalars"));
        }
        let dtype = result_type(self.dtype(), other.dtype());
        // 1-D promotion: (k,) is a (1, k) row on the left and a (k, 1) column on the right.
        let a = if self.ndim() == 1 { self.expand_dims(0)? } else { self.clone() };
        let b = if other.ndim() == 1 { other.expand_dims(-1)? } else { other.clone() };
        let (sa, sb) = (a.shape(), b.shape());
        let (m, k, n) = (sa[sa.len() - 2], sa[sa.len() - 1], sb[sb.len() - 1]);
        if sb[sb.len() - 2] != k {
            return Err(Error::ShapeMismatch {
                op: OP,
                lhs: self.shape().to_vec(),
                rhs: other.shape().to_vec(),
                hint: format!(
                    "; the first operand's last axis ({k}) must equal the second's {}",
                    contracted_name(other)
                ),
            });
        }
        let batch = broadcast_shapes(&sa[..sa.len() - 2], &sb[..sb.len() - 2]).map_err(|_| Error::ShapeMismatch {
            op: OP,
            lhs: self.shape().to_vec(),
            rhs: other.shape().to_vec(),
            hint: "; the batch axes (all but the last two) must broadcast".into(),
        })?;
        let full = |rows: usize, cols: usize| [batch.as_slice(), &[rows, cols]].concat();
        let a = a.cast_to(dtype)?.broadcast_to(&full(m, k))?;
        let b = b.cast_to(dtype)?.broadcast_to(&full(k, n))?;
        let out = if k == 0 {
            Array::zeros(&full(m, n), dtype, &self.device())?
        } else {
            Array::empty(&full(m, n), dtype, &self.device())?
        };
        if k > 0 && out.numel() > 0 {
            run_batched(&a, &b, &out)?;
        }
        // Remove the axes the 1-D promotion added.
        let mut shape = batch;
        shape.extend(self.ndim().ge(&2).then_some(m));
        shape.extend(other.ndim().ge(&2).then_some(n));
        out.reshape(&shape)
    }

    /// Contracts `axes.0` of `self` with `axes.1` of `other` (pairwise, same lengths), NumPy's
    /// `tensordot` with a pair of axis lists: the result's axes are `self`'s free axes, then
    /// `other`'s, in order. [`Array::tensordot_n`] is the integer form.
    ///
    /// **Errors:** [`Error::InvalidArgument`] when the axis lists differ in length or repeat
    /// an axis, [`Error::AxisOutOfRange`], [`Error::ShapeMismatch`] when paired axes differ in
    /// length, and [`Array::matmul`]'s errors.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::ones(&[2, 3, 4], DType::F64, &Device::Cpu)?;
    /// let b = Array::ones(&[4, 3, 5], DType::F64, &Device::Cpu)?;
    /// let c = a.tensordot(&b, (&[1, 2], &[1, 0]))?;
    /// assert_eq!(c.shape(), &[2, 5]);
    /// assert_eq!(c.to_vec::<f64>()?[0], 12.0);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn tensordot(&self, other: &Array, axes: (&[isize], &[isize])) -> Result<Array> {
        const OP: &str = "tensordot";
        if axes.0.len() != axes.1.len() {
            return Err(Error::invalid(
                OP,
                format!("{} axes of the first operand paired with {}", axes.0.len(), axes.1.len()),
            ));
        }
        let ca = normalize_axes_in_order(OP, axes.0, self.ndim())?;
        let cb = normalize_axes_in_order(OP, axes.1, other.ndim())?;
        for (&i, &j) in ca.iter().zip(&cb) {
            if self.shape()[i] != other.shape()[j] {
                return Err(Error::ShapeMismatch {
                    op: OP,
                    lhs: self.shape().to_vec(),
                    rhs: other.shape().to_vec(),
                    hint: format!("; axis {i} ({}) is paired with axis {j} ({})", self.shape()[i], other.shape()[j]),
                });
            }
        }
        let free_a: Vec<usize> = (0..self.ndim()).filter(|d| !ca.contains(d)).collect();
        let free_b: Vec<usize> = (0..other.ndim()).filter(|d| !cb.contains(d)).collect();
        let len = |x: &Array, dims: &[usize]| dims.iter().map(|&d| x.shape()[d]).product::<usize>();
        let k = len(self, &ca);
        // As matrices: a -> (free_a, contracted), b -> (contracted, free_b); `reshape` copies
        // only when the permuted view cannot be viewed that way.
        let a = self.permute_dims(&as_isize(&[free_a.as_slice(), &ca].concat()))?.reshape(&[len(self, &free_a), k])?;
        let b =
            other.permute_dims(&as_isize(&[cb.as_slice(), &free_b].concat()))?.reshape(&[k, len(other, &free_b)])?;
        let shape: Vec<usize> =
            free_a.iter().map(|&d| self.shape()[d]).chain(free_b.iter().map(|&d| other.shape()[d])).collect();
        a.matmul(&b)?.reshape(&shape)
    }

    /// NumPy's `tensordot(a, b, axes=n)`: contracts the last `n` axes of `self` with the
    /// first `n` of `other`, in order.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::ones(&[2, 3], DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.tensordot_n(&a, 0)?.shape(), &[2, 3, 2, 3]); // outer product
    /// assert_eq!(a.tensordot_n(&a, 2)?.to_vec::<f32>()?, vec![6.0]); // full contraction
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn tensordot_n(&self, other: &Array, n: usize) -> Result<Array> {
        if n > self.ndim() || n > other.ndim() {
            return Err(Error::invalid(
                "tensordot",
                format!("cannot contract {n} axes of arrays with {} and {} dimensions", self.ndim(), other.ndim()),
            ));
        }
        let a: Vec<isize> = (self.ndim() - n..self.ndim()).map(|d| d as isize).collect();
        let b: Vec<isize> = (0..n).map(|d| d as isize).collect();
        self.tensordot(other, (&a, &b))
    }

    /// The dot product of vectors along `axis` (default the last in the Array API), the other
    /// axes broadcasting: `sum(conj(self) * other, axis)` (the conjugate matters only for
    /// complex dtypes: `x.vecdot(&x, -1)` is then the real `|x|²`).
    ///
    /// **Errors:** [`Error::ShapeMismatch`] when the axis lengths differ or the other axes do
    /// not broadcast, [`Error::AxisOutOfRange`].
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3], &Device::Cpu)?;
    /// let y = Array::from_slice(&[1.0f64, 0.0, -1.0], &[3], &Device::Cpu)?;
    /// assert_eq!(x.vecdot(&y, -1)?.to_vec::<f64>()?, vec![-2.0, -2.0]);
    /// let z = Array::from_slice(&[devarray::num_complex::Complex64::new(3.0, 4.0)], &[1], &Device::Cpu)?;
    /// assert_eq!(z.vecdot(&z, 0)?.item::<devarray::num_complex::Complex64>()?.re, 25.0);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn vecdot(&self, other: &Array, axis: isize) -> Result<Array> {
        const OP: &str = "vecdot";
        self.check_same_device(OP, other)?;
        let ndim = self.ndim().max(other.ndim());
        let shape = broadcast_shapes(self.shape(), other.shape()).map_err(|_| Error::ShapeMismatch {
            op: OP,
            lhs: self.shape().to_vec(),
            rhs: other.shape().to_vec(),
            hint: "; the shapes must broadcast".into(),
        })?;
        let ax = normalize_axis(OP, axis, ndim)?;
        // The contracted axis must match without broadcasting (the Array API's rule).
        let len_of = |x: &Array| x.shape().get((ax + x.ndim()).checked_sub(ndim)?).copied();
        if len_of(self) != len_of(other) {
            return Err(Error::ShapeMismatch {
                op: OP,
                lhs: self.shape().to_vec(),
                rhs: other.shape().to_vec(),
                hint: format!("; axis {axis} must have the same length in both"),
            });
        }
        // Move the axis last and multiply as stacks of (1, k) @ (k, 1).
        let last = |x: &Array| -> Result<Array> {
            let x = x.broadcast_to(&shape)?;
            let mut order: Vec<usize> = (0..ndim).filter(|&d| d != ax).collect();
            order.push(ax);
            x.permute_dims(&as_isize(&order))
        };
        // The Array API's vecdot conjugates the first operand (sum of conj(x1) * x2).
        let first = if self.dtype().is_complex() { self.conj()? } else { self.clone() };
        let (a, b) = (last(&first)?, last(other)?);
        let out = a.expand_dims(-2)?.matmul(&b.expand_dims(-1)?)?;
        out.squeeze(Some(&[-2, -1]))
    }

    /// The outer product of two 1-D arrays: `out[i, j] = self[i] * other[j]`, NumPy's `outer`
    /// (which flattens N-D inputs first; so does this).
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1i32, 2], &[2], &Device::Cpu)?;
    /// let y = Array::from_slice(&[10i32, 20, 30], &[3], &Device::Cpu)?;
    /// assert_eq!(x.outer(&y)?.to_vec::<i32>()?, vec![10, 20, 30, 20, 40, 60]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn outer(&self, other: &Array) -> Result<Array> {
        let a = self.reshape(&[self.numel(), 1])?;
        let b = other.reshape(&[1, other.numel()])?;
        a.multiply(&b)
    }
}

/// Axis numbers as `permute_dims` takes them.
fn as_isize(axes: &[usize]) -> Vec<isize> {
    axes.iter().map(|&d| d as isize).collect()
}

/// How [`Array::matmul`]'s error names the second operand's contracted axis.
fn contracted_name(other: &Array) -> String {
    match other.ndim() {
        1 => format!("length ({})", other.shape()[0]),
        d => format!("second-to-last axis ({})", other.shape()[d - 2]),
    }
}

/// Calls the backend's batched product over `out`'s batch axes: merged into one strided batch
/// dimension where the three operands allow, the rest looped over here.
fn run_batched(a: &Array, b: &Array, out: &Array) -> Result<()> {
    let nb = out.ndim() - 2;
    let dims = merged_batch_dims(a.layout(), b.layout(), out.layout(), nb);
    let (outer, inner): (&[BatchDim], BatchDim) = match dims.split_last() {
        Some((last, rest)) => (rest, *last),
        None => (&[], (1, [0; 3])),
    };
    let count: usize = outer.iter().map(|d| d.0).product();
    for index in 0..count {
        let offsets = unravel_offsets(outer, index);
        let view = |x: &Array, which: usize| -> Layout {
            let l = x.layout();
            let (s, st) = (l.shape(), l.strides());
            let offset = (l.offset() as isize + offsets[which]) as usize;
            Layout::from_parts(
                Dims::from_slice(&[inner.0, s[nb], s[nb + 1]]),
                Dims::from_slice(&[inner.1[which], st[nb], st[nb + 1]]),
                offset,
            )
        };
        let (la, lb, lo) = (view(a, 0), view(b, 1), view(out, 2));
        out.storage().matmul(&lo, a.dtype(), (a.storage(), &la), (b.storage(), &lb))?;
    }
    Ok(())
}

/// The batch axes (the first `nb`) of three layouts of one batch shape, extent-1 axes
/// dropped and neighbours merged wherever every operand steps uniformly across both.
fn merged_batch_dims(a: &Layout, b: &Layout, out: &Layout, nb: usize) -> Vec<BatchDim> {
    let mut dims: Vec<BatchDim> = Vec::new();
    for d in 0..nb {
        let n = out.shape()[d];
        if n == 1 {
            continue;
        }
        let s = [a.strides()[d], b.strides()[d], out.strides()[d]];
        if let Some((pn, ps)) = dims.last_mut() {
            if (0..3).all(|i| ps[i] == s[i] * n as isize) {
                *pn *= n;
                *ps = s;
                continue;
            }
        }
        dims.push((n, s));
    }
    dims
}

/// Element offsets of batch position `index` (C order) over `dims`, per operand.
fn unravel_offsets(dims: &[BatchDim], mut index: usize) -> [isize; 3] {
    let mut off = [0isize; 3];
    for &(n, s) in dims.iter().rev() {
        let i = (index % n) as isize;
        index /= n;
        for (o, s) in off.iter_mut().zip(s) {
            *o += i * s;
        }
    }
    off
}
