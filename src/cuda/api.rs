//! The narrow interface between the CUDA backend and a GPU.
//!
//! Everything in `src/cuda/` that is not [`driver`](super::driver) reaches the GPU only through
//! the two object-safe traits here: [`GpuPlatform`] (enumerate devices, open one) and
//! [`GpuApi`] (one opened device: streams, events, stream-ordered memory, pointer queries,
//! modules, launches). The real implementation wraps the CUDA driver API through cudarc; a CPU
//! emulator (and the recording fake used by the unit tests) implement the same traits, so launch
//! configuration, argument packing, path selection, module caching and stream ordering are
//! written once, above this line.
//!
//! Design rules:
//! - Device pointers are plain `u64` ([`DevPtr`]); streams, events, modules and functions are
//!   opaque `u64` newtypes, meaningful only to the implementation that made them (another
//!   library's streams are [`ForeignStreamId`]s). Above this trait, streams and events are used
//!   through the safe layer in [`stream`](super::stream), which owns these handles.
//! - Methods whose misuse can corrupt memory (copies, frees, launches, destroying a handle that
//!   is still in use) are `unsafe fn`, with the contract in a `# Safety` section; the callers
//!   in this module tree uphold it with `// SAFETY:` comments.
//! - Errors are [`GpuError`]: the failing call, a coarse [`GpuErrorKind`] the backend can act on
//!   (out of memory, misuse, shutdown...) and the implementation's own message.

use crate::error::Error;
use std::fmt;
use std::sync::Arc;

/// A device address (`CUdeviceptr`). `0` is never a valid allocation.
pub(crate) type DevPtr = u64;

macro_rules! opaque_handle {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub(crate) struct $name(pub(crate) u64);

        impl fmt::LowerHex for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::LowerHex::fmt(&self.0, f)
            }
        }
    )*};
}

opaque_handle! {
    /// A stream (an in-order queue of device work) created by [`GpuApi::stream_create`].
    StreamId;
    /// A stream this object did not create, for [`GpuApi::stream_wait_event_foreign`]: another
    /// library's `CUstream` in the device's context, or the special handles `1` (legacy default
    /// stream) and `2` (per-thread default stream).
    ForeignStreamId;
    /// An event (a marker in a stream) created by [`GpuApi::event_create`].
    EventId;
    /// A loaded module created by [`GpuApi::module_load`].
    ModuleId;
    /// A kernel looked up by [`GpuApi::function`]; valid while its module is loaded.
    FunctionId;
    /// A cuFFT plan made by [`GpuApi::fft_plan`].
    FftPlanId;
}

/// What the backend needs to know about a device to size launches and report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DeviceProps {
    /// Product name, e.g. `"NVIDIA H100 80GB HBM3"`.
    pub(crate) name: String,
    /// Compute capability `(major, minor)`; NVRTC compiles for exactly `sm_{major}{minor}`.
    pub(crate) compute_capability: (u32, u32),
    /// Device memory in bytes.
    pub(crate) total_memory: usize,
    /// Streaming multiprocessors: grids are sized as a multiple of this.
    pub(crate) multiprocessors: u32,
    /// Resident threads per SM: with the block size, gives resident blocks per SM.
    pub(crate) max_threads_per_multiprocessor: u32,
    /// Largest `gridDim.x`.
    pub(crate) max_grid_x: u32,
    /// Whether the device supports stream-ordered allocation (`cuMemAllocAsync`).
    pub(crate) memory_pools: bool,
}

/// What kind of memory an address is, as the driver reports it (`cuPointerGetAttributes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MemoryKind {
    /// Device memory (`cuMemAlloc`, pools, virtual-memory mappings) of one device.
    Device,
    /// Unified (managed) memory, which kernels on any device can address.
    Managed,
    /// Page-locked host memory allocated or registered through the driver.
    Host,
    /// An address the driver does not know: pageable host memory, freed memory, garbage.
    Unknown,
}

/// What the driver knows about one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PointerInfo {
    /// The kind of memory.
    pub(crate) kind: MemoryKind,
    /// The ordinal of the device the memory is on, when the driver reports one.
    pub(crate) device: Option<usize>,
    /// Whether the memory belongs to a context other than this device's (primary) one: device
    /// memory devarray's kernels cannot address even on the same GPU.
    pub(crate) other_context: bool,
}

