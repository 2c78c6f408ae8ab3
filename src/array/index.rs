//! NumPy indexing in the core: an index key ([`IndexItem`]s) resolved against an array into a
//! [`Selection`]: a view for basic keys (ints, slices, `None`, `...`), or, for keys with integer
//! or boolean index arrays ("advanced" indexing), one gather or scatter through a table of
//! element offsets (`kernels/gather.cu` on CUDA, `cpu::gather` on the CPU): a single pass over
//! the selected elements, whatever their number.
//!
//! The rules are NumPy's: boolean masks must match the axes they cover (an axis of length 0
//! matches any), a 0-d mask adds an axis, ints next to index arrays are advanced indices,
//! advanced indices separated by a slice, `None` or `...` put their broadcast axes first, and
//! errors come in NumPy's order (index arrays are checked against their axes only when the
//! selection is not empty). One deliberate difference: index arrays of every integer dtype are
//! read exactly, so a `uint64` index above `i64::MAX` is out of bounds (NumPy wraps it).
//!
//! Integer index arrays stay on the device: bounds checks and the table of offsets are device
//! ops (`index_device`), with one flag per index array read back for NumPy's `IndexError` (on
//! the CPU device, where the host is the device, they are read directly).
//! Boolean masks are read to the host (the selection's size depends on them); their table is
//! computed there and goes to the device in one copy.

use super::index_device::TablePart;
use super::Array;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::{broadcast_shapes, AxisSlice};

const OP: &str = "index";

/// One item of an index key, as in NumPy's `x[key]`.
///
/// ```
/// use devarray::{Array, AxisSlice, DType, Device, IndexItem};
/// let x = Array::arange(0.0, 12.0, 1.0, DType::F32, &Device::Cpu)?.reshape(&[3, 4])?;
/// let rows = Array::from_slice(&[2i64, 0, -1], &[3], &Device::Cpu)?;
/// // x[[2, 0, -1], 1:3]
/// let y = x.index(&[IndexItem::Ints(rows), IndexItem::Basic(AxisSlice::range(1, 3, 1))])?;
/// assert_eq!(y.shape(), &[3, 2]);
/// assert_eq!(y.to_vec::<f32>()?, vec![9.0, 10.0, 1.0, 2.0, 9.0, 10.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Debug)]
pub enum IndexItem {
    /// An int, a slice, `NewAxis` or `Ellipsis`.
    Basic(AxisSlice),
    /// An integer index array of any integer dtype, on any device (resolved on the indexed
    /// array's device; only a flag for NumPy's bounds error is read back).
    Ints(Array),
    /// A boolean mask: it indexes as many axes as it has dimensions; a 0-d mask indexes none
    /// and adds an axis of length 1 (true) or 0 (false). `x.index(&[Mask(m)])` with `m` on
    /// `x`'s device is resolved there (a scan and a gather; only the count is read back);
    /// other keys read the mask to the host.
    Mask(Array),
}

/// One key item, boolean masks read to the host.
pub(crate) enum Item {
    Basic(AxisSlice),
    /// An integer index array (any integer dtype, on any device, not read) and its shape.
    Ints {
        idx: Array,
        shape: Vec<usize>,
    },
    /// Flat mask values and their shape.
    Mask {
        flat: Vec<bool>,
        shape: Vec<usize>,
    },
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

    /// An [`IndexItem`], a boolean mask's values read to the host.
    pub(crate) fn read(item: &IndexItem) -> Result<Item> {
        let not_int = |a: &Array| Error::InvalidIndex {
            op: OP,
            msg: format!("arrays used as indices must be of integer (or boolean) type, not {}", a.dtype()),
        };
        match item {
            IndexItem::Basic(s) => Ok(Item::Basic(*s)),
            IndexItem::Mask(a) if a.dtype() == DType::Bool => {
                Ok(Item::Mask { flat: a.to_vec::<bool>()?, shape: a.shape().to_vec() })
            }
            IndexItem::Ints(a) if a.dtype().is_integer() => {
                Ok(Item::Ints { idx: a.clone(), shape: a.shape().to_vec() })
            }
            IndexItem::Ints(a) | IndexItem::Mask(a) => Err(not_int(a)),
        }
    }
}

