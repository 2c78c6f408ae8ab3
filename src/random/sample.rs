//! Sampling from populations: [`Generator::permutation`], [`Generator::permutation_of`],
//! [`Generator::shuffle`], [`Generator::choice`] and [`Generator::choice_from`].
//!
//! Everything is built from draws of the generator's stream and device ops, so it runs on the
//! device and gives the same values on every device:
//!
//! - a permutation of `n` is the stable [`Array::argsort`] of `n` full-range 64-bit keys (one
//!   counter block each); equal keys (probability about `n² / 2^65`) keep their order, so the
//!   result is always a permutation;
//! - sampling without replacement takes the first `k` of such a permutation; with weights `p`
//!   it takes the `k` smallest of `E_i / p_i`, `E_i` standard exponential (Efraimidis and
//!   Spirakis' keys: the smallest is item `i` with probability `p_i`, and by the exponential's
//!   lack of memory the rest follow sequential sampling with the remaining weights renormalised,
//!   the law NumPy's `choice(replace=False, p=...)` samples);
//! - sampling with replacement is [`Generator::integers`], or with `p` the insertion points
//!   ([`Array::searchsorted`], side right) of uniform floats in the normalised cumulative sum of
//!   `p` (NumPy's method): an item of weight 0 is never chosen.
//!
//! **Host reads** (explicit, documented here and on each method): gathering along an axis goes
//! through [`Array::take`], which reads one bounds flag per call on a CUDA device; validating
//! `p` reads one flag (whether any weight is negative or NaN, the sum is off by more than the
//! tolerance, or too few weights are non-zero), and its detail only when the flag is set.

use super::Generator;
use crate::array::Array;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::{checked_numel, normalize_axis};
use crate::{AxisSlice, BinaryOp, Device, ReduceOp, Side, UnaryOp};