/// Figures of a device's stream-ordered memory pool (`cuMemPoolGetAttribute` on the default
/// pool), in bytes. The pool reserves device memory from the driver and hands it to allocations;
/// memory freed into it stays reserved, for reuse, until the pool is trimmed
/// ([`GpuApi::pool_trim`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PoolStats {
    /// Bytes of live allocations (`CU_MEMPOOL_ATTR_USED_MEM_CURRENT`).
    pub(crate) used: u64,
    /// Bytes the pool holds from the device, live or free (`CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT`);
    /// never below `used`.
    pub(crate) reserved: u64,
    /// Highest `used` since the device was opened or the peaks were reset
    /// (`CU_MEMPOOL_ATTR_USED_MEM_HIGH`).
    pub(crate) used_high: u64,
    /// Highest `reserved` likewise (`CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH`).
    pub(crate) reserved_high: u64,
    /// Reserved bytes the pool keeps when it synchronises instead of releasing them
    /// (`CU_MEMPOOL_ATTR_RELEASE_THRESHOLD`; devarray sets `u64::MAX`: keep everything).
    pub(crate) release_threshold: u64,
}

/// Free and total memory of a device as the driver reports them (`cuMemGetInfo`): all
/// processes and libraries together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DeviceMemory {
    /// Bytes not reserved by anyone.
    pub(crate) free: u64,
    /// Bytes of device memory.
    pub(crate) total: u64,
}

/// Grid and block shape of one kernel launch. Dynamic shared memory is 0 for every devarray
/// kernel (ABI.md) but is part of the interface for later kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LaunchDims {
    /// Blocks per grid, `(x, y, z)`.
    pub(crate) grid: [u32; 3],
    /// Threads per block, `(x, y, z)`.
    pub(crate) block: [u32; 3],
    /// Dynamic shared memory per block, in bytes.
    pub(crate) shared_bytes: u32,
}

impl LaunchDims {
    /// A one-dimensional launch of `grid` blocks of `block` threads.
    pub(crate) fn linear(grid: u32, block: u32) -> Self {
        LaunchDims { grid: [grid, 1, 1], block: [block, 1, 1], shared_bytes: 0 }
    }
}

/// The kinds of failure the backend reacts to differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GpuErrorKind {
    /// The allocation (or a launch's resources) did not fit: becomes [`Error::OutOfMemory`].
    OutOfMemory,
    /// An invalid value or handle: a bug in the caller's bookkeeping.
    InvalidUsage,
    /// The driver is shutting down (process exit): harmless at drop time.
    ShutDown,
    /// No such device, or the device is unusable.
    NoDevice,
    /// The device or driver does not support the operation.
    Unsupported,
    /// A module image or kernel name was rejected (wrong arch, missing symbol, bad PTX).
    KernelImage,
    /// A vendor library the operation needs (cuBLAS, cuSOLVER) cannot be loaded: becomes
    /// [`Error::LibraryUnavailable`], whose message says what to install.
    LibraryMissing,
    /// Anything else, including sticky errors after a faulting kernel.
    Other,
}

/// A failed call into the GPU interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GpuError {
    /// The API function or step that failed (`"cuMemAllocAsync"`).
    pub(crate) call: &'static str,
    /// What kind of failure it was.
    pub(crate) kind: GpuErrorKind,
    /// The implementation's description (for CUDA: error name and string).
    pub(crate) message: String,
}

impl GpuError {
    /// An error of `kind` raised by `call`.
    pub(crate) fn new(call: &'static str, kind: GpuErrorKind, message: impl Into<String>) -> Self {
        GpuError { call, kind, message: message.into() }
    }
}

impl fmt::Display for GpuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.call, self.message)
    }
}

impl From<GpuError> for Error {
    /// Generic conversion; call sites that know better (allocation → `OutOfMemory`, module
    /// load → `Kernel`) convert explicitly first.
    fn from(e: GpuError) -> Error {
        if e.kind == GpuErrorKind::LibraryMissing {
            return Error::LibraryUnavailable { library: e.call, reason: e.message };
        }
        Error::Driver { call: e.call, message: e.message }
    }
}

/// Whether cuBLAS reads a matrix as stored (`CUBLAS_OP_N`) or transposed (`CUBLAS_OP_T`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GemmOp {
    N,
    T,
}

/// The element type of all three GEMM matrices (`CUDA_R_32F`, `CUDA_R_64F`, `CUDA_R_16F`,
/// `CUDA_R_16BF`, and the complex `CUDA_C_32F`, `CUDA_C_64F`). The compute type follows from
/// it: `CUBLAS_COMPUTE_64F` for f64 and complex128, `CUBLAS_COMPUTE_32F` otherwise (the 16-bit
/// types accumulate in f32, as the CPU backend does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GemmType {
    F32,
    F64,
    F16,
    BF16,
    /// complex64: interleaved f32 real and imaginary parts.
    C64,
    /// complex128: interleaved f64 real and imaginary parts.
    C128,
}