/// One entry of a resolved advanced key: a key item with the array axis it indexes.
enum Entry {
    /// A slice or `None`: one axis of every block.
    Basic(AxisSlice),
    /// An `...` expanded to `n` full slices; it separates advanced indices even when `n` is 0.
    Ellipsis(usize),
    /// An advanced index: indices checked and made non-negative, their shape, and the array
    /// axis they index (`None` for a 0-d boolean mask, which indexes no axis).
    Adv { idx: Indices, shape: Vec<usize>, axis: Option<usize> },
}

/// Checked, non-negative indices of one advanced entry: on the host (from ints and boolean
/// masks) or on the indexed array's device (from index arrays; int64).
pub(crate) enum Indices {
    Host(Vec<usize>),
    Device(Array),
}

/// An index out of bounds: [`Error::IndexOutOfBounds`], or [`Error::InvalidIndex`] with the same
/// message for values beyond `isize` (a `uint64` index above `i64::MAX`).
pub(crate) fn out_of_bounds(v: i128, axis: usize, size: usize) -> Error {
    match isize::try_from(v) {
        Ok(index) => Error::IndexOutOfBounds { op: OP, index, axis, size },
        Err(_) => {
            Error::InvalidIndex { op: OP, msg: format!("index {v} is out of bounds for axis {axis} with size {size}") }
        }
    }
}

/// Checks integer indices against an axis of `size` and makes them non-negative.
fn normalize(idx: impl Iterator<Item = i128>, axis: usize, size: usize) -> Result<Vec<usize>> {
    let dim = size as i128;
    idx.map(|v| match v {
        v if (0..dim).contains(&v) => Ok(v as usize),
        v if (-dim..0).contains(&v) => Ok((v + dim) as usize),
        v => Err(out_of_bounds(v, axis, size)),
    })
    .collect()
}

/// NumPy's first two `IndexError`s for a key: more than one `...`, or more indices (`consumed`
/// axes) than the array's `ndim`.
fn check_counts(ellipses: usize, consumed: usize, ndim: usize) -> Result<()> {
    if ellipses > 1 {
        return Err(Error::InvalidIndex { op: OP, msg: "an index can only have a single ellipsis ('...')".into() });
    }
    if consumed > ndim {
        return Err(Error::InvalidIndex {
            op: OP,
            msg: format!("too many indices for array: array is {ndim}-dimensional, but {consumed} were indexed"),
        });
    }
    Ok(())
}

/// The slices of a key made of basic items only (ints, slices, `None`, `...`), checked as
/// [`Key::check`] checks them; `Ok(None)` when the key has an index array or a mask. A basic key
/// is a view, the commonest index, so it skips building a [`Key`] and a selection.
pub(crate) fn basic_key(key: &[IndexItem], ndim: usize) -> Result<Option<Vec<AxisSlice>>> {
    let mut slices = Vec::with_capacity(key.len());
    for item in key {
        match item {
            IndexItem::Basic(s) => slices.push(*s),
            IndexItem::Mask(_) | IndexItem::Ints(_) => return Ok(None),
        }
    }
    let ellipses = slices.iter().filter(|s| matches!(s, AxisSlice::Ellipsis)).count();
    let consumed = slices.iter().map(|&s| Item::Basic(s).consumed()).sum();
    check_counts(ellipses, consumed, ndim)?;
    Ok(Some(slices))
}

/// A key, boolean masks read to the host.
pub(crate) struct Key {
    pub(crate) items: Vec<Item>,
}

impl Key {
    /// Reads the boolean masks of `key` (integer index arrays stay where they are).
    pub(crate) fn read(key: &[IndexItem]) -> Result<Key> {
        Ok(Key { items: key.iter().map(Item::read).collect::<Result<_>>()? })
    }

