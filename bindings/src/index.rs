//! `x[key]` and `x[key] = value`: basic indexing (ints, slices, `...`, `None`) becomes one
//! core `slice` (a view); integer and boolean arrays ("advanced" indexing) are resolved on the
//! host and composed from basic views, one per selected position.
//!
//! The core has no gather/scatter primitive yet, so advanced indexing costs one view and one
//! device copy per selected position (see the crate docs): correct for any size, efficient only
//! for small selections. Index arrays that live on a device are read to the host first, an
//! implicit transfer that the transfer guard checks.
//!
//! The rules are NumPy's (`tests/test_index_fuzz.py` compares get and set with NumPy): boolean
//! masks must match the axes they cover, a 0-d mask adds an axis, ints next to index arrays are
//! advanced indices, separated advanced indices put their broadcast axes first, and errors come
//! in NumPy's order. One deliberate difference: index arrays of every integer dtype are read
//! exactly, so a uint64 index above `i64::MAX` is out of bounds (NumPy wraps it to a negative
//! index).

use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use crate::guard;
use devarray::{Array, AxisSlice, DType, Device, Scalar};
use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyEllipsis, PyList, PyNone, PySlice, PyTuple};

/// One parsed index item.
enum Item {
    /// An int, a slice, `None` or `...`.
    Basic(AxisSlice),
    /// An integer array: its flat values (exact, whatever the index dtype) and its shape.
    Ints { idx: Vec<i128>, shape: Vec<usize> },
    /// A boolean array: its flat values and its shape. It indexes as many axes as it has
    /// dimensions (a 0-d mask indexes none: it adds an axis of length 1 or 0).
    Mask { flat: Vec<bool>, shape: Vec<usize> },
}

impl Item {
    /// Number of array axes the item indexes.
    fn consumed(&self) -> usize {
        match self {
            Item::Basic(AxisSlice::Index(_) | AxisSlice::Range { .. }) | Item::Ints { .. } => 1,
            Item::Basic(_) => 0,
            Item::Mask { shape, .. } => shape.len(),
        }
    }
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
                items.push(parse_item(py, &k)?);
            }
        }
        Err(_) => items.push(parse_item(py, key)?),
    }
    Ok(Key { items })
}

fn invalid_index() -> PyErr {
    PyIndexError::new_err(
        "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean arrays are valid indices",
    )
}

fn parse_item(py: Python<'_>, k: &Bound<'_, PyAny>) -> PyResult<Item> {
    if k.is_instance_of::<PyNone>() {
        Ok(Item::Basic(AxisSlice::NewAxis))
    } else if k.is_instance_of::<PyEllipsis>() {
        Ok(Item::Basic(AxisSlice::Ellipsis))
    } else if let Ok(s) = k.cast::<PySlice>() {
        let part = |name: &str| -> PyResult<Option<isize>> {
            let v = s.getattr(name)?;
            if v.is_none() {
                Ok(None)
            } else {
                slice_int(&v).map(Some)
            }
        };
        // A step of isize::MIN is the core's to clamp (to -isize::MAX, as CPython does).
        let step = part("step")?.unwrap_or(1);
        Ok(Item::Basic(AxisSlice::Range { start: part("start")?, stop: part("stop")?, step }))
    } else if let Ok(b) = k.cast::<PyBool>() {
        // A Python bool is a 0-d boolean mask, as in NumPy (not the integer 0 or 1).
        Ok(Item::Mask { flat: vec![b.is_true()], shape: vec![] })
    } else if let Ok(a) = k.cast::<PyNdarray>() {
        device_index(py, &a.get().inner)
    } else if k.is_instance_of::<PyList>() || has_numpy_type(py, k, "ndarray")? {
        // NumPy arrays before `__index__`: a 0-d integer array is an index array of every
        // integer dtype, read exactly and checked in order with the other items.
        host_index(py, k)
    } else if let Some(i) = index_int(k)? {
        Ok(Item::Basic(AxisSlice::Index(i)))
    } else if has_numpy_type(py, k, "generic")? {
        // NumPy scalars without `__index__`: `numpy.bool_` (a 0-d mask), floats (refused).
        host_index(py, k)
    } else {
        Err(invalid_index())
    }
}

