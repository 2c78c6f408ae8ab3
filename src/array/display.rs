//! Values as text with NumPy's layout: [`Array::display`] (an explicit device → host copy of
//! the elements shown), [`PrintOptions`] and [`ArrayDisplay`]. The layout is a port of
//! `numpy/_core/arrayprint.py` (`array2string`, `_formatArray`, NumPy 2.4); the element text
//! is in `display_float.rs`.

use super::display_float::{bf16_text, complex_scalar_str, complex_words, scalar_str, FloatFormat, FloatKind};
use super::Array;
use crate::dtype::{DType, Scalar};
use crate::error::Result;
use crate::layout::AxisSlice;
use std::fmt;

/// How [`Array::display_with`] prints: NumPy's print options of the same names
/// (`np.set_printoptions`), with NumPy's defaults.
///
/// Set fields on a default value (the struct is `#[non_exhaustive]`, so that options NumPy has
/// and devarray lacks, such as `sign` and `floatmode`, can be added later):
///
/// ```
/// use devarray::{Array, DType, Device, PrintOptions};
/// let mut opts = PrintOptions::default();
/// opts.threshold = 5;
/// opts.edgeitems = 2;
/// let a = Array::arange(0.0, 10.0, 1.0, DType::I64, &Device::Cpu)?;
/// assert_eq!(a.display_with(&opts)?.to_string(), "[0, 1, ..., 8, 9]");
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users**: the options are a value passed to each call, not process state; the
/// Python bindings keep NumPy's `devarray.set_printoptions` / `printoptions()` on top of it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrintOptions {
    /// Arrays with more elements than this are summarised with `...` (NumPy: 1000).
    pub threshold: usize,
    /// Entries shown at the start and at the end of each summarised axis (NumPy: 3).
    pub edgeitems: usize,
    /// Most fractional digits a float prints (NumPy: 8; `floatmode='maxprec'`).
    pub precision: usize,
    /// Characters per line before wrapping (NumPy: 75).
    pub linewidth: usize,
    /// Never use scientific notation for small values: print them rounded, e.g. `0.` (NumPy:
    /// `suppress=False`).
    pub suppress: bool,
}

impl Default for PrintOptions {
    /// NumPy's defaults: threshold 1000, edgeitems 3, precision 8, linewidth 75, no suppress.
    ///
    /// ```
    /// assert_eq!(devarray::PrintOptions::default().linewidth, 75);
    /// ```
    fn default() -> Self {
        PrintOptions { threshold: 1000, edgeitems: 3, precision: 8, linewidth: 75, suppress: false }
    }
}

/// Values copied to the host and laid out as NumPy prints them; returned by
/// [`Array::display`]. Formatting it (`{}`, `to_string()`) reads nothing from the device.
///
/// The default layout is the body of NumPy's `repr` (`', '` between elements); builder
/// methods change the separator, and the prefix and suffix whose widths line wrapping allows
/// for, as `np.array2string`'s arguments of the same names do.
///
/// ```
/// use devarray::{Array, Device};
/// let a = Array::from_slice(&[0.5f64, 1.0, -2.25], &[3], &Device::Cpu)?;
/// let d = a.display()?;
/// assert_eq!(d.to_string(), "[ 0.5 ,  1.  , -2.25]");
/// assert_eq!(d.clone().separator(" ").to_string(), "[ 0.5   1.   -2.25]"); // like str(x)
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ArrayDisplay {
    /// Shape of the elements kept (summarised axes hold their first and last entries only).
    shape: Vec<usize>,
    /// Per axis: whether it is summarised (`...` between its leading and trailing entries).
    summarized: Vec<bool>,
    /// Element texts in row-major order of `shape`, padded to the common width.
    words: Vec<String>,
    /// NumPy's `str` of the element of a 0-d array (`1.0` where `repr` shows `1.`).
    scalar_text: Option<String>,
    /// No elements: prints `[]`.
    empty: bool,
    edgeitems: usize,
    linewidth: usize,
    separator: String,
    prefix_len: usize,
    suffix_len: usize,
    str_style: bool,
}

