//! # devarray: GPU-first n-dimensional arrays
//!
//! Arrays live on a [`Device`]: a CUDA GPU, or the CPU backend when no GPU exists. Ops run
//! where the data is. Elements cross to the host **only when you ask for a copy**.
//!
//! ```
//! use devarray::{Array, DType, Device};
//!
//! let dev = Device::from_env()?;                       // DEVARRAY_DEVICE, else CUDA device 0 if present, else the CPU
//! let x = Array::arange(0.0, 6.0, 1.0, DType::F32, &dev)?.reshape(&[2, 3])?;
//! let row = x.slice(&[devarray::AxisSlice::Index(1)])?; // a view: no copy
//! let host: Vec<f32> = row.to_vec()?;                  // the explicit device-to-host copy
//! assert_eq!(host, vec![3.0, 4.0, 5.0]);
//! # Ok::<(), devarray::Error>(())
//! ```
//!
//! ## The host-conversion contract
//!
//! Reading device memory is never implicit. There is no `Deref`, `Index`, `AsRef<[T]>`,
//! `Display`, `IntoIterator` or `From<Array>` for host types; `Debug` prints shape, dtype and
//! device, never values. The explicit paths, with their Python names:
//!
//! | direction | Rust | Python |
//! |---|---|---|
//! | host → device | [`Array::from_slice`], [`Array::from_ndarray`] | `devarray.asarray(obj)` |
//! | device → host | [`Array::to_vec`], [`Array::to_ndarray`], [`Array::copy_to_host`] | `x.get()`, `devarray.asnumpy(x)`, `numpy.asarray(x, copy=True)` |
//! | one element | [`Array::item`], [`Array::item_scalar`] | `x.item()`, `float(x)`, `int(x)` |
//! | values as text | [`Array::display`] (NumPy's layout; [`PrintOptions`]) | `repr(x)`, `str(x)` (`devarray.set_printoptions`) |
//! | device → device | [`Array::to_device`] | `x.to_device(d)` |
//!
//! In Python, `numpy.asarray(x)` without `copy=True` raises `TypeError` on every device (the CPU
//! device included), so code tested on a CPU-only CI behaves the same on a GPU.
//!
//! ## Devices
//!
//! [`Device::default`] picks CUDA device 0 when a driver and a device are present, else the CPU;
//! `DEVARRAY_DEVICE=cpu|cuda|cuda:N` overrides it. Probing never panics, even without
//! `libcuda`. [`devices_report`] lists devices with driver and NVRTC versions.
//!
//! | CPU concept | devarray |
//! |---|---|
//! | `Vec<T>` | an [`Array`] owning a buffer on a [`Device`] |
//! | `&[T]` with strides | a view: [`Array::slice`], [`Array::transpose`], [`Array::broadcast_to`] |
//! | `memcpy` | [`Array::to_device`], [`Array::copy`], [`Array::assign`] |
//!
//! ## For NumPy users
//!
//! | NumPy | devarray |
//! |---|---|
//! | `np.zeros((3, 4), np.float32)` | `Array::zeros(&[3, 4], DType::F32, &dev)` |
//! | `np.arange(0, 10, 2)` | `Array::arange(0.0, 10.0, 2.0, DType::I64, &dev)` |
//! | `a.reshape(2, -1)` | `a.reshape(&[2, n / 2])` (view when possible, else copy) |
//! | `a.T` | `a.transpose()` |
//! | `a[1, ::2]` | `a.slice(&[AxisSlice::Index(1), AxisSlice::range(None, None, 2)])` |
//! | `np.broadcast_to(a, s)` | `a.broadcast_to(&s)` (read-only, like NumPy) |
//! | `a.strides` (bytes) | `a.strides()` (**elements**) |
//! | `np.asarray(a)` | `a.to_ndarray::<T>()` (explicit copy) |
//!
//! ## Complex numbers, FFTs and linear algebra
//!
//! complex64/complex128 hold [`num_complex`] elements; [`fft`] and [`linalg`] are the Array
//! API extensions (cuFFT/cuBLAS/cuSOLVER on CUDA, rustfft/faer on the CPU).
//!
//! ```
//! use devarray::num_complex::Complex64;
//! use devarray::{fft, linalg, Array, DType, Device};
//!
//! let dev = Device::Cpu;
//! let signal = Array::from_slice(&[1.0f64, 0.0, -1.0, 0.0], &[4], &dev)?;
//! let spectrum = fft::rfft(&signal, None, -1, fft::Norm::Backward)?; // complex128, 3 bins
//! assert!((spectrum.to_vec::<Complex64>()?[1] - Complex64::new(2.0, 0.0)).norm() < 1e-12);
//! let z = Array::from_slice(&[Complex64::new(2.0, 0.0), Complex64::new(0.0, 1.0),
//!                             Complex64::new(0.0, -1.0), Complex64::new(2.0, 0.0)], &[2, 2], &dev)?;
//! let (w, _v) = linalg::eigh(&z)?;                     // Hermitian: real eigenvalues 1 and 3
//! assert_eq!(w.dtype(), DType::F64);
//! let w = w.to_vec::<f64>()?;
//! assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 3.0).abs() < 1e-12);
//! # Ok::<(), devarray::Error>(())
//! ```
#![warn(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod array;
mod backend;
mod cpu;
mod cuda;
mod device;
pub mod dlpack;
mod dtype;
mod error;
pub mod fft;
pub mod kernels;
mod layout;
pub mod linalg;
mod memory;
mod ops;
mod probe;
pub mod random;
mod slicing;
mod storage;
mod stream;
#[cfg(test)]
mod test_rng;
mod vocab;

pub use array::{Array, ArrayDisplay, IndexItem, PrintOptions, Selection, ShapeDim};
pub use cpu::{cpu_cache_bytes, cpu_cache_limit, cpu_cache_trim};
pub use device::{Device, DeviceInfo, DEVICE_ENV};
pub use dlpack::{DLPackTensor, ExportOptions};
pub use dtype::{DType, DTypeKind, Element, Scalar};
pub use error::{Error, Result};
pub use layout::{broadcast_shapes, AxisSlice, Layout, MAX_NDIM};
pub use memory::{empty_cache, MemoryInfo};
pub use ops::{
    can_cast, can_cast_same_kind, einsum, result_type, result_type_with_scalar, Axes, BinaryOp, Bins, Operand, PadMode,
    Reduce, ReduceOp, ScanOp, Side, UnaryOp, Unique,
};
pub use probe::{devices_report, DevicesReport};
pub use slicing::{IntoAxisSlice, SteppedRange};
pub use stream::{Event, Stream, StreamGuard};

/// The CUDA emulator (feature `emulator`, selected by `DEVARRAY_DEVICE=cuda-emu`).
#[cfg(feature = "emulator")]
pub use cuda::emu::public as emulator;

/// Re-export of the `half` crate, whose `f16` and `bf16` are devarray's 16-bit float elements.
pub use half;
/// Re-export of the `num-complex` crate, whose `Complex32` and `Complex64` are devarray's
/// `complex64` and `complex128` elements.
pub use num_complex;

/// The README's Rust examples, compiled and run as doc tests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
