//! The C++ half of the emulator (`kernels/emu/`, built by `build.rs` with the `emulator`
//! feature): the registry of host-compiled kernels and the launch runtime, behind a safe API.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

/// `struct da_emu_kernel` (kernels/emu/shim.h).
#[repr(C)]
struct RawKernel {
    name: *const c_char,
    entry: unsafe extern "C" fn(*mut *mut c_void),
    max_threads: u32,
    nparams: u32,
    param_size: [u32; 4],
    abi: u32,
    abi_info: [u32; 7],
}

/// `struct da_emu_module`.
#[repr(C)]
struct RawModule {
    family: *const c_char,
    tag: *const c_char,
    kernels: unsafe extern "C" fn(*mut u32) -> *const *const RawKernel,
}

/// `struct da_emu_launch_desc`.
#[repr(C)]
struct LaunchDesc {
    kernel: *const RawKernel,
    params: *mut *mut c_void,
    grid: [u32; 3],
    block: [u32; 3],
    seed: u64,
}

/// `struct da_emu_launch_result`.
#[repr(C)]
struct LaunchResult {
    blocks: u64,
    threads: u64,
    switches: u64,
    error: [c_char; 256],
}

extern "C" {
    fn da_emu_modules(count: *mut u32) -> *const RawModule;
    fn da_emu_run(desc: *const LaunchDesc, result: *mut LaunchResult) -> c_int;
}

/// What a kernel's parameters are, as far as the host checks them (`abi`/`abi_info` written by
/// the `DA_EMU_EW`/`DA_EMU_RED` hooks in `kernels/common_elementwise.cuh`, `DA_EMU_MM` in `kernels/matmul.cu`, `DA_EMU_RNG` in `kernels/random.cu`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abi {
    /// `(EwArgs, layout)`: `inputs` operands, element sizes of the output and inputs 0..2, and the
    /// scalar mask the kernel forces on (fill kernels).
    Elementwise { inputs: usize, out: usize, input: [usize; 3], forced_scalars: u32 },
    /// `(RedArgs)`: element sizes of the input, of one partial (accumulator) and of the output.
    Reduction { input: usize, partial: usize, out: usize },
    /// `(MatmulArgs)` (`kernels/matmul.cu`): the element size of all three operands.
    Matmul { item: usize },
    /// `(RandArgs)` (`kernels/random.cu`): the output's element size.
    Random { item: usize },
    /// `(ScanArgs)` (`kernels/scan.cu`): the element size of input, output and partials.
    Scan { item: usize },
    /// `(SortArgs)` (`kernels/sort.cu`): the key/element size and the kernel kind (0 keys,
    /// 1 take, 2 hist, 4 scatter, 5 index, 6 searchsorted, 7 block).
    Sort { item: usize, path: u32 },
    /// Anything else: no pointer checks.
    Unknown,
}

/// One host-compiled kernel.
#[derive(Debug)]
pub(crate) struct Kernel {
    /// The `extern "C"` name (`add_f32_vec`).
    pub(crate) name: String,
    /// `__launch_bounds__` maximum threads per block.
    pub(crate) max_threads: u32,
    /// `sizeof` each parameter.
    pub(crate) param_sizes: Vec<usize>,
    /// What the parameters mean.
    pub(crate) abi: Abi,
    raw: *const RawKernel,
}

// SAFETY: `raw` points at a `static const` registry entry of the linked C++ code: immutable and
// valid for the whole process, so sharing it between threads is sound.
unsafe impl Send for Kernel {}
// SAFETY: as for `Send`.
unsafe impl Sync for Kernel {}

/// Every host-compiled kernel by module `(family, tag)`, then by name.
pub(crate) type Registry = HashMap<(String, String), HashMap<String, Kernel>>;

fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: non-null strings in the registry are NUL-terminated string literals.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn kernel_of(raw: *const RawKernel) -> Kernel {
    // SAFETY: `raw` is a non-null entry of the registry (checked by the caller): a static object.
    let k = unsafe { &*raw };
    let info = k.abi_info.map(|v| v as usize);
    let abi = match k.abi {
        1 => Abi::Elementwise {
            inputs: info[0],
            out: info[1],
            input: [info[2], info[3], info[4]],
            forced_scalars: k.abi_info[5],
        },
        2 => Abi::Reduction { input: info[0], partial: info[1], out: info[2] },
        3 => Abi::Matmul { item: info[0] },
        4 => Abi::Random { item: info[0] },
        5 => Abi::Scan { item: info[0] },
        6 => Abi::Sort { item: info[0], path: k.abi_info[1] },
        _ => Abi::Unknown,
    };
    let nparams = (k.nparams as usize).min(k.param_size.len());
    Kernel {
        name: text(k.name),
        max_threads: k.max_threads,
        param_sizes: k.param_size[..nparams].iter().map(|&s| s as usize).collect(),
        abi,
        raw,
    }
}

