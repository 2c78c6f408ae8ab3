//! The CUDA backend (stub while the real one is written): reports no devices.

use crate::device::DeviceInfo;
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Layout;
use std::sync::Arc;

pub(crate) fn device_count() -> usize {
    0
}
pub(crate) fn unavailable_reason() -> Option<String> {
    Some("CUDA backend not built yet".into())
}
pub(crate) fn driver_version() -> Option<i32> {
    None
}
pub(crate) fn nvrtc_version() -> Option<(i32, i32)> {
    None
}
pub(crate) fn device_info(_ordinal: usize) -> Result<DeviceInfo> {
    Err(unavailable())
}
fn unavailable() -> Error {
    Error::CudaUnavailable { reason: unavailable_reason().unwrap_or_default() }
}

/// One CUDA device's context, default stream, memory pool and kernel modules.
pub(crate) struct CudaDevice {
    ordinal: usize,
}

impl CudaDevice {
    pub(crate) fn get(_ordinal: usize) -> Result<Arc<CudaDevice>> {
        Err(unavailable())
    }
    pub(crate) fn synchronize(&self) -> Result<()> {
        Ok(())
    }
    pub(crate) fn alloc(self: &Arc<Self>, _bytes: usize) -> Result<CudaBuffer> {
        Err(unavailable())
    }
    pub(crate) fn ordinal(&self) -> usize {
        self.ordinal
    }
}

/// Device memory holding array elements.
pub(crate) struct CudaBuffer {
    device: Arc<CudaDevice>,
    bytes: usize,
}

impl CudaBuffer {
    pub(crate) fn len_bytes(&self) -> usize {
        self.bytes
    }
    pub(crate) fn device(&self) -> &Arc<CudaDevice> {
        &self.device
    }
}

pub(crate) fn fill(_buf: &CudaBuffer, _layout: &Layout, _dtype: DType, _value: Scalar) -> Result<()> {
    Err(unavailable())
}
pub(crate) fn copy(_src: (&CudaBuffer, &Layout), _dst: (&CudaBuffer, &Layout), _itemsize: usize) -> Result<()> {
    Err(unavailable())
}
pub(crate) fn upload(_dst: &CudaBuffer, _byte_offset: usize, _src: &[u8]) -> Result<()> {
    Err(unavailable())
}
pub(crate) fn download(_src: &CudaBuffer, _byte_offset: usize, _dst: &mut [u8]) -> Result<()> {
    Err(unavailable())
}