impl ArrayDisplay {
    /// The text between elements (default `", "`, NumPy's `repr`; `" "` is NumPy's `str`).
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let a = Array::from_slice(&[1i8, -2], &[2], &Device::Cpu)?;
    /// assert_eq!(a.display()?.separator(" ").to_string(), "[ 1 -2]");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn separator(mut self, separator: &str) -> Self {
        self.separator = separator.to_string();
        self
    }

    /// The text that will precede the output (such as `"array("`): continuation lines are
    /// indented by its width, and the first line is shorter by as much (`np.array2string`'s
    /// `prefix`, which is likewise not printed).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::arange(0.0, 4.0, 1.0, DType::I32, &Device::Cpu)?.reshape(&[2, 2])?;
    /// assert_eq!(a.display()?.prefix("array(").to_string(), "[[0, 1],\n       [2, 3]]");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix_len = prefix.chars().count();
        self
    }

    /// The text that will follow the output (such as `")"`): the last line is kept short enough
    /// for it (`np.array2string`'s `suffix`, also not printed).
    ///
    /// ```
    /// use devarray::{Array, DType, Device, PrintOptions};
    /// let mut opts = PrintOptions::default();
    /// opts.linewidth = 9;
    /// let a = Array::arange(0.0, 3.0, 1.0, DType::I32, &Device::Cpu)?;
    /// assert_eq!(a.display_with(&opts)?.to_string(), "[0, 1, 2]");
    /// assert_eq!(a.display_with(&opts)?.suffix(")").to_string(), "[0, 1,\n 2]");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn suffix(mut self, suffix: &str) -> Self {
        self.suffix_len = suffix.chars().count();
        self
    }

    /// NumPy's `str()` layout: `' '` between elements, and a 0-d array printed as NumPy prints
    /// the scalar (`1.0`, `1e-05`) rather than as `repr` shows it (`1.`, `1.e-05`).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::full(&[], 1.0, DType::F64, &Device::Cpu)?;
    /// assert_eq!(a.display()?.to_string(), "1.");
    /// assert_eq!(a.display()?.str_style().to_string(), "1.0");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn str_style(mut self) -> Self {
        self.separator = " ".into();
        self.str_style = true;
        self
    }

    /// The entries of an axis of `n` kept entries that are printed: (leading, summary
    /// marker, trailing), as `_formatArray` walks them (it always prints the last entry).
    fn walk(&self, axis: usize) -> (std::ops::Range<usize>, bool, std::ops::Range<usize>) {
        let n = self.shape.get(axis).copied().unwrap_or(0);
        if self.summarized.get(axis).copied().unwrap_or(false) {
            let lead = self.edgeitems.min(n);
            let trail = self.edgeitems.max(1).min(n);
            (0..lead, true, n - trail..n)
        } else {
            (0..0, false, 0..n)
        }
    }

    /// One axis (and those below it) as text: `_formatArray`'s `recurser`.
    fn recurse(&self, axis: usize, base: usize, hanging: &str, width: isize) -> String {
        let ndim = self.shape.len();
        if axis == ndim {
            return self.words.get(base).cloned().unwrap_or_default();
        }
        let next_hanging = format!("{hanging} ");
        let stride: usize = self.shape[axis + 1..].iter().product();
        let (lead, summary, trail) = self.walk(axis);
        let mut items: Vec<Option<usize>> = lead.map(Some).collect();
        if summary {
            items.push(None);
        }
        items.extend(trail.map(Some));
        let text = |item: Option<usize>| match item {
            Some(i) => self.recurse(axis + 1, base + i * stride, &next_hanging, width - 1),
            None => "...".to_string(),
        };
        let sep_trimmed = self.separator.trim_end();
        let mut s = String::new();
        if axis + 1 == ndim {
            let elem_width = width - sep_trimmed.chars().count().max(1) as isize;
            let mut line = hanging.to_string();
            for (k, &item) in items.iter().enumerate() {
                extend_line(&mut s, &mut line, &text(item), elem_width, hanging);
                if k + 1 < items.len() {
                    line.push_str(&self.separator);
                }
            }
            s.push_str(&line);
        } else {
            let line_sep = format!("{sep_trimmed}{}", "\n".repeat(ndim - axis - 1));
            for (k, &item) in items.iter().enumerate() {
                s.push_str(hanging);
                s.push_str(&text(item));
                if k + 1 < items.len() {
                    s.push_str(&line_sep);
                }
            }
        }
        format!("[{}]", s.get(hanging.len()..).unwrap_or_default())
    }
}

