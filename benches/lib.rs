//! devarray's benchmark harnesses live in this package's `[[bench]]` targets (`cargo bench
//! --bench cpu_ops`, `kernel_compile`, `gpu_ops`); this library is empty. It exists so that the
//! benchmarks' dependencies (criterion) stay out of the `devarray` package's dev-dependencies.
