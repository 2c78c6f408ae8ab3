//! [`einsum`]: Einstein summation over any number of operands, lowered onto the ops that
//! exist (diagonal views, sums, broadcasting multiplies and batched [`Array::matmul`]).
//!
//! The plan, as NumPy's `optimize="greedy"` and opt_einsum do it:
//! 1. parse the subscripts (implicit output, `...` broadcasting) into one label per axis;
//! 2. per operand, take diagonals of repeated labels and sum out labels used nowhere else;
//! 3. contract pairs, each time the pair whose result is smallest, as one batched matmul
//!    (batch labels, free labels, contracted labels) or, with nothing to contract, one
//!    broadcasting multiply;
//! 4. sum what is left over, broadcast, and permute into the output order.

use super::result_type;
use crate::error::{Error, Result};
use crate::Array;
use std::collections::HashMap;

const OP: &str = "einsum";

/// Einstein summation, NumPy's `einsum`: `"ij,jk->ik"` is a matrix product, `"ii->i"` a
/// diagonal, `"ij->"` a total sum, `"bij,bjk->bik"` a batched product, `"...ij,...jk"` one
/// with broadcast batch axes. Without `->` the output holds, in alphabetical order, the labels
/// that appear exactly once (after the `...` axes). Labels are ASCII letters; an axis of
/// length 1 broadcasts against its label's length elsewhere, as in NumPy.
///
/// The result has the operands' promoted dtype ([`result_type`]); sums keep that dtype (as
/// NumPy's einsum does, unlike `sum`, which widens small integers). Three or more operands are
/// contracted pairwise, smallest intermediate first.
///
/// **Errors:** [`Error::InvalidArgument`] for malformed subscripts, a count that does not
/// match the operands, or an output label that is repeated or absent from the inputs;
/// [`Error::ShapeMismatch`] when one label has two different lengths (neither 1);
/// [`Error::DeviceMismatch`] for operands on different devices.
///
/// ```
/// use devarray::{einsum, Array, DType, Device};
/// let a = Array::arange(0.0, 6.0, 1.0, DType::F64, &Device::Cpu)?.reshape(&[2, 3])?;
/// let b = Array::ones(&[3, 4], DType::F64, &Device::Cpu)?;
/// assert_eq!(einsum("ij,jk->ik", &[&a, &b])?.shape(), &[2, 4]);
/// assert_eq!(einsum("ij->", &[&a])?.to_vec::<f64>()?, vec![15.0]);
/// assert_eq!(einsum("ij->ji", &[&a])?.shape(), &[3, 2]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn einsum(subscripts: &str, operands: &[&Array]) -> Result<Array> {
    let first = operands.first().ok_or_else(|| Error::invalid(OP, "needs at least one operand"))?;
    for o in &operands[1..] {
        first.check_same_device(OP, o)?;
    }
    let (inputs, output) = parse(subscripts, operands)?;
    let sizes = label_sizes(&inputs, operands)?;
    let dtype = operands.iter().map(|a| a.dtype()).reduce(result_type).unwrap_or(first.dtype());
    let mut terms = Vec::with_capacity(operands.len());
    for (labels, a) in inputs.into_iter().zip(operands) {
        terms.push(Term::new(a.cast_to(dtype)?, labels)?);
    }
    while terms.len() > 1 {
        let (i, j) = cheapest_pair(&terms, &output, &sizes);
        let b = terms.remove(j);
        let a = terms.remove(i);
        let keep = needed(&output, &terms);
        terms.push(contract(a, b, &keep, &sizes)?);
    }
    let last = terms.pop().ok_or_else(|| Error::invalid(OP, "needs at least one operand"))?;
    finish(last, &output, &sizes)
}

/// An operand on the way: an array and one distinct label per axis.
struct Term {
    array: Array,
    labels: Vec<char>,
}

