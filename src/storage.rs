//! The backend-neutral buffer behind every [`Array`](crate::Array): one enum over the
//! per-backend buffers, so backend dispatch happens in one `match` per primitive.

use crate::cpu::{self, CpuBuffer};
use crate::cuda::{self, CudaBuffer};
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::Device;

/// Memory on one device.
pub(crate) enum Storage {
    /// Host memory of the CPU device.
    Cpu(CpuBuffer),
    /// Device memory of a CUDA device.
    Cuda(CudaBuffer),
}

impl Storage {
    /// Allocates `bytes` bytes on `device`.
    pub(crate) fn alloc(device: Device, bytes: usize) -> Result<Storage> {
        match device {
            Device::Cpu => Ok(Storage::Cpu(CpuBuffer::alloc(bytes)?)),
            Device::Cuda(i) => Ok(Storage::Cuda(cuda::CudaDevice::get(i)?.alloc(bytes)?)),
        }
    }

    /// The device the memory is on.
    pub(crate) fn device(&self) -> Device {
        match self {
            Storage::Cpu(_) => Device::Cpu,
            Storage::Cuda(b) => Device::Cuda(b.device().ordinal()),
        }
    }

    /// Size in bytes.
    pub(crate) fn len_bytes(&self) -> usize {
        match self {
            Storage::Cpu(b) => b.len_bytes(),
            Storage::Cuda(b) => b.len_bytes(),
        }
    }

    /// Writes `value` into every element of the view.
    pub(crate) fn fill(&self, layout: &Layout, dtype: DType, value: Scalar) -> Result<()> {
        match self {
            Storage::Cpu(b) => {
                cpu::fill(b, layout, dtype, value);
                Ok(())
            }
            Storage::Cuda(b) => cuda::fill(b, layout, dtype, value),
        }
    }

    /// Copies a view of `self` into a view of `dst` (same device, same shape and element size).
    pub(crate) fn copy_to(&self, src: &Layout, dst: (&Storage, &Layout), itemsize: usize) -> Result<()> {
        match (self, dst.0) {
            (Storage::Cpu(s), Storage::Cpu(d)) => cpu::copy((s, src), (d, dst.1), itemsize),
            (Storage::Cuda(s), Storage::Cuda(d)) if s.device().ordinal() == d.device().ordinal() => {
                cuda::copy((s, src), (d, dst.1), itemsize)
            }
            _ => Err(Error::DeviceMismatch { op: "copy", lhs: self.device(), rhs: dst.0.device() }),
        }
    }

    /// Copies a contiguous run of bytes from the host into the buffer.
    pub(crate) fn upload(&self, byte_offset: usize, src: &[u8]) -> Result<()> {
        match self {
            Storage::Cpu(b) => {
                let _q = cpu::queue();
                // SAFETY: callers keep `byte_offset + src.len()` inside the buffer; `src` is host
                // memory outside it; the queue excludes concurrent access.
                unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), b.as_ptr().add(byte_offset), src.len()) };
                Ok(())
            }
            Storage::Cuda(b) => cuda::upload(b, byte_offset, src),
        }
    }

    /// Copies a contiguous run of bytes from the buffer to the host.
    pub(crate) fn download(&self, byte_offset: usize, dst: &mut [u8]) -> Result<()> {
        match self {
            Storage::Cpu(b) => {
                let _q = cpu::queue();
                // SAFETY: as in `upload`, with the roles swapped.
                unsafe { std::ptr::copy_nonoverlapping(b.as_ptr().add(byte_offset), dst.as_mut_ptr(), dst.len()) };
                Ok(())
            }
            Storage::Cuda(b) => cuda::download(b, byte_offset, dst),
        }
    }
}

/// A view of a storage taking part in a gather or scatter.
pub(crate) type StorageView<'a> = (&'a Storage, &'a Layout);

fn gather_device_mismatch(op: &'static str, a: &Storage, b: &Storage) -> Error {
    Error::DeviceMismatch { op, lhs: a.device(), rhs: b.device() }
}

impl Storage {
    /// `out[i] = src[src_basic(i) + table[i]]` over `out`'s shape (`table`: `i64` element
    /// offsets; all three layouts have `out`'s shape).
    ///
    /// # Safety
    /// Every value of `table` lies in `reach`, and `src`'s view shifted by any offset in `reach`
    /// stays inside `src`'s buffer (the CUDA backend checks the latter, the CPU one trusts it);
    /// `out` does not overlap `src` or `table`.
    pub(crate) unsafe fn gather(
        src: StorageView<'_>,
        table: StorageView<'_>,
        reach: (i64, i64),
        out: StorageView<'_>,
        itemsize: usize,
    ) -> Result<()> {
        // SAFETY (both arms): the caller's contract, passed down unchanged.
        match (src.0, table.0, out.0) {
            (Storage::Cpu(s), Storage::Cpu(t), Storage::Cpu(o)) => {
                unsafe { cpu::gather::gather((s, src.1), (t, table.1), (o, out.1), itemsize) };
                Ok(())
            }
            (Storage::Cuda(s), Storage::Cuda(t), Storage::Cuda(o)) => unsafe {
                cuda::gather::gather((s, src.1), (t, table.1), reach, (o, out.1), itemsize)
            },
            (s, t, o) => Err(gather_device_mismatch("gather", o, if s.device() != o.device() { s } else { t })),
        }
    }

    /// `dst[dst_basic(i) + table[i]] = values[i]` over `dst`'s shape.
    ///
    /// # Safety
    /// As [`Storage::gather`], with `dst` in the role of `src`; `values` and `table` do not
    /// overlap `dst`.
    pub(crate) unsafe fn scatter(
        values: StorageView<'_>,
        table: StorageView<'_>,
        reach: (i64, i64),
        dst: StorageView<'_>,
        itemsize: usize,
    ) -> Result<()> {
        // SAFETY (both arms): the caller's contract, passed down unchanged.
        match (values.0, table.0, dst.0) {
            (Storage::Cpu(v), Storage::Cpu(t), Storage::Cpu(d)) => {
                unsafe { cpu::gather::scatter((v, values.1), (t, table.1), (d, dst.1), itemsize) };
                Ok(())
            }
            (Storage::Cuda(v), Storage::Cuda(t), Storage::Cuda(d)) => unsafe {
                cuda::gather::scatter((v, values.1), (t, table.1), reach, (d, dst.1), itemsize)
            },
            (v, t, d) => Err(gather_device_mismatch("scatter", d, if v.device() != d.device() { v } else { t })),
        }
    }
}
