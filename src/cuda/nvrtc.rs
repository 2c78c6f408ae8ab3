//! Run-time compilation with NVRTC (cudarc's `nvrtc::sys` layer, run-time loaded `libnvrtc`).
//!
//! The only file that calls NVRTC. It compiles one source with named in-memory headers to a
//! CUBIN for a real architecture (`sm_XY`), or to PTX for a virtual one (`compute_XY`) when this
//! NVRTC is older than the device. It needs no GPU and no driver, which is what lets the tests
//! compile every kernel module on a CPU-only machine.
//!
//! Like the driver, NVRTC is probed before the first call (`sys::is_culib_present`) and versions
//! older than 11.2 are refused, because cudarc panics on a missing library or symbol.

use cudarc::nvrtc::sys;
use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

/// What to do when libnvrtc cannot be loaded. Shown in errors; also used by `ci/test.sh` docs.
pub(crate) const INSTALL_HINT: &str =
    "install NVRTC for CUDA 12 (`pip install nvidia-cuda-nvrtc-cu12`, which provides \
     nvidia/cuda_nvrtc/lib/libnvrtc.so.12, or a CUDA 12 toolkit) and put the directory holding libnvrtc.so.12 on \
     LD_LIBRARY_PATH";

/// Oldest NVRTC accepted: `nvrtcGetCUBIN` appeared in 11.1, `nvrtcGetSupportedArchs` in 11.2.
const MIN_VERSION: (i32, i32) = (11, 2);

/// What NVRTC produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// A CUBIN for `sm_{N}` (e.g. 90), loaded as is: no JIT, no PTX-version coupling to the driver.
    Cubin(u32),
    /// PTX for `compute_{N}`, JIT-compiled by the driver: for devices newer than this NVRTC.
    Ptx(u32),
}

impl Target {
    /// The `--gpu-architecture` option value.
    pub(crate) fn arch_option(self) -> String {
        match self {
            Target::Cubin(n) => format!("--gpu-architecture=sm_{n}"),
            Target::Ptx(n) => format!("--gpu-architecture=compute_{n}"),
        }
    }
}

/// The loaded NVRTC: its version and the real architectures it can build CUBINs for.
#[derive(Clone, Debug)]
pub(crate) struct Nvrtc {
    /// `(major, minor)`.
    pub(crate) version: (i32, i32),
    /// Supported `sm_` numbers, ascending (e.g. `[50, 52, ..., 90, 100, 120]`).
    pub(crate) archs: Vec<u32>,
}

/// The process-wide NVRTC, or why it is unavailable (probed once).
pub(crate) fn get() -> Result<&'static Nvrtc, String> {
    static PROBE: OnceLock<Result<Nvrtc, String>> = OnceLock::new();
    PROBE.get_or_init(probe).as_ref().map_err(Clone::clone)
}

fn probe() -> Result<Nvrtc, String> {
    // SAFETY: only dlopens candidate library names; calls no NVRTC function.
    if !unsafe { sys::is_culib_present() } {
        return Err(format!("libnvrtc could not be loaded; {INSTALL_HINT}"));
    }
    let (mut major, mut minor) = (0, 0);
    // SAFETY: the library is present; both out-pointers are valid.
    check(unsafe { sys::nvrtcVersion(&mut major, &mut minor) }).map_err(|e| format!("nvrtcVersion failed: {e}"))?;
    if (major, minor) < MIN_VERSION {
        return Err(format!("NVRTC {major}.{minor} is too old (11.2 or newer is needed); {INSTALL_HINT}"));
    }
    let mut n = 0;
    // SAFETY: version ≥ 11.2, so the symbol exists; `n` is a valid out-pointer.
    check(unsafe { sys::nvrtcGetNumSupportedArchs(&mut n) }).map_err(|e| format!("nvrtcGetNumSupportedArchs: {e}"))?;
    let mut archs = vec![0i32; n.max(0) as usize];
    // SAFETY: `archs` has room for the `n` entries NVRTC writes.
    check(unsafe { sys::nvrtcGetSupportedArchs(archs.as_mut_ptr()) })
        .map_err(|e| format!("nvrtcGetSupportedArchs: {e}"))?;
    let mut archs: Vec<u32> = archs.into_iter().filter(|&a| a > 0).map(|a| a as u32).collect();
    archs.sort_unstable();
    Ok(Nvrtc { version: (major, minor), archs })
}

