//! `x[key]` and `x[key] = value`: basic indexing (ints, slices, `...`, `None`) becomes one
//! core `slice` (a view); integer and boolean arrays ("advanced" indexing) are resolved on the
//! host and composed from basic views, one per selected position.
//!
//! The core has no gather/scatter primitive yet, so advanced indexing costs one view and one
//! device copy per selected position (see the crate docs): correct for any size, efficient only
//! for small selections. Index arrays that live on a device are read to the host first, an
//! implicit transfer that the transfer guard checks.

use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use crate::guard;
use devarray::{Array, AxisSlice, DType, Device, Scalar};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyEllipsis, PyList, PyNone, PySlice, PyTuple};

/// One parsed index item.
enum Item {
    /// An int, a slice, `None` or `...`.
    Basic(AxisSlice),
    /// One axis of an advanced index: the flat host indices and their (broadcastable) shape.
    Adv { idx: Vec<i64>, shape: Vec<usize> },
}

/// A parsed key.
pub(crate) struct Key {
    items: Vec<Item>,
}

/// Parses a `__getitem__`/`__setitem__` key.
pub(crate) fn parse_key(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Key> {
    let mut items = Vec::new();
    match key.cast::<PyTuple>() {
        Ok(t) => {
            for k in t.iter() {
                parse_item(py, &k, &mut items)?;
            }
        }
        Err(_) => parse_item(py, key, &mut items)?,
    }
    Ok(Key { items })
}

fn invalid_index() -> PyErr {
    PyIndexError::new_err(
        "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean arrays are valid indices",
    )
}

fn parse_item(py: Python<'_>, k: &Bound<'_, PyAny>, items: &mut Vec<Item>) -> PyResult<()> {
    if k.is_instance_of::<PyNone>() {
        items.push(Item::Basic(AxisSlice::NewAxis));
    } else if k.is_instance_of::<PyEllipsis>() {
        items.push(Item::Basic(AxisSlice::Ellipsis));
    } else if let Ok(s) = k.cast::<PySlice>() {
        let part = |name: &str| -> PyResult<Option<isize>> {
            let v = s.getattr(name)?;
            if v.is_none() {
                Ok(None)
            } else {
                Ok(Some(slice_bound(&v)?))
            }
        };
        let step = part("step")?.unwrap_or(1);
        items.push(Item::Basic(AxisSlice::Range { start: part("start")?, stop: part("stop")?, step }));
    } else if k.is_instance_of::<PyBool>() {
        return Err(PyIndexError::new_err("boolean scalar indices are not supported; use a boolean array"));
    } else if let Ok(a) = k.cast::<PyNdarray>() {
        device_index(py, &a.get().inner, items)?;
    } else if let Ok(i) = index_int(k) {
        items.push(Item::Basic(AxisSlice::Index(i)));
    } else if k.is_instance_of::<PyList>() || has_numpy_array_type(py, k)? {
        host_index(py, k, items)?;
    } else {
        return Err(invalid_index());
    }
    Ok(())
}

/// An integer index through `__index__` (Python ints, NumPy integers).
fn index_int(v: &Bound<'_, PyAny>) -> PyResult<isize> {
    if v.is_instance_of::<PyNdarray>() {
        return Err(invalid_index());
    }
    let i = v.py().import("operator")?.call_method1("index", (v,)).map_err(|_| invalid_index())?;
    i.extract()
}

/// A slice's start, stop or step: an index, clamped to `isize`'s range when the Python int is
/// beyond it, as CPython's `PySlice_Unpack` does (`x[:2**70]` is `x[:]`, not an OverflowError).
fn slice_bound(v: &Bound<'_, PyAny>) -> PyResult<isize> {
    match index_int(v) {
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(v.py()) => {
            let negative = v.py().import("operator")?.call_method1("index", (v,))?.lt(0)?;
            Ok(if negative { isize::MIN } else { isize::MAX })
        }
        other => other,
    }
}

fn has_numpy_array_type(py: Python<'_>, k: &Bound<'_, PyAny>) -> PyResult<bool> {
    let loaded = py.import("sys")?.getattr("modules")?.contains("numpy")?;
    if !loaded {
        return Ok(false);
    }
    k.is_instance(&py.import("numpy")?.getattr("ndarray")?)
}

/// A list or NumPy array used as an index (host data, no transfer).
fn host_index(py: Python<'_>, k: &Bound<'_, PyAny>, items: &mut Vec<Item>) -> PyResult<()> {
    let np = py.import("numpy")?;
    let arr = np.call_method1("asarray", (k,))?;
    let kind: String = arr.getattr("dtype")?.getattr("kind")?.extract()?;
    let shape: Vec<usize> = arr.getattr("shape")?.extract()?;
    match kind.as_str() {
        "b" => {
            let flat: Vec<bool> = arr.call_method0("ravel")?.call_method0("tolist")?.extract()?;
            push_mask(&flat, &shape, items);
            Ok(())
        }
        "i" | "u" => {
            let flat: Vec<i64> = arr.call_method0("ravel")?.call_method0("tolist")?.extract()?;
            items.push(Item::Adv { idx: flat, shape });
            Ok(())
        }
        // An empty list has dtype float64 in NumPy; it selects nothing.
        "f" if shape.iter().product::<usize>() == 0 => {
            items.push(Item::Adv { idx: vec![], shape });
            Ok(())
        }
        _ => Err(PyIndexError::new_err("arrays used as indices must be of integer (or boolean) type")),
    }
}

/// A devarray array used as an index: read to the host (guarded), then as [`host_index`].
fn device_index(py: Python<'_>, a: &Array, items: &mut Vec<Item>) -> PyResult<()> {
    match a.dtype() {
        DType::Bool => {
            guard::check(py, "boolean-array indexing", a)?;
            let flat = py.detach(|| a.to_vec::<bool>()).py_err()?;
            push_mask(&flat, a.shape(), items);
        }
        d if d.is_integer() => {
            guard::check(py, "integer-array indexing", a)?;
            let flat = py.detach(|| a.astype(DType::I64)?.to_vec::<i64>()).py_err()?;
            items.push(Item::Adv { idx: flat, shape: a.shape().to_vec() });
        }
        _ => return Err(PyIndexError::new_err("arrays used as indices must be of integer (or boolean) type")),
    }
    Ok(())
}

/// A boolean mask of `shape` as one integer index per mask axis (NumPy's `nonzero`).
fn push_mask(flat: &[bool], shape: &[usize], items: &mut Vec<Item>) {
    if shape.is_empty() {
        // A 0-d mask: a new axis of length 1 (true) or 0 (false).
        items.push(Item::Basic(AxisSlice::NewAxis));
        let n = usize::from(flat.first().copied().unwrap_or(false));
        items.push(Item::Adv { idx: vec![0; n], shape: vec![n] });
        return;
    }
    let mut coords: Vec<Vec<i64>> = vec![Vec::new(); shape.len()];
    for (flat_i, _) in flat.iter().enumerate().filter(|(_, &b)| b) {
        let mut rem = flat_i;
        for axis in (0..shape.len()).rev() {
            coords[axis].push((rem % shape[axis]) as i64);
            rem /= shape[axis];
        }
    }
    for c in coords {
        let n = c.len();
        items.push(Item::Adv { idx: c, shape: vec![n] });
    }
}

/// How an advanced key selects: the broadcast index shape, and the pieces that fill it.
struct Plan {
    /// The broadcast shape of the advanced indices.
    bshape: Vec<usize>,
    /// Basic keys, each filling a run of positions of `bshape` (C order).
    pieces: Vec<Piece>,
    /// Where the broadcast axes go in the result (`Some(p)`: after the first `p` basic axes,
    /// when the advanced indices are adjacent; `None`: first).
    position: Option<usize>,
}

/// One basic key of an advanced selection: it picks positions `start..start + len` of the
/// broadcast index shape.
struct Piece {
    start: usize,
    len: usize,
    key: Vec<AxisSlice>,
    /// For a run (a single advanced index whose values form an arithmetic progression, sliced
    /// at once): the axis of `x[key]` that walks the run. `None`: one position, no such axis.
    run_axis: Option<usize>,
}

impl Piece {
    /// `x[key]` with the run axis first (a new length-1 axis for a single position): the
    /// block for positions `start..start + len`.
    fn view(&self, x: &Array) -> devarray::Result<Array> {
        let v = x.slice(&self.key)?;
        match self.run_axis {
            None => v.expand_dims(0),
            Some(a) => {
                let order: Vec<isize> =
                    std::iter::once(a).chain((0..v.ndim()).filter(|&i| i != a)).map(|i| i as isize).collect();
                v.permute_dims(&order)
            }
        }
    }

    fn positions(&self) -> AxisSlice {
        AxisSlice::range(self.start as isize, (self.start + self.len) as isize, 1)
    }
}

/// Splits 1-D indices (already in `0..dim`) into arithmetic runs: `(first position, first
/// index, step, length)`. Repeated indices (step 0) stay single positions.
fn runs(idx: &[i64]) -> Vec<(usize, i64, i64, usize)> {
    let mut out = Vec::new();
    let mut j = 0;
    while j < idx.len() {
        let mut len = 1;
        let step = if j + 1 < idx.len() { idx[j + 1] - idx[j] } else { 0 };
        if step != 0 {
            while j + len < idx.len() && idx[j + len] - idx[j + len - 1] == step {
                len += 1;
            }
        }
        out.push((j, idx[j], step, len));
        j += len;
    }
    out
}

impl Key {
    /// NumPy's `IndexError`s for keys that do not fit an array of `ndim` dimensions.
    fn check(&self, ndim: usize) -> PyResult<()> {
        let ellipses = self.items.iter().filter(|i| matches!(i, Item::Basic(AxisSlice::Ellipsis))).count();
        if ellipses > 1 {
            return Err(PyIndexError::new_err("an index can only have a single ellipsis ('...')"));
        }
        let consumed = self.consumed();
        if consumed > ndim {
            return Err(PyIndexError::new_err(format!(
                "too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"
            )));
        }
        Ok(())
    }

    /// Number of array axes the key indexes (ints, slices and advanced indices).
    fn consumed(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i, Item::Adv { .. } | Item::Basic(AxisSlice::Index(_) | AxisSlice::Range { .. })))
            .count()
    }

    fn is_basic(&self) -> bool {
        self.items.iter().all(|i| matches!(i, Item::Basic(_)))
    }

    fn basic(&self) -> Vec<AxisSlice> {
        self.items
            .iter()
            .map(|i| match i {
                Item::Basic(s) => *s,
                Item::Adv { .. } => AxisSlice::Index(0),
            })
            .collect()
    }

    /// The plan of an advanced key for an array of `shape`.
    fn plan(&self, shape: &[usize]) -> PyResult<Plan> {
        let ndim = shape.len();
        let adv: Vec<usize> = (0..self.items.len()).filter(|&i| matches!(self.items[i], Item::Adv { .. })).collect();
        let mut bshape: Vec<usize> = Vec::new();
        for &i in &adv {
            if let Item::Adv { shape, .. } = &self.items[i] {
                bshape = devarray::broadcast_shapes(&bshape, shape).map_err(|_| {
                    PyIndexError::new_err("shape mismatch: indexing arrays could not be broadcast together")
                })?;
            }
        }
        let adjacent = adv.windows(2).all(|w| w[1] == w[0] + 1);
        let position = adjacent.then(|| self.basic_dims_before(adv[0], ndim));
        let template = self.basic();
        let pieces = match (&adv[..], &self.items[adv[0]]) {
            ([only], Item::Adv { idx, shape: ishape }) if ishape.len() == 1 => {
                let (i, axis) = (*only, self.axis_of(*only, ndim));
                let dim = shape[axis] as i64;
                let normalized = idx
                    .iter()
                    .map(|&v| {
                        if (-dim..dim).contains(&v) {
                            Ok(v.rem_euclid(dim.max(1)))
                        } else {
                            Err(PyIndexError::new_err(format!(
                                "index {v} is out of bounds for axis {axis} with size {dim}"
                            )))
                        }
                    })
                    .collect::<PyResult<Vec<i64>>>()?;
                let run_axis = self.basic_dims_before(i, ndim);
                runs(&normalized)
                    .into_iter()
                    .map(|(start, first, step, len)| {
                        let mut key = template.clone();
                        if len == 1 {
                            key[i] = AxisSlice::Index(first as isize);
                            return Piece { start, len, key, run_axis: None };
                        }
                        let stop = first + step * len as i64;
                        key[i] = AxisSlice::Range {
                            start: Some(first as isize),
                            stop: (stop >= 0).then_some(stop as isize),
                            step: step as isize,
                        };
                        Piece { start, len, key, run_axis: Some(run_axis) }
                    })
                    .collect()
            }
            _ => {
                let count: usize = bshape.iter().product();
                (0..count)
                    .map(|j| {
                        let mut key = template.clone();
                        for &i in &adv {
                            if let Item::Adv { idx, shape } = &self.items[i] {
                                key[i] = AxisSlice::Index(idx[broadcast_flat(j, &bshape, shape)] as isize);
                            }
                        }
                        Piece { start: j, len: 1, key, run_axis: None }
                    })
                    .collect()
            }
        };
        Ok(Plan { bshape, pieces, position })
    }

    /// The axis of `x` that item `end` indexes.
    fn axis_of(&self, end: usize, ndim: usize) -> usize {
        let consumed = self.consumed();
        self.items[..end]
            .iter()
            .map(|i| match i {
                Item::Adv { .. } | Item::Basic(AxisSlice::Index(_) | AxisSlice::Range { .. }) => 1,
                Item::Basic(AxisSlice::Ellipsis) => ndim.saturating_sub(consumed),
                _ => 0,
            })
            .sum()
    }

    /// The shape of the block one selected position picks: `x[key]` without the broadcast
    /// axes. (Each advanced item is replaced by a length-1 range, whose axis is then dropped, so
    /// empty axes work too.)
    fn block_shape(&self, x: &Array) -> devarray::Result<Vec<usize>> {
        let mut drop = Vec::new();
        let key: Vec<AxisSlice> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Item::Basic(s) => *s,
                Item::Adv { .. } => {
                    drop.push(self.basic_dims_before(i, x.ndim()) + drop.len());
                    AxisSlice::range(0, 1, 1)
                }
            })
            .collect();
        let shape = x.slice(&key)?.shape().to_vec();
        Ok((0..shape.len()).filter(|a| !drop.contains(a)).map(|a| shape[a]).collect())
    }

    /// Number of result axes made by the basic items before item `end`.
    fn basic_dims_before(&self, end: usize, ndim: usize) -> usize {
        let consumed = self.consumed();
        self.items[..end]
            .iter()
            .map(|i| match i {
                Item::Basic(AxisSlice::Range { .. } | AxisSlice::NewAxis) => 1,
                Item::Basic(AxisSlice::Ellipsis) => ndim.saturating_sub(consumed),
                _ => 0,
            })
            .sum()
    }
}

