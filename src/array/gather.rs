//! Gather and scatter on arrays: NumPy indexing with index arrays ([`Array::index`],
//! [`Array::index_assign`], [`Selection`]), `take`, `take_along_axis` and `put`. Each is one
//! pass over the selected elements (`Storage::gather`/`Storage::scatter`) through a table of
//! element offsets from bounds-checked indices: computed on the array's device for index
//! arrays (`index_device`), on the host for ints and boolean masks.

use super::index::{Gather, IndexItem, Indices, Item, Key, Table};
use super::Array;
use crate::error::{Error, Result};
use crate::layout::{c_strides, normalize_axis, AxisSlice, Layout};
use crate::storage::Storage;
use std::sync::Arc;

/// An index key resolved against one array: `x[key]` is [`Selection::get`], `x[key] = v` is
/// [`Selection::assign`]. Every error of the key (bounds included) is reported when the
/// selection is made, before any value is looked at.
pub struct Selection {
    x: Array,
    kind: Kind,
}

enum Kind {
    /// A basic key: a view.
    View(Array),
    /// An advanced key.
    Gather(Gather),
}

/// The table's layout over `shape` = `bshape ++ block`: contiguous over the broadcast axes,
/// zero strides over the block.
fn table_layout(bshape: &[usize], block_ndim: usize) -> Layout {
    let strides: Vec<isize> = c_strides(bshape).iter().copied().chain(std::iter::repeat_n(0, block_ndim)).collect();
    let shape: Vec<usize> = bshape.iter().copied().chain(std::iter::repeat_n(1, block_ndim)).collect();
    Layout::from_parts(shape, strides, 0)
}

/// `layout` with `nb` leading zero-stride axes of `bshape` (the block view walked per
/// selected position).
fn block_layout(bshape: &[usize], block: &Layout) -> Layout {
    let shape: Vec<usize> = bshape.iter().chain(block.shape()).copied().collect();
    let strides: Vec<isize> = std::iter::repeat_n(0, bshape.len()).chain(block.strides().iter().copied()).collect();
    Layout::from_parts(shape, strides, block.offset())
}

/// The range of the table's values (`(0, 0)` when empty).
fn reach(table: &[i64]) -> (i64, i64) {
    match table.first() {
        None => (0, 0),
        Some(&t) => table.iter().fold((t, t), |(lo, hi), &v| (lo.min(v), hi.max(v))),
    }
}

/// The permutation from the "broadcast axes first" order to the result's: the `nb` broadcast
/// axes go after the first `p` block axes (of `n` axes in all).
fn placement(nb: usize, p: usize, n: usize) -> Vec<usize> {
    (nb..nb + p).chain(0..nb).chain(nb + p..n).collect()
}

/// Uploads `table` to `x`'s device as a view broadcast over the block axes.
fn upload_table(x: &Array, table: &[i64], bshape: &[usize], block_ndim: usize) -> Result<Array> {
    table_view(Array::from_slice(table, &[table.len()], &x.device())?, bshape, block_ndim)
}

/// The contiguous table `t` (one offset per position of `bshape`) as a view broadcast over the
/// block axes.
fn table_view(t: Array, bshape: &[usize], block_ndim: usize) -> Result<Array> {
    let layout = table_layout(bshape, block_ndim);
    let shape: Vec<usize> = bshape.iter().copied().chain(std::iter::repeat_n(1, block_ndim)).collect();
    Ok(t.with_layout(Layout::from_parts(shape, layout.strides().to_vec(), 0)))
}

impl Gather {
    /// The table as a view on `x`'s device broadcast over the block axes, and the range of its
    /// values.
    fn table_on(&self, x: &Array) -> Result<(Array, (i64, i64))> {
        match &self.table {
            Table::Host(t) => Ok((upload_table(x, t, &self.bshape, self.block.ndim())?, reach(t))),
            Table::Device(t, range) => Ok((table_view(t.clone(), &self.bshape, self.block.ndim())?, *range)),
        }
    }

