//! NumPy's text for floating-point elements, ported from `numpy/_core/arrayprint.py`
//! (`FloatingFormat`, NumPy 2.4) and the digit rules of its Dragon4 printer.
//!
//! Digits are the shortest that read back as the same value *of the element's own type*
//! (a float32 `0.1` prints `0.1`, not `0.10000000149011612`), cut at `precision` fractional
//! digits and then correctly rounded from the exact binary value, as Dragon4's `unique` mode
//! with a cutoff does. bfloat16 follows `ml_dtypes`, whose elements print as C++'s `%g`.

use half::f16;

/// The IEEE float types that NumPy formats with `FloatingFormat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatKind {
    F16,
    F32,
    F64,
}

impl FloatKind {
    /// `x` (an exact value of this type, widened to `f64`) rounded to this type: the result
    /// of NumPy arithmetic on scalars of this type, and of a Python float cast to it (NEP 50).
    fn round(self, x: f64) -> f64 {
        match self {
            FloatKind::F16 => f16::from_f64(x).to_f64(),
            FloatKind::F32 => x as f32 as f64,
            FloatKind::F64 => x,
        }
    }

    /// `np.finfo(dtype).precision`: decimal digits this type holds.
    fn finfo_precision(self) -> i32 {
        match self {
            FloatKind::F16 => 3,
            FloatKind::F32 => 6,
            FloatKind::F64 => 15,
        }
    }

    /// Magnitudes from which a NumPy scalar's `str` switches to scientific notation.
    fn scalar_str_cutoff(self) -> f64 {
        match self {
            FloatKind::F16 => 1e3,
            FloatKind::F32 => 1e6,
            FloatKind::F64 => 1e16,
        }
    }

    /// The shortest decimal that reads back (round to nearest) as `x` in this type; of several,
    /// the one closest to `x`. `x` must be finite.
    fn shortest(self, x: f64) -> Decimal {
        match self {
            FloatKind::F64 => {
                even_on_tie(Decimal::parse_exp(&format!("{x:e}")), x, |t| t.parse::<f64>().ok() == Some(x))
            }
            FloatKind::F32 => {
                let short = Decimal::parse_exp(&format!("{:e}", x as f32));
                even_on_tie(short, x, |t| t.parse::<f32>().ok() == Some(x as f32))
            }
            FloatKind::F16 => shortest_f16(x),
        }
    }
}

/// A decimal `±d.ddd × 10^exp` (`digits` are ASCII; `"0"` for zero).
#[derive(Clone, Debug, PartialEq)]
struct Decimal {
    neg: bool,
    digits: Vec<u8>,
    exp: i32,
}

impl Decimal {
    /// Parses Rust's `LowerExp` text (`-1.25e-7`, `0e0`).
    fn parse_exp(text: &str) -> Decimal {
        let (neg, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exp) = body.split_once('e').unwrap_or((body, "0"));
        let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        Decimal { neg, digits, exp: exp.parse().unwrap_or(0) }
    }

    /// Fractional digits this decimal needs in positional notation.
    fn frac_len(&self) -> usize {
        (self.digits.len() as i64 - 1 - self.exp as i64).max(0) as usize
    }

    /// Integer part (with its sign) and fractional digits, positionally.
    fn positional(&self) -> (String, String) {
        let sign = if self.neg { "-" } else { "" };
        let d = String::from_utf8_lossy(&self.digits);
        if self.exp >= 0 {
            let int_len = self.exp as usize + 1;
            if d.len() <= int_len {
                (format!("{sign}{d}{}", "0".repeat(int_len - d.len())), String::new())
            } else {
                (format!("{sign}{}", &d[..int_len]), d[int_len..].to_string())
            }
        } else {
            (format!("{sign}0"), format!("{}{d}", "0".repeat((-self.exp - 1) as usize)))
        }
    }
}