impl GemmType {
    /// Bytes per element.
    pub(crate) fn itemsize(self) -> usize {
        match self {
            GemmType::C128 => 16,
            GemmType::F64 | GemmType::C64 => 8,
            GemmType::F32 => 4,
            GemmType::F16 | GemmType::BF16 => 2,
        }
    }

    /// Whether the compute type is double precision (f64 and complex128).
    pub(crate) fn is_double(self) -> bool {
        matches!(self, GemmType::F64 | GemmType::C128)
    }
}

/// One matrix of a strided-batched GEMM, column-major: element `(i, j)` of batch `p` is at
/// element offset `p * stride + i + j * ld` from `ptr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GemmMatrix {
    pub(crate) ptr: DevPtr,
    /// Leading dimension, in elements.
    pub(crate) ld: i32,
    /// Batch stride, in elements (0: every batch position reads the same matrix).
    pub(crate) stride: i64,
}

/// `cublasGemmStridedBatchedEx` in cuBLAS's own terms (column-major): for each batch position
/// `p < batch`, `C[p] = alpha * op(A[p]) @ op(B[p]) + beta * C[p]` with `op(A)` of `m × k`,
/// `op(B)` of `k × n` and `C` of `m × n`. With `beta == 0`, `C` is not read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Gemm {
    pub(crate) transa: GemmOp,
    pub(crate) transb: GemmOp,
    pub(crate) m: i32,
    pub(crate) n: i32,
    pub(crate) k: i32,
    /// Converted to the compute type (f32 unless `dtype` is f64 or complex128); for the complex
    /// types, the real part of a complex scalar whose imaginary part is 0 (all devarray needs).
    pub(crate) alpha: f64,
    pub(crate) beta: f64,
    pub(crate) a: GemmMatrix,
    pub(crate) b: GemmMatrix,
    pub(crate) c: GemmMatrix,
    pub(crate) batch: i32,
    pub(crate) dtype: GemmType,
}

/// The element type of a dense cuSOLVER call: the `S` (float32), `D` (float64), `C`
/// (complex64) or `Z` (complex128) routine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SolverType {
    F32,
    F64,
    C64,
    C128,
}

impl SolverType {
    /// Bytes per element (of the matrices, `tau` and the workspace).
    pub(crate) fn itemsize(self) -> usize {
        match self {
            SolverType::F32 => 4,
            SolverType::F64 | SolverType::C64 => 8,
            SolverType::C128 => 16,
        }
    }

    /// Bytes per element of the real-valued arrays (`heevd`'s `W`, `gesvd`'s `S` and `rwork`):
    /// the component type's.
    pub(crate) fn real_itemsize(self) -> usize {
        match self {
            SolverType::F32 | SolverType::C64 => 4,
            SolverType::F64 | SolverType::C128 => 8,
        }
    }

    /// Whether the routine is the complex (`C`, `Z`) one.
    pub(crate) fn is_complex(self) -> bool {
        matches!(self, SolverType::C64 | SolverType::C128)
    }
}

/// Which triangle of a symmetric matrix a routine reads and writes (`cublasFillMode_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fill {
    Lower,
    Upper,
}

/// Which singular vectors `gesvd` computes (its `jobu`/`jobvt` characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SvdJob {
    /// `'A'`: all of them (`U` is `m × m`, `Vᵀ` is `n × n`).
    All,
    /// `'S'`: the first `min(m, n)`.
    Thin,
    /// `'N'`: none; the matrix argument is not referenced.
    None,
}

