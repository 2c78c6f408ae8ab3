//! The lane loops of the reductions: interleaved accumulators that LLVM turns into vector
//! registers, and the pairwise trees that combine them (accuracy: O(log n) error growth, as
//! NumPy's pairwise sum).

/// Folds `xs` into 8 interleaved lanes (element `j` into lane `j % 8`; the tail past a
/// multiple of 8 into the combined lanes in order), so LLVM vectorises the loop.
#[inline(always)]
pub(super) fn lanes8<A: Copy, V>(init: A, xs: &[V], step: impl Fn(A, &V) -> A, combine: impl Fn(A, A) -> A) -> A {
    let mut lanes = [init; 8];
    let blocks = xs.chunks_exact(8);
    let tail = blocks.remainder();
    for block in blocks {
        for (lane, x) in lanes.iter_mut().zip(block) {
            *lane = step(*lane, x);
        }
    }
    let c = &combine;
    let l = lanes;
    let acc = c(c(c(l[0], l[1]), c(l[2], l[3])), c(c(l[4], l[5]), c(l[6], l[7])));
    tail.iter().fold(acc, step)
}

/// Elements per leaf of [`pairwise_wide`], and the independent lanes inside a leaf: 64 lanes are
/// four AVX-512 or eight AVX2 vectors of `f32`, enough adds in flight to hide their latency; each
/// lane still adds only `LEAF / WIDE_LANES` = 16 elements in sequence, as NumPy's 8 lanes over
/// blocks of 128 do.
const LEAF: usize = 1024;
const WIDE_LANES: usize = 64;

/// A pairwise reduction without recursion (so that [`at_level`] can compile it whole for AVX2
/// or AVX-512), lane by lane: leaves of [`LEAF`] elements are folded into [`WIDE_LANES`]
/// interleaved lanes, and the leaves' lane arrays merge elementwise through a binary counter
/// (level `k` holds the lanes of `2^k` earlier leaves), a balanced tree in element order. Each
/// lane's error grows as O(log n), like NumPy's recursive halving; [`fold_lanes`] then combines
/// the lanes by halving. The lanes come back by value: folding them in here would index them
/// with loop variables and keep them in memory instead of vector registers.
#[inline(always)]
pub(super) fn pairwise_wide<A: Copy, V>(
    init: A,
    xs: &[V],
    step: impl Fn(A, &V) -> A,
    combine: impl Fn(A, A) -> A,
) -> [A; WIDE_LANES] {
    pairwise_tree(
        init,
        xs,
        #[inline(always)]
        |leaf| leaf_lanes(init, leaf, &step),
        combine,
    )
}

/// [`pairwise_wide`] for elements that convert fastest a block at a time (float16, whose
/// hardware conversion LLVM does not recognise in a per-element loop): each leaf is widened into
/// a buffer of accumulators by `widen`, then folded into the lanes with `combine`. The tree and
/// the lanes are [`pairwise_wide`]'s, so the result is the one `step = combine(a, widen(x))`
/// would give.
#[inline(always)]
pub(super) fn pairwise_wide_staged<A: Copy, V>(
    init: A,
    xs: &[V],
    widen: impl Fn(&[V], &mut [A]),
    combine: impl Fn(A, A) -> A,
) -> [A; WIDE_LANES] {
    // One buffer for the run, not one per leaf: its initialisation is a 4 KiB memset.
    let mut buf = [init; LEAF];
    pairwise_tree(
        init,
        xs,
        #[inline(always)]
        |leaf| {
            let buf = &mut buf[..leaf.len()];
            widen(leaf, buf);
            leaf_lanes(init, buf, &|a, x: &A| combine(a, *x))
        },
        &combine,
    )
}

/// The binary counter of [`pairwise_wide`] over leaves of [`LEAF`] elements, each folded into
/// lanes by `leaf`.
#[inline(always)]
fn pairwise_tree<A: Copy, V>(
    init: A,
    xs: &[V],
    mut leaf_fn: impl FnMut(&[V]) -> [A; WIDE_LANES],
    combine: impl Fn(A, A) -> A,
) -> [A; WIDE_LANES] {
    // Runs are at most a parallel piece (`LONG_PIECE` = 64 leaves: 7 levels); the top level absorbs
    // anything longer, which only coarsens the tree there. Kept small: it is initialised per run.
    const LEVELS: usize = 8;
    if xs.len() <= LEAF {
        return leaf_fn(xs);
    }
    let mut levels = [[init; WIDE_LANES]; LEVELS];
    let mut filled = 0u64;
    for leaf in xs.chunks(LEAF) {
        let mut lanes = leaf_fn(leaf);
        let mut k = 0;
        while k < LEVELS - 1 && filled & (1 << k) != 0 {
            let mut earlier = levels[k];
            merge(&mut earlier, &lanes, &combine);
            lanes = earlier;
            filled &= !(1 << k);
            k += 1;
        }
        if filled & (1 << k) != 0 {
            merge(&mut levels[k], &lanes, &combine); // the top level, full: absorb
        } else {
            levels[k] = lanes;
            filled |= 1 << k;
        }
    }
    // The highest level covers the earliest leaves.
    let mut acc: Option<[A; WIDE_LANES]> = None;
    for k in (0..LEVELS).rev() {
        if filled & (1 << k) != 0 {
            acc = Some(match acc {
                None => levels[k],
                Some(mut a) => {
                    merge(&mut a, &levels[k], &combine);
                    a
                }
            });
        }
    }
    acc.unwrap_or([init; WIDE_LANES])
}