/// The flat position in an index array of `shape` (broadcast to `bshape`) for flat position
/// `j` of `bshape`.
fn broadcast_flat(j: usize, bshape: &[usize], shape: &[usize]) -> usize {
    let mut rem = j;
    let mut coord = vec![0usize; bshape.len()];
    for axis in (0..bshape.len()).rev() {
        coord[axis] = rem % bshape[axis];
        rem /= bshape[axis];
    }
    let lead = bshape.len() - shape.len();
    let mut flat = 0;
    for (k, &d) in shape.iter().enumerate() {
        let c = if d == 1 { 0 } else { coord[lead + k] };
        flat = flat * d + c;
    }
    flat
}

/// The permutation that moves the broadcast axes (first `nb` axes of an array of `n` axes) to
/// after the first `p` other axes.
fn placement(nb: usize, p: usize, n: usize) -> Vec<isize> {
    (nb..nb + p).chain(0..nb).chain(nb + p..n).map(|a| a as isize).collect()
}

/// `x[key]`: a view for basic keys, a new array for advanced ones (releases the GIL).
pub(crate) fn get(py: Python<'_>, x: &Array, key: &Key) -> PyResult<Array> {
    key.check(x.ndim())?;
    if key.is_basic() {
        let k = key.basic();
        return py.detach(|| x.slice(&k)).py_err();
    }
    let plan = key.plan(x.shape())?;
    py.detach(|| -> devarray::Result<Array> {
        let block = key.block_shape(x)?;
        let shape: Vec<usize> = plan.bshape.iter().chain(&block).copied().collect();
        let out = Array::empty(&shape, x.dtype(), &x.device())?;
        let count = plan.bshape.iter().product();
        let flat_shape: Vec<usize> = std::iter::once(count).chain(block).collect();
        let flat = out.reshape(&flat_shape)?;
        for piece in &plan.pieces {
            flat.slice(&[piece.positions()])?.assign(&piece.view(x)?)?;
        }
        match plan.position {
            Some(p) if p > 0 => out.permute_dims(&placement(plan.bshape.len(), p, shape.len())),
            _ => Ok(out),
        }
    })
    .py_err()
}

