//! The distributions of [`Generator`].

use super::Generator;
use crate::array::Array;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::vocab::RandomDist;
use crate::Device;

/// The smallest and largest value of an integer dtype (or bool, as 0 and 1).
fn int_range(dtype: DType) -> Option<(i128, i128)> {
    Some(match dtype {
        DType::Bool => (0, 1),
        DType::U8 => (0, u8::MAX.into()),
        DType::U16 => (0, u16::MAX.into()),
        DType::U32 => (0, u32::MAX.into()),
        DType::U64 => (0, u64::MAX.into()),
        DType::I8 => (i8::MIN.into(), i8::MAX.into()),
        DType::I16 => (i16::MIN.into(), i16::MAX.into()),
        DType::I32 => (i32::MIN.into(), i32::MAX.into()),
        DType::I64 => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

fn check_scale(op: &'static str, scale: f64) -> Result<()> {
    if scale.is_finite() && scale >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(op, format!("scale must be finite and >= 0, got {scale}")))
    }
}

impl Generator {
    /// Uniform floats in `[0, 1)` of a float `dtype` (float16, bfloat16, float32, float64), from
    /// the top bits of the random words (every value a multiple of 2^-24 for float32, 2^-53
    /// for float64, 2^-11 for float16, 2^-8 for bfloat16).
    ///
    /// **Errors**: a non-float dtype ([`Error::UnsupportedDType`]); allocation failures.
    ///
    /// **For NumPy users:** `Generator.random(size, dtype)`, which also allows only float32
    /// and float64; devarray adds the 16-bit floats.
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let u = Generator::new(0).random(&[4], DType::F32, &Device::Cpu)?;
    /// assert!(u.to_vec::<f32>()?.iter().all(|&v| (0.0..1.0).contains(&v)));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn random(&mut self, shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        self.draw(RandomDist::Uniform { low: 0.0, scale: 1.0 }, shape, dtype, device)
    }

    /// Uniform floats in `[low, high)`: `low + (high - low) * u` computed in float64 and
    /// rounded once to `dtype` (so, as in NumPy, rounding may produce `high` itself).
    ///
    /// **Errors**: non-finite bounds or width ([`Error::InvalidArgument`]); a non-float dtype.
    ///
    /// **For NumPy users:** `Generator.uniform(low, high, size)`, with a dtype (NumPy's is
    /// always float64) and scalar bounds only.
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let u = Generator::new(0).uniform(-2.0, 2.0, &[100], DType::F64, &Device::Cpu)?;
    /// assert!(u.to_vec::<f64>()?.iter().all(|&v| (-2.0..2.0).contains(&v)));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn uniform(&mut self, low: f64, high: f64, shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        let scale = high - low;
        if !low.is_finite() || !scale.is_finite() {
            return Err(Error::invalid(
                "uniform",
                format!("low, high and high - low must be finite, got {low}, {high}"),
            ));
        }
        self.draw(RandomDist::Uniform { low, scale }, shape, dtype, device)
    }

    /// Standard normal floats (Box–Muller; see the [module docs](super)).
    ///
    /// **Errors**: a non-float dtype; allocation failures.
    ///
    /// **For NumPy users:** `Generator.standard_normal(size, dtype)` (NumPy uses the ziggurat
    /// method, so the values differ even in distribution tails' fine structure, not in law).
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let z = Generator::new(1).standard_normal(&[3], DType::BF16, &Device::Cpu)?;
    /// assert_eq!(z.dtype(), DType::BF16);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn standard_normal(&mut self, shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        self.normal(0.0, 1.0, shape, dtype, device)
    }

    /// Normal floats of mean `loc` and standard deviation `scale`: `loc + scale * z` in
    /// float64, rounded once to `dtype`.
    ///
    /// **Errors**: a non-finite `loc`, a negative or non-finite `scale`; a non-float dtype.
    ///
    /// **For NumPy users:** `Generator.normal(loc, scale, size)` with scalar parameters and a
    /// dtype.
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let x = Generator::new(1).normal(10.0, 0.0, &[2], DType::F32, &Device::Cpu)?;
    /// assert_eq!(x.to_vec::<f32>()?, vec![10.0, 10.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn normal(&mut self, loc: f64, scale: f64, shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        check_scale("normal", scale)?;
        if !loc.is_finite() {
            return Err(Error::invalid("normal", format!("loc must be finite, got {loc}")));
        }
        self.draw(RandomDist::Normal { loc, scale }, shape, dtype, device)
    }

    /// Exponential floats with mean `scale`: `scale * -log(u)`, `u` uniform in `(0, 1)`.
    ///
    /// **Errors**: a negative or non-finite `scale`; a non-float dtype.
    ///
    /// **For NumPy users:** `Generator.exponential(scale, size)` (and `standard_exponential`
    /// with `scale = 1`), by inversion rather than NumPy's ziggurat.
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let e = Generator::new(2).exponential(3.0, &[50], DType::F64, &Device::Cpu)?;
    /// assert!(e.to_vec::<f64>()?.iter().all(|&v| v > 0.0));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn exponential(&mut self, scale: f64, shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        check_scale("exponential", scale)?;
        self.draw(RandomDist::Exponential { scale }, shape, dtype, device)
    }

    /// Uniform integers of `dtype` in `[low, high)` (`[low, high]` with `endpoint`), unbiased
    /// (Lemire's multiply-and-reject). `dtype` is any integer dtype or bool.
    ///
    /// **Errors**: an empty range, or bounds outside `dtype`'s range
    /// ([`Error::InvalidArgument`]); a float dtype ([`Error::UnsupportedDType`]).
    ///
    /// **For NumPy users:** `Generator.integers(low, high, size, dtype, endpoint)` with scalar
    /// bounds; `high` is required (NumPy's one-argument form is `integers(0, low)`).
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let d = Generator::new(3).integers(1, 6, &[100], DType::U8, true, &Device::Cpu)?;
    /// assert!(d.to_vec::<u8>()?.iter().all(|&v| (1..=6).contains(&v)));
    /// let all = Generator::new(3).integers(i64::MIN.into(), i64::MAX.into(), &[4], DType::I64, true, &Device::Cpu)?;
    /// assert_eq!(all.numel(), 4);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn integers(
        &mut self,
        low: i128,
        high: i128,
        shape: &[usize],
        dtype: DType,
        endpoint: bool,
        device: &Device,
    ) -> Result<Array> {
        let (min, max) = int_range(dtype).ok_or_else(|| RandomDist::Integers { low: 0, span: 0 }.unsupported(dtype))?;
        let top = if endpoint { high } else { high - 1 };
        if low > top {
            let bound = if endpoint { "low > high" } else { "low >= high" };
            return Err(Error::invalid("integers", format!("{bound} ({low}, {high}): the range is empty")));
        }
        if low < min || top > max {
            let msg = format!("the range [{low}, {top}] does not fit {dtype} ([{min}, {max}])");
            return Err(Error::invalid("integers", msg));
        }
        // In range, `top - low` fits in u64 and `low`'s two's complement bits are its low 64 bits.
        let dist = RandomDist::Integers { low: low as u64, span: (top - low) as u64 };
        self.draw(dist, shape, dtype, device)
    }

    /// Booleans, `true` with probability `p` (resolution 2^-32).
    ///
    /// **Errors**: `p` outside `[0, 1]`.
    ///
    /// **For NumPy users:** NumPy has no `bernoulli`; `Generator.random(size) < p` or
    /// `binomial(1, p, size)` are the equivalents.
    ///
    /// ```
    /// use devarray::{random::Generator, Device};
    /// let b = Generator::new(4).bernoulli(1.0, &[8], &Device::Cpu)?;
    /// assert!(b.to_vec::<bool>()?.iter().all(|&v| v));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn bernoulli(&mut self, p: f64, shape: &[usize], device: &Device) -> Result<Array> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::invalid("bernoulli", format!("p must be in [0, 1], got {p}")));
        }
        self.draw(RandomDist::Bernoulli { p }, shape, DType::Bool, device)
    }

    /// Gamma floats of shape `shape` (k) and scale `scale` (θ): mean kθ, variance kθ². Standard
    /// gamma variates by Marsaglia and Tsang's method (2000), with their `U^(1/k)` boost for
    /// `k < 1`; each element uses its own counter block whatever the rejections.
    ///
    /// **Errors**: a negative or non-finite `shape` or `scale`; a non-float dtype.
    ///
    /// **For NumPy users:** `Generator.gamma(shape, scale, size)` and `standard_gamma(shape,
    /// size, dtype)` (scale 1), with scalar parameters.
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let g = Generator::new(5).gamma(2.0, 3.0, &[1000], DType::F64, &Device::Cpu)?.to_vec::<f64>()?;
    /// let mean = g.iter().sum::<f64>() / 1000.0;
    /// assert!(g.iter().all(|&v| v > 0.0) && (mean - 6.0).abs() < 1.0);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn gamma(&mut self, shape: f64, scale: f64, dims: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        check_scale("gamma", scale)?;
        if !(shape.is_finite() && shape >= 0.0) {
            return Err(Error::invalid("gamma", format!("shape must be finite and >= 0, got {shape}")));
        }
        self.draw(RandomDist::Gamma { shape, scale }, dims, dtype, device)
    }

    /// Beta floats in `[0, 1]`: `x / (x + y)` with `x`, `y` standard gamma variates of shapes `a`
    /// and `b` (two independent sub-streams of the element's counter block).
    ///
    /// **Errors**: `a` or `b` not finite and > 0; a non-float dtype.
    ///
    /// **For NumPy users:** `Generator.beta(a, b, size)` with scalar parameters (NumPy switches
    /// to Johnk's algorithm for small shapes; the law is the same).
    ///
    /// ```
    /// use devarray::{random::Generator, DType, Device};
    /// let b = Generator::new(6).beta(2.0, 5.0, &[500], DType::F32, &Device::Cpu)?.to_vec::<f32>()?;
    /// assert!(b.iter().all(|&v| (0.0..=1.0).contains(&v)));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn beta(&mut self, a: f64, b: f64, dims: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        if !(a.is_finite() && a > 0.0 && b.is_finite() && b > 0.0) {
            return Err(Error::invalid("beta", format!("a and b must be finite and > 0, got {a} and {b}")));
        }
        self.draw(RandomDist::Beta { a, b }, dims, dtype, device)
    }

    /// Successes in `n` independent trials of success probability `p` (`int64`): by inversion
    /// when `n * min(p, 1 - p) < 10`, else by Hörmann's BTRS transformed rejection (1993); with
    /// `p > 1/2` the failures of `1 - p` are drawn and `n` minus them returned. Each element
    /// uses its own counter block whatever the rejections.
    ///
    /// **Errors**: `n < 0`, `p` outside `[0, 1]` or NaN ([`Error::InvalidArgument`]).
    ///
    /// **For NumPy users:** `Generator.binomial(n, p, size)` with scalar parameters (NumPy uses
    /// BTPE for large means; the law is the same).
    ///
    /// ```
    /// use devarray::{random::Generator, Device};
    /// let x = Generator::new(8).binomial(20, 0.3, &[1000], &Device::Cpu)?.to_vec::<i64>()?;
    /// let mean = x.iter().sum::<i64>() as f64 / 1000.0;
    /// assert!(x.iter().all(|&k| (0..=20).contains(&k)) && (mean - 6.0).abs() < 0.5);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn binomial(&mut self, n: i64, p: f64, shape: &[usize], device: &Device) -> Result<Array> {
        if n < 0 {
            return Err(Error::invalid("binomial", format!("n must be >= 0, got {n}")));
        }
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::invalid("binomial", format!("p must be in [0, 1], got {p}")));
        }
        self.draw(RandomDist::Binomial { n: n as u64, p }, shape, DType::I64, device)
    }

    /// Poisson counts of mean `lam` (`int64`): by inversion of one uniform when `lam < 10`,
    /// else by Hörmann's PTRS transformed rejection (1993), each element from its own counter
    /// block.
    ///
    /// **Errors**: `lam` negative, NaN, or above [`POISSON_LAM_MAX`] (whose draws could exceed
    /// `int64`) ([`Error::InvalidArgument`]).
    ///
    /// **For NumPy users:** `Generator.poisson(lam, size)` with a scalar `lam` and NumPy's
    /// limit on it.
    ///
    /// ```
    /// use devarray::{random::Generator, Device};
    /// let x = Generator::new(9).poisson(4.0, &[1000], &Device::Cpu)?.to_vec::<i64>()?;
    /// let mean = x.iter().sum::<i64>() as f64 / 1000.0;
    /// assert!(x.iter().all(|&k| k >= 0) && (mean - 4.0).abs() < 0.4);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn poisson(&mut self, lam: f64, shape: &[usize], device: &Device) -> Result<Array> {
        if !(0.0..=POISSON_LAM_MAX).contains(&lam) {
            let msg = format!("lam must be in [0, {POISSON_LAM_MAX:e}], got {lam}");
            return Err(Error::invalid("poisson", msg));
        }
        self.draw(RandomDist::Poisson { lam }, shape, DType::I64, device)
    }
}

/// The largest `lam` [`Generator::poisson`] accepts: `int64`'s maximum less ten standard
/// deviations, NumPy's bound.
pub const POISSON_LAM_MAX: f64 = 9.223_372_006_484_771e18;