impl Term {
    /// The operand with the diagonals of its repeated labels taken (views).
    fn new(mut array: Array, mut labels: Vec<char>) -> Result<Term> {
        while let Some((i, j)) = repeated(&labels) {
            let (ni, nj) = (array.shape()[i], array.shape()[j]);
            if ni != nj {
                return Err(Error::ShapeMismatch {
                    op: OP,
                    lhs: array.shape().to_vec(),
                    rhs: vec![ni, nj],
                    hint: format!("; label '{}' repeats in one operand over axes of lengths {ni} and {nj}", labels[i]),
                });
            }
            array = array.diagonal(0, i as isize, j as isize)?;
            let label = labels[i];
            labels.retain(|&l| l != label);
            labels.push(label);
        }
        Ok(Term { array, labels })
    }

    /// Sums out the labels not in `keep`, in the term's dtype.
    fn reduce_to(self, keep: &[char]) -> Result<Term> {
        let axes: Vec<isize> =
            (0..self.labels.len()).filter(|&d| !keep.contains(&self.labels[d])).map(|d| d as isize).collect();
        if axes.is_empty() {
            return Ok(self);
        }
        let array = self.array.sum_as(Some(&axes), false, self.array.dtype())?;
        let labels = self.labels.into_iter().filter(|l| keep.contains(l)).collect();
        Ok(Term { array, labels })
    }

    /// The array with its axes in the order of `order` (a permutation of its labels).
    fn permuted(&self, order: &[char]) -> Result<Array> {
        let axes: Vec<isize> =
            order.iter().map(|l| self.labels.iter().position(|m| m == l).unwrap_or(0) as isize).collect();
        self.array.permute_dims(&axes)
    }
}

/// The first pair of axes sharing a label.
fn repeated(labels: &[char]) -> Option<(usize, usize)> {
    (0..labels.len()).find_map(|i| (i + 1..labels.len()).find(|&j| labels[j] == labels[i]).map(|j| (i, j)))
}

/// Labels still needed after a contraction: the output's and every remaining term's.
fn needed(output: &[char], terms: &[Term]) -> Vec<char> {
    let mut keep = output.to_vec();
    keep.extend(terms.iter().flat_map(|t| t.labels.iter().copied()));
    keep
}

/// The pair whose contraction result has the fewest elements (greedy planning).
fn cheapest_pair(terms: &[Term], output: &[char], sizes: &HashMap<char, usize>) -> (usize, usize) {
    let mut best = (0, 1, usize::MAX);
    for i in 0..terms.len() {
        for j in i + 1..terms.len() {
            let mut keep = output.to_vec();
            let others = terms.iter().enumerate().filter(|&(k, _)| k != i && k != j);
            keep.extend(others.flat_map(|(_, t)| t.labels.iter().copied()));
            let mut labels: Vec<char> =
                terms[i].labels.iter().chain(&terms[j].labels).copied().filter(|l| keep.contains(l)).collect();
            labels.sort_unstable();
            labels.dedup();
            let size = labels.iter().map(|l| sizes[l]).fold(1usize, |s, n| s.saturating_mul(n));
            if size < best.2 {
                best = (i, j, size);
            }
        }
    }
    (best.0, best.1)
}