/// The registry, read once from the linked kernels.
pub(crate) fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut count = 0u32;
        // SAFETY: `da_emu_modules` returns a static array of `count` modules.
        let modules = unsafe { da_emu_modules(&mut count) };
        let mut registry = Registry::new();
        for m in 0..count as usize {
            // SAFETY: `m < count`; each entry is a static object.
            let module = unsafe { &*modules.add(m) };
            let mut n = 0u32;
            // SAFETY: the module function returns a static array of `n` (possibly null) entries.
            let table = unsafe { (module.kernels)(&mut n) };
            let kernels = (0..n as usize)
                // SAFETY: `i < n`, inside the array.
                .map(|i| unsafe { *table.add(i) })
                .filter(|raw| !raw.is_null())
                .map(kernel_of)
                .map(|k| (k.name.clone(), k))
                .collect();
            registry.insert((text(module.family), text(module.tag)), kernels);
        }
        registry
    })
}

/// What one launch did.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RunStats {
    /// Blocks run.
    pub(crate) blocks: u64,
    /// CUDA threads run.
    pub(crate) threads: u64,
    /// Fiber switches (a thread starting or resuming after a barrier).
    pub(crate) switches: u64,
}

/// Runs `kernel` over `grid` × `block` with `params[i]` the bytes of parameter `i` (sizes
/// already checked against the registry). `seed` picks the order threads run in between
/// barriers.
///
/// # Safety
/// The parameters are valid for the kernel: every pointer inside them addresses memory the
/// kernel may read or write for all the indices it derives (the host checks this against the
/// live allocations before calling).
pub(crate) unsafe fn run(
    kernel: &Kernel,
    params: &[Vec<u8>],
    grid: [u32; 3],
    block: [u32; 3],
    seed: u64,
) -> Result<RunStats, String> {
    // Each parameter in 16-byte aligned storage, as the kernel's struct types require.
    let mut storage: Vec<Vec<u128>> =
        params.iter().map(|p| vec![0u128; p.len().div_ceil(16).max(1)]).collect::<Vec<_>>();
    for (dst, src) in storage.iter_mut().zip(params) {
        bytemuck::cast_slice_mut::<u128, u8>(dst)[..src.len()].copy_from_slice(src);
    }
    let mut pointers: Vec<*mut c_void> = storage.iter_mut().map(|s| s.as_mut_ptr().cast()).collect();
    let desc = LaunchDesc { kernel: kernel.raw, params: pointers.as_mut_ptr(), grid, block, seed };
    let mut result = LaunchResult { blocks: 0, threads: 0, switches: 0, error: [0; 256] };
    // SAFETY: `desc` points at a registry kernel and at parameter storage that outlives the call;
    // the caller guarantees the parameters are valid for the kernel; `result` is writable.
    let rc = unsafe { da_emu_run(&desc, &mut result) };
    let stats = RunStats { blocks: result.blocks, threads: result.threads, switches: result.switches };
    if rc == 0 {
        Ok(stats)
    } else {
        Err(text(result.error.as_ptr()))
    }
}

/// The float16/bfloat16 conversions of `kernels/common_f16.cuh`'s portable (`#else`) branch, which
/// the emulated kernels use; for tests against the `half` crate.
#[cfg(test)]
pub(crate) mod half_bits {
    extern "C" {
        fn da_emu_half_to_float(h: u16) -> f32;
        fn da_emu_float_to_half(f: f32) -> u16;
        fn da_emu_double_to_half(d: f64) -> u16;
        fn da_emu_bf16_to_float(b: u16) -> f32;
        fn da_emu_float_to_bf16(f: f32) -> u16;
    }

    /// f16 bits → f32.
    pub(crate) fn h2f(h: u16) -> f32 {
        // SAFETY: a pure function of its argument.
        unsafe { da_emu_half_to_float(h) }
    }
    /// f32 → f16 bits, rounding to nearest even.
    pub(crate) fn f2h(f: f32) -> u16 {
        // SAFETY: a pure function of its argument.
        unsafe { da_emu_float_to_half(f) }
    }
    /// f64 → f16 bits, rounding once.
    pub(crate) fn d2h(d: f64) -> u16 {
        // SAFETY: a pure function of its argument.
        unsafe { da_emu_double_to_half(d) }
    }
    /// bf16 bits → f32.
    pub(crate) fn b2f(b: u16) -> f32 {
        // SAFETY: a pure function of its argument.
        unsafe { da_emu_bf16_to_float(b) }
    }
    /// f32 → bf16 bits, rounding to nearest even.
    pub(crate) fn f2b(f: f32) -> u16 {
        // SAFETY: a pure function of its argument.
        unsafe { da_emu_float_to_bf16(f) }
    }
}
