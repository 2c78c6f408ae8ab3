//! What every benchmark harness under `benches/` shares.

/// Whether to run the short, checked pass instead of measuring: `cargo bench` passes `--bench`
/// (measure); `cargo test --benches`, which CI runs, does not (short); `DEVARRAY_BENCH_SHORT=1`
/// forces short.
pub fn short_mode() -> bool {
    std::env::var("DEVARRAY_BENCH_SHORT").is_ok_and(|v| v.trim() == "1") || !std::env::args().any(|a| a == "--bench")
}