/// NVRTC's name for a result code.
fn check(r: sys::nvrtcResult) -> Result<(), String> {
    if r == sys::nvrtcResult::NVRTC_SUCCESS {
        return Ok(());
    }
    // SAFETY: nvrtcGetErrorString returns a static NUL-terminated string for any code.
    let p = unsafe { sys::nvrtcGetErrorString(r) };
    if p.is_null() {
        return Err(format!("{r:?}"));
    }
    // SAFETY: non-null, static and NUL-terminated (see above).
    Err(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

impl Nvrtc {
    /// What to build for a device of compute capability `cc`: a CUBIN for its exact arch when
    /// this NVRTC knows it, else PTX for the newest arch it knows that the device can run (the
    /// driver JITs it). `None` when NVRTC knows no arch at or below the device's.
    pub(crate) fn target_for(&self, cc: (u32, u32)) -> Option<Target> {
        let sm = cc.0 * 10 + cc.1;
        if self.archs.contains(&sm) {
            return Some(Target::Cubin(sm));
        }
        self.archs.iter().copied().filter(|&a| a <= sm).max().map(Target::Ptx)
    }
}

/// Why a compilation failed: NVRTC's message and program log.
#[derive(Clone, Debug)]
pub(crate) struct CompileFailure {
    /// The log (or the failing step's message).
    pub(crate) log: String,
}

/// An NVRTC program, destroyed on drop (so no early return leaks it).
struct Program(sys::nvrtcProgram);

impl Drop for Program {
    fn drop(&mut self) {
        // SAFETY: `self.0` was created by nvrtcCreateProgram and is destroyed once here.
        let _ = unsafe { sys::nvrtcDestroyProgram(&mut self.0) };
    }
}

/// Compiles `source` (named `name` in diagnostics) with `headers` as `(include name, text)`
/// pairs, for `target` (whose `--gpu-architecture` option is added first) with the other
/// `options`. Needs only NVRTC.
pub(crate) fn compile(
    name: &str,
    source: &str,
    headers: &[(&str, &str)],
    target: Target,
    options: &[String],
) -> Result<Vec<u8>, CompileFailure> {
    let fail = |log: String| CompileFailure { log };
    let nvrtc = get().map_err(fail)?;
    let cstr = |s: &str| CString::new(s).map_err(|_| fail(format!("{s:?} contains a NUL byte")));
    let (src, prog_name) = (cstr(source)?, cstr(name)?);
    let header_texts = headers.iter().map(|h| cstr(h.1)).collect::<Result<Vec<_>, _>>()?;
    let header_names = headers.iter().map(|h| cstr(h.0)).collect::<Result<Vec<_>, _>>()?;
    let all_options: Vec<String> = std::iter::once(target.arch_option()).chain(options.iter().cloned()).collect();
    let opts = all_options.iter().map(|o| cstr(o)).collect::<Result<Vec<_>, _>>()?;
    let texts: Vec<*const c_char> = header_texts.iter().map(|s| s.as_ptr()).collect();
    let names: Vec<*const c_char> = header_names.iter().map(|s| s.as_ptr()).collect();
    let opt_ptrs: Vec<*const c_char> = opts.iter().map(|s| s.as_ptr()).collect();

    let mut raw: sys::nvrtcProgram = std::ptr::null_mut();
    // SAFETY: every pointer is a live NUL-terminated string (kept alive by the CStrings above
    // for the whole function) and the header arrays have `headers.len()` entries each.
    let r = unsafe {
        sys::nvrtcCreateProgram(
            &mut raw,
            src.as_ptr(),
            prog_name.as_ptr(),
            texts.len() as i32,
            texts.as_ptr(),
            names.as_ptr(),
        )
    };
    check(r).map_err(|e| fail(format!("nvrtcCreateProgram: {e}")))?;
    let prog = Program(raw);
    // SAFETY: `prog` is live; the option array has `opt_ptrs.len()` valid strings.
    let r = unsafe { sys::nvrtcCompileProgram(prog.0, opt_ptrs.len() as i32, opt_ptrs.as_ptr()) };
    if let Err(e) = check(r) {
        let log = program_log(&prog).unwrap_or_default();
        let (major, minor) = nvrtc.version;
        return Err(fail(format!("{e} (NVRTC {major}.{minor}, options {all_options:?})\n{log}")));
    }
    output(&prog, matches!(target, Target::Ptx(_))).map_err(fail)
}

/// The program log after compilation (warnings or errors).
fn program_log(prog: &Program) -> Result<String, String> {
    let mut size = 0usize;
    // SAFETY: `prog` is live; `size` is a valid out-pointer.
    check(unsafe { sys::nvrtcGetProgramLogSize(prog.0, &mut size) })?;
    let mut buf = vec![0u8; size.max(1)];
    // SAFETY: `buf` has the `size` bytes NVRTC writes (including the NUL).
    check(unsafe { sys::nvrtcGetProgramLog(prog.0, buf.as_mut_ptr().cast()) })?;
    Ok(String::from_utf8_lossy(&buf).trim_end_matches('\0').trim_end().to_string())
}

/// The compiled CUBIN, or PTX (NUL-terminated) when compiling for a virtual architecture.
fn output(prog: &Program, ptx: bool) -> Result<Vec<u8>, String> {
    let mut size = 0usize;
    // SAFETY: `prog` is live and compiled; `size` is a valid out-pointer.
    let r = unsafe {
        if ptx {
            sys::nvrtcGetPTXSize(prog.0, &mut size)
        } else {
            sys::nvrtcGetCUBINSize(prog.0, &mut size)
        }
    };
    check(r)?;
    let mut buf = vec![0u8; size];
    // SAFETY: `buf` has exactly the `size` bytes NVRTC reported for this output.
    let r = unsafe {
        if ptx {
            sys::nvrtcGetPTX(prog.0, buf.as_mut_ptr().cast())
        } else {
            sys::nvrtcGetCUBIN(prog.0, buf.as_mut_ptr().cast())
        }
    };
    check(r)?;
    if buf.is_empty() {
        return Err("NVRTC produced an empty image".into());
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_prefers_exact_cubin_then_older_ptx() {
        let n = Nvrtc { version: (12, 9), archs: vec![50, 60, 70, 75, 80, 86, 89, 90, 100, 120] };
        assert_eq!(n.target_for((9, 0)), Some(Target::Cubin(90)));
        assert_eq!(n.target_for((8, 7)), Some(Target::Ptx(86)));
        assert_eq!(n.target_for((13, 0)), Some(Target::Ptx(120)));
        assert_eq!(n.target_for((3, 5)), None);
        assert_eq!(Target::Cubin(90).arch_option(), "--gpu-architecture=sm_90");
        assert_eq!(Target::Ptx(80).arch_option(), "--gpu-architecture=compute_80");
    }

    #[test]
    fn probe_never_panics() {
        match get() {
            Ok(n) => assert!(n.version >= MIN_VERSION && !n.archs.is_empty()),
            Err(reason) => assert!(reason.contains("LD_LIBRARY_PATH")),
        }
    }

    #[test]
    fn compile_reports_log_or_missing_library() {
        let opts = vec!["-std=c++17".to_string()];
        let src = "#include \"h.cuh\"\nextern \"C\" __global__ void k(int* p) { *p = ONE; }";
        let good = compile("t.cu", src, &[("h.cuh", "#define ONE 1")], Target::Cubin(80), &opts);
        let bad = compile("t.cu", "extern \"C\" __global__ void k(int* p) { *p = ; }", &[], Target::Cubin(80), &opts);
        // The oldest arch this NVRTC builds (sm_70 for NVRTC 12; NVRTC 13 starts at sm_75 and
        // refuses compute_70, as an H200 runner showed on 2026-12-04).
        let oldest = get().ok().and_then(|n| n.archs.first().copied()).unwrap_or(70);
        let ptx = compile("t.cu", src, &[("h.cuh", "#define ONE 1")], Target::Ptx(oldest), &opts);
        match get() {
            Ok(_) => {
                assert!(good.expect("valid kernel compiles").starts_with(b"\x7fELF"));
                assert!(bad.expect_err("invalid kernel fails").log.contains("t.cu"));
                let text = ptx.expect("PTX compiles");
                assert!(String::from_utf8_lossy(&text).contains(&format!(".target sm_{oldest}")));
            }
            Err(_) => assert!(good.is_err() && bad.is_err() && ptx.is_err()),
        }
    }
}