impl Generator {
    /// A random permutation of `0..n` (`int64`, shape `[n]`) on `device`: the stable argsort of
    /// `n` random 64-bit keys, one counter block each (see the [module docs](super)).
    ///
    /// **Errors**: allocation and device failures.
    ///
    /// **For NumPy users:** `Generator.permutation(n)`.
    ///
    /// ```
    /// use devarray::{random::Generator, Device};
    /// let mut rng = Generator::new(1);
    /// let mut p = rng.permutation(10, &Device::Cpu)?.to_vec::<i64>()?;
    /// assert_eq!(rng.offset(), 10);
    /// p.sort();
    /// assert_eq!(p, (0..10).collect::<Vec<i64>>());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn permutation(&mut self, n: usize, device: &Device) -> Result<Array> {
        let keys = self.integers(0, u64::MAX.into(), &[n], DType::U64, true, device)?;
        keys.argsort(0, false, true)
    }

    /// A copy of `x` with its slices along `axis` in random order (the order of
    /// [`Generator::permutation`] of `x.shape()[axis]`, gathered with [`Array::take`], which reads
    /// one bounds flag on a CUDA device).
    ///
    /// **Errors**: [`Error::AxisOutOfRange`] (a 0-d array has no axis to permute).
    ///
    /// **For NumPy users:** `Generator.permutation(x, axis)` with an array (not NumPy's
    /// `permuted`, which shuffles every slice independently).
    ///
    /// ```
    /// use devarray::{random::Generator, Array, Device};
    /// let x = Array::from_slice(&[1i32, 2, 3, 4, 5, 6], &[3, 2], &Device::Cpu)?;
    /// let rows = Generator::new(2).permutation_of(&x, 0)?.to_vec::<i32>()?;
    /// // Rows move whole.
    /// assert!(rows.chunks(2).all(|r| r[1] == r[0] + 1));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn permutation_of(&mut self, x: &Array, axis: isize) -> Result<Array> {
        let ax = normalize_axis("permutation", axis, x.ndim())?;
        let order = self.permutation(x.shape()[ax], &x.device())?;
        x.take(&order, Some(ax as isize))
    }

    /// Shuffles `x` in place along `axis`: writes [`Generator::permutation_of`]`(x, axis)` back
    /// into `x` (which may be a strided view).
    ///
    /// **Errors**: [`Error::AxisOutOfRange`]; [`Error::ReadOnly`] (checked before anything is
    /// drawn).
    ///
    /// **For NumPy users:** `Generator.shuffle(x, axis)`.
    ///
    /// ```
    /// use devarray::{random::Generator, Array, Device};
    /// let x = Array::from_slice(&[0i64, 1, 2, 3, 4], &[5], &Device::Cpu)?;
    /// Generator::new(3).shuffle(&x, 0)?;
    /// let mut v = x.to_vec::<i64>()?;
    /// v.sort();
    /// assert_eq!(v, vec![0, 1, 2, 3, 4]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn shuffle(&mut self, x: &Array, axis: isize) -> Result<()> {
        normalize_axis("shuffle", axis, x.ndim())?;
        x.check_writable("shuffle")?;
        let shuffled = self.permutation_of(x, axis)?;
        x.assign(&shuffled)
    }

    /// Random indices into a population of `n` items (`int64`, shape `shape`, on `device`):
    /// with replacement uniform ([`Generator::integers`]) or by the weights `p`; without
    /// replacement, distinct, in random order (see the [module docs](super) for the methods).
    ///
    /// `p`: a 1-D array of `n` weights on `device` (any real dtype; used as float64), each
    /// `>= 0`, summing to 1 within `sqrt(eps)` of its dtype (at least float64's, 1.5e-8).
    /// Checking the values reads one flag to the host (its detail only when it is set).
    ///
    /// Without replacement the cost is a sort of `n` keys, whatever the sample size.
    ///
    /// **Errors** ([`Error::InvalidArgument`] unless noted): a sample from an empty population,
    /// more samples than items without replacement, or (with `p`) fewer non-zero weights than
    /// samples; `p` not 1-D of length `n`, negative, NaN, or not summing to 1;
    /// [`Error::DeviceMismatch`] when `p` is elsewhere. A refused call draws nothing.
    ///
    /// **For NumPy users:** `Generator.choice(n, size, replace, p)`; the streams differ from
    /// NumPy's, the laws are the same. NumPy's `shuffle=False` has no counterpart: the sample
    /// is a prefix of a random order, already shuffled.
    ///
    /// ```
    /// use devarray::{random::Generator, Array, Device};
    /// let cpu = Device::Cpu;
    /// let mut rng = Generator::new(4);
    /// let mut hand = rng.choice(52, &[5], false, None, &cpu)?.to_vec::<i64>()?;
    /// hand.sort();
    /// hand.dedup();
    /// assert_eq!(hand.len(), 5);
    /// let p = Array::from_slice(&[0.0, 1.0, 0.0], &[3], &cpu)?;
    /// assert_eq!(rng.choice(3, &[4], true, Some(&p), &cpu)?.to_vec::<i64>()?, vec![1; 4]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn choice(
        &mut self,
        n: usize,
        shape: &[usize],
        replace: bool,
        p: Option<&Array>,
        device: &Device,
    ) -> Result<Array> {
        const OP: &str = "choice";
        let k = checked_numel(OP, shape, DType::I64.itemsize())?;
        if n == 0 && k > 0 {
            return Err(Error::invalid(OP, "a cannot be empty unless no samples are taken"));
        }
        if !replace && k > n {
            let msg = format!("cannot take a larger sample ({k}) than the population ({n}) when replace is false");
            return Err(Error::invalid(OP, msg));
        }
        let weights = p.map(|p| check_weights(p, n, if replace { 0 } else { k }, device)).transpose()?;
        if k == 0 {
            return Array::empty(shape, DType::I64, device);
        }
        match (replace, weights) {
            (true, None) => self.integers(0, n as i128 - 1, shape, DType::I64, true, device),
            (true, Some(w)) => {
                // Normalised so the last value is exactly 1 > every uniform draw.
                let cdf = w.cumulative_sum(Some(0), None, false)?;
                let last = cdf.slice(&[AxisSlice::Index(-1)])?;
                let cdf = Array::binary(BinaryOp::Divide, &cdf, &last)?;
                let u = self.random(shape, DType::F64, device)?;
                cdf.searchsorted(&u, Side::Right, None)
            }
            (false, None) => first_k(&self.permutation(n, device)?, k, shape),
            (false, Some(w)) => {
                // Efraimidis-Spirakis: weight 0 gives +inf, sorted after every positive weight.
                let e = self.exponential(1.0, &[n], DType::F64, device)?;
                let keys = Array::binary(BinaryOp::Divide, &e, &w)?;
                first_k(&keys.argsort(0, false, true)?, k, shape)
            }
        }
    }

    /// A random sample of the slices of `a` along `axis`: `a.take(choice(a.shape()[axis], shape,
    /// replace, p), axis)`, so the result's shape is `a`'s with that axis replaced by `shape`
    /// (removed when `shape` is `[]`). [`Array::take`] reads one bounds flag on a CUDA device.
    ///
    /// **Errors**: as [`Generator::choice`]; [`Error::AxisOutOfRange`] (a 0-d `a`).
    ///
    /// **For NumPy users:** `Generator.choice(a, size, replace, p, axis)` with an array `a`.
    ///
    /// ```
    /// use devarray::{random::Generator, Array, Device};
    /// let a = Array::from_slice(&[10i32, 20, 30], &[3], &Device::Cpu)?;
    /// let s = Generator::new(5).choice_from(&a, &[2, 2], true, None, 0)?;
    /// assert_eq!(s.shape(), &[2, 2]);
    /// assert!(s.to_vec::<i32>()?.iter().all(|v| [10, 20, 30].contains(v)));
    /// let one = Generator::new(5).choice_from(&a, &[], true, None, 0)?;
    /// assert_eq!(one.shape(), &[] as &[usize]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn choice_from(
        &mut self,
        a: &Array,
        shape: &[usize],
        replace: bool,
        p: Option<&Array>,
        axis: isize,
    ) -> Result<Array> {
        let ax = normalize_axis("choice", axis, a.ndim())?;
        let idx = self.choice(a.shape()[ax], shape, replace, p, &a.device())?;
        a.take(&idx, Some(ax as isize))
    }
}

