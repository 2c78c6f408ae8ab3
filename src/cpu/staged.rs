//! Float elementwise drivers that compute in the compute type `T::C`: for `f32`/`f64` they are
//! [`map1`]/[`map2`] with the closure wrapped. float16 works a chunk at a time: inputs are
//! widened into `f32` buffers with the AVX-512/F16C conversions of `math::half_convert`, the op
//! runs there, and the results are narrowed back, all at the run-time SIMD level. bfloat16
//! converts per element (a shift and a rounding add, which vectorise inside the loop), with its
//! rows at the SIMD level too. Either way the results are the same bits as converting each
//! element on its own (one rounding from `f32`).

use super::elementwise::{bind, load, map1_grain, map2_grain, map2_grain_at_level, out_operand, store};
use super::math::vector::at_level;
use super::math::vector_binary::SliceFn2;
use super::math::{FloatElem, Real};
use super::strided::for_each_row_grain;
use super::{queue, CpuBuffer};
use crate::layout::Layout;
use crate::vocab::Input;

type View<'a> = (&'a CpuBuffer, &'a Layout);

/// Elements per chunk: three `f32` buffers of this length stay in L1.
pub(super) const CHUNK: usize = 512;

/// `dst[i] = from_c(f(src[i].to_c()))` for a float view `src` into the fresh `dst`, with
/// `grain` elements per parallel task (the op's cost class: [`PAR_CHUNK`](super::parallel::PAR_CHUNK) or
/// [`CALL_GRAIN`](super::parallel::CALL_GRAIN)).
pub(crate) fn map1_float<T: FloatElem>(src: View<'_>, dst: View<'_>, grain: usize, f: impl Fn(T::C) -> T::C + Sync) {
    if !T::STAGED {
        return map1_grain(src, dst, grain, |x: T| T::from_c(f(x.to_c())));
    }
    let shape = dst.1.shape();
    let a = bind::<T>(&Input::View(src.0, src.1), shape.len());
    let out = out_operand::<T>(dst);
    let _q = queue();
    // SAFETY: `src` lies in its buffer (an Array invariant) and `dst` is a fresh buffer that
    // overlaps no input; the queue excludes other access.
    unsafe {
        for_each_row_grain(shape, [out, a.operand(size_of::<T>())], grain, |[po, pa], [so, sa], len| {
            // At the SIMD level, as in `map2_float`.
            at_level(
                #[inline(always)]
                || {
                    let (mut x, mut tmp) = ([T::C::ZERO; CHUNK], [T::from_c(T::C::ZERO); CHUNK]);
                    for start in (0..len).step_by(CHUNK) {
                        let x = &mut x[..CHUNK.min(len - start)];
                        gather::<T>(pa, sa, start, x, &mut tmp);
                        x.iter_mut().for_each(|v| *v = f(*v));
                        scatter::<T>(po, so, start, x, &mut tmp);
                    }
                },
            )
        });
    }
}

/// `dst = kernel(src)` for a float view `src` into the fresh `dst`, with a slice kernel over
/// the compute type (the vectorised functions of `math::vector`): contiguous `f32`/`f64` rows
/// go to the kernel as they are; other rows (16-bit types, strided views) a chunk at a time
/// through `f32`/`f64` buffers.
pub(crate) fn map1_float_slices<T: FloatElem>(
    src: View<'_>,
    dst: View<'_>,
    grain: usize,
    kernel: fn(&[T::C], &mut [T::C]),
) {
    let shape = dst.1.shape();
    let a = bind::<T>(&Input::View(src.0, src.1), shape.len());
    let out = out_operand::<T>(dst);
    let _q = queue();
    let unit = size_of::<T>() as isize;
    // SAFETY: as in `map1_float`; the direct slices are formed only for unit strides of a type
    // that is its own compute type (`IS_C`: the same type, so the same layout).
    unsafe {
        for_each_row_grain(shape, [out, a.operand(size_of::<T>())], grain, |[po, pa], [so, sa], len| {
            if T::IS_C && so == unit && sa == unit {
                let x = std::slice::from_raw_parts(pa as *const T::C, len);
                return kernel(x, std::slice::from_raw_parts_mut(po as *mut T::C, len));
            }
            // The conversions at the SIMD level (the kernel dispatches by itself).
            at_level(
                #[inline(always)]
                || {
                    let (mut x, mut y) = ([T::C::ZERO; CHUNK], [T::C::ZERO; CHUNK]);
                    let mut tmp = [T::from_c(T::C::ZERO); CHUNK];
                    for start in (0..len).step_by(CHUNK) {
                        let n = CHUNK.min(len - start);
                        gather::<T>(pa, sa, start, &mut x[..n], &mut tmp);
                        kernel(&x[..n], &mut y[..n]);
                        scatter::<T>(po, so, start, &y[..n], &mut tmp);
                    }
                },
            )
        });
    }
}