/// Contracts two terms into one holding the labels of `keep` they have.
fn contract(a: Term, b: Term, keep: &[char], sizes: &HashMap<char, usize>) -> Result<Term> {
    // Labels one side alone holds and nobody needs are summed out first.
    let a = a.reduce_to(&[keep, &b.labels].concat())?;
    let b = b.reduce_to(&[keep, &a.labels].concat())?;
    let shared = |l: &char| b.labels.contains(l);
    let batch: Vec<char> = a.labels.iter().copied().filter(|l| shared(l) && keep.contains(l)).collect();
    let summed: Vec<char> = a.labels.iter().copied().filter(|l| shared(l) && !keep.contains(l)).collect();
    let left: Vec<char> = a.labels.iter().copied().filter(|l| !shared(l)).collect();
    let right: Vec<char> = b.labels.iter().copied().filter(|l| !a.labels.contains(l)).collect();
    let len = |labels: &[char], t: &Term| -> Vec<usize> {
        labels.iter().map(|l| t.array.shape()[t.labels.iter().position(|m| m == l).unwrap_or(0)]).collect()
    };
    let labels: Vec<char> = [batch.as_slice(), &left, &right].concat();
    if summed.is_empty() {
        // Nothing to contract: one broadcasting multiply (outer or elementwise product).
        let ones = |n: usize| vec![1usize; n];
        let av = a.permuted(&[batch.as_slice(), &left].concat())?;
        let av = av.reshape(&[len(&batch, &a), len(&left, &a), ones(right.len())].concat())?;
        let bv = b.permuted(&[batch.as_slice(), &right].concat())?;
        let bv = bv.reshape(&[len(&batch, &b), ones(left.len()), len(&right, &b)].concat())?;
        return Ok(Term { array: av.multiply(&bv)?, labels });
    }
    // (batch..., L, K) @ (batch..., K, R): the summed axes at their full length on both sides.
    let k: Vec<usize> = summed.iter().map(|l| sizes[l]).collect();
    let (ab, bb) = (len(&batch, &a), len(&batch, &b));
    let (lf, rf) = (len(&left, &a), len(&right, &b));
    let product = |v: &[usize]| v.iter().product::<usize>();
    let av = a.permuted(&[batch.as_slice(), &left, &summed].concat())?;
    let av = av
        .broadcast_to(&[ab.as_slice(), &lf, &k].concat())?
        .reshape(&[ab.clone(), vec![product(&lf), product(&k)]].concat())?;
    let bv = b.permuted(&[batch.as_slice(), &summed, &right].concat())?;
    let bv = bv
        .broadcast_to(&[bb.as_slice(), &k, &rf].concat())?
        .reshape(&[bb.clone(), vec![product(&k), product(&rf)]].concat())?;
    let c = av.matmul(&bv)?;
    let nb = c.ndim() - 2;
    let shape = [&c.shape()[..nb], &lf, &rf].concat();
    Ok(Term { array: c.reshape(&shape)?, labels })
}

/// The last term summed, broadcast to every output label's length, and permuted.
fn finish(term: Term, output: &[char], sizes: &HashMap<char, usize>) -> Result<Array> {
    let term = term.reduce_to(output)?;
    let array = term.permuted(output)?;
    let shape: Vec<usize> = output.iter().map(|l| sizes[l]).collect();
    if array.shape() == shape.as_slice() {
        Ok(array)
    } else {
        array.broadcast_to(&shape)?.copy()
    }
}

/// The length of every label over all operands (1 broadcasting against any length).
fn label_sizes(inputs: &[Vec<char>], operands: &[&Array]) -> Result<HashMap<char, usize>> {
    let mut sizes: HashMap<char, usize> = HashMap::new();
    for (labels, a) in inputs.iter().zip(operands) {
        for (&l, &n) in labels.iter().zip(a.shape()) {
            let s = sizes.entry(l).or_insert(n);
            if *s == 1 {
                *s = n;
            } else if n != 1 && n != *s {
                return Err(Error::ShapeMismatch {
                    op: OP,
                    lhs: vec![*s],
                    rhs: vec![n],
                    hint: format!("; label '{}' has lengths {} and {n}", display_label(l), *s),
                });
            }
        }
    }
    Ok(sizes)
}

/// The labels `...` stands for: private characters, one per broadcast axis.
fn ellipsis_label(i: usize) -> char {
    char::from_u32(0xE000 + i as u32).unwrap_or('\u{E000}')
}

fn display_label(l: char) -> String {
    if l.is_ascii_alphabetic() {
        l.to_string()
    } else {
        "...".into()
    }
}