/// The first `k` values of the 1-D `order`, in `shape`.
fn first_k(order: &Array, k: usize, shape: &[usize]) -> Result<Array> {
    order.slice(&[AxisSlice::range(0, k as isize, 1)])?.reshape(shape)
}

/// `p` as float64 after checking it is a valid weight vector for `n` items of which at least
/// `nonzero` must be positive. The shape, dtype and device are checked from metadata; the values
/// on the device, with one flag read to the host (and the detail of the failure only when set).
fn check_weights(p: &Array, n: usize, nonzero: usize, device: &Device) -> Result<Array> {
    const OP: &str = "choice";
    if p.device() != *device {
        return Err(Error::DeviceMismatch { op: OP, lhs: *device, rhs: p.device() });
    }
    if p.ndim() != 1 || p.shape()[0] != n {
        let msg = format!("p must be 1-D with one weight per item ({n}), got shape {:?}", p.shape());
        return Err(Error::invalid(OP, msg));
    }
    if !(p.dtype().is_float() || p.dtype().is_integer()) {
        let hint = "; pass float weights".to_string();
        return Err(Error::UnsupportedDType { op: OP, dtype: p.dtype(), hint });
    }
    // NumPy's tolerance: sqrt(eps) of the weights' dtype, at least float64's.
    let eps = match p.dtype() {
        DType::F16 => f64::from(half::f16::EPSILON),
        DType::BF16 => f64::from(half::bf16::EPSILON),
        DType::F32 => f64::from(f32::EPSILON),
        _ => f64::EPSILON,
    };
    let atol = eps.sqrt();
    let w = p.astype(DType::F64)?;
    let negative = Array::binary(BinaryOp::GreaterEqual, &w, 0.0)?.unary(UnaryOp::LogicalNot)?;
    let negative = negative.reduce(ReduceOp::Any, None, false)?;
    let total = w.reduce(ReduceOp::Sum, None, false)?;
    let off = Array::binary(BinaryOp::Subtract, &total, 1.0)?.unary(UnaryOp::Abs)?;
    // `!(|sum - 1| <= atol)` also catches a NaN or infinite sum.
    let off = Array::binary(BinaryOp::LessEqual, &off, atol)?.unary(UnaryOp::LogicalNot)?;
    let positive = Array::binary(BinaryOp::Greater, &w, 0.0)?.reduce(ReduceOp::Sum, None, false)?;
    let few = Array::binary(BinaryOp::Less, &positive, nonzero as i64)?;
    let bad = Array::binary(BinaryOp::LogicalOr, &negative, &off)?;
    let bad = Array::binary(BinaryOp::LogicalOr, &bad, &few)?;
    // The documented host read: one bool.
    if !bad.to_vec::<bool>()?[0] {
        return Ok(w);
    }
    // The error path: read the detail.
    let msg = if negative.to_vec::<bool>()?[0] {
        "probabilities p must be non-negative and not NaN".to_string()
    } else if off.to_vec::<bool>()?[0] {
        format!("probabilities p do not sum to 1 (sum {}, tolerance {atol:e})", total.to_vec::<f64>()?[0])
    } else {
        format!("fewer non-zero entries in p ({}) than samples ({nonzero})", positive.to_vec::<i64>()?[0])
    };
    Err(Error::invalid(OP, msg))
}