/// One dense cuSOLVER routine on one column-major matrix, in cuSOLVER's own terms: element
/// `(i, j)` of `A` is at element `i + j * lda` from `a` (likewise `B` with `ldb`). Integers
/// (`ipiv`, `info`) are 32-bit; `ipiv` holds LAPACK's 1-based row interchanges.
///
/// The complex routines (`C`, `Z`) are the same calls with conjugate transposes where the real
/// ones transpose: `potrf` factors a Hermitian `A = L Lᴴ` (`Uᴴ U`), `syevd` stands for
/// `{C,Z}heevd` (Hermitian, real eigenvalues), `orgqr` for `{C,Z}ungqr` (`H = I - tau v vᴴ`),
/// `gesvd` returns `Vᴴ`; `getrs` with `GemmOp::T` still solves `Aᵀ X = B` (no conjugation).
/// Their real-valued arrays (`W`, `S`, `rwork`) hold the component type
/// ([`SolverType::real_itemsize`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DenseCall {
    /// `cusolverDn{S,D}potrf`: the Cholesky factor of the `n × n` symmetric matrix `A`, from and
    /// into its `uplo` triangle (`A = L Lᵀ` with `Lower`, `A = Uᵀ U` with `Upper`); the other
    /// triangle is not touched. `info = k > 0`: the leading minor of order `k` is not positive
    /// definite.
    Potrf { uplo: Fill, n: i32, a: DevPtr, lda: i32 },
    /// `cusolverDn{S,D}getrf`: `A = P L U` with partial pivoting, `L` (unit diagonal) and `U`
    /// overwriting the `m × n` matrix `A`, the interchanges into `ipiv` (`min(m, n)` entries).
    /// `info = k > 0`: `U(k, k)` (1-based) is exactly zero.
    Getrf { m: i32, n: i32, a: DevPtr, lda: i32, ipiv: DevPtr },
    /// `cusolverDn{S,D}getrs`: solves `op(A) X = B` for the `n × nrhs` matrix `B`, overwritten
    /// by `X`, with `A` and `ipiv` from `getrf` (`GemmOp::T`: `Aᵀ X = B`). No workspace.
    Getrs { trans: GemmOp, n: i32, nrhs: i32, a: DevPtr, lda: i32, ipiv: DevPtr, b: DevPtr, ldb: i32 },
    /// `cusolverDn{S,D}syevd`: the eigenvalues of the `n × n` symmetric matrix `A` (read from
    /// its `uplo` triangle) into `w` in ascending order; with `vectors`, the orthonormal
    /// eigenvectors overwrite `A` (column `j` belongs to `w[j]`), otherwise `A` is destroyed.
    /// `info > 0`: the algorithm did not converge.
    Syevd { vectors: bool, uplo: Fill, n: i32, a: DevPtr, lda: i32, w: DevPtr },
    /// `cusolverDn{S,D}geqrf`: `A = Q R` for the `m × n` matrix `A`: `R` overwrites its upper
    /// triangle (`min(m, n) × n`), the Householder vectors of `Q = H(1) … H(k)` (`k = min(m, n)`)
    /// the part below, their scalars go to `tau` (`k` entries).
    Geqrf { m: i32, n: i32, a: DevPtr, lda: i32, tau: DevPtr },
    /// `cusolverDn{S,D}orgqr`: the first `n` columns of `Q = H(1) … H(k)` (`m ≥ n ≥ k`) from
    /// `geqrf`'s vectors in the first `k` columns of the `m × n` matrix `A`, which it overwrites.
    Orgqr { m: i32, n: i32, k: i32, a: DevPtr, lda: i32, tau: DevPtr },
    /// `cusolverDn{S,D}gesvd`: `A = U Σ Vᵀ` for the `m × n` matrix `A`, which it destroys;
    /// cuSOLVER supports only `m ≥ n`. The `n` singular values go to `s` (descending), `U`
    /// (`m × m` with `All`, `m × n` with `Thin`) to `u` and `Vᵀ` (`n × n`) to `vt`, as `jobu`
    /// and `jobvt` ask. `rwork` (`n - 1` entries) receives the unconverged superdiagonal when
    /// `info = k > 0` (`k` of them did not converge).
    Gesvd {
        jobu: SvdJob,
        jobvt: SvdJob,
        m: i32,
        n: i32,
        a: DevPtr,
        lda: i32,
        s: DevPtr,
        u: DevPtr,
        ldu: i32,
        vt: DevPtr,
        ldvt: i32,
        rwork: DevPtr,
    },
}

impl DenseCall {
    /// The cuSOLVER routine's name (without the type letter), for errors.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            DenseCall::Potrf { .. } => "cusolverDnXpotrf",
            DenseCall::Getrf { .. } => "cusolverDnXgetrf",
            DenseCall::Getrs { .. } => "cusolverDnXgetrs",
            DenseCall::Syevd { .. } => "cusolverDnXsyevd",
            DenseCall::Geqrf { .. } => "cusolverDnXgeqrf",
            DenseCall::Orgqr { .. } => "cusolverDnXorgqr",
            DenseCall::Gesvd { .. } => "cusolverDnXgesvd",
        }
    }
}

/// A [`DenseCall`] and the element type it runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dense {
    pub(crate) call: DenseCall,
    pub(crate) dtype: SolverType,
}

/// Device memory a [`Dense`] call needs besides its matrices: the workspace (`lwork` elements
/// of the call's type, sized by [`GpuApi::dense_workspace`]; ignored by `getrs`) and the
/// `info` integer it writes (`devInfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DenseScratch {
    pub(crate) work: DevPtr,
    pub(crate) lwork: i32,
    pub(crate) info: DevPtr,
}

