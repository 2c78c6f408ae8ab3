//! The CUDA kernel set, and building it ahead of time.
//!
//! devarray compiles its kernels (`kernels/*.cu`, embedded in the crate) with NVRTC at first
//! use, one module per kernel family and dtype, for the exact architecture of the device, and
//! caches the images on disk (`DEVARRAY_CACHE_DIR`, else `$XDG_CACHE_HOME/devarray/kernels`, else
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

/// One compiled unit: a kernel family (`"binary"`: every binary op and its launch paths)
/// built for one dtype.
///
/// ```
/// use devarray::{kernels::KernelModule, DType};
/// let all = KernelModule::all();
/// assert!(all.iter().any(|m| m.family() == "binary" && m.dtype() == DType::F32));
/// assert_eq!(all[0].to_string(), format!("{}/{}", all[0].family(), all[0].dtype().tag()));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct KernelModule {
    family: &'static module::Family,
    dtype: DType,
}

impl PartialEq for KernelModule {
    fn eq(&self, other: &Self) -> bool {
        (self.family.name, self.dtype) == (other.family.name, other.dtype)
    }
}

impl Eq for KernelModule {}

impl std::hash::Hash for KernelModule {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.family.name, self.dtype).hash(state);
    }
}

impl KernelModule {
    /// Every module devarray can load, family by family (the order of `kernels/ABI.md`).
    ///
    /// ```
    /// let modules = devarray::kernels::KernelModule::all();
    /// assert!(modules.len() > 30);
    /// ```
    pub fn all() -> Vec<KernelModule> {
        module::FAMILIES
            .iter()
            .flat_map(|family| family.tags().into_iter().map(move |dtype| KernelModule { family, dtype }))
            .collect()
    }

    /// The module of `family` for `dtype`.
    ///
    /// **Errors** with [`Error::Kernel`] when there is no such family, or the family has no
    /// module for `dtype` (the listing of [`all`](Self::all) is the authority).
    ///
    /// ```
    /// use devarray::{kernels::KernelModule, DType};
    /// assert_eq!(KernelModule::new("unary", DType::F16)?.family(), "unary");
    /// assert!(KernelModule::new("matmul", DType::F32).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn new(family: &str, dtype: DType) -> Result<KernelModule> {
        let family = module::family(family)?;
        if !family.tags().contains(&dtype) {
            return Err(Error::Kernel {
                module: format!("{}/{}", family.name, dtype.tag()),
                stage: "lookup",
                log: format!("kernel family {} has no {} module", family.name, dtype.name()),
            });
        }
        Ok(KernelModule { family, dtype })
    }

    /// The family's name, which is also its source file's stem under `kernels/`.
    ///
    /// ```
    /// # use devarray::{kernels::KernelModule, DType};
    /// assert_eq!(KernelModule::new("reduce", DType::F32)?.family(), "reduce");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn family(&self) -> &'static str {
        self.family.name
    }

    /// The dtype the module is built for.
    ///
    /// ```
    /// # use devarray::{kernels::KernelModule, DType};
    /// assert_eq!(KernelModule::new("cast", DType::BF16)?.dtype(), DType::BF16);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// Builds the module for a device of `compute_capability` (`(9, 0)` for sm_90): read from
    /// the disk cache in `cache_dir` when a valid entry exists, else compiled with NVRTC and
    /// stored there. `None` bypasses the cache (always compiles, stores nothing).
    ///
    /// **Errors** with [`Error::Kernel`] when NVRTC cannot be loaded (the message says how to
    /// install it), cannot target that architecture, or rejects the source.
    ///
    /// ```no_run
    /// use devarray::{kernels::KernelModule, DType};
    /// let build = KernelModule::new("binary", DType::F32)?.build((8, 0), None)?;
    /// assert!(!build.from_cache && build.image_bytes > 0);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn build(&self, compute_capability: (u32, u32), cache_dir: Option<&Path>) -> Result<ModuleBuild> {
        let started = Instant::now();
        let (image, from_cache) = module::cached_module_image(cache_dir, self.family, self.dtype, compute_capability)?;
        Ok(ModuleBuild { module: *self, from_cache, image_bytes: image.len(), elapsed: started.elapsed() })
    }
}

impl fmt::Display for KernelModule {
    /// `family/tag`, e.g. `binary/f32`: how errors and the cache name a module.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.family.name, self.dtype.tag())
    }
}

/// What one [`KernelModule::build`] did.
///
/// ```no_run
/// # use devarray::{kernels::KernelModule, DType};
/// let build = KernelModule::new("copy", DType::U8)?.build((9, 0), None)?;
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