/// An integer index through `__index__` (Python ints, NumPy integers); `None` when `v` has no
/// `__index__`. Ints beyond `isize` are `IndexError`s, as in NumPy.
fn index_int(v: &Bound<'_, PyAny>) -> PyResult<Option<isize>> {
    let Ok(i) = v.py().import("operator")?.call_method1("index", (v,)) else {
        return Ok(None);
    };
    i.extract().map(Some).map_err(|_| {
        PyIndexError::new_err(format!(
            "index {} does not fit an index-sized integer ({}..={})",
            i.str().map(|s| s.to_string()).unwrap_or_default(),
            isize::MIN,
            isize::MAX
        ))
    })
}

/// A slice bound or step: an int (through `__index__`), clamped to the `isize` range as Python
/// clamps slice values (`x[:2**70]` is `x[:]`).
fn slice_int(v: &Bound<'_, PyAny>) -> PyResult<isize> {
    let i = v
        .py()
        .import("operator")?
        .call_method1("index", (v,))
        .map_err(|_| PyTypeError::new_err("slice indices must be integers or None or have an __index__ method"))?;
    match i.extract::<isize>() {
        Ok(i) => Ok(i),
        Err(_) if i.lt(0)? => Ok(isize::MIN),
        Err(_) => Ok(isize::MAX),
    }
}

/// Whether `k` is an instance of `numpy.<name>` (without importing NumPy).
fn has_numpy_type(py: Python<'_>, k: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    let loaded = py.import("sys")?.getattr("modules")?.contains("numpy")?;
    if !loaded {
        return Ok(false);
    }
    k.is_instance(&py.import("numpy")?.getattr(name)?)
}

fn index_dtype_error() -> PyErr {
    PyIndexError::new_err("arrays used as indices must be of integer (or boolean) type")
}

/// A list, NumPy array or NumPy scalar used as an index (host data, no transfer).
fn host_index(py: Python<'_>, k: &Bound<'_, PyAny>) -> PyResult<Item> {
    let np = py.import("numpy")?;
    let arr = np.call_method1("asarray", (k,))?;
    let kind: String = arr.getattr("dtype")?.getattr("kind")?.extract()?;
    let shape: Vec<usize> = arr.getattr("shape")?.extract()?;
    let flat = arr.call_method0("ravel")?.call_method0("tolist")?;
    match kind.as_str() {
        "b" => Ok(Item::Mask { flat: flat.extract()?, shape }),
        // Python ints from `tolist()`: exact for every integer dtype, uint64 included.
        "i" | "u" => Ok(Item::Ints { idx: flat.extract()?, shape }),
        // An empty list has dtype float64 in NumPy; it selects nothing.
        "f" if shape.iter().product::<usize>() == 0 => Ok(Item::Ints { idx: vec![], shape }),
        _ => Err(index_dtype_error()),
    }
}

/// A devarray array used as an index: read to the host (guarded), then as [`host_index`].
/// Every integer dtype is read exactly (uint64 values above `i64::MAX` stay out of bounds).
fn device_index(py: Python<'_>, a: &Array) -> PyResult<Item> {
    let shape = a.shape().to_vec();
    match a.dtype() {
        DType::Bool => {
            guard::check(py, "boolean-array indexing", a)?;
            let flat = py.detach(|| a.to_vec::<bool>()).py_err()?;
            Ok(Item::Mask { flat, shape })
        }
        DType::U64 => {
            guard::check(py, "integer-array indexing", a)?;
            let flat = py.detach(|| a.to_vec::<u64>()).py_err()?;
            Ok(Item::Ints { idx: flat.into_iter().map(i128::from).collect(), shape })
        }
        d if d.is_integer() => {
            guard::check(py, "integer-array indexing", a)?;
            // Every other integer dtype converts to int64 exactly.
            let flat = py.detach(|| a.astype(DType::I64)?.to_vec::<i64>()).py_err()?;
            Ok(Item::Ints { idx: flat.into_iter().map(i128::from).collect(), shape })
        }
        _ => Err(index_dtype_error()),
    }
}

