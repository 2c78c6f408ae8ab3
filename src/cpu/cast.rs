//! Dtype conversion on the CPU: the `astype` kernel, one [`map1`] per `(from, to)` pair over the
//! element-level casts of `crate::dtype::convert`, the one conversion rule (NumPy's results; see
//! that module for rounding and saturation).

use super::elementwise::map1;
use super::CpuBuffer;
use crate::dtype::convert::CastTo;
use crate::dtype::DType;
use crate::layout::Layout;

/// Converts the view `src` of dtype `from` into the fresh contiguous `dst` of dtype `to`.
pub(crate) fn cast(from: DType, to: DType, src: (&CpuBuffer, &Layout), dst: (&CpuBuffer, &Layout)) {
    crate::dispatch_dtype!(from, S => crate::dispatch_dtype!(to, D => {
        map1::<S, D>(src, dst, |x: S| x.cast::<D>())
    }))
}