/// `_extendLine`: appends `word` to `line`, first moving `line` to `s` when the word would
/// pass `width` (unless the line holds nothing but its indent, where wrapping cannot help).
fn extend_line(s: &mut String, line: &mut String, word: &str, width: isize, indent: &str) {
    let too_long = (line.chars().count() + word.chars().count()) as isize > width;
    if too_long && line.chars().count() > indent.chars().count() {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = indent.to_string();
    }
    line.push_str(word);
}

impl fmt::Display for ArrayDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.empty {
            return f.write_str("[]");
        }
        if self.shape.is_empty() {
            let scalar = if self.str_style { self.scalar_text.as_ref() } else { None };
            return f.write_str(scalar.or(self.words.first()).map_or("", String::as_str));
        }
        let hanging = " ".repeat(1 + self.prefix_len);
        let width = self.linewidth as isize - self.suffix_len as isize;
        f.write_str(&self.recurse(0, 0, &hanging, width))
    }
}

impl Array {
    /// The values as NumPy prints them, with NumPy's default print options: this reads the
    /// elements shown to the host (an explicit device → host copy; arrays of more than 1000
    /// elements copy only the corners that are shown) and returns a value that implements
    /// `Display`. `{:?}` of an `Array` shows metadata only.
    ///
    /// The layout is NumPy's `repr` body: `...` past 1000 elements with 3 edge items, aligned
    /// columns, lines wrapped at 75 characters, floats at most 8 fractional digits in their
    /// shortest round-trip form (`1.`, `0.5`, `1e-30`, `nan`, `-0.`), and scientific notation
    /// when NumPy would choose it. bfloat16 prints as `ml_dtypes` prints it.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let dev = Device::Cpu;
    /// let a = Array::from_slice(&[1.0f64, 1e-30, f64::NAN], &[3], &dev)?;
    /// assert_eq!(a.display()?.to_string(), "[1.e+00, 1.e-30,    nan]");
    /// let b = Array::arange(0.0, 2000.0, 1.0, DType::I64, &dev)?;
    /// assert_eq!(b.display()?.to_string(), "[   0,    1,    2, ..., 1997, 1998, 1999]");
    /// println!("{}", b.reshape(&[2, 1000])?.display()?);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    ///
    /// **For NumPy users**: this is `np.array2string(x, separator=', ')`; `.str_style()` gives
    /// `str(x)`.
    pub fn display(&self) -> Result<ArrayDisplay> {
        self.display_with(&PrintOptions::default())
    }

