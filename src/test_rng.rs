//! Deterministic pseudo-random bits for the crate's unit tests.

/// `n` values of the xorshift64* sequence started from `seed` (any seed, zero included).
pub(crate) fn xorshift_bits(seed: u64, n: usize) -> Vec<u64> {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            s.wrapping_mul(0x2545_f491_4f6c_dd1d)
        })
        .collect()
}