/// One entry of a resolved advanced key: a key item with the array axis it indexes.
enum Entry {
    /// A slice or `None`: one axis of every block.
    Basic(AxisSlice),
    /// An `...` expanded to `n` full slices; it separates advanced indices even when `n` is 0.
    Ellipsis(usize),
    /// An advanced index: indices already checked and made non-negative, their shape, and the
    /// array axis they index (`None` for a 0-d boolean mask, which indexes no axis).
    Adv { idx: Vec<usize>, shape: Vec<usize>, axis: Option<usize> },
}

/// How an advanced key selects: the broadcast index shape, and the pieces that fill it.
struct Plan {
    /// The broadcast shape of the advanced indices.
    bshape: Vec<usize>,
    /// The shape of the block one position of `bshape` selects.
    block: Vec<usize>,
    /// Basic keys, each filling a run of positions of `bshape` (C order).
    pieces: Vec<Piece>,
    /// Where the broadcast axes go in the result: after the first `position` block axes
    /// (0 when the advanced indices are not adjacent: first, as NumPy places them).
    position: usize,
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

/// Splits 1-D indices into arithmetic runs: `(first position, first index, step, length)`.
/// Repeated indices (step 0) stay single positions.
fn runs(idx: &[usize]) -> Vec<(usize, isize, isize, usize)> {
    let mut out = Vec::new();
    let mut j = 0;
    while j < idx.len() {
        let mut len = 1;
        let step = if j + 1 < idx.len() { idx[j + 1] as isize - idx[j] as isize } else { 0 };
        if step != 0 {
            while j + len < idx.len() && idx[j + len] as isize - idx[j + len - 1] as isize == step {
                len += 1;
            }
        }
        out.push((j, idx[j] as isize, step, len));
        j += len;
    }
    out
}

/// Checks integer indices against an axis of `size` and makes them non-negative.
fn normalize(idx: &[i128], axis: usize, size: usize) -> PyResult<Vec<usize>> {
    let dim = size as i128;
    idx.iter()
        .map(|&v| {
            if (-dim..dim).contains(&v) {
                Ok(v.rem_euclid(dim) as usize)
            } else {
                Err(PyIndexError::new_err(format!("index {v} is out of bounds for axis {axis} with size {size}")))
            }
        })
        .collect()
}

impl Key {
    /// NumPy's `IndexError`s for keys that do not fit an array of `shape`: more than one
    /// `...`, too many indices, boolean masks whose shape differs from the axes they cover.
    fn check(&self, shape: &[usize]) -> PyResult<()> {
        let ndim = shape.len();
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
        let mut axis = 0;
        for item in &self.items {
            match item {
                Item::Basic(AxisSlice::Ellipsis) => axis += ndim - consumed,
                Item::Mask { shape: mshape, .. } => {
                    // As in NumPy, a mask axis of length 0 matches an array axis of any length.
                    for (k, &m) in mshape.iter().enumerate() {
                        if m != 0 && m != shape[axis + k] {
                            return Err(PyIndexError::new_err(format!(
                                "boolean index did not match indexed array along axis {}; size of axis is {} but size of corresponding boolean axis is {m}",
                                axis + k,
                                shape[axis + k]
                            )));
                        }
                    }
                    axis += mshape.len();
                }
                other => axis += other.consumed(),
            }
        }
        Ok(())
    }