    fn consumed(&self) -> usize {
        self.items.iter().map(Item::consumed).sum()
    }

    pub(crate) fn is_basic(&self) -> bool {
        self.items.iter().all(|i| matches!(i, Item::Basic(_)))
    }

    pub(crate) fn basic(&self) -> Vec<AxisSlice> {
        self.items.iter().filter_map(|i| if let Item::Basic(s) = i { Some(*s) } else { None }).collect()
    }

    /// NumPy's `IndexError`s for keys that do not fit an array of `shape`: more than one `...`,
    /// too many indices, boolean masks whose shape differs from the axes they cover.
    pub(crate) fn check(&self, shape: &[usize]) -> Result<()> {
        let ndim = shape.len();
        let invalid = |msg: String| Error::InvalidIndex { op: OP, msg };
        let ellipses = self.items.iter().filter(|i| matches!(i, Item::Basic(AxisSlice::Ellipsis))).count();
        let consumed = self.consumed();
        check_counts(ellipses, consumed, ndim)?;
        let mut axis = 0;
        for item in &self.items {
            match item {
                Item::Basic(AxisSlice::Ellipsis) => axis += ndim - consumed,
                Item::Mask { shape: mshape, .. } => {
                    for (k, &m) in mshape.iter().enumerate() {
                        if m != 0 && m != shape[axis + k] {
                            return Err(invalid(format!(
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

    /// The entries of an advanced key for an array of `shape`: ellipsis expanded, ints made 0-d
    /// advanced indices, boolean masks turned into one integer index per mask axis (NumPy's
    /// `nonzero`), every integer index checked against its axis (index arrays on `device`).
    /// Out-of-bounds index arrays are reported in the second result: NumPy checks them only for
    /// a non-empty selection.
    fn entries(&self, shape: &[usize], device: &crate::Device) -> Result<(Vec<Entry>, Option<Error>)> {
        let mut axis = 0;
        let mut out = Vec::new();
        let mut bounds_error = None;
        for item in &self.items {
            match item {
                Item::Basic(AxisSlice::Ellipsis) => {
                    let n = shape.len() - self.consumed();
                    out.push(Entry::Ellipsis(n));
                    axis += n;
                }
                Item::Basic(AxisSlice::NewAxis) => out.push(Entry::Basic(AxisSlice::NewAxis)),
                Item::Basic(AxisSlice::Index(i)) => {
                    let idx = normalize(std::iter::once(*i as i128), axis, shape[axis])?;
                    out.push(Entry::Adv { idx: Indices::Host(idx), shape: vec![], axis: Some(axis) });
                    axis += 1;
                }
                Item::Basic(AxisSlice::Range { step: 0, .. }) => {
                    return Err(Error::invalid(OP, "slice step cannot be zero"));
                }
                Item::Basic(s) => {
                    out.push(Entry::Basic(*s));
                    axis += 1;
                }
                Item::Ints { idx, shape: ishape } => {
                    let (idx, error) = super::index_device::resolve(idx, axis, shape[axis], device)?;
                    match error {
                        // A 0-d index array is an int to NumPy: checked at once.
                        Some(e) if ishape.is_empty() => return Err(e),
                        Some(e) => {
                            bounds_error.get_or_insert(e);
                        }
                        None => {}
                    }
                    out.push(Entry::Adv { idx, shape: ishape.clone(), axis: Some(axis) });
                    axis += 1;
                }
                Item::Mask { flat, shape: mshape } => {
                    out.extend(mask_entries(flat, mshape, axis));
                    axis += mshape.len();
                }
            }
        }
        Ok((out, bounds_error))
    }
}

/// The advanced entries of a boolean mask covering axes `axis..`: one index per mask axis
/// (the coordinates of the true values, C order); a 0-d mask is a new axis of length 1 or 0.
fn mask_entries(flat: &[bool], mshape: &[usize], axis: usize) -> Vec<Entry> {
    if mshape.is_empty() {
        let n = usize::from(flat.first().copied().unwrap_or(false));
        return vec![Entry::Adv { idx: Indices::Host(vec![0; n]), shape: vec![n], axis: None }];
    }
    let mut coords: Vec<Vec<usize>> = vec![Vec::new(); mshape.len()];
    for (flat_i, _) in flat.iter().enumerate().filter(|(_, &b)| b) {
        let mut rem = flat_i;
        for k in (0..mshape.len()).rev() {
            coords[k].push(rem % mshape[k]);
            rem /= mshape[k];
        }
    }
    coords
        .into_iter()
        .enumerate()
        .map(|(k, idx)| {
            let n = idx.len();
            Entry::Adv { idx: Indices::Host(idx), shape: vec![n], axis: Some(axis + k) }
        })
        .collect()
}

/// How an advanced key selects from an array, in "broadcast axes first" order: position
/// `(b, k)` (`b` over `bshape`, `k` over the block) is element `base(k) + table[b]` of the
/// array, where `base` walks the view `block` of the axes that are not indexed.
pub(crate) struct Gather {
    /// The broadcast shape of the advanced indices.
    pub(crate) bshape: Vec<usize>,
    /// The view of the array over the axes that are not indexed (indexed axes at 0).
    pub(crate) block: Array,
    /// Element offsets of the indexed axes, one per position of `bshape` (C order).
    pub(crate) table: Table,
    /// Where the broadcast axes go in the result: after the first `position` block axes.
    pub(crate) position: usize,
}

impl Gather {
    /// The plan of an advanced key for `x` (already [`Key::check`]ed).
    pub(crate) fn plan(key: &Key, x: &Array) -> Result<Gather> {
        let (entries, bounds_error) = key.entries(x.shape(), &x.device())?;
        let adv: Vec<usize> = (0..entries.len()).filter(|&i| matches!(entries[i], Entry::Adv { .. })).collect();
        let bshape = broadcast_all(&entries, &adv)?;
        let dims_before = |end: usize| -> usize {
            entries[..end]
                .iter()
                .map(|e| match e {
                    Entry::Basic(AxisSlice::NewAxis | AxisSlice::Range { .. }) => 1,
                    Entry::Ellipsis(n) => *n,
                    _ => 0,
                })
                .sum()
        };
        // NumPy's rule: adjacent advanced indices put the broadcast axes where they stand;
        // separated ones put them first.
        let adjacent = adv.windows(2).all(|w| w[1] == w[0] + 1);
        let position = if adjacent { adv.first().map_or(0, |&a| dims_before(a)) } else { 0 };
        // The block: every indexed axis taken at 0 (as a length-1 range, so empty axes work too),
        // then dropped.
        let mut probe = Vec::new();
        for e in &entries {
            match e {
                Entry::Basic(s) => probe.push(*s),
                Entry::Ellipsis(n) => probe.extend(std::iter::repeat_n(AxisSlice::FULL, *n)),
                Entry::Adv { axis: Some(_), .. } => probe.push(AxisSlice::range(0, 1, 1)),
                Entry::Adv { axis: None, .. } => {}
            }
        }
        let view = x.slice(&probe)?;
        let indexed: Vec<(usize, &Entry)> = adv
            .iter()
            .filter(|&&i| matches!(entries[i], Entry::Adv { axis: Some(_), .. }))
            .enumerate()
            .map(|(k, &i)| (dims_before(i) + k, &entries[i]))
            .collect();
        let keep: Vec<usize> = (0..view.ndim()).filter(|d| !indexed.iter().any(|(p, _)| p == d)).collect();
        let layout = crate::layout::Layout::from_parts(
            keep.iter().map(|&d| view.shape()[d]).collect::<Vec<_>>(),
            keep.iter().map(|&d| view.strides()[d]).collect::<Vec<_>>(),
            view.layout().offset(),
        );
        let block = view.with_layout(layout);
        let count: usize = bshape.iter().product();
        if let Some(e) = bounds_error.filter(|_| count > 0) {
            return Err(e);
        }
        let parts: Vec<TablePart<'_>> = indexed
            .iter()
            .filter_map(|&(p, e)| match e {
                Entry::Adv { idx, shape, axis: Some(axis) } => {
                    Some(TablePart { idx, shape, stride: view.strides()[p], size: x.shape()[*axis] })
                }
                _ => None,
            })
            .collect();
        let table = Table::build(&bshape, &parts, &x.device())?;
        Ok(Gather { bshape, block, table, position })
    }
}

/// The broadcast shape of the advanced entries `adv` (NumPy's `IndexError` when they do not
/// broadcast).
fn broadcast_all(entries: &[Entry], adv: &[usize]) -> Result<Vec<usize>> {
    let shapes: Vec<&[usize]> = adv
        .iter()
        .filter_map(|&i| if let Entry::Adv { shape, .. } = &entries[i] { Some(shape.as_slice()) } else { None })
        .collect();
    let mut bshape = Vec::new();
    for s in &shapes {
        bshape = broadcast_shapes(&bshape, s).map_err(|_| Error::InvalidIndex {
            op: OP,
            msg: format!(
                "shape mismatch: indexing arrays could not be broadcast together with shapes {}",
                shapes.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(" ")
            ),
        })?;
    }
    Ok(bshape)
}

/// A gather table: element offsets on the host (every index came from an int or a boolean
/// mask), or already on the array's device (some came from an index array) with a range that
/// holds every value.
pub(crate) enum Table {
    Host(Vec<i64>),
    Device(Array, (i64, i64)),
}

impl Table {
    fn build(bshape: &[usize], parts: &[TablePart<'_>], device: &crate::Device) -> Result<Table> {
        let on_host: Option<Vec<HostPart<'_>>> = parts
            .iter()
            .map(|p| match p.idx {
                Indices::Host(v) => Some((v.as_slice(), p.shape, p.stride)),
                Indices::Device(_) => None,
            })
            .collect();
        match on_host {
            Some(host) => Ok(Table::Host(offsets_table(bshape, &host))),
            None if bshape.contains(&0) => Ok(Table::Host(Vec::new())),
            None => {
                let (t, reach) = super::index_device::table(bshape, parts, device)?;
                Ok(Table::Device(t, reach))
            }
        }
    }
}

/// One indexed axis of a host table: its indices, their shape, and the axis's element stride.
pub(crate) type HostPart<'a> = (&'a [usize], &'a [usize], isize);

/// For each position of `bshape` (C order), the sum over `parts` of `index × stride`, each
/// part's indices (of `shape`) broadcast to `bshape`.
pub(crate) fn offsets_table(bshape: &[usize], parts: &[HostPart<'_>]) -> Vec<i64> {
    let count: usize = bshape.iter().product();
    if let [(idx, [n], stride)] = parts {
        if *n == count {
            // One 1-D index over the whole selection: the common case, a straight map.
            return idx.iter().map(|&i| i as i64 * *stride as i64).collect();
        }
    }
    let mut table = vec![0i64; count];
    for &(idx, shape, stride) in parts {
        // The part's strides over `bshape` (0 on broadcast axes), then an odometer walk.
        let lead = bshape.len() - shape.len();
        let mut pstrides = vec![0usize; bshape.len()];
        let mut acc = 1;
        for k in (0..shape.len()).rev() {
            pstrides[lead + k] = if shape[k] == 1 { 0 } else { acc };
            acc *= shape[k];
        }
        let mut coord = vec![0usize; bshape.len()];
        let mut flat = 0usize;
        for t in table.iter_mut() {
            *t += idx[flat] as i64 * stride as i64;
            for d in (0..bshape.len()).rev() {
                coord[d] += 1;
                flat += pstrides[d];
                if coord[d] < bshape[d] {
                    break;
                }
                flat -= pstrides[d] * coord[d];
                coord[d] = 0;
            }
        }
    }
    table
}