/// One leaf of [`pairwise_wide`] folded into its lanes. A function, not a closure, so that it
/// can be `inline(always)`: an outlined closure is compiled for the baseline target rather than
/// the SIMD level [`at_level`] compiles its caller for (a profile on an AMD EPYC showed the
/// float32 leaf loop in SSE registers, spilling).
#[inline(always)]
fn leaf_lanes<A: Copy, V>(init: A, leaf: &[V], step: &impl Fn(A, &V) -> A) -> [A; WIDE_LANES] {
    let mut lanes = [init; WIDE_LANES];
    let blocks = leaf.chunks_exact(WIDE_LANES);
    let tail = blocks.remainder();
    for block in blocks {
        for (lane, x) in lanes.iter_mut().zip(block) {
            *lane = step(*lane, x);
        }
    }
    for (lane, x) in lanes.iter_mut().zip(tail) {
        *lane = step(*lane, x);
    }
    lanes
}

/// `a = combine(a, b)` lane by lane (inlined for the same reason as [`leaf_lanes`]).
#[inline(always)]
fn merge<A: Copy>(a: &mut [A; WIDE_LANES], b: &[A; WIDE_LANES], combine: &impl Fn(A, A) -> A) {
    for (a, &b) in a.iter_mut().zip(b) {
        *a = combine(*a, b);
    }
}

/// Lanes combined pairwise, neighbours first (lanes `2i` and `2i + 1`, then their results,
/// ...): the left operand always covers lower lanes, so when `combine` keeps its left operand on
/// ties, the lowest tied lane wins, as in a sequential fold. Inlined, so that inside an
/// [`at_level`](super::at_level) closure it runs at the SIMD level.
#[inline(always)]
pub(super) fn fold_lanes<A: Copy, const N: usize>(mut lanes: [A; N], combine: impl Fn(A, A) -> A) -> A {
    const { assert!(N.is_power_of_two()) };
    let mut width = N;
    while width > 1 {
        width /= 2;
        for i in 0..width {
            lanes[i] = combine(lanes[2 * i], lanes[2 * i + 1]);
        }
    }
    lanes[0]
}

/// Lanes summed (or combined by any `combine` whose operands may be swapped) by halving: lane
/// `i` with lane `i + N/2`, then the same on the first half, down to one. A pairwise tree like
/// [`fold_lanes`]'s, but each level is whole-vector operations with no shuffles, so it costs a
/// third as much at the baseline level; the tree differs, so the last bit of a sum can too.
/// Every sum and moment folds its lanes here, so a fused pass and its composed form agree.
#[inline(always)]
pub(super) fn fold_halves<A: Copy, const N: usize>(mut lanes: [A; N], combine: impl Fn(A, A) -> A) -> A {
    const { assert!(N.is_power_of_two()) };
    let mut width = N;
    while width > 1 {
        width /= 2;
        for i in 0..width {
            lanes[i] = combine(lanes[i], lanes[i + width]);
        }
    }
    lanes[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum32(xs: &[f32]) -> f32 {
        fold_halves(pairwise_wide(0.0f32, xs, |a, &x| a + x, |a, b| a + b), |a, b| a + b)
    }

    #[test]
    fn every_element_counts_once_at_every_length() {
        // Around the lane count, the leaf, the counter's levels and past its top level.
        for n in [0, 1, 63, 64, 65, 1023, 1024, 1025, 5 * 1024 + 7, 1 << 17, (1 << 18) + 3] {
            let ones = vec![1.0f32; n];
            assert_eq!(sum32(&ones), n as f32, "n = {n}");
        }
    }

    #[test]
    fn the_staged_tree_is_the_per_element_tree() {
        // Values whose sum depends on the order of the additions: the staged leaves must
        // reproduce pairwise_wide's tree bit for bit.
        let widen = |x: &u32| {
            f32::from_bits(0x3f80_0000 | (x.wrapping_mul(2_654_435_761) >> 9)) * if x % 3 == 0 { -1.0 } else { 1e-3 }
        };
        for n in [0, 5, 64, 1000, 1024, 1025, 3 * 1024 + 17, 100_003] {
            let xs: Vec<u32> = (0..n as u32).collect();
            let direct = pairwise_wide(0.0f32, &xs, |a, x| a + widen(x), |a, b| a + b);
            let staged = pairwise_wide_staged(
                0.0f32,
                &xs,
                |src: &[u32], dst: &mut [f32]| dst.iter_mut().zip(src).for_each(|(d, s)| *d = widen(s)),
                |a, b| a + b,
            );
            assert_eq!(direct.map(f32::to_bits), staged.map(f32::to_bits), "n = {n}");
        }
    }

    #[test]
    fn pairwise_error_stays_small() {
        // 2^20 copies of 0.1f32: a running sum drifts by ~1e-2 relative; the tree keeps the
        // error near a few ulps of the result.
        let n = 1 << 20;
        let got = sum32(&vec![0.1f32; n]) as f64;
        let exact = n as f64 * 0.1f32 as f64;
        assert!(((got - exact) / exact).abs() < 1e-6, "sum {got}, exact {exact}");
    }

    #[test]
    fn halving_keeps_the_lower_lane_on_ties() {
        // (value, lane) pairs: equal values, the combine keeps its first argument on ties.
        let lanes: [(i32, usize); 8] = std::array::from_fn(|i| (if i == 3 || i == 6 { 9 } else { 1 }, i));
        let best = fold_lanes(lanes, |a, b| if b.0 > a.0 { b } else { a });
        assert_eq!(best, (9, 3));
    }
}