    /// Number of array axes the key indexes (ints, slices, integer arrays, boolean arrays'
    /// dimensions).
    fn consumed(&self) -> usize {
        self.items.iter().map(Item::consumed).sum()
    }

    fn is_basic(&self) -> bool {
        self.items.iter().all(|i| matches!(i, Item::Basic(_)))
    }

    fn basic(&self) -> Vec<AxisSlice> {
        self.items
            .iter()
            .map(|i| match i {
                Item::Basic(s) => *s,
                _ => unreachable!("only called on basic keys"),
            })
            .collect()
    }

    /// The entries of an advanced key for an array of `shape`: ellipsis expanded, ints made
    /// 0-d advanced indices (NumPy: an int next to an array index is an advanced index too),
    /// boolean masks checked against the axes they cover and turned into one integer index
    /// per mask axis (NumPy's `nonzero`), every integer index checked against its axis.
    ///
    /// Out-of-bounds indices are reported in the second result rather than at once: NumPy
    /// checks them only when the broadcast selection is not empty.
    fn entries(&self, shape: &[usize]) -> PyResult<(Vec<Entry>, Option<PyErr>)> {
        let ndim = shape.len();
        let mut axis = 0;
        let mut out = Vec::new();
        let mut bounds_error = None;
        let mut checked = |idx: &[i128], axis: usize| match normalize(idx, axis, shape[axis]) {
            Ok(idx) => idx,
            Err(e) => {
                bounds_error.get_or_insert(e);
                Vec::new()
            }
        };
        for item in &self.items {
            match item {
                Item::Basic(AxisSlice::Ellipsis) => {
                    let n = ndim - self.consumed();
                    out.push(Entry::Ellipsis(n));
                    axis += n;
                }
                Item::Basic(AxisSlice::NewAxis) => out.push(Entry::Basic(AxisSlice::NewAxis)),
                Item::Basic(AxisSlice::Index(i)) => {
                    // NumPy checks plain ints at once, index arrays only for a non-empty selection.
                    let idx = normalize(&[*i as i128], axis, shape[axis])?;
                    out.push(Entry::Adv { idx, shape: vec![], axis: Some(axis) });
                    axis += 1;
                }
                Item::Basic(AxisSlice::Range { step: 0, .. }) => {
                    return Err(PyValueError::new_err("slice step cannot be zero"));
                }
                Item::Basic(s) => {
                    out.push(Entry::Basic(*s));
                    axis += 1;
                }
                Item::Ints { idx, shape: ishape } => {
                    // A 0-d index array is an int to NumPy: checked at once.
                    let idx = if ishape.is_empty() { normalize(idx, axis, shape[axis])? } else { checked(idx, axis) };
                    out.push(Entry::Adv { idx, shape: ishape.clone(), axis: Some(axis) });
                    axis += 1;
                }
                Item::Mask { flat, shape: mshape } if mshape.is_empty() => {
                    // A 0-d mask: a new axis of length 1 (true) or 0 (false), indexing none.
                    let n = usize::from(flat[0]);
                    out.push(Entry::Adv { idx: vec![0; n], shape: vec![n], axis: None });
                }
                Item::Mask { flat, shape: mshape } => {
                    let mut coords: Vec<Vec<usize>> = vec![Vec::new(); mshape.len()];
                    for (flat_i, _) in flat.iter().enumerate().filter(|(_, &b)| b) {
                        let mut rem = flat_i;
                        for k in (0..mshape.len()).rev() {
                            coords[k].push(rem % mshape[k]);
                            rem /= mshape[k];
                        }
                    }
                    for (k, idx) in coords.into_iter().enumerate() {
                        let n = idx.len();
                        out.push(Entry::Adv { idx, shape: vec![n], axis: Some(axis + k) });
                    }
                    axis += mshape.len();
                }
            }
        }
        Ok((out, bounds_error))
    }