/// Dragon4's choice where Rust's differs: when `x` lies exactly halfway between two shortest
/// candidates that both read back as `x`, Dragon4 takes the one with the even last digit and
/// Rust the upper one (a float32 47.7578125 is `47.757812` in NumPy, `47.757813` in Rust).
fn even_on_tie(short: Decimal, x: f64, reads_back: impl Fn(&str) -> bool) -> Decimal {
    let n = short.digits.len();
    let longer = format!("{:.*e}", n, x.abs());
    if !longer.split_once('e').is_some_and(|(m, _)| m.ends_with('5')) {
        return short;
    }
    // A tie needs the exact expansion to stop at that 5 (a finite double has < 800 digits).
    let exact = Decimal::parse_exp(&format!("{:.800e}", x.abs()));
    if exact.digits.get(n + 1..).is_none_or(|rest| rest.iter().any(|&d| d != b'0')) {
        return short;
    }
    let low: i64 = String::from_utf8_lossy(&exact.digits[..n]).parse().unwrap_or(0);
    let even = if low % 2 == 0 { low } else { low + 1 };
    let scale = exact.exp - (n as i32 - 1);
    let sign = if short.neg { "-" } else { "" };
    if reads_back(&format!("{sign}{even}e{scale}")) {
        decimal_from_int(short.neg, even, scale)
    } else {
        short
    }
}

/// `±m × 10^scale` as a [`Decimal`] without trailing zeros.
fn decimal_from_int(neg: bool, m: i64, scale: i32) -> Decimal {
    let text = m.to_string();
    let exp = scale + text.len() as i32 - 1;
    let trimmed = text.trim_end_matches('0');
    let digits = if trimmed.is_empty() { b"0".to_vec() } else { trimmed.as_bytes().to_vec() };
    Decimal { neg, digits, exp }
}

/// Shortest round-trip digits for a float16 value: at each length, the correctly rounded
/// candidate and its neighbours (the rounding interval of a power of two is lopsided).
fn shortest_f16(x: f64) -> Decimal {
    if x == 0.0 {
        return Decimal { neg: x.is_sign_negative(), digits: b"0".to_vec(), exp: 0 };
    }
    let target = f16::from_f64(x).to_bits();
    for n in 1..=9usize {
        let base = Decimal::parse_exp(&format!("{:.*e}", n - 1, x));
        let mantissa: i64 = String::from_utf8_lossy(&base.digits).parse().unwrap_or(0);
        let scale = base.exp - (n as i32 - 1);
        let best = [mantissa, mantissa - 1, mantissa + 1]
            .into_iter()
            .filter(|&m| m > 0)
            .map(|m| (m, format!("{}{m}e{scale}", if x < 0.0 { "-" } else { "" }).parse::<f64>().unwrap_or(f64::NAN)))
            .filter(|&(_, v)| f16::from_f64(v).to_bits() == target)
            .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()));
        if let Some((m, _)) = best {
            return decimal_from_int(x < 0.0, m, scale);
        }
    }
    Decimal::parse_exp(&format!("{x:e}"))
}

/// Dragon4 positional, `unique` mode: the shortest digits, or `x` rounded at `precision`
/// fractional digits when those need more. Returns (integer part with sign, fraction).
fn positional_digits(x: f64, kind: FloatKind, precision: Option<usize>) -> (String, String) {
    let short = kind.shortest(x);
    match precision {
        Some(p) if short.frac_len() > p => {
            let text = format!("{x:.p$}");
            match text.split_once('.') {
                Some((int, frac)) => (int.to_string(), frac.to_string()),
                None => (text, String::new()),
            }
        }
        _ => short.positional(),
    }
}

/// Dragon4 scientific, `unique` mode: (integer digit with sign, fraction, exponent).
fn scientific_digits(x: f64, kind: FloatKind, precision: Option<usize>) -> (String, String, i32) {
    let short = kind.shortest(x);
    let d = match precision {
        Some(p) if short.digits.len() > p + 1 => Decimal::parse_exp(&format!("{x:.p$e}")),
        _ => short,
    };
    let text = String::from_utf8_lossy(&d.digits).into_owned();
    let (first, rest) = text.split_at(1.min(text.len()));
    (format!("{}{first}", if d.neg { "-" } else { "" }), rest.to_string(), d.exp)
}