/// `dst[i] = from_c(f(a[i].to_c(), b[i].to_c()))`, each input a view broadcast to `dst`'s
/// shape or a value; `grain` as in [`map1_float`].
pub(crate) fn map2_float<T: FloatElem>(
    a: Input<'_, CpuBuffer>,
    b: Input<'_, CpuBuffer>,
    dst: View<'_>,
    grain: usize,
    f: impl Fn(T::C, T::C) -> T::C + Sync,
) {
    if T::IS_C {
        return map2_grain(a, b, dst, grain, |x: T, y: T| T::from_c(f(x.to_c(), y.to_c())));
    }
    if !T::STAGED {
        return map2_grain_at_level(a, b, dst, grain, |x: T, y: T| T::from_c(f(x.to_c(), y.to_c())));
    }
    let shape = dst.1.shape();
    let (a, b) = (bind::<T>(&a, shape.len()), bind::<T>(&b, shape.len()));
    let ops = [out_operand::<T>(dst), a.operand(size_of::<T>()), b.operand(size_of::<T>())];
    let _q = queue();
    // SAFETY: as in `map1_float`; scalar inputs are boxed values read through zero strides.
    unsafe {
        for_each_row_grain(shape, ops, grain, |[po, pa, pb], [so, sa, sb], len| {
            // At the SIMD level: compiled for the baseline, the op on the widened chunk ran in
            // 4-lane SSE (a profile of float16 `add` showed it beside the conversions).
            at_level(
                #[inline(always)]
                || {
                    let (mut x, mut y) = ([T::C::ZERO; CHUNK], [T::C::ZERO; CHUNK]);
                    let mut tmp = [T::from_c(T::C::ZERO); CHUNK];
                    for start in (0..len).step_by(CHUNK) {
                        let n = CHUNK.min(len - start);
                        let (x, y) = (&mut x[..n], &mut y[..n]);
                        gather::<T>(pa, sa, start, x, &mut tmp);
                        gather::<T>(pb, sb, start, y, &mut tmp);
                        x.iter_mut().zip(&*y).for_each(|(x, &y)| *x = f(*x, y));
                        scatter::<T>(po, so, start, x, &mut tmp);
                    }
                },
            )
        });
    }
}

/// `dst[i] = kernel(a[i], b[i])` for the binary slice kernels of `math::vector_binary`, each
/// input a view broadcast to `dst`'s shape or a value: rows where both inputs and `dst` are
/// contiguous `f32`/`f64` go to the kernel as they are; others (a broadcast value, strides,
/// 16-bit types) a chunk at a time through `f32`/`f64` buffers.
pub(crate) fn map2_float_slices<T: FloatElem>(
    a: Input<'_, CpuBuffer>,
    b: Input<'_, CpuBuffer>,
    dst: View<'_>,
    grain: usize,
    kernel: SliceFn2<T::C>,
) {
    let shape = dst.1.shape();
    let (a, b) = (bind::<T>(&a, shape.len()), bind::<T>(&b, shape.len()));
    let ops = [out_operand::<T>(dst), a.operand(size_of::<T>()), b.operand(size_of::<T>())];
    let _q = queue();
    let unit = size_of::<T>() as isize;
    // SAFETY: as in `map2_float`; the direct slices are formed only for unit strides of a type
    // that is its own compute type.
    unsafe {
        for_each_row_grain(shape, ops, grain, |[po, pa, pb], [so, sa, sb], len| {
            if T::IS_C && so == unit && sa == unit && sb == unit {
                let x = std::slice::from_raw_parts(pa as *const T::C, len);
                let y = std::slice::from_raw_parts(pb as *const T::C, len);
                return kernel(x, y, std::slice::from_raw_parts_mut(po as *mut T::C, len));
            }
            at_level(
                #[inline(always)]
                || {
                    let (mut x, mut y, mut z) = ([T::C::ZERO; CHUNK], [T::C::ZERO; CHUNK], [T::C::ZERO; CHUNK]);
                    let mut tmp = [T::from_c(T::C::ZERO); CHUNK];
                    for start in (0..len).step_by(CHUNK) {
                        let n = CHUNK.min(len - start);
                        gather::<T>(pa, sa, start, &mut x[..n], &mut tmp);
                        gather::<T>(pb, sb, start, &mut y[..n], &mut tmp);
                        kernel(&x[..n], &y[..n], &mut z[..n]);
                        scatter::<T>(po, so, start, &z[..n], &mut tmp);
                    }
                },
            )
        });
    }
}

