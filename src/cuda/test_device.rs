//! The CUDA device of the backend's unit tests: device 0 (a GPU, or the emulator with
//! `DEVARRAY_DEVICE=cuda-emu`); with the `emulator` feature and no device, an emulated device of
//! its own; otherwise none, after printing `skipped: no CUDA device` (a failure instead under
//! `DEVARRAY_REQUIRE_CUDA=1`, as in the integration suites).

use super::CudaDevice;
use std::sync::{Arc, OnceLock};

/// The device (see the module docs), or `None` after printing the skip line for `suite`.
pub(crate) fn device(suite: &str) -> Option<Arc<CudaDevice>> {
    static DEV: OnceLock<std::result::Result<Arc<CudaDevice>, String>> = OnceLock::new();
    let dev = DEV.get_or_init(|| match CudaDevice::get(0) {
        Ok(dev) => Ok(dev),
        #[cfg(feature = "emulator")]
        Err(_) => {
            let api: Arc<dyn crate::cuda::api::GpuApi> = Arc::new(crate::cuda::emu::new_device());
            CudaDevice::with_api(api).map(Arc::new).map_err(|e| e.to_string())
        }
        #[cfg(not(feature = "emulator"))]
        Err(e) => Err(e.to_string()),
    });
    match dev {
        Ok(dev) => Some(dev.clone()),
        Err(e) if std::env::var("DEVARRAY_REQUIRE_CUDA").as_deref() == Ok("1") => {
            panic!("{suite} tests: DEVARRAY_REQUIRE_CUDA=1 but {e}")
        }
        Err(e) => {
            println!("{suite} tests: skipped: no CUDA device ({e})");
            None
        }
    }
}
