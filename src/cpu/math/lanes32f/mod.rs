//! `f32` lane functions (`exp`, `expm1`, `log`, `log1p`, `log2`, `log10`, `sin`, `cos`,
//! `sinh`, `cosh`, `tanh`, `asin`, `acos`, `atan`, and `atan2` for [`super::lanes_binary`])
//! evaluated in `f32` arithmetic with fused multiply-adds: twice the lanes of [`super::lanes32`]
//! (which widens to `f64`), for the levels with FMA (AVX2+FMA, AVX-512).
//! The SSE2 baseline keeps the `f64` lanes, whose accuracy does not rest on a fused
//! multiply-add. Each unary function was checked on every `f32` input against the contract of
//! `vector_tests.rs` (within 1 ulp of the correctly rounded `f64` result), `atan2` on dense
//! random pairs (`vector_binary_tests.rs`); the dense-sample tests run on every level in CI. `tan` stays on the `f64` lanes: a version here within
//! 1 ulp (sine and cosine as `f32` pairs, a corrected quotient) took about 60 vector operations
//! per vector and measured no faster (2026-12-05).

mod asin_acos;
mod atan;
mod exp_log;
mod expm1_log1p;
mod hyperbolic;
mod log2_log10;
mod sin_cos;
mod tanh;

use super::vector::{Fma, Kernel};

/// `π/2` as the nearest `f32` ...
const PIO2_HI: f32 = std::f32::consts::FRAC_PI_2;
/// ... and the rest, rounded to `f32` (about `-4.4e-8`): the pair is within `2^-48` of `π/2`.
const PIO2_LO: f32 = (std::f64::consts::FRAC_PI_2 - PIO2_HI as f64) as f32;
/// `π` as the nearest `f32` ...
const PI_HI: f32 = std::f32::consts::PI;
/// ... and the rest, rounded to `f32` (about `-8.7e-8`).
const PI_LO: f32 = (std::f64::consts::PI - PI_HI as f64) as f32;
pub(crate) use atan::{atan2_exceptional, atan2_lane};

macro_rules! kernel32f {
    ($name:ident, $doc:literal, $lane:path, $exceptional:path, $scalar:expr) => {
        #[doc = $doc]
        pub(crate) struct $name;
        impl Kernel<f32> for $name {
            #[inline(always)]
            fn lane<M: Fma>(x: f32) -> f32 {
                $lane(x)
            }
            #[inline(always)]
            fn exceptional(x: f32) -> bool {
                $exceptional(x)
            }
            #[inline(always)]
            fn scalar(x: f32) -> f32 {
                $scalar(x)
            }
        }
    };
}

/// `exp` in `f32` lanes ([`exp_log::exp_lane`]; blocks within `±86`,
/// [`exp_log::exp_lane_in_range`]).
pub(crate) struct ExpF32;
impl Kernel<f32> for ExpF32 {
    #[inline(always)]
    fn lane<M: Fma>(x: f32) -> f32 {
        exp_log::exp_lane(x)
    }
    #[inline(always)]
    fn exceptional(x: f32) -> bool {
        exp_log::exp_exceptional(x)
    }
    #[inline(always)]
    fn scalar(x: f32) -> f32 {
        f32::exp(x)
    }
    const HAS_RANGE_LANE: bool = true;
    #[inline(always)]
    fn in_range(x: f32) -> bool {
        exp_log::exp_in_range(x)
    }
    #[inline(always)]
    fn lane_in_range<M: Fma>(x: f32) -> f32 {
        exp_log::exp_lane_in_range(x)
    }
}
kernel32f!(
    LogF32,
    "`ln` in `f32` lanes ([`exp_log::log_lane`]).",
    exp_log::log_lane,
    exp_log::log_exceptional,
    f32::ln
);
kernel32f!(TanhF32, "`tanh` in `f32` lanes ([`tanh::tanh_lane`]).", tanh::tanh_lane, tanh::tanh_exceptional, f32::tanh);
kernel32f!(
    SinF32,
    "`sin` in `f32` lanes ([`sin_cos::sin_lane`]).",
    sin_cos::sin_lane,
    sin_cos::sin_exceptional,
    f32::sin
);
kernel32f!(
    CosF32,
    "`cos` in `f32` lanes ([`sin_cos::cos_lane`]).",
    sin_cos::cos_lane,
    sin_cos::cos_exceptional,
    f32::cos
);
kernel32f!(
    Expm1F32,
    "`exp_m1` in `f32` lanes ([`expm1_log1p::expm1_lane`]).",
    expm1_log1p::expm1_lane,
    expm1_log1p::expm1_exceptional,
    f32::exp_m1
);
kernel32f!(
    Log1pF32,
    "`ln_1p` in `f32` lanes ([`expm1_log1p::log1p_lane`]).",
    expm1_log1p::log1p_lane,
    expm1_log1p::log1p_exceptional,
    f32::ln_1p
);
kernel32f!(
    SinhF32,
    "`sinh` in `f32` lanes ([`hyperbolic::sinh_lane`]).",
    hyperbolic::sinh_lane,
    hyperbolic::hyperbolic_exceptional,
    f32::sinh
);
kernel32f!(
    CoshF32,
    "`cosh` in `f32` lanes ([`hyperbolic::cosh_lane`]).",
    hyperbolic::cosh_lane,
    hyperbolic::hyperbolic_exceptional,
    f32::cosh
);
kernel32f!(
    AsinF32,
    "`asin` in `f32` lanes ([`asin_acos::asin_lane`]).",
    asin_acos::asin_lane,
    asin_acos::asin_acos_exceptional,
    f32::asin
);
kernel32f!(
    AcosF32,
    "`acos` in `f32` lanes ([`asin_acos::acos_lane`]).",
    asin_acos::acos_lane,
    asin_acos::asin_acos_exceptional,
    f32::acos
);
kernel32f!(AtanF32, "`atan` in `f32` lanes ([`atan::atan_lane`]).", atan::atan_lane, atan::atan_exceptional, f32::atan);
kernel32f!(
    Log2F32,
    "`log2` in `f32` lanes ([`log2_log10::log2_lane`]).",
    log2_log10::log2_lane,
    exp_log::log_exceptional,
    f32::log2
);
kernel32f!(
    Log10F32,
    "`log10` in `f32` lanes ([`log2_log10::log10_lane`]).",
    log2_log10::log10_lane,
    exp_log::log_exceptional,
    f32::log10
);