    /// The shape of `x[key]` and its permutation from the broadcast-first order.
    fn result_shape(&self) -> (Vec<usize>, Vec<usize>) {
        let sel: Vec<usize> = self.bshape.iter().chain(self.block.shape()).copied().collect();
        let perm = placement(self.bshape.len(), self.position, sel.len());
        (perm.iter().map(|&a| sel[a]).collect(), perm)
    }

    fn get(&self) -> Result<Array> {
        let (shape, perm) = self.result_shape();
        let out = Array::empty(&shape, self.block.dtype(), &self.block.device())?;
        if out.numel() == 0 {
            return Ok(out);
        }
        // The output walked in broadcast-first order: axis `perm[i]` of that order is axis `i`.
        let mut strides = vec![0isize; shape.len()];
        for (i, &a) in perm.iter().enumerate() {
            strides[a] = out.strides()[i];
        }
        let sel_shape: Vec<usize> = self.bshape.iter().chain(self.block.shape()).copied().collect();
        let out_view = Layout::from_parts(sel_shape.clone(), strides, 0);
        let src = block_layout(&self.bshape, self.block.layout());
        let (table, range) = self.table_on(&self.block)?;
        let tlayout = table.layout().broadcast_to(&sel_shape)?;
        // SAFETY: every table value is the offset, within `x`, of indices checked against their
        // axes (`Gather::plan`), so `src` shifted by any of them addresses an element of the
        // array's buffer, and `range` holds every table value (the host table's exact range, or
        // the bound from the axis sizes of a device table); `out` is a new buffer.
        unsafe {
            Storage::gather(
                (self.block.storage(), &src),
                (table.storage(), &tlayout),
                range,
                (out.storage(), &out_view),
                out.dtype().itemsize(),
            )?;
        }
        Ok(out)
    }

    fn assign(&self, x: &Array, value: &Array) -> Result<()> {
        let (shape, perm) = self.result_shape();
        let mut inverse = vec![0isize; perm.len()];
        for (i, &a) in perm.iter().enumerate() {
            inverse[a] = i as isize;
        }
        let mut v = value.broadcast_to(&shape)?.permute_dims(&inverse)?;
        if v.numel() == 0 {
            return Ok(());
        }
        if Arc::ptr_eq(v.storage(), x.storage()) {
            v = v.copy()?; // read every value before any is written
        }
        let sel_shape = v.shape().to_vec();
        let dst = block_layout(&self.bshape, self.block.layout());
        let (table, range) = self.table_on(x)?;
        let tlayout = table.layout().broadcast_to(&sel_shape)?;
        // SAFETY: as in `get`, with `x`'s buffer written; `v` does not share `x`'s buffer (copied
        // above) and the table is a new buffer.
        unsafe {
            Storage::scatter(
                (v.storage(), v.layout()),
                (table.storage(), &tlayout),
                range,
                (x.storage(), &dst),
                x.dtype().itemsize(),
            )
        }
    }
}

impl Selection {
    /// `x[key]`: a view for a basic key, a new contiguous array for an advanced one.
    pub fn get(&self) -> Result<Array> {
        match &self.kind {
            Kind::View(v) => Ok(v.clone()),
            Kind::Gather(g) => g.get(),
        }
    }

    /// `x[key] = value`: `value` (same dtype and device as `x`) is broadcast to the shape of
    /// `x[key]`. With repeated indices, the CPU backend writes the last value (NumPy); on a GPU
    /// each element receives one of the values written to it, unspecified which.
    pub fn assign(&self, value: &Array) -> Result<()> {
        const OP: &str = "index_assign";
        self.x.check_writable(OP)?;
        self.x.check_same_device(OP, value)?;
        if value.dtype() != self.x.dtype() {
            return Err(Error::DTypeMismatch { op: OP, expected: self.x.dtype(), actual: value.dtype() });
        }
        match &self.kind {
            Kind::View(v) => v.assign(value),
            Kind::Gather(g) => g.assign(&self.x, value),
        }
    }
}

impl Array {
    /// Resolves a NumPy index key against this array (see [`IndexItem`]): every error of the key
    /// is reported here, in NumPy's order, before any element is read or written.
    ///
    /// **Errors**: [`Error::InvalidIndex`] for keys that do not fit (too many indices, two
    /// `...`, a mask of the wrong shape, index arrays that do not broadcast, a non-integer index
    /// array), [`Error::IndexOutOfBounds`], [`Error::InvalidArgument`] for a zero slice step.
    pub fn select(&self, key: &[IndexItem]) -> Result<Selection> {
        self.select_key(&Key::read(key)?)
    }