/// `e+05`, `e-300`: the sign always, at least `min_digits` digits.
fn exponent_text(exp: i32, min_digits: usize) -> String {
    format!("e{}{:0>min_digits$}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
}

/// NumPy's `FloatingFormat` with `floatmode='maxprec'` and `sign='-'`: one format for all the
/// elements an array shows, chosen from them.
#[derive(Clone, Debug)]
pub(crate) struct FloatFormat {
    kind: FloatKind,
    exp_format: bool,
    precision: usize,
    pad_left: usize,
    pad_right: usize,
    exp_size: usize,
    /// NumPy's `sign='+'`: non-negative values carry a `+` (the imaginary part of a complex).
    plus: bool,
}

impl FloatFormat {
    /// The format for `data` (values of `kind`, widened to `f64` exactly), as `fillFormat`
    /// chooses it: scientific when the largest magnitude reaches `10^min(8, finfo.precision)`
    /// or (without `suppress`) the smallest non-zero one is below `1e-4` or the ratio of the two
    /// exceeds 1000; column widths from the text of every finite value.
    pub(crate) fn new(data: &[f64], kind: FloatKind, precision: usize, suppress: bool) -> FloatFormat {
        FloatFormat::with_sign(data, kind, precision, suppress, false)
    }

    /// [`FloatFormat::new`], or with `plus` NumPy's `sign='+'` format: every non-negative value
    /// (`+0.`, `+nan`, `+inf`) carries a `+`, and the width counts it.
    pub(crate) fn with_sign(
        data: &[f64],
        kind: FloatKind,
        precision: usize,
        suppress: bool,
        plus: bool,
    ) -> FloatFormat {
        let finite: Vec<f64> = data.iter().copied().filter(|v| v.is_finite()).collect();
        let mut f = FloatFormat { kind, exp_format: false, precision, pad_left: 0, pad_right: 0, exp_size: 0, plus };
        let plus_len = |v: f64| (plus && !v.is_sign_negative()) as usize;
        let nonzero = finite.iter().filter(|v| **v != 0.0).map(|v| v.abs());
        if let Some((lo, hi)) =
            nonzero.fold(None, |acc: Option<(f64, f64)>, v| Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v)))))
        {
            let cutoff = 10f64.powi(kind.finfo_precision().min(8));
            f.exp_format = hi >= cutoff || (!suppress && (lo < kind.round(1e-4) || kind.round(hi / lo) > 1000.0));
        }
        if f.exp_format && !finite.is_empty() {
            let parts: Vec<_> = finite.iter().map(|&v| scientific_digits(v, kind, Some(precision))).collect();
            let exp_len = |e: i32| exponent_text(e, 2).len() - 2;
            f.exp_size = parts.iter().map(|p| exp_len(p.2)).max().unwrap_or(2);
            f.precision = parts.iter().map(|p| p.1.trim_end_matches('0').len()).max().unwrap_or(0);
            f.pad_left = parts.iter().zip(&finite).map(|(p, &v)| p.0.len() + plus_len(v)).max().unwrap_or(0);
            f.pad_right = f.exp_size + 2 + f.precision;
        } else if !finite.is_empty() {
            let parts: Vec<_> = finite.iter().map(|&v| positional_digits(v, kind, Some(precision))).collect();
            f.pad_left = parts.iter().zip(&finite).map(|(p, &v)| p.0.len() + plus_len(v)).max().unwrap_or(0);
            f.pad_right = parts.iter().map(|p| p.1.trim_end_matches('0').len()).max().unwrap_or(0);
        }
        if finite.len() != data.len() {
            let neg_inf = (plus || data.contains(&f64::NEG_INFINITY)) as usize;
            let offset = f.pad_right + 1;
            f.pad_left = f.pad_left.max(3usize.saturating_sub(offset)).max((3 + neg_inf).saturating_sub(offset));
        }
        f
    }

    /// The text of one element, padded to the common width.
    pub(crate) fn format(&self, x: f64) -> String {
        let sign = if self.plus && !x.is_sign_negative() { "+" } else { "" };
        if !x.is_finite() {
            let text = if x.is_nan() {
                "nan"
            } else if x < 0.0 {
                "-inf"
            } else {
                "inf"
            };
            let text =
                if x.is_nan() || x > 0.0 { format!("{}{text}", if self.plus { "+" } else { "" }) } else { text.into() };
            return format!("{text:>width$}", width = self.pad_left + self.pad_right + 1);
        }
        if self.exp_format {
            // Dragon4 with `min_digits` goes on past the shortest digits with the exact ones
            // (a float32 1e-4 shows as 9.9999997e-05 next to 1.2345678e-05), so every
            // mantissa is the exact value rounded at `precision` digits.
            let d = Decimal::parse_exp(&format!("{x:.*e}", self.precision));
            let digits = String::from_utf8_lossy(&d.digits).into_owned();
            let (first, frac) = digits.split_at(1.min(digits.len()));
            let int = format!("{}{sign}{first}", if d.neg { "-" } else { "" });
            let exp = d.exp;
            format!("{int:>pl$}.{frac}{}", exponent_text(exp, self.exp_size), pl = self.pad_left)
        } else {
            let (int, frac) = positional_digits(x, self.kind, Some(self.precision));
            let int = format!("{sign}{int}");
            let frac = frac.trim_end_matches('0');
            format!("{int:>pl$}.{frac:<pr$}", pl = self.pad_left, pr = self.pad_right)
        }
    }
}