/// Parses `subscripts` into one label list per operand (ellipses expanded, right-aligned)
/// and the output labels.
fn parse(subscripts: &str, operands: &[&Array]) -> Result<(Vec<Vec<char>>, Vec<char>)> {
    let text: String = subscripts.chars().filter(|c| !c.is_whitespace()).collect();
    let (lhs, rhs) = match text.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (text.as_str(), None),
    };
    let specs: Vec<&str> = lhs.split(',').collect();
    if specs.len() != operands.len() {
        return Err(Error::invalid(OP, format!("{} subscripts for {} operands", specs.len(), operands.len())));
    }
    let mut ellipsis_dims = 0;
    let mut inputs = Vec::with_capacity(specs.len());
    for (spec, a) in specs.iter().zip(operands) {
        let labels = expand(spec, a.ndim())?;
        ellipsis_dims = ellipsis_dims.max(labels.iter().filter(|l| !l.is_ascii_alphabetic()).count());
        inputs.push(labels);
    }
    let output = match rhs {
        Some(r) => {
            let out = expand_output(r, ellipsis_dims)?;
            for &l in &out {
                if !inputs.iter().any(|i| i.contains(&l)) {
                    return Err(Error::invalid(OP, format!("output label '{}' appears in no input", display_label(l))));
                }
            }
            out
        }
        None => implicit_output(&inputs, ellipsis_dims),
    };
    Ok((inputs, output))
}

/// One operand's labels, with its `...` standing for the axes the letters leave over.
fn expand(spec: &str, ndim: usize) -> Result<Vec<char>> {
    let (before, after) = match spec.split_once("...") {
        Some((b, a)) => (b, Some(a)),
        None => (spec, None),
    };
    let letters = |s: &str| -> Result<Vec<char>> {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphabetic() {
                    Ok(c)
                } else {
                    Err(Error::invalid(OP, format!("invalid subscript character '{c}' in \"{spec}\"")))
                }
            })
            .collect()
    };
    let (head, tail) = (letters(before)?, letters(after.unwrap_or(""))?);
    let named = head.len() + tail.len();
    if named > ndim || (after.is_none() && named != ndim) {
        return Err(Error::invalid(OP, format!("subscripts \"{spec}\" name {named} axes of an array with {ndim}")));
    }
    // Right-aligned: the last `...` axis of every operand is the same label (number 0).
    let dots: Vec<char> = (0..ndim - named).rev().map(ellipsis_label).collect();
    Ok([head, dots, tail].concat())
}

/// The explicit output's labels (`...` stands for every broadcast axis).
fn expand_output(spec: &str, ellipsis_dims: usize) -> Result<Vec<char>> {
    let (before, after) = spec.split_once("...").unwrap_or((spec, ""));
    if let Some(c) = before.chars().chain(after.chars()).find(|c| !c.is_ascii_alphabetic()) {
        return Err(Error::invalid(OP, format!("invalid output subscript character '{c}'")));
    }
    let dots = spec.contains("...").then(|| (0..ellipsis_dims).rev().map(ellipsis_label)).into_iter().flatten();
    let out: Vec<char> = before.chars().chain(dots).chain(after.chars()).collect();
    if let Some((i, _)) = repeated(&out) {
        return Err(Error::invalid(OP, format!("output label '{}' is repeated", display_label(out[i]))));
    }
    Ok(out)
}

/// NumPy's implicit output: the broadcast axes, then the labels used once, alphabetically.
fn implicit_output(inputs: &[Vec<char>], ellipsis_dims: usize) -> Vec<char> {
    let mut counts: HashMap<char, usize> = HashMap::new();
    for l in inputs.iter().flatten().filter(|l| l.is_ascii_alphabetic()) {
        *counts.entry(*l).or_insert(0) += 1;
    }
    let mut once: Vec<char> = counts.into_iter().filter(|&(_, n)| n == 1).map(|(l, _)| l).collect();
    once.sort_unstable();
    let dots = (0..ellipsis_dims).rev().map(ellipsis_label);
    dots.chain(once).collect()
}