/// The value of `x[key] = value`: an array, or a scalar converted to `x`'s dtype.
pub(crate) enum Value {
    Array(Array),
    Scalar(Scalar),
}

/// `x[key] = value` (releases the GIL). Array values are converted to `x`'s dtype (NumPy's
/// unsafe casting) and broadcast to the selection.
pub(crate) fn set(py: Python<'_>, x: &Array, key: &Key, value: Value) -> PyResult<()> {
    key.check(x.ndim())?;
    let (dtype, device): (DType, Device) = (x.dtype(), x.device());
    let plan = if key.is_basic() { None } else { Some(key.plan(x.shape())?) };
    py.detach(|| -> devarray::Result<()> {
        let value = match value {
            Value::Array(a) if a.dtype() == dtype => a,
            Value::Array(a) => a.astype(dtype)?,
            Value::Scalar(s) => Array::full(&[], s, dtype, &device)?,
        };
        let Some(plan) = plan else {
            return x.slice(&key.basic())?.assign(&value);
        };
        let block = key.block_shape(x)?;
        let nb = plan.bshape.len();
        // The selection as `x[key]` shapes it, and the permutation from the broadcast-axes-first
        // order the loop below walks.
        let sel: Vec<usize> = plan.bshape.iter().chain(&block).copied().collect();
        let perm = match plan.position {
            Some(p) if p > 0 => placement(nb, p, sel.len()),
            _ => (0..sel.len() as isize).collect(),
        };
        let result_shape: Vec<usize> = perm.iter().map(|&a| sel[a as usize]).collect();
        let mut inverse = vec![0isize; perm.len()];
        for (i, &a) in perm.iter().enumerate() {
            inverse[a as usize] = i as isize;
        }
        let v = value.broadcast_to(&result_shape)?.permute_dims(&inverse)?;
        let count = plan.bshape.iter().product();
        let flat_shape: Vec<usize> = std::iter::once(count).chain(block).collect();
        let v = v.reshape(&flat_shape)?;
        for piece in &plan.pieces {
            piece.view(x)?.assign(&v.slice(&[piece.positions()])?)?;
        }
        Ok(())
    })
    .py_err()
}

/// Parses the value of `x[key] = value`: a devarray array or a Python/NumPy scalar. Host
/// arrays and lists are refused: upload them explicitly with `devarray.asarray`.
pub(crate) fn extract_value(v: &Bound<'_, PyAny>) -> PyResult<Value> {
    match crate::args::extract_arg(v)? {
        Some(crate::args::Arg::Array(a)) => Ok(Value::Array(a.clone())),
        Some(crate::args::Arg::Weak(s)) | Some(crate::args::Arg::Strong(s, _)) => {
            Ok(Value::Scalar(s))
        }
        None => Err(PyTypeError::new_err(format!(
            "cannot assign a {} to a devarray array: values must be devarray arrays or scalars; copy host data to the device explicitly with devarray.asarray(value, device=x.device)",
            v.get_type().name()?
        ))),
    }
}
