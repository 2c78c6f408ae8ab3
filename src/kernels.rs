//! The CUDA kernel set, and building it ahead of time.
//!
//! devarray compiles its kernels (`kernels/*.cu`, embedded in the crate) with NVRTC at first
//! use, one module per op and dtype (`add_f32`: that op's kernels for every launch path), for
//! the exact architecture of the device, and caches the images on disk (`DEVARRAY_CACHE_DIR`, else `$XDG_CACHE_HOME/devarray/kernels`, else
//! `~/.cache/devarray/kernels`). A first run therefore pays a compile per module it touches; this
//! module lets a deployment pay it up front instead — in a container build, or on a CI runner
//! that has NVRTC but no GPU — and lets `benches/kernel_compile.rs` measure it.
//!
//! Building needs NVRTC only (no driver, no GPU).
//!
//! **For CuPy users:** this is the role of CuPy's kernel cache warm-up
//! (`CUPY_CACHE_DIR`), with an explicit list of the modules that exist.
//!
//! ```no_run
//! // Pre-build every kernel for an H100 (compute capability 9.0) into the default cache.
//! for module in devarray::kernels::KernelModule::all() {
//!     let build = module.build((9, 0), devarray::kernels::default_cache_dir().as_deref())?;
//!     println!("{module}: {} bytes in {:?}", build.image_bytes, build.elapsed);
//! }
//! # Ok::<(), devarray::Error>(())
//! ```

use crate::cuda::{module, nvrtc};
use crate::dtype::DType;
use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One compiled unit: the kernels of one op for one dtype, every launch path included
/// (`add_f32`: `add_f32_vec`, `add_f32_s32`, `add_f32_s64`), compiled from its family's source
/// (`kernels/binary.cu`) with only that op selected.
///
/// ```
/// use devarray::{kernels::KernelModule, DType};
/// let add = KernelModule::named("add_f32")?;
/// assert_eq!((add.family(), add.dtype(), add.name()), ("binary", DType::F32, "add_f32"));
/// assert_eq!(add.to_string(), "binary/add_f32");
/// assert!(KernelModule::all().contains(&add));
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct KernelModule {
    family: &'static module::Family,
    dtype: DType,
    prefix: String,
}

impl PartialEq for KernelModule {
    fn eq(&self, other: &Self) -> bool {
        self.prefix == other.prefix && self.family.name == other.family.name
    }
}

impl Eq for KernelModule {}

impl std::hash::Hash for KernelModule {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.family.name, &self.prefix).hash(state);
    }
}

impl KernelModule {
    /// Every module devarray can load: each (op, dtype) pair of the kernel inventory in
    /// `kernels/ABI.md`, in its order (casts once per source and destination dtype).
    ///
    /// ```
    /// let modules = devarray::kernels::KernelModule::all();
    /// assert!(modules.len() > 800);
    /// ```
    pub fn all() -> Vec<KernelModule> {
        module::kernel_units()
            .into_iter()
            .map(|(family, dtype, prefix)| KernelModule { family, dtype, prefix })
            .collect()
    }