/// The element types of a cuFFT transform (`cufftType`): complex to complex, real to complex
/// (forward) and complex to real (inverse), in single (`C`, `R`) or double (`Z`, `D`) precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum FftType {
    C2C,
    Z2Z,
    R2C,
    D2Z,
    C2R,
    Z2D,
}

impl FftType {
    /// Whether the transform is in double precision.
    pub(crate) fn double(self) -> bool {
        matches!(self, FftType::Z2Z | FftType::D2Z | FftType::Z2D)
    }

    /// Bytes per input element.
    pub(crate) fn in_itemsize(self) -> usize {
        let real = if self.double() { 8 } else { 4 };
        match self {
            FftType::R2C | FftType::D2Z => real,
            _ => 2 * real,
        }
    }

    /// Bytes per output element.
    pub(crate) fn out_itemsize(self) -> usize {
        let real = if self.double() { 8 } else { 4 };
        match self {
            FftType::C2R | FftType::Z2D => real,
            _ => 2 * real,
        }
    }
}

/// A batch of 1-D transforms of length `n` in cuFFT's advanced data layout
/// (`cufftPlanMany` with rank 1): transform `b < batch` reads input element `j` at element
/// `b * idist + j * istride` of the input and writes output element `k` at
/// `b * odist + k * ostride` of the output. The input holds `n` values per transform
/// (`n / 2 + 1` for C2R/Z2D), the output `n` (`n / 2 + 1` for R2C/D2Z). cuFFT's semantics:
/// transforms are unnormalised (an inverse after a forward multiplies by `n`), the forward
/// sign is `-1`, and an out-of-place C2R/Z2D transform may overwrite its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FftDesc {
    pub(crate) ty: FftType,
    pub(crate) n: i32,
    pub(crate) batch: i32,
    pub(crate) istride: i32,
    pub(crate) idist: i32,
    pub(crate) ostride: i32,
    pub(crate) odist: i32,
}

impl FftDesc {
    /// Input values per transform.
    pub(crate) fn in_len(&self) -> i32 {
        match self.ty {
            FftType::C2R | FftType::Z2D => self.n / 2 + 1,
            _ => self.n,
        }
    }

    /// Output values per transform.
    pub(crate) fn out_len(&self) -> i32 {
        match self.ty {
            FftType::R2C | FftType::D2Z => self.n / 2 + 1,
            _ => self.n,
        }
    }
}

/// Result of a [`GpuApi`] call.
pub(crate) type GpuResult<T> = std::result::Result<T, GpuError>;

/// A source of GPUs: the CUDA driver, or an emulator.
pub(crate) trait GpuPlatform: Send + Sync {
    /// Short description for reports (`"CUDA driver"`).
    fn describe(&self) -> &'static str;
    /// Whether the devices are emulated on the CPU (the `emulator` feature's platform).
    fn emulated(&self) -> bool {
        false
    }
    /// Driver version as CUDA encodes it (`12080` = 12.8), when there is one.
    fn driver_version(&self) -> Option<i32>;
    /// Number of devices.
    fn device_count(&self) -> usize;
    /// Properties of device `ordinal`, without opening it (no context is created).
    fn device_props(&self, ordinal: usize) -> GpuResult<DeviceProps>;
    /// Opens device `ordinal` (for CUDA: retains its primary context).
    fn open(&self, ordinal: usize) -> GpuResult<Arc<dyn GpuApi>>;
}

/// One opened device. Every method may be called from any thread (implementations make their
/// context current on the calling thread first).
pub(crate) trait GpuApi: Send + Sync {
    /// The device's ordinal in its platform.
    fn ordinal(&self) -> usize;
    /// The device's properties (queried once at open).
    fn props(&self) -> &DeviceProps;
    /// Whether [`GpuApi::module_load`] needs a compiled image (cubin/PTX from NVRTC). An
    /// emulator that runs host-compiled kernels returns `false` and receives the module's name
    /// (`binary/f32`: family and dtype tag) instead, which no NVRTC is needed for.
    fn wants_device_code(&self) -> bool {
        true
    }

    /// Creates a stream that does not synchronise with the legacy default stream.
    fn stream_create(&self) -> GpuResult<StreamId>;
    /// Destroys a stream after its queued work completes.
    ///
    /// # Safety
    /// `stream` came from this object's `stream_create` and is not used afterwards.
    unsafe fn stream_destroy(&self, stream: StreamId) -> GpuResult<()>;
    /// Blocks the calling thread until `stream` has finished all queued work.
    ///
    /// # Safety
    /// `stream` came from this object's `stream_create` and was not destroyed.
    unsafe fn stream_synchronize(&self, stream: StreamId) -> GpuResult<()>;