    /// The plan of an advanced key for `x`.
    fn plan(&self, x: &Array) -> PyResult<Plan> {
        let (entries, bounds_error) = self.entries(x.shape())?;
        let adv: Vec<usize> = (0..entries.len()).filter(|&i| matches!(entries[i], Entry::Adv { .. })).collect();
        let mut bshape: Vec<usize> = Vec::new();
        for &i in &adv {
            if let Entry::Adv { shape, .. } = &entries[i] {
                bshape = devarray::broadcast_shapes(&bshape, shape).map_err(|_| {
                    PyIndexError::new_err(format!(
                        "shape mismatch: indexing arrays could not be broadcast together with shapes {}",
                        adv.iter()
                            .map(|&i| match &entries[i] {
                                Entry::Adv { shape, .. } => format!("{shape:?}"),
                                _ => String::new(),
                            })
                            .collect::<Vec<_>>()
                            .join(" ")
                    ))
                })?;
            }
        }
        // NumPy's rule: advanced indices next to each other put the broadcast axes where they
        // stand; separated by a slice, `None` or `...`, they go first.
        let adjacent = adv.windows(2).all(|w| w[1] == w[0] + 1);
        let dims_before = |end: usize| -> usize {
            entries[..end]
                .iter()
                .map(|e| match e {
                    Entry::Basic(_) => 1,
                    Entry::Ellipsis(n) => *n,
                    Entry::Adv { .. } => 0,
                })
                .sum()
        };
        let position = if adjacent { dims_before(adv[0]) } else { 0 };
        // The key of one block: each advanced entry filled in by `fill` (`None`: no key item).
        let key_with = |fill: &dyn Fn(usize) -> Option<AxisSlice>| -> Vec<AxisSlice> {
            let mut key = Vec::new();
            for (i, e) in entries.iter().enumerate() {
                match e {
                    Entry::Basic(s) => key.push(*s),
                    Entry::Ellipsis(n) => key.extend(std::iter::repeat_n(AxisSlice::FULL, *n)),
                    Entry::Adv { .. } => key.extend(fill(i)),
                }
            }
            key
        };
        // The block shape: each indexed axis taken as a length-1 range, then dropped (so empty
        // axes work too).
        let probe = key_with(&|i| match &entries[i] {
            Entry::Adv { axis: Some(_), .. } => Some(AxisSlice::range(0, 1, 1)),
            _ => None,
        });
        let probe_shape = x.slice(&probe).py_err()?.shape().to_vec();
        let dropped: Vec<usize> = adv
            .iter()
            .filter(|&&i| matches!(entries[i], Entry::Adv { axis: Some(_), .. }))
            .map(|&i| {
                dims_before(i)
                    + adv.iter().filter(|&&j| j < i && matches!(entries[j], Entry::Adv { axis: Some(_), .. })).count()
            })
            .collect();
        let block: Vec<usize> =
            (0..probe_shape.len()).filter(|a| !dropped.contains(a)).map(|a| probe_shape[a]).collect();
        let count: usize = bshape.iter().product();
        if let Some(e) = bounds_error.filter(|_| count > 0) {
            return Err(e);
        }
        // One advanced index of more than one element (the others 0-d ints): sliced in runs.
        let long: Vec<usize> = adv
            .iter()
            .copied()
            .filter(|&i| matches!(&entries[i], Entry::Adv { shape, .. } if !shape.is_empty()))
            .collect();
        let pieces = match &long[..] {
            [run] if matches!(&entries[*run], Entry::Adv { shape, axis: Some(_), .. } if shape.len() == 1) => {
                let Entry::Adv { idx, .. } = &entries[*run] else { unreachable!() };
                let run_axis = dims_before(*run);
                runs(idx)
                    .into_iter()
                    .map(|(start, first, step, len)| {
                        let key = key_with(&|i| match &entries[i] {
                            _ if i == *run && len == 1 => Some(AxisSlice::Index(first)),
                            _ if i == *run => {
                                let stop = first + step * len as isize;
                                Some(AxisSlice::Range { start: Some(first), stop: (stop >= 0).then_some(stop), step })
                            }
                            Entry::Adv { idx, axis: Some(_), .. } => Some(AxisSlice::Index(idx[0] as isize)),
                            _ => None,
                        });
                        Piece { start, len, key, run_axis: (len > 1).then_some(run_axis) }
                    })
                    .collect()
            }
            _ => (0..count)
                .map(|j| {
                    let key = key_with(&|i| match &entries[i] {
                        Entry::Adv { idx, shape, axis: Some(_) } => {
                            Some(AxisSlice::Index(idx[broadcast_flat(j, &bshape, shape)] as isize))
                        }
                        _ => None,
                    });
                    Piece { start: j, len: 1, key, run_axis: None }
                })
                .collect(),
        };
        Ok(Plan { bshape, block, pieces, position })
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
    key.check(x.shape())?;
    if key.is_basic() {
        let k = key.basic();
        return py.detach(|| x.slice(&k)).py_err();
    }
    let plan = key.plan(x)?;
    py.detach(|| -> devarray::Result<Array> {
        let block = plan.block.clone();
        let shape: Vec<usize> = plan.bshape.iter().chain(&block).copied().collect();
        let out = Array::empty(&shape, x.dtype(), &x.device())?;
        let count = plan.bshape.iter().product();
        let flat_shape: Vec<usize> = std::iter::once(count).chain(block).collect();
        let flat = out.reshape(&flat_shape)?;
        for piece in &plan.pieces {
            flat.slice(&[piece.positions()])?.assign(&piece.view(x)?)?;
        }
        match plan.position {
            0 => Ok(out),
            p => out.permute_dims(&placement(plan.bshape.len(), p, shape.len())),
        }
    })
    .py_err()
}

/// The value of `x[key] = value`: an array, or a scalar converted to `x`'s dtype.
pub(crate) enum Value {
    Array(Array),
    /// A scalar, and whether it is a Python scalar (weak, NEP 50) rather than a NumPy one.
    Scalar(Scalar, bool),
}

/// `x[key] = value` (releases the GIL). Array values are converted to `x`'s dtype (NumPy's
/// unsafe casting) and broadcast to the selection.
pub(crate) fn set(py: Python<'_>, x: &Array, key: &Key, value: Value) -> PyResult<()> {
    key.check(x.shape())?;
    let (dtype, device): (DType, Device) = (x.dtype(), x.device());
    let plan = if key.is_basic() { None } else { Some(key.plan(x)?) };
    let value = match value {
        Value::Scalar(s, weak) => Value::Scalar(crate::args::stored_scalar(s, weak, dtype)?, weak),
        v => v,
    };
    py.detach(|| -> devarray::Result<()> {
        let value = match value {
            Value::Array(a) if a.dtype() == dtype => a,
            Value::Array(a) => a.astype(dtype)?,
            Value::Scalar(s, _) => Array::full(&[], s, dtype, &device)?,
        };
        let Some(plan) = plan else {
            return x.slice(&key.basic())?.assign(&value);
        };
        let block = plan.block.clone();
        let nb = plan.bshape.len();
        // The selection as `x[key]` shapes it, and the permutation from the broadcast-axes-first
        // order the loop below walks.
        let sel: Vec<usize> = plan.bshape.iter().chain(&block).copied().collect();
        let perm = placement(nb, plan.position, sel.len());
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
        Some(crate::args::Arg::Weak(s)) => Ok(Value::Scalar(s, true)),
        Some(crate::args::Arg::Strong(s, _)) => Ok(Value::Scalar(s, false)),
        None => Err(PyTypeError::new_err(format!(
            "cannot assign a {} to a devarray array: values must be devarray arrays or scalars; copy host data to the device explicitly with devarray.asarray(value, device=x.device)",
            v.get_type().name()?
        ))),
    }
}