    pub(crate) fn select_key(&self, key: &Key) -> Result<Selection> {
        key.check(self.shape())?;
        let kind =
            if key.is_basic() { Kind::View(self.slice(&key.basic())?) } else { Kind::Gather(Gather::plan(key, self)?) };
        Ok(Selection { x: self.clone(), kind })
    }

    /// `x[key]` with NumPy's rules: a view for basic keys, a new array for keys with index
    /// arrays (one gather, on the array's device).
    ///
    /// ```
    /// use devarray::{Array, DType, Device, IndexItem};
    /// let x = Array::arange(0.0, 6.0, 1.0, DType::F64, &Device::Cpu)?;
    /// let mask = Array::from_slice(&[true, false, true, false, false, true], &[6], &Device::Cpu)?;
    /// assert_eq!(x.index(&[IndexItem::Mask(mask)])?.to_vec::<f64>()?, vec![0.0, 2.0, 5.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn index(&self, key: &[IndexItem]) -> Result<Array> {
        // One mask over the leading axes: found on the device (scan + gather), no host copy.
        if let [IndexItem::Mask(mask)] = key {
            if let Some(out) = crate::ops::mask_select(self, mask)? {
                return Ok(out);
            }
        }
        if let Some(slices) = super::index::basic_key(key, self.ndim())? {
            return self.slice(&slices);
        }
        self.select(key)?.get()
    }

    /// `x[key] = value` with NumPy's rules (`value`: same dtype and device, broadcast to the
    /// shape of `x[key]`; one scatter for keys with index arrays).
    ///
    /// ```
    /// use devarray::{Array, DType, Device, IndexItem};
    /// let x = Array::zeros(&[5], DType::I32, &Device::Cpu)?;
    /// let at = Array::from_slice(&[0i64, -1], &[2], &Device::Cpu)?;
    /// x.index_assign(&[IndexItem::Ints(at)], &Array::full(&[], 7, DType::I32, &Device::Cpu)?)?;
    /// assert_eq!(x.to_vec::<i32>()?, vec![7, 0, 0, 0, 7]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn index_assign(&self, key: &[IndexItem], value: &Array) -> Result<()> {
        self.select(key)?.assign(value)
    }

    /// The elements at integer `indices` (any integer dtype and shape) along `axis`; with
    /// `axis` `None`, of the flattened array (NumPy's `take`). The result's shape is
    /// `shape[..axis] ++ indices.shape ++ shape[axis + 1..]`.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::arange(0.0, 6.0, 1.0, DType::F32, &Device::Cpu)?.reshape(&[2, 3])?;
    /// let i = Array::from_slice(&[2i32, 0], &[2], &Device::Cpu)?;
    /// assert_eq!(x.take(&i, Some(1))?.to_vec::<f32>()?, vec![2.0, 0.0, 5.0, 3.0]);
    /// assert_eq!(x.take(&i, None)?.to_vec::<f32>()?, vec![2.0, 0.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn take(&self, indices: &Array, axis: Option<isize>) -> Result<Array> {
        let (x, axis) = match axis {
            None => (self.reshape(&[self.numel()])?, 0),
            Some(a) => (self.clone(), normalize_axis("take", a, self.ndim())?),
        };
        if indices.dtype() == crate::DType::Bool {
            return Err(Error::UnsupportedDType {
                op: "take",
                dtype: indices.dtype(),
                hint: "; pass integer indices".into(),
            });
        }
        let mut key = vec![IndexItem::Basic(AxisSlice::FULL); axis];
        key.push(IndexItem::Ints(indices.clone()));
        x.index(&key)
    }

    /// The elements at `indices` along `axis`, position by position (NumPy's
    /// `take_along_axis`): `indices` has this array's number of dimensions, and its other axes
    /// broadcast with this array's.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[10.0f32, 30.0, 20.0, 60.0, 40.0, 50.0], &[2, 3], &Device::Cpu)?;
    /// let i = Array::from_slice(&[1i64, 0], &[2, 1], &Device::Cpu)?; // argmax per row
    /// assert_eq!(x.take_along_axis(&i, 1)?.to_vec::<f32>()?, vec![30.0, 60.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn take_along_axis(&self, indices: &Array, axis: isize) -> Result<Array> {
        const OP: &str = "take_along_axis";
        let axis = normalize_axis(OP, axis, self.ndim())?;
        if indices.ndim() != self.ndim() {
            return Err(Error::invalid(
                OP,
                format!("indices have {} dimensions, the array {}; they must be equal", indices.ndim(), self.ndim()),
            ));
        }
        let Item::Ints { idx, shape } = Item::read(&IndexItem::Ints(indices.clone()))? else {
            return Err(Error::invalid(OP, "integer indices expected"));
        };
        let n = self.ndim();
        let device = self.device();
        let items = (0..n)
            .map(|d| {
                if d == axis {
                    return Ok(Item::Ints { idx: idx.clone(), shape: shape.clone() });
                }
                let mut s = vec![1; n];
                s[d] = self.shape()[d];
                let positions = Array::arange(0.0, self.shape()[d] as f64, 1.0, crate::DType::I64, &device)?;
                Ok(Item::Ints { idx: positions.reshape(&s)?, shape: s })
            })
            .collect::<Result<_>>()?;
        self.select_key(&Key { items })?.get()
    }

    /// Writes `values` (same dtype and device, broadcast to `indices`' shape) at the flat
    /// (C-order) positions `indices` of this array, like NumPy's `put` with `mode="raise"`
    /// (NumPy also repeats a shorter `values` cyclically; here it must broadcast).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::zeros(&[2, 2], DType::F32, &Device::Cpu)?;
    /// let i = Array::from_slice(&[3i64, 0], &[2], &Device::Cpu)?;
    /// x.put(&i, &Array::from_slice(&[1.0f32, 2.0], &[2], &Device::Cpu)?)?;
    /// assert_eq!(x.to_vec::<f32>()?, vec![2.0, 0.0, 0.0, 1.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn put(&self, indices: &Array, values: &Array) -> Result<()> {
        const OP: &str = "put";
        self.check_writable(OP)?;
        self.check_same_device(OP, values)?;
        if values.dtype() != self.dtype() {
            return Err(Error::DTypeMismatch { op: OP, expected: self.dtype(), actual: values.dtype() });
        }
        let Item::Ints { idx, shape } = Item::read(&IndexItem::Ints(indices.clone()))? else {
            return Err(Error::invalid(OP, "integer indices expected"));
        };
        let mut v = values.broadcast_to(&shape)?;
        if v.numel() == 0 {
            return Ok(());
        }
        let (flat, error) = super::index_device::resolve(&idx, 0, self.numel(), &self.device())?;
        if let Some(e) = error {
            return Err(e);
        }
        if Arc::ptr_eq(v.storage(), self.storage()) {
            v = v.copy()?;
        }
        // The flat positions as element offsets in this (possibly strided) view.
        let (t, range) = match flat {
            Indices::Host(flat) => {
                let table = super::index_device::host_flat_offsets(&flat, self.shape(), self.strides());
                (upload_table(self, &table, &shape, 0)?, reach(&table))
            }
            Indices::Device(flat) => {
                let (offsets, range) = super::index_device::flat_offsets(&flat, self.shape(), self.strides())?;
                let count = offsets.numel();
                (table_view(offsets.reshape(&[count])?, &shape, 0)?, range)
            }
        };
        let dst = Layout::from_parts(shape.clone(), vec![0isize; shape.len()], self.layout().offset());
        // SAFETY: every table value is the offset in this view of a flat index checked against
        // its size, so it addresses an element of this array, and `range` (the host table's
        // exact range, or the bound from the view's shape and strides) holds every such offset;
        // `v` and the table are other buffers.
        unsafe {
            Storage::scatter(
                (v.storage(), v.layout()),
                (t.storage(), t.layout()),
                range,
                (self.storage(), &dst),
                self.dtype().itemsize(),
            )
        }
    }
}