    /// Blocks the calling thread until all work queued on the device (every stream of the
    /// context, including other libraries' in a shared primary context) has finished.
    fn device_synchronize(&self) -> GpuResult<()>;

    /// Creates an event for ordering only (timing disabled, the cheapest kind to record): what
    /// the backend's internal events use.
    fn event_create(&self) -> GpuResult<EventId> {
        self.event_create_with(false)
    }
    /// Creates an event; with `timing`, each record also takes a device timestamp for
    /// [`GpuApi::event_elapsed_ms`] (CUDA: without `CU_EVENT_DISABLE_TIMING`).
    fn event_create_with(&self, timing: bool) -> GpuResult<EventId>;
    /// Milliseconds between the last records of `start` and `end` (`cuEventElapsedTime`;
    /// negative when `end` completed first). Fails with [`GpuErrorKind::InvalidUsage`] when
    /// either event was created without timing or never recorded, and with
    /// [`GpuErrorKind::Other`] (`CUDA_ERROR_NOT_READY`) when either has not completed yet.
    ///
    /// # Safety
    /// `start` and `end` are live handles of this object.
    unsafe fn event_elapsed_ms(&self, start: EventId, end: EventId) -> GpuResult<f32>;
    /// Records `event` at the current end of `stream`.
    ///
    /// # Safety
    /// `event` and `stream` are live handles of this object.
    unsafe fn event_record(&self, event: EventId, stream: StreamId) -> GpuResult<()>;
    /// Makes future work on `stream` wait until `event` has completed (no host blocking). For
    /// exchanging arrays with other streams (DLPack consumers).
    ///
    /// # Safety
    /// `event` and `stream` are live handles of this object.
    unsafe fn stream_wait_event(&self, stream: StreamId, event: EventId) -> GpuResult<()>;
    /// [`GpuApi::stream_wait_event`] for a stream this object did not create: another library's
    /// `CUstream` in the device's (primary) context, or the special handles `0`/`1` (legacy
    /// default stream) and `2` (per-thread default stream). For DLPack consumers.
    ///
    /// # Safety
    /// `stream` is such a handle and stays alive for the call; `event` is a live handle of this
    /// object.
    unsafe fn stream_wait_event_foreign(&self, stream: ForeignStreamId, event: EventId) -> GpuResult<()>;
    /// Blocks the calling thread until `event` has completed.
    ///
    /// # Safety
    /// `event` is a live handle of this object.
    unsafe fn event_synchronize(&self, event: EventId) -> GpuResult<()>;
    /// Destroys an event (pending records still complete).
    ///
    /// # Safety
    /// `event` is a live handle of this object and is not used afterwards.
    unsafe fn event_destroy(&self, event: EventId) -> GpuResult<()>;

    /// Describes the memory at `ptr` (`cuPointerGetAttributes`): nothing is read or written
    /// there, so any value may be asked about. For checking another library's pointers
    /// (DLPack imports) before a kernel uses them.
    fn pointer_info(&self, ptr: DevPtr) -> GpuResult<PointerInfo>;

    /// Allocates `bytes > 0` bytes, ordered on `stream` (usable by work queued on `stream`
    /// afterwards). Contents are unspecified.
    ///
    /// # Safety
    /// `stream` is a live handle of this object.
    unsafe fn alloc(&self, bytes: usize, stream: StreamId) -> GpuResult<DevPtr>;
    /// Frees `ptr` once the work queued on `stream` so far has completed. A stream-ordered pool
    /// may hand the block to the next allocation on `stream` at once, and to other streams once
    /// the free has run.
    ///
    /// # Safety
    /// `ptr` came from this object's `alloc`, is freed once, no work queued later (on any
    /// stream) uses it, and all work already queued on other streams that uses it is ordered
    /// before this point of `stream` (by event waits, or completed).
    unsafe fn free(&self, ptr: DevPtr, stream: StreamId) -> GpuResult<()>;
    /// The figures of the pool [`GpuApi::alloc`] takes from. Implementations without a pool
    /// (a device without stream-ordered allocation, a driver too old for the statistics, the
    /// recording fake) answer [`GpuErrorKind::Unsupported`]. Frees queued but not yet reached by
    /// their stream may still count as used.
    fn pool_stats(&self) -> GpuResult<PoolStats> {
        Err(GpuError::new("cuMemPoolGetAttribute", GpuErrorKind::Unsupported, "this device has no memory pool"))
    }
    /// Releases reserved but unused pool memory to the device until the pool holds at most
    /// `keep_bytes` reserved bytes, or only what live allocations occupy (`cuMemPoolTrimTo`).
    /// Memory whose free has not completed (the stream has not reached it) may count as live:
    /// synchronise first to trim it too. [`GpuErrorKind::Unsupported`] without a pool.
    fn pool_trim(&self, keep_bytes: u64) -> GpuResult<()> {
        let _ = keep_bytes;
        Err(GpuError::new("cuMemPoolTrimTo", GpuErrorKind::Unsupported, "this device has no memory pool"))
    }
    /// Resets the pool's high-water marks ([`PoolStats::used_high`],
    /// [`PoolStats::reserved_high`]) to the current figures (`cuMemPoolSetAttribute` of
    /// `USED_MEM_HIGH`/`RESERVED_MEM_HIGH` to 0, the only value the driver accepts).
    /// [`GpuErrorKind::Unsupported`] without a pool.
    fn pool_reset_peaks(&self) -> GpuResult<()> {
        Err(GpuError::new("cuMemPoolSetAttribute", GpuErrorKind::Unsupported, "this device has no memory pool"))
    }
    /// Free and total device memory (`cuMemGetInfo`), counting every process and library.
    /// [`GpuErrorKind::Unsupported`] where the implementation cannot tell.
    fn memory_info(&self) -> GpuResult<DeviceMemory> {
        Err(GpuError::new("cuMemGetInfo", GpuErrorKind::Unsupported, "free memory is not known for this device"))
    }