    /// [`Array::display`] with other print options.
    ///
    /// ```
    /// use devarray::{Array, Device, PrintOptions};
    /// let a = Array::from_slice(&[1e-10f64, 1.0], &[2], &Device::Cpu)?;
    /// assert_eq!(a.display()?.to_string(), "[1.e-10, 1.e+00]");
    /// let mut opts = PrintOptions::default();
    /// opts.suppress = true;
    /// assert_eq!(a.display_with(&opts)?.to_string(), "[0., 1.]");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn display_with(&self, options: &PrintOptions) -> Result<ArrayDisplay> {
        let summarize = self.numel() > options.threshold;
        let summarized: Vec<bool> = self.shape().iter().map(|&n| summarize && n > 2 * options.edgeitems).collect();
        let mut out = ArrayDisplay {
            shape: self.shape().to_vec(),
            summarized,
            words: Vec::new(),
            scalar_text: None,
            empty: self.numel() == 0,
            edgeitems: options.edgeitems,
            linewidth: options.linewidth,
            separator: ", ".into(),
            prefix_len: 0,
            suffix_len: 0,
            str_style: false,
        };
        if out.empty {
            return Ok(out);
        }
        let shown = self.corners(&out.summarized, options.edgeitems)?;
        out.shape = shown.shape().to_vec();
        let values: Vec<Scalar> = crate::dispatch_dtype!(shown.dtype(), T => {
            shown.to_vec::<T>()?.into_iter().map(crate::Element::to_scalar).collect()
        });
        out.words = element_words(&values, self.dtype(), self.ndim() == 0, options);
        if self.ndim() == 0 {
            out.scalar_text = values.first().map(|&v| scalar_text(v, self.dtype()));
        }
        Ok(out)
    }

    /// The corners NumPy shows: on each summarised axis, the first and the last `edge`
    /// entries (NumPy's `_leading_trailing`, whose `[-0:]` keeps the whole axis when `edge`
    /// is 0), gathered on the device so that only they cross to the host.
    fn corners(&self, summarized: &[bool], edge: usize) -> Result<Array> {
        let mut cur = self.clone();
        for (axis, _) in summarized.iter().enumerate().filter(|(_, s)| **s) {
            let edge = edge as isize;
            let mut head = vec![AxisSlice::FULL; axis];
            let mut tail = head.clone();
            head.push(AxisSlice::range(None, edge, 1));
            tail.push(AxisSlice::range(if edge == 0 { None } else { Some(-edge) }, None, 1));
            cur = Array::concat(&[cur.slice(&head)?, cur.slice(&tail)?], Some(axis as isize))?;
        }
        Ok(cur)
    }
}

/// Every element's text, padded to a common width as NumPy's format for the dtype does.
fn element_words(values: &[Scalar], dtype: DType, zero_d: bool, options: &PrintOptions) -> Vec<String> {
    let floats = || values.iter().map(|v| v.as_f64()).collect::<Vec<f64>>();
    let kind = match dtype {
        DType::F16 => FloatKind::F16,
        DType::F32 => FloatKind::F32,
        DType::F64 => FloatKind::F64,
        DType::BF16 => return floats().into_iter().map(bf16_text).collect(),
        DType::C64 | DType::C128 => {
            let kind = if dtype == DType::C64 { FloatKind::F32 } else { FloatKind::F64 };
            let (re, im): (Vec<f64>, Vec<f64>) = values.iter().map(|v| (v.as_complex().re, v.as_complex().im)).unzip();
            return complex_words(&re, &im, kind, options.precision, options.suppress);
        }
        DType::Bool => {
            let true_text = if zero_d { "True" } else { " True" };
            return values.iter().map(|v| if v.as_f64() != 0.0 { true_text } else { "False" }.to_string()).collect();
        }
        _ => {
            let texts: Vec<String> = values.iter().map(|&v| scalar_text(v, dtype)).collect();
            let width = texts.iter().map(String::len).max().unwrap_or(0);
            return texts.into_iter().map(|t| format!("{t:>width$}")).collect();
        }
    };
    let data = floats();
    let format = FloatFormat::new(&data, kind, options.precision, options.suppress);
    data.into_iter().map(|x| format.format(x)).collect()
}

/// NumPy's `str` of one element.
fn scalar_text(v: Scalar, dtype: DType) -> String {
    match (v, dtype) {
        (Scalar::Bool(b), _) => if b { "True" } else { "False" }.into(),
        (Scalar::Int(i), _) => i.to_string(),
        (Scalar::UInt(u), _) => u.to_string(),
        (Scalar::Float(x), DType::F16) => scalar_str(x, FloatKind::F16),
        (Scalar::Float(x), DType::F32) => scalar_str(x, FloatKind::F32),
        (Scalar::Float(x), DType::BF16) => bf16_text(x),
        (Scalar::Float(x), _) => scalar_str(x, FloatKind::F64),
        (Scalar::Complex(z), DType::C64) => complex_scalar_str(z.re, z.im, FloatKind::F32),
        (Scalar::Complex(z), _) => complex_scalar_str(z.re, z.im, FloatKind::F64),
    }
}