/// Widens elements `start..start + x.len()` of a row (byte stride `s`) into `x`: straight from
/// the row when contiguous, one value for a zero stride, else gathered through `tmp`.
///
/// # Safety
/// Those elements must be valid reads.
#[inline(always)]
unsafe fn gather<T: FloatElem>(p: *mut u8, s: isize, start: usize, x: &mut [T::C], tmp: &mut [T; CHUNK]) {
    let n = x.len();
    // SAFETY (whole body): the caller's contract; the slice is formed only for unit strides.
    unsafe {
        if s == size_of::<T>() as isize {
            T::widen(std::slice::from_raw_parts((p as *const T).add(start), n), x);
        } else if s == 0 {
            x.fill(load::<T>(p, 0, 0).to_c());
        } else {
            tmp[..n].iter_mut().enumerate().for_each(|(i, t)| *t = load(p, s, start + i));
            T::widen(&tmp[..n], x);
        }
    }
}

/// Narrows `x` into elements `start..start + x.len()` of a row (byte stride `s`).
///
/// # Safety
/// Those elements must be valid writes that nothing else accesses.
#[inline(always)]
unsafe fn scatter<T: FloatElem>(p: *mut u8, s: isize, start: usize, x: &[T::C], tmp: &mut [T; CHUNK]) {
    let n = x.len();
    // SAFETY (whole body): the caller's contract; the slice is formed only for unit strides.
    unsafe {
        if s == size_of::<T>() as isize {
            T::narrow(x, std::slice::from_raw_parts_mut((p as *mut T).add(start), n));
        } else {
            T::narrow(x, &mut tmp[..n]);
            tmp[..n].iter().enumerate().for_each(|(i, &t)| store(p, s, start + i, t));
        }
    }
}

#[cfg(test)]
mod tests {
    // The staged paths against per-element conversion through the public API are in
    // tests/cpu_staged.rs; this module tests the slice conversions, the premise of
    // those paths.
    use crate::cpu::math::FloatElem;
    use half::{bf16, f16};

    /// The slice narrowing the staged path uses (`FloatElem::narrow`: `half_convert`'s vector
    /// loops for float16, `half`'s for bfloat16) against `half`'s per-element `from_f32`, over
    /// every `f32`; ~2^32 conversions, so run it in release:
    /// `cargo test --release --lib -- --ignored narrowing`.
    #[test]
    #[ignore = "exhaustive over 2^32 inputs; run in release"]
    fn slice_narrowing_matches_per_element_for_every_f32() {
        let mut src = vec![0f32; 1 << 16];
        let (mut h, mut b) = (vec![f16::ZERO; 1 << 16], vec![bf16::ZERO; 1 << 16]);
        for hi in 0..=u16::MAX as u32 {
            src.iter_mut().enumerate().for_each(|(lo, v)| *v = f32::from_bits(hi << 16 | lo as u32));
            f16::narrow(&src, &mut h);
            bf16::narrow(&src, &mut b);
            for (i, v) in src.iter().enumerate() {
                assert_eq!(h[i].to_bits(), f16::from_f32(*v).to_bits(), "{:#010x}", v.to_bits());
                assert_eq!(b[i].to_bits(), bf16::from_f32(*v).to_bits(), "{:#010x}", v.to_bits());
            }
        }
    }
}
