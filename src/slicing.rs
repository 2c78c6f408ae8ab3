//! The [`s!`](crate::s) macro: NumPy-style basic indices written as Rust ranges, in ndarray's
//! convention (`s![..3, 1.., ..;2, NewAxis, 4]` is NumPy's `[:3, 1:, ::2, None, 4]`).

use crate::layout::AxisSlice;
use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo, RangeToInclusive};

/// Anything [`s!`](crate::s) accepts as one entry: an integer (an index, which removes the
/// axis), a Rust range (a slice), or an [`AxisSlice`] itself.
pub trait IntoAxisSlice {
    /// The entry as an [`AxisSlice`].
    fn into_axis_slice(self) -> AxisSlice;
}

/// A Rust range with a step, for `s![a..b;step]`.
pub trait SteppedRange {
    /// `start:stop:step`.
    fn with_step(self, step: isize) -> AxisSlice;
}

impl IntoAxisSlice for AxisSlice {
    fn into_axis_slice(self) -> AxisSlice {
        self
    }
}

/// Converts an index or bound; values beyond `isize` saturate (they slice like "past the end").
trait Bound: Copy {
    fn to_isize(self) -> isize;
}

macro_rules! integer_entries {
    ($($t:ty),*) => {$(
        impl Bound for $t {
            fn to_isize(self) -> isize {
                isize::try_from(self).unwrap_or(if self > (0 as $t) { isize::MAX } else { isize::MIN })
            }
        }
        impl IntoAxisSlice for $t {
            fn into_axis_slice(self) -> AxisSlice {
                AxisSlice::Index(self.to_isize())
            }
        }
    )*};
}
integer_entries!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl<T: Bound> SteppedRange for Range<T> {
    fn with_step(self, step: isize) -> AxisSlice {
        AxisSlice::range(self.start.to_isize(), self.end.to_isize(), step)
    }
}

impl<T: Bound> SteppedRange for RangeFrom<T> {
    fn with_step(self, step: isize) -> AxisSlice {
        AxisSlice::range(self.start.to_isize(), None, step)
    }
}

impl<T: Bound> SteppedRange for RangeTo<T> {
    fn with_step(self, step: isize) -> AxisSlice {
        AxisSlice::range(None, self.end.to_isize(), step)
    }
}

impl<T: Bound> SteppedRange for RangeInclusive<T> {
    /// `a..=b` stops after `b`; `a..=-1` runs to the end (as `-1` is the last index).
    fn with_step(self, step: isize) -> AxisSlice {
        let end = self.end().to_isize();
        let stop = if end == -1 { None } else { Some(end.saturating_add(1)) };
        AxisSlice::range(self.start().to_isize(), stop, step)
    }
}

impl<T: Bound> SteppedRange for RangeToInclusive<T> {
    fn with_step(self, step: isize) -> AxisSlice {
        (0isize..=self.end.to_isize()).with_step(step)
    }
}

impl SteppedRange for RangeFull {
    fn with_step(self, step: isize) -> AxisSlice {
        AxisSlice::range(None, None, step)
    }
}

macro_rules! range_entries {
    ($($r:ident),*) => {$(
        impl<T: Bound> IntoAxisSlice for $r<T> {
            fn into_axis_slice(self) -> AxisSlice {
                self.with_step(1)
            }
        }
    )*};
}
range_entries!(Range, RangeFrom, RangeTo, RangeInclusive, RangeToInclusive);

impl IntoAxisSlice for RangeFull {
    fn into_axis_slice(self) -> AxisSlice {
        AxisSlice::FULL
    }
}

/// A basic index for [`Array::slice`](crate::Array::slice), written with Rust ranges: each
/// entry is an integer index, a range (`a..b`, `a..`, `..b`, `..`, `a..=b`) optionally
/// followed by `;step`, `NewAxis` or `Ellipsis`. It expands to a `&[AxisSlice]`.
///
/// **For NumPy users:** `x[:3, 1:, ::2, None, 4]` is `x.slice(s![..3, 1.., ..;2, NewAxis, 4])`,
/// and `x[..., ::-1]` is `x.slice(s![Ellipsis, ..;-1])`. Negative indices and bounds count from
/// the end, as in Python.
///
/// ```
/// use devarray::{s, Array, DType, Device};
/// let x = Array::arange(0.0, 24.0, 1.0, DType::F32, &Device::Cpu)?.reshape(&[4, 6])?;
/// assert_eq!(x.slice(s![..3, 1..;2])?.shape(), &[3, 3]);
/// assert_eq!(x.slice(s![-1, ..;-1])?.to_vec::<f32>()?, vec![23.0, 22.0, 21.0, 20.0, 19.0, 18.0]);
/// assert_eq!(x.slice(s![NewAxis, Ellipsis, 2])?.shape(), &[1, 4]);
/// assert_eq!(x.slice(s![1..=2, ..])?.shape(), &[2, 6]);
/// # Ok::<(), devarray::Error>(())
/// ```
#[macro_export]
macro_rules! s {
    (@parse [$($acc:expr,)*]) => { &[$($acc,)*] };
    (@parse [$($acc:expr,)*] NewAxis $(, $($rest:tt)*)?) => {
        $crate::s!(@parse [$($acc,)* $crate::AxisSlice::NewAxis,] $($($rest)*)?)
    };
    (@parse [$($acc:expr,)*] Ellipsis $(, $($rest:tt)*)?) => {
        $crate::s!(@parse [$($acc,)* $crate::AxisSlice::Ellipsis,] $($($rest)*)?)
    };
    (@parse [$($acc:expr,)*] $r:expr ; $step:expr $(, $($rest:tt)*)?) => {
        $crate::s!(@parse [$($acc,)* $crate::SteppedRange::with_step($r, $step),] $($($rest)*)?)
    };
    (@parse [$($acc:expr,)*] $r:expr $(, $($rest:tt)*)?) => {
        $crate::s!(@parse [$($acc,)* $crate::IntoAxisSlice::into_axis_slice($r),] $($($rest)*)?)
    };
    ($($t:tt)*) => { $crate::s!(@parse [] $($t)*) };
}

#[cfg(test)]
mod tests {
    use crate::layout::AxisSlice;

    #[test]
    fn entries_map_to_numpy_slices() {
        let got: &[AxisSlice] = s![..3, 1.., ..;2, NewAxis, 4, Ellipsis, 2..5;-1, -1, ..=-1, 1..=2];
        let want = [
            AxisSlice::range(None, 3, 1),
            AxisSlice::range(1, None, 1),
            AxisSlice::range(None, None, 2),
            AxisSlice::NewAxis,
            AxisSlice::Index(4),
            AxisSlice::Ellipsis,
            AxisSlice::range(2, 5, -1),
            AxisSlice::Index(-1),
            AxisSlice::range(0, None, 1),
            AxisSlice::range(1, 3, 1),
        ];
        assert_eq!(got, want);
        let empty: &[AxisSlice] = s![];
        assert!(empty.is_empty());
        assert_eq!(s![u64::MAX], &[AxisSlice::Index(isize::MAX)]);
        assert_eq!(s![..;-1], &[AxisSlice::range(None, None, -1)]);
    }
}
