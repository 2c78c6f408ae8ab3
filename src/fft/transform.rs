//! One batch of 1-D transforms along one axis: the op layer's half ([`along`]) and the
//! contract both backends implement ([`FftSpec`], `Backend::fft`).

use crate::dtype::DType;
use crate::error::Result;
use crate::storage::Storage;
use crate::Array;

/// Which transform a backend runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// Complex to complex, `exp(-2πi jk/n)` forward, `exp(+2πi jk/n)` inverse (unscaled).
    C2C { inverse: bool },
    /// Real to the `n / 2 + 1` non-negative frequencies (forward, unscaled).
    R2C,
    /// The `n / 2 + 1` non-negative frequencies of a Hermitian spectrum to `n` real values
    /// (inverse, unscaled; the imaginary parts of frequency 0 and, for even `n`, `n / 2` are
    /// ignored).
    C2R,
}

impl Kind {
    /// How many input values one transform of length `n` reads.
    pub(crate) fn in_len(self, n: usize) -> usize {
        match self {
            Kind::C2R => n / 2 + 1,
            _ => n,
        }
    }

    /// How many output values one transform of length `n` writes.
    pub(crate) fn out_len(self, n: usize) -> usize {
        match self {
            Kind::R2C => n / 2 + 1,
            _ => n,
        }
    }
}

/// One batch of transforms for `Backend::fft`.
///
/// The input is a view of shape `(..., m)` (any strides, zero and negative included): every
/// position of the leading axes is one transform, read from the last axis. Its first
/// `min(m, kind.in_len(n))` values are used, the rest of the `kind.in_len(n)` are zeros. The
/// input dtype is float32/float64 (R2C; also allowed for C2C and C2R, read with imaginary
/// part 0) or complex64/complex128 (C2C, C2R); the precision follows it. The output is a fresh
/// C-contiguous view of shape `(..., kind.out_len(n))`: complex of the input's precision, or
/// real for C2R. Every output value is multiplied by `scale`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct FftSpec {
    pub(crate) kind: Kind,
    /// The transform length (`n >= 1`).
    pub(crate) n: usize,
    /// The factor every output value is multiplied by (the normalisation).
    pub(crate) scale: f64,
    /// Conjugate the input first (C2R, for `hfft`) or the output last (R2C, for `ihfft`);
    /// ignored for C2C.
    pub(crate) conj: bool,
    /// The input's dtype.
    pub(crate) input: DType,
}

impl FftSpec {
    /// The output's dtype.
    pub(crate) fn output(&self) -> DType {
        let real = self.input.real_dtype();
        match self.kind {
            Kind::C2R => real,
            _ => real.complex_dtype(),
        }
    }
}

/// The transform `kind` of length `n` along axis `ax` of `x` (already in a dtype the backend
/// reads: float32/float64/complex64/complex128), its output scaled by `scale`.
///
/// The axis is moved last as a view (no copy): the backends read strided rows themselves
/// (the CUDA backend makes one contiguous copy when cuFFT's layout cannot describe them). The
/// output is contiguous with the transformed axis last, and returned as a view with the axis
/// back in place.
pub(crate) fn along(x: &Array, ax: usize, kind: Kind, n: usize, scale: f64, conj: bool) -> Result<Array> {
    let nd = x.ndim();
    let mut perm: Vec<isize> = (0..nd as isize).filter(|&a| a != ax as isize).collect();
    perm.push(ax as isize);
    let moved = x.permute_dims(&perm)?;
    let spec = FftSpec { kind, n, scale, conj, input: x.dtype() };
    let mut shape = moved.shape().to_vec();
    shape[nd - 1] = kind.out_len(n);
    let out = Array::empty(&shape, spec.output(), &x.device())?;
    if out.numel() > 0 {
        Storage::fft(spec, (&**moved.storage(), moved.layout()), (&**out.storage(), out.layout()))?;
    }
    // The inverse permutation: output axis `i` goes back to position `perm[i]`.
    let mut back = vec![0isize; nd];
    for (i, &p) in perm.iter().enumerate() {
        back[p as usize] = i as isize;
    }
    out.permute_dims(&back)
}