    /// Queues a copy of `bytes` bytes from host `src` to device `dst`.
    ///
    /// # Safety
    /// `src..src+bytes` is readable host memory that stays valid and unmodified until `stream`
    /// reaches the copy; `dst..dst+bytes` lies in one live allocation.
    unsafe fn copy_htod(&self, dst: DevPtr, src: *const u8, bytes: usize, stream: StreamId) -> GpuResult<()>;
    /// Queues a copy of `bytes` bytes from device `src` to host `dst`.
    ///
    /// # Safety
    /// `dst..dst+bytes` is writable host memory, not accessed by the host until `stream`
    /// reaches the copy; `src..src+bytes` lies in one live allocation.
    unsafe fn copy_dtoh(&self, dst: *mut u8, src: DevPtr, bytes: usize, stream: StreamId) -> GpuResult<()>;
    /// Queues a device-to-device copy; the ranges must not overlap.
    ///
    /// # Safety
    /// Both ranges lie in live allocations of this device and do not overlap.
    unsafe fn copy_dtod(&self, dst: DevPtr, src: DevPtr, bytes: usize, stream: StreamId) -> GpuResult<()>;
    /// Queues setting `bytes` bytes at `dst` to `value`.
    ///
    /// # Safety
    /// `dst..dst+bytes` lies in one live allocation.
    unsafe fn memset_u8(&self, dst: DevPtr, value: u8, bytes: usize, stream: StreamId) -> GpuResult<()>;

    /// Loads a module from a cubin or (NUL-terminated or not) PTX image (or, when
    /// [`GpuApi::wants_device_code`] is `false`, from the module's name).
    fn module_load(&self, image: &[u8]) -> GpuResult<ModuleId>;
    /// Unloads a module; its functions become invalid.
    ///
    /// # Safety
    /// `module` is a live handle of this object, and no queued or future launch uses its
    /// functions.
    unsafe fn module_unload(&self, module: ModuleId) -> GpuResult<()>;
    /// Looks up kernel `name` (an `extern "C"` name) in `module`.
    ///
    /// # Safety
    /// `module` is a live handle of this object.
    unsafe fn function(&self, module: ModuleId, name: &str) -> GpuResult<FunctionId>;
    /// Queues a kernel launch. `args[i]` holds the bytes of kernel parameter `i`, exactly
    /// `sizeof` that parameter; they are copied at the call, so they need not outlive it.
    ///
    /// # Safety
    /// `function` and `stream` are live handles of this object; `args` match the kernel's
    /// parameter list in number, size and layout; every device pointer inside them addresses
    /// memory the kernel may access (live allocations, in bounds for the indices the kernel
    /// computes from the other arguments) until `stream` completes the launch.
    unsafe fn launch(&self, function: FunctionId, dims: LaunchDims, stream: StreamId, args: &[&[u8]]) -> GpuResult<()>;