/// NumPy's `str` of one float scalar (what `str()` of a 0-d array prints): positional with at
/// least one fractional digit (`1.0`) from `1e-4` up to the type's cutoff, else scientific
/// (`1e-05`, `1.5e+16`), always the shortest round-trip digits.
pub(crate) fn scalar_str(x: f64, kind: FloatKind) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.into();
    }
    let a = x.abs();
    if a == 0.0 || (1e-4..kind.scalar_str_cutoff()).contains(&a) {
        let (int, frac) = positional_digits(x, kind, None);
        let frac = if frac.is_empty() { "0".to_string() } else { frac };
        format!("{int}.{frac}")
    } else {
        let (int, frac, exp) = scientific_digits(x, kind, None);
        let dot = if frac.is_empty() { "" } else { "." };
        format!("{int}{dot}{frac}{}", exponent_text(exp, 2))
    }
}

/// NumPy's `str` of one complex scalar, as Python prints complex numbers: `(1+2j)`,
/// `(1.5-0.5j)`, `(nan+infj)`, and `2j` alone when the real part is `+0.0`. Each part is the
/// shortest round-trip text of the component type without a trailing `.0`.
pub(crate) fn complex_scalar_str(re: f64, im: f64, kind: FloatKind) -> String {
    let part = |x: f64| {
        let text = scalar_str(x, kind);
        text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
    };
    let imag = part(im);
    if re == 0.0 && !re.is_sign_negative() {
        return format!("{imag}j");
    }
    let plus = if im.is_sign_negative() && !im.is_nan() { "" } else { "+" };
    format!("({}{plus}{imag}j)", part(re))
}

/// The elements of a complex array as NumPy's `ComplexFloatingFormat` prints them: the real
/// parts in one float format, the imaginary parts in a second with `sign='+'`, and `j` before
/// the imaginary part's padding (`[1. +2.j, 3.5-1.j]`).
pub(crate) fn complex_words(re: &[f64], im: &[f64], kind: FloatKind, precision: usize, suppress: bool) -> Vec<String> {
    let real = FloatFormat::new(re, kind, precision, suppress);
    let imag = FloatFormat::with_sign(im, kind, precision, suppress, true);
    re.iter()
        .zip(im)
        .map(|(&r, &i)| {
            let i_text = imag.format(i);
            let end = i_text.trim_end().len();
            format!("{}{}j{}", real.format(r), &i_text[..end], &i_text[end..])
        })
        .collect()
}