    /// The module whose kernels are named `{name}_{path}`: `name` is `{op}_{dtype tag}`
    /// (`exp_f16`, `sum_i32`) or, for casts, `cast_{from}_{to}` (`cast_f32_bf16`).
    ///
    /// **Errors** with [`Error::Kernel`] when devarray has no such kernels (an op the dtype does
    /// not support, such as `exp_i32`: the host promotes first).
    ///
    /// ```
    /// use devarray::{kernels::KernelModule, DType};
    /// assert_eq!(KernelModule::named("cast_f32_bf16")?.dtype(), DType::F32);
    /// assert!(KernelModule::named("exp_i32").is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn named(name: &str) -> Result<KernelModule> {
        KernelModule::all().into_iter().find(|m| m.prefix == name).ok_or_else(|| Error::Kernel {
            module: name.to_string(),
            stage: "lookup",
            log: format!("no kernels named {name}_*; KernelModule::all() lists the modules (kernels/ABI.md)"),
        })
    }

    /// The kernel family, which is also its source file's stem under `kernels/`.
    ///
    /// ```
    /// # use devarray::kernels::KernelModule;
    /// assert_eq!(KernelModule::named("max_f32")?.family(), "reduce");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn family(&self) -> &'static str {
        self.family.name
    }

    /// The dtype the module is built for (for a cast, the source dtype).
    ///
    /// ```
    /// # use devarray::{kernels::KernelModule, DType};
    /// assert_eq!(KernelModule::named("where_bf16")?.dtype(), DType::BF16);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The kernels' common name prefix, `{op}_{tag}` (`add_f32`).
    ///
    /// ```
    /// # use devarray::kernels::KernelModule;
    /// assert_eq!(KernelModule::named("add_f32")?.name(), "add_f32");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.prefix
    }

    /// Builds the module for a device of `compute_capability` (`(9, 0)` for sm_90): read from
    /// the disk cache in `cache_dir` when a valid entry exists, else compiled with NVRTC and
    /// stored there. `None` bypasses the cache (always compiles, stores nothing).
    ///
    /// **Errors** with [`Error::Kernel`] when NVRTC cannot be loaded (the message says how to
    /// install it), cannot target that architecture, or rejects the source.
    ///
    /// ```no_run
    /// use devarray::kernels::KernelModule;
    /// let build = KernelModule::named("add_f32")?.build((8, 0), None)?;
    /// assert!(!build.from_cache && build.image_bytes > 0);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn build(&self, compute_capability: (u32, u32), cache_dir: Option<&Path>) -> Result<ModuleBuild> {
        let started = Instant::now();
        let (image, from_cache) =
            module::cached_module_image(cache_dir, self.family, self.dtype, Some(&self.prefix), compute_capability)?;
        Ok(ModuleBuild { module: self.clone(), from_cache, image_bytes: image.len(), elapsed: started.elapsed() })
    }
}

impl fmt::Display for KernelModule {
    /// `family/name`, e.g. `binary/add_f32`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.family.name, self.prefix)
    }
}

/// What one [`KernelModule::build`] did.
///
/// ```no_run
/// # use devarray::kernels::KernelModule;
/// let build = KernelModule::named("copy_u8")?.build((9, 0), None)?;
/// println!("{} built in {:?} ({} bytes)", build.module, build.elapsed, build.image_bytes);
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ModuleBuild {
    /// The module built.
    pub module: KernelModule,
    /// Whether the image came from the disk cache rather than NVRTC.
    pub from_cache: bool,
    /// Size of the image (CUBIN, or PTX when NVRTC is older than the architecture).
    pub image_bytes: usize,
    /// Wall time of the build, cache lookup included.
    pub elapsed: Duration,
}

/// The directory kernel images are cached in when nothing else is said: `DEVARRAY_CACHE_DIR`
/// (set but empty: no disk cache, `None`), else `$XDG_CACHE_HOME/devarray/kernels`, else
/// `~/.cache/devarray/kernels`.
///
/// ```
/// std::env::set_var("DEVARRAY_CACHE_DIR", "/tmp/devarray-kernels");
/// assert_eq!(devarray::kernels::default_cache_dir(), Some("/tmp/devarray-kernels".into()));
/// ```
pub fn default_cache_dir() -> Option<PathBuf> {
    module::cache_dir()
}

/// The version of the NVRTC devarray loaded, `(major, minor)`.
///
/// **Errors** with [`Error::Kernel`] (stage `"load"`) when NVRTC cannot be loaded; the
/// message says how to install it.
///
/// ```
/// match devarray::kernels::nvrtc_version() {
///     Ok((major, minor)) => println!("NVRTC {major}.{minor}"),
///     Err(e) => println!("no NVRTC: {e}"),
/// }
/// ```
pub fn nvrtc_version() -> Result<(i32, i32)> {
    nvrtc::get().map(|n| n.version).map_err(|log| Error::Kernel { module: "nvrtc".into(), stage: "load", log })
}
