//! Shared test helpers: run one test body on every device.
#![allow(dead_code)]

use devarray::Device;

/// The CUDA device for a test, or `None` after printing the skip line. With
/// `DEVARRAY_REQUIRE_CUDA=1` (GPU runners) a missing device fails the test instead.
pub fn cuda_or_skip(test: &str) -> Option<Device> {
    match Device::cuda_if_available(0) {
        Ok(d) => Some(d),
        Err(e) => {
            if std::env::var("DEVARRAY_REQUIRE_CUDA").as_deref() == Ok("1") {
                panic!("{test}: DEVARRAY_REQUIRE_CUDA=1 but {e}");
            }
            println!("{test}: skipped: no CUDA device ({e})");
            None
        }
    }
}

/// Instantiates `$body(&Device)` as `<name>_cpu` and `<name>_cuda` tests.
#[macro_export]
macro_rules! test_on_devices {
    ($($name:ident),* $(,)?) => {
        mod cpu_device {
            $(#[test] fn $name() -> devarray::Result<()> { super::$name(&devarray::Device::Cpu) })*
        }
        mod cuda_device {
            $(#[test] fn $name() -> devarray::Result<()> {
                match $crate::common::cuda_or_skip(concat!(stringify!($name), "_cuda")) {
                    Some(d) => super::$name(&d),
                    None => Ok(()),
                }
            })*
        }
    };
}