/// A bfloat16 element as `ml_dtypes` prints it (C++ `std::ostream << float`, i.e. `%g` with
/// 6 significant digits; no padding, so columns do not align, as in NumPy).
pub(crate) fn bf16_text(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = Decimal::parse_exp(&format!("{x:.5e}"));
    if (-4..6).contains(&sci.exp) {
        let text = format!("{x:.*}", (5 - sci.exp) as usize);
        let text = if text.contains('.') { text.trim_end_matches('0') } else { &text };
        text.trim_end_matches('.').to_string()
    } else {
        let digits = String::from_utf8_lossy(&sci.digits).into_owned();
        let (first, frac) = digits.split_at(1.min(digits.len()));
        let frac = frac.trim_end_matches('0');
        let dot = if frac.is_empty() { "" } else { "." };
        let sign = if sci.neg { "-" } else { "" };
        format!("{sign}{first}{dot}{frac}{}", exponent_text(sci.exp, 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each element of `data` as NumPy's repr shows it (expected texts from NumPy 2.4).
    fn words(data: &[f64], kind: FloatKind, precision: usize, suppress: bool) -> Vec<String> {
        let f = FloatFormat::new(data, kind, precision, suppress);
        data.iter().map(|&x| f.format(x)).collect()
    }

    #[test]
    fn positional_trims_to_the_dot_and_aligns() {
        assert_eq!(words(&[0.0, -0.0, 1.0, 0.5], FloatKind::F64, 8, false), [" 0. ", "-0. ", " 1. ", " 0.5"]);
        assert_eq!(words(&[1.0 / 3.0, 2.0 / 3.0], FloatKind::F64, 8, false), ["0.33333333", "0.66666667"]);
        assert_eq!(words(&[1.0 / 3.0, 2.0 / 3.0], FloatKind::F64, 3, false), ["0.333", "0.667"]);
        assert_eq!(
            words(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5], FloatKind::F64, 8, false),
            [" nan", " inf", "-inf", " 1.5"]
        );
        assert_eq!(words(&[f64::NAN, f64::NAN], FloatKind::F64, 8, false), ["nan", "nan"]);
        assert_eq!(words(&[f64::NEG_INFINITY], FloatKind::F64, 8, false), ["-inf"]);
    }

    #[test]
    fn scientific_when_numpy_chooses_it() {
        assert_eq!(words(&[1e-30, 1e30], FloatKind::F64, 8, false), ["1.e-30", "1.e+30"]);
        assert_eq!(words(&[1e16, 1.0], FloatKind::F64, 8, false), ["1.e+16", "1.e+00"]);
        assert_eq!(words(&[123456.789, 0.1], FloatKind::F64, 8, false), ["1.23456789e+05", "1.00000000e-01"]);
        assert_eq!(words(&[1e-300, 1.0], FloatKind::F64, 8, false), ["1.e-300", "1.e+000"]);
        // The cutoff is 10^min(8, finfo.precision): 1e6 for float32, 1e3 for float16.
        assert_eq!(words(&[1e6, 1.0], FloatKind::F32, 8, false), ["1.e+06", "1.e+00"]);
        assert_eq!(words(&[1000.0], FloatKind::F16, 8, false), ["1.e+03"]);
        assert_eq!(words(&[0.0999755859375, 100.0], FloatKind::F16, 8, false), ["  0.1", "100. "]);
        // `min_val < 0.0001` compares in the array's type (NEP 50): float32(1e-4) is not below.
        assert_eq!(words(&[1e-4f32 as f64, 1e-3f32 as f64], FloatKind::F32, 8, false), ["0.0001", "0.001 "]);
        // suppress keeps small values positional.
        assert_eq!(words(&[1e-10, 1.0], FloatKind::F64, 8, true), ["0.", "1."]);
    }

    #[test]
    fn scientific_mantissas_show_exact_digits_past_the_shortest() {
        // NumPy: np.array([1e-4, 1.2345678e-5], dtype=np.float32) -> 9.9999997e-05, 1.2345678e-05
        let data = [1e-4f32 as f64, 1.2345678e-5f32 as f64];
        assert_eq!(words(&data, FloatKind::F32, 8, false), ["9.9999997e-05", "1.2345678e-05"]);
    }

    #[test]
    fn shortest_digits_break_ties_to_even_as_dragon4_does() {
        // float32 47.7578125 and 168666.125 lie halfway between two 8-digit candidates.
        assert_eq!(scalar_str(47.7578125, FloatKind::F32), "47.757812");
        assert_eq!(scalar_str(168666.125, FloatKind::F32), "168666.12");
        // float16 209.75: 209.7 and 209.8 both read back; NumPy prints 209.8.
        assert_eq!(scalar_str(209.75, FloatKind::F16), "209.8");
        assert_eq!(scalar_str(f16::from_f64(0.1).to_f64(), FloatKind::F16), "0.1");
    }

    #[test]
    fn scalar_str_is_numpys_str_of_a_scalar() {
        assert_eq!(scalar_str(1e-5, FloatKind::F64), "1e-05");
        assert_eq!(scalar_str(0.1f32 as f64, FloatKind::F32), "0.1");
        assert_eq!(scalar_str(1e16, FloatKind::F64), "1e+16");
        assert_eq!(scalar_str(1e15, FloatKind::F64), "1000000000000000.0");
        assert_eq!(scalar_str(1e6, FloatKind::F32), "1e+06");
        assert_eq!(scalar_str(1000.0, FloatKind::F16), "1e+03");
        assert_eq!(scalar_str(-0.0, FloatKind::F64), "-0.0");
        assert_eq!(scalar_str(2.0, FloatKind::F64), "2.0");
        assert_eq!(scalar_str(f64::NEG_INFINITY, FloatKind::F64), "-inf");
    }

    #[test]
    fn complex_prints_as_numpy_does() {
        // NumPy 2.4: repr(np.array([1+2j, 3.5-1j])) == 'array([1. +2.j, 3.5-1.j])'
        assert_eq!(complex_words(&[1.0, 3.5], &[2.0, -1.0], FloatKind::F64, 8, false), ["1. +2.j", "3.5-1.j"]);
        // np.array([complex(np.nan, np.inf), 0j]) -> [nan+infj, 0. +0.j]
        assert_eq!(
            complex_words(&[f64::NAN, 0.0], &[f64::INFINITY, 0.0], FloatKind::F64, 8, false),
            ["nan+infj", " 0. +0.j"]
        );
        assert_eq!(complex_scalar_str(1.0, 2.0, FloatKind::F64), "(1+2j)");
        assert_eq!(complex_scalar_str(1.5, -0.5, FloatKind::F64), "(1.5-0.5j)");
        assert_eq!(complex_scalar_str(0.0, 2.0, FloatKind::F64), "2j");
        assert_eq!(complex_scalar_str(-0.0, 2.0, FloatKind::F64), "(-0+2j)");
        assert_eq!(complex_scalar_str(f64::NAN, f64::NEG_INFINITY, FloatKind::F64), "(nan-infj)");
        assert_eq!(complex_scalar_str(0.1f32 as f64, 1e20f32 as f64, FloatKind::F32), "(0.1+1e+20j)");
    }

    #[test]
    fn bfloat16_prints_as_ml_dtypes_does() {
        let b = |x: f32| bf16_text(half::bf16::from_f32(x).to_f64());
        assert_eq!(b(0.1), "0.100098");
        assert_eq!(b(1.0), "1");
        assert_eq!(b(-0.0), "-0");
        assert_eq!(b(1e-30), "9.98402e-31");
        assert_eq!(b(3e38), "3.00406e+38");
        assert_eq!(b(100000.0), "99840");
        assert_eq!(b(1e-3), "0.000999451");
        assert_eq!(b(f32::NAN), "nan");
    }
}