    /// Queues one `cublasGemmStridedBatchedEx` (see [`Gemm`]) on `stream`. Arguments cuBLAS
    /// rejects (negative sizes, a leading dimension below the rows of a matrix's storage) fail at
    /// once with [`GpuErrorKind::InvalidUsage`] (`CUBLAS_STATUS_INVALID_VALUE`); a missing
    /// cuBLAS library with [`GpuErrorKind::LibraryMissing`].
    ///
    /// # Safety
    /// `stream` is a live handle of this object; every element the call reads (`A`, `B`, and `C`
    /// unless `beta == 0`) or writes (`C`) lies in live allocations of this device until
    /// `stream` completes the call; `C` overlaps neither `A` nor `B`.
    unsafe fn gemm_strided_batched(&self, gemm: &Gemm, stream: StreamId) -> GpuResult<()>;

    /// The workspace `call` needs, in elements of its type
    /// (`cusolverDn{S,D,C,Z}<routine>_bufferSize`; 0 for `getrs`, which takes none). Nothing is read or written. Arguments cuSOLVER rejects
    /// (negative sizes, `lda < max(1, rows)`) fail with [`GpuErrorKind::InvalidUsage`]
    /// (`CUSOLVER_STATUS_INVALID_VALUE`); a missing cuSOLVER with
    /// [`GpuErrorKind::LibraryMissing`]. Implementations without cuSOLVER (the recording fake)
    /// answer [`GpuErrorKind::Unsupported`].
    fn dense_workspace(&self, call: &Dense) -> GpuResult<i32> {
        Err(GpuError::new(call.call.name(), GpuErrorKind::Unsupported, "no cuSOLVER on this device"))
    }
    /// Queues one dense cuSOLVER routine (see [`DenseCall`]) on `stream`; it writes its `info`
    /// (0 on success) to `scratch.info` in stream order, so a failure in the matrix (singular,
    /// not positive definite) is only known once that integer is read back. Invalid arguments,
    /// `lwork` below the queried size included, fail at once as in
    /// [`GpuApi::dense_workspace`].
    ///
    /// # Safety
    /// `stream` is a live handle of this object; every element the call reads or writes (the
    /// matrices over their `lda`/`ldb` spans, `ipiv`, `w`, `lwork` workspace elements, the
    /// 4-byte `info`) lies in live allocations of this device until `stream` completes the
    /// call, and those ranges do not overlap.
    unsafe fn dense_solve(&self, dense: &Dense, scratch: DenseScratch, stream: StreamId) -> GpuResult<()> {
        let _ = (scratch, stream);
        Err(GpuError::new(dense.call.name(), GpuErrorKind::Unsupported, "no cuSOLVER on this device"))
    }

    /// Makes a cuFFT plan for `desc` (`cufftPlanMany`; its work area is allocated with it).
    /// Sizes, strides or distances below 1, or beyond what cuFFT handles, fail with
    /// [`GpuErrorKind::InvalidUsage`] (`CUFFT_INVALID_SIZE`/`CUFFT_INVALID_VALUE`); a missing
    /// cuFFT with [`GpuErrorKind::LibraryMissing`]. Implementations without cuFFT (the
    /// recording fake) answer [`GpuErrorKind::Unsupported`].
    fn fft_plan(&self, desc: &FftDesc) -> GpuResult<FftPlanId> {
        let _ = desc;
        Err(GpuError::new("cufftPlanMany", GpuErrorKind::Unsupported, "no cuFFT on this device"))
    }

    /// Binds `plan` (made for `desc`) to `stream` (`cufftSetStream`) and queues its transform
    /// from `input` to `output` (`cufftExec*`; `inverse` picks the sign of C2C/Z2Z and is
    /// ignored by the real transforms). A plan must not be executed on two streams at once (its
    /// work area is shared): callers keep one plan per stream.
    ///
    /// # Safety
    /// `stream` is a live handle of this object and `plan` a live plan of it made for `desc`;
    /// every element `desc` describes lies in live allocations of this device until `stream`
    /// completes the call, aligned to its element type; `input` and `output` do not overlap.
    unsafe fn fft_exec(
        &self,
        plan: FftPlanId,
        desc: &FftDesc,
        io: (DevPtr, DevPtr),
        inverse: bool,
        stream: StreamId,
    ) -> GpuResult<()> {
        let _ = (plan, desc, io, inverse, stream);
        Err(GpuError::new("cufftExec", GpuErrorKind::Unsupported, "no cuFFT on this device"))
    }

    /// Destroys `plan` (`cufftDestroy`), freeing its work area.
    ///
    /// # Safety
    /// `plan` is a live plan of this object, destroyed once, and no queued work still uses it.
    unsafe fn fft_plan_destroy(&self, plan: FftPlanId) -> GpuResult<()> {
        let _ = plan;
        Err(GpuError::new("cufftDestroy", GpuErrorKind::Unsupported, "no cuFFT on this device"))
    }
}
