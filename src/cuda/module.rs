//! Kernel modules: the embedded sources, NVRTC compilation per `(family, dtype, op)`, the on-disk
//! cubin cache, and the per-device cache of loaded modules and looked-up functions.
//!
//! A run-time module is one op of one `kernels/<family>.cu` for one dtype tag, compiled with
//! `-DDA_DTYPE_<TAG>` and that op's kernel prefix selected (ABI.md, "Modules"), for the device's
//! exact architecture, at first use. Compiling takes about 0.1–0.4 s per module, so images are
//! cached on disk, keyed by everything that affects the output: the sources,
//! target architecture, NVRTC version, options and crate version. A cache entry that cannot be
//! read or fails its checksum is recompiled, never an error.

use super::api::{FunctionId, GpuApi, GpuErrorKind, ModuleId};
use super::nvrtc::{self, Target};
use crate::dtype::DType;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

/// One kernel source file. Which dtype modules exist is declared by the file itself, on a
/// `// da-dtypes: u8 u16 ...` line (all dtypes when absent), so adding a dtype to a family
/// needs no host change.
#[derive(Debug)]
pub(crate) struct Family {
    /// Family name (`"binary"`), also the module id's first half.
    pub(crate) name: &'static str,
    /// The file under `kernels/`.
    pub(crate) file: &'static str,
    /// Its text, embedded at build time.
    pub(crate) source: &'static str,
}

impl Family {
    /// The dtype tags this family is compiled for.
    pub(crate) fn tags(&self) -> Vec<DType> {
        let declared = self.source.lines().find_map(|l| l.split_once("da-dtypes:").map(|(_, rest)| rest));
        match declared {
            Some(list) => list.split_whitespace().filter_map(|t| t.parse::<DType>().ok()).collect(),
            // Complex kernels exist only where a family declares c64/c128.
            None => DType::REAL.to_vec(),
        }
    }
}

/// Shared header: `(include name, text)`.
macro_rules! header {
    ($name:literal) => {
        ($name, include_str!(concat!("../../kernels/", $name)))
    };
}

/// The shared headers: `common.cuh`, which every family includes, and the parts it includes.
/// NVRTC resolves `#include` only against the headers it is given, so every one is passed by name,
/// and every one is hashed into the cache key (a change to any part must invalidate cached
/// modules). A new `common_*.cuh` needs a line here (`every_common_part_is_listed` checks).
pub(crate) const COMMON_HEADERS: [(&str, &str); 11] = [
    header!("common.cuh"),
    header!("common_port.cuh"),
    header!("common_memory.cuh"),
    header!("common_f16.cuh"),
    header!("common_traits.cuh"),
    header!("common_chunk.cuh"),
    header!("common_index.cuh"),
    header!("common_elementwise.cuh"),
    header!("common_dtype.cuh"),
    header!("common_math.cuh"),
    header!("common_complex.cuh"),
];

/// The single table of kernel families. Adding a `.cu` file means adding one line here.
pub(crate) static FAMILIES: &[Family] = &[
    Family { name: "copy", file: "copy.cu", source: include_str!("../../kernels/copy.cu") },
    Family { name: "gather", file: "gather.cu", source: include_str!("../../kernels/gather.cu") },
    Family { name: "unary", file: "unary.cu", source: include_str!("../../kernels/unary.cu") },
    Family { name: "binary", file: "binary.cu", source: include_str!("../../kernels/binary.cu") },
    Family { name: "ternary", file: "ternary.cu", source: include_str!("../../kernels/ternary.cu") },
    Family { name: "cast", file: "cast.cu", source: include_str!("../../kernels/cast.cu") },
    Family { name: "reduce", file: "reduce.cu", source: include_str!("../../kernels/reduce.cu") },
    Family { name: "matmul", file: "matmul.cu", source: include_str!("../../kernels/matmul.cu") },
    Family { name: "random", file: "random.cu", source: include_str!("../../kernels/random.cu") },
    Family { name: "scan", file: "scan.cu", source: include_str!("../../kernels/scan.cu") },
    Family { name: "sort", file: "sort.cu", source: include_str!("../../kernels/sort.cu") },
];

/// The family called `name`.
pub(crate) fn family(name: &str) -> Result<&'static Family> {
    FAMILIES.iter().find(|f| f.name == name).ok_or_else(|| Error::Kernel {
        module: name.to_string(),
        stage: "lookup",
        log: format!(
            "no kernel family {name:?}; known: {}",
            FAMILIES.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// `"binary/f32"`: how errors name a module.
fn module_name(family: &Family, tag: DType) -> String {
    format!("{}/{}", family.name, tag.tag())
}

/// NVRTC options besides the architecture (ABI.md: no fast math, NumPy semantics). `select`
/// (a kernel prefix, `add_f32`) limits the module to that op's kernels (common_elementwise.cuh,
/// "Kernel selection"); `None` builds the whole family.
pub(crate) fn compile_options(tag: DType, select: Option<&str>) -> Vec<String> {
    let mut options =
        vec!["-std=c++17".into(), "-default-device".into(), format!("-DDA_DTYPE_{}", tag.tag().to_ascii_uppercase())];
    if let Some(prefix) = select {
        options.extend(["-DDA_SELECT".to_string(), format!("-DDA_WANT_{prefix}=~,1")]);
    }
    options
}

/// Compiles `family` for `tag` to a CUBIN for `sm_{arch.0}{arch.1}` (or PTX when this NVRTC
/// does not know that arch). Needs NVRTC only, no GPU; bypasses the disk cache. For tests and
/// tools that check the kernels build for every architecture.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn compile_family_for_arch(family: &str, tag: DType, arch: (u32, u32)) -> Result<Vec<u8>> {
    let fam = self::family(family)?;
    let target = target_for(fam, tag, arch)?;
    compile(fam, tag, target, None)
}

/// The NVRTC target for a device of compute capability `arch`.
fn target_for(fam: &Family, tag: DType, arch: (u32, u32)) -> Result<Target> {
    let kernel_err = |log: String| Error::Kernel { module: module_name(fam, tag), stage: "compile", log };
    let nvrtc = nvrtc::get().map_err(kernel_err)?;
    nvrtc.target_for(arch).ok_or_else(|| {
        kernel_err(format!(
            "NVRTC {}.{} cannot target compute capability {}.{} (it supports sm_{:?})",
            nvrtc.version.0, nvrtc.version.1, arch.0, arch.1, nvrtc.archs
        ))
    })
}

fn compile(fam: &Family, tag: DType, target: Target, select: Option<&str>) -> Result<Vec<u8>> {
    if !fam.tags().contains(&tag) {
        return Err(Error::Kernel {
            module: module_name(fam, tag),
            stage: "compile",
            log: format!("family {} has no {} module", fam.name, tag.tag()),
        });
    }
    nvrtc::compile(fam.file, fam.source, &COMMON_HEADERS, target, &compile_options(tag, select))
        .map_err(|f| Error::Kernel { module: module_name(fam, tag), stage: "compile", log: f.log })
}

/// 64-bit FNV-1a over length-prefixed fields: stable across Rust versions and platforms (unlike
/// `std`'s `DefaultHasher`), which a persistent cache key must be.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(mut self, data: &[u8]) -> Self {
        for &b in (data.len() as u64).to_le_bytes().iter().chain(data) {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }
    fn str(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }
}

/// The disk-cache key of one module image.
pub(crate) fn cache_key(
    fam: &Family,
    tag: DType,
    select: Option<&str>,
    target: Target,
    nvrtc_version: (i32, i32),
) -> u64 {
    let mut h = Fnv(source_hash(fam))
        .str(tag.tag())
        .str(&target.arch_option())
        .str(&format!("{}.{}", nvrtc_version.0, nvrtc_version.1));
    for o in compile_options(tag, select) {
        h = h.str(&o);
    }
    h.0
}

/// The hash of what every module of `fam` shares (cache format, crate version, the family's
/// source and the common headers, ~60 KB), computed once per family: hashing it per key was most
/// of the cost of a warm load of the whole kernel set.
fn source_hash(fam: &Family) -> u64 {
    let hash = |f: &Family| {
        let mut h = Fnv::new().str("devarray kernel cache v2").str(env!("CARGO_PKG_VERSION")).str(f.name);
        for (name, text) in COMMON_HEADERS {
            h = h.str(name).str(text);
        }
        h.str(f.source).0
    };
    static KNOWN: OnceLock<Vec<u64>> = OnceLock::new();
    match FAMILIES.iter().position(|f| std::ptr::eq(f, fam)) {
        Some(i) => KNOWN.get_or_init(|| FAMILIES.iter().map(hash).collect())[i],
        None => hash(fam), // a family built in a test, not one of FAMILIES
    }
}

/// Where images are cached: `DEVARRAY_CACHE_DIR` (empty: no disk cache), else
/// `$XDG_CACHE_HOME/devarray/kernels`, else `~/.cache/devarray/kernels`.
pub(crate) fn cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k);
    if let Some(d) = var("DEVARRAY_CACHE_DIR") {
        return (!d.is_empty()).then(|| PathBuf::from(d));
    }
    if let Some(x) = var("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x).join("devarray").join("kernels"));
    }
    var("HOME").filter(|h| !h.is_empty()).map(|h| PathBuf::from(h).join(".cache").join("devarray").join("kernels"))
}

const MAGIC: &[u8; 8] = b"DAKCUBN2";

/// The payload checksum of a cache entry: four independent multiply-xor lanes over 8-byte words
/// (byte-wise FNV costs ~1.5 ns a byte on a dependency chain; this runs at memory speed, which
/// keeps a warm load of the whole kernel set, ~18 MiB, well under 50 ms), then FNV over the
/// lanes, the tail and the length. Detects truncation and corruption; not cryptographic.
fn payload_checksum(data: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut lanes = [0xcbf2_9ce4_8422_2325u64, 0x9e37_79b9_7f4a_7c15, 0xc2b2_ae3d_27d4_eb4f, 0x1656_67b1_9e37_79f9];
    let mut blocks = data.chunks_exact(32);
    for block in &mut blocks {
        for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            let w = u64::from_le_bytes(word.try_into().expect("8-byte chunk"));
            *lane = (*lane ^ w).wrapping_mul(PRIME).rotate_left(29);
        }
    }
    let mut h = Fnv::new();
    for lane in lanes {
        h = h.bytes(&lane.to_le_bytes());
    }
    h.bytes(blocks.remainder()).bytes(&(data.len() as u64).to_le_bytes()).0
}
const HEADER_LEN: usize = 32;

fn entry_path(dir: &Path, fam: &Family, tag: DType, select: Option<&str>, target: Target, key: u64) -> PathBuf {
    let arch = match target {
        Target::Cubin(n) => format!("sm_{n}.cubin"),
        Target::Ptx(n) => format!("compute_{n}.ptx"),
    };
    let unit = select.unwrap_or("all");
    dir.join(format!("{}-{}-{unit}-{key:016x}-{arch}", fam.name, tag.tag()))
}

/// An entry's bytes: magic, key, payload length, payload checksum, payload.
fn encode_entry(key: u64, image: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + image.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(image.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload_checksum(image).to_le_bytes());
    out.extend_from_slice(image);
    out
}

/// The payload of a well-formed entry for `key`; `None` for anything else (truncated, corrupt,
/// another key), which the caller treats as a miss.
fn decode_entry(key: u64, data: &[u8]) -> Option<Vec<u8>> {
    let word = |i: usize| data.get(i..i + 8).and_then(|b| b.try_into().ok()).map(u64::from_le_bytes);
    if data.get(..8)? != MAGIC || word(8)? != key {
        return None;
    }
    let payload = data.get(HEADER_LEN..)?;
    (word(16)? == payload.len() as u64 && word(24)? == payload_checksum(payload) && !payload.is_empty())
        .then(|| payload.to_vec())
}

/// Writes an entry atomically (temporary file + rename), so concurrent processes never see a
/// partial file. Failures are ignored: the cache is an optimisation.
fn store_entry(path: &Path, key: u64, image: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let tmp = path.with_extension(format!("tmp.{}.{nanos}", std::process::id()));
    if std::fs::write(&tmp, encode_entry(key, image)).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The image of `(fam, tag)`, limited to kernel prefix `select` when given, for compute
/// capability `arch`: from the disk cache when a valid entry exists, else compiled (and stored).
pub(crate) fn module_image(fam: &Family, tag: DType, select: Option<&str>, arch: (u32, u32)) -> Result<Vec<u8>> {
    cached_module_image(cache_dir().as_deref(), fam, tag, select, arch).map(|(image, _)| image)
}

/// The whole family's image with an explicit cache directory (`None`: no disk cache).
#[cfg(test)]
fn module_image_in(dir: Option<&Path>, fam: &Family, tag: DType, arch: (u32, u32)) -> Result<Vec<u8>> {
    cached_module_image(dir, fam, tag, None, arch).map(|(image, _)| image)
}

/// The image of `(fam, tag, select)` for `arch` and whether it came from the disk cache in
/// `dir` (`None`: no disk cache, always compiled).
pub(crate) fn cached_module_image(
    dir: Option<&Path>,
    fam: &Family,
    tag: DType,
    select: Option<&str>,
    arch: (u32, u32),
) -> Result<(Vec<u8>, bool)> {
    let target = target_for(fam, tag, arch)?;
    let version = nvrtc::get().map(|n| n.version).unwrap_or((0, 0));
    let key = cache_key(fam, tag, select, target, version);
    let path = dir.map(|d| entry_path(d, fam, tag, select, target, key));
    if let Some(image) = path.as_ref().and_then(|p| std::fs::read(p).ok()).and_then(|d| decode_entry(key, &d)) {
        return Ok((image, true));
    }
    let image = compile(fam, tag, target, select)?;
    if let Some(p) = &path {
        store_entry(p, key, &image);
    }
    Ok((image, false))
}

/// A module loaded on one device, with the functions looked up so far.
struct Loaded {
    id: ModuleId,
    functions: RwLock<HashMap<String, FunctionId>>,
}

/// kernels/ABI.md, whose kernel inventory table lists the run-time modules.
const ABI_MD: &str = include_str!("../../kernels/ABI.md");

/// Every run-time module, `(family, dtype, kernel prefix)`, from the inventory table of
/// kernels/ABI.md (which `tools/kernel_check.py` checks against the compiled kernels).
pub(crate) fn kernel_units() -> Vec<(&'static Family, DType, String)> {
    let table = ABI_MD
        .split("<!-- kernel-table-begin -->")
        .nth(1)
        .and_then(|t| t.split("<!-- kernel-table-end -->").next())
        .unwrap_or_default();
    let mut units = Vec::new();
    for row in table.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| family")) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let [family_name, ops, dtypes] = cells[..] else { continue };
        let Ok(fam) = family(family_name) else { continue };
        let tags: Vec<DType> = match dtypes {
            "all" => fam.tags(),
            list => list.split_whitespace().filter_map(|t| t.parse().ok()).collect(),
        };
        for op in ops.trim_matches('`').split_whitespace() {
            for &tag in &tags {
                if op == "cast" {
                    // Every source casts to every dtype the cast family declares (complex included).
                    units.extend(fam.tags().iter().map(|dst| (fam, tag, format!("cast_{}_{}", tag.tag(), dst.tag()))));
                } else {
                    units.push((fam, tag, format!("{op}_{}", tag.tag())));
                }
            }
        }
    }
    units
}

/// The kernel prefix of kernel `name`: the name without its launch-path suffix
/// (`add_f32_vec` → `add_f32`, `cast_f32_f16_s64` → `cast_f32_f16`, `sum_f32_full1` → `sum_f32`).
/// One prefix is one run-time module.
pub(crate) fn kernel_prefix(name: &str) -> &str {
    name.rsplit_once('_').map_or(name, |(prefix, _)| prefix)
}

/// The loaded modules of one `(family, dtype)`, by kernel prefix.
type ByPrefix = HashMap<String, Arc<Loaded>>;

/// Per-device cache of loaded modules, one per kernel prefix (so the first use of an op compiles
/// that op only). Lookups after the first take two read locks.
#[derive(Default)]
pub(crate) struct ModuleCache {
    /// `(family, dtype)` → kernel prefix → module: looked up by `&str`, without allocating.
    modules: RwLock<HashMap<(&'static str, DType), ByPrefix>>,
    /// Serialises building modules so two threads never compile the same one twice.
    build: Mutex<()>,
}

impl ModuleCache {
    /// Kernel `name` of module `(family, tag)` on the device behind `api`, loading (and if
    /// needed compiling) the module on first use.
    pub(crate) fn function(&self, api: &dyn GpuApi, family: &str, tag: DType, name: &str) -> Result<FunctionId> {
        let fam = self::family(family)?;
        let module = self.module(api, fam, tag, kernel_prefix(name))?;
        if let Some(&f) = module.functions.read().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(f);
        }
        // SAFETY: `module.id` is loaded on this device and stays loaded while the cache lives.
        let f = unsafe { api.function(module.id, name) }.map_err(|e| Error::Kernel {
            module: module_name(fam, tag),
            stage: "lookup",
            log: format!("kernel {name} not found ({e}); the kernels do not match kernels/ABI.md"),
        })?;
        module.functions.write().unwrap_or_else(|e| e.into_inner()).insert(name.to_string(), f);
        Ok(f)
    }

    fn module(&self, api: &dyn GpuApi, fam: &'static Family, tag: DType, prefix: &str) -> Result<Arc<Loaded>> {
        let key = (fam.name, tag);
        let cached = || self.modules.read().unwrap_or_else(|e| e.into_inner()).get(&key)?.get(prefix).cloned();
        if let Some(m) = cached() {
            return Ok(m);
        }
        let _build = self.build.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = cached() {
            return Ok(m);
        }
        let image = if api.wants_device_code() {
            module_image(fam, tag, Some(prefix), api.props().compute_capability)?
        } else {
            module_name(fam, tag).into_bytes()
        };
        let id = api.module_load(&image).map_err(|e| {
            let hint = match e.kind {
                GpuErrorKind::KernelImage => "; the NVIDIA driver may be older than NVRTC: update the driver",
                _ => "",
            };
            Error::Kernel { module: module_name(fam, tag), stage: "load", log: format!("{e}{hint}") }
        })?;
        let loaded = Arc::new(Loaded { id, functions: RwLock::new(HashMap::new()) });
        let mut modules = self.modules.write().unwrap_or_else(|e| e.into_inner());
        modules.entry(key).or_default().insert(prefix.to_string(), loaded.clone());
        Ok(loaded)
    }

    /// Unloads every module, ignoring errors.
    ///
    /// # Safety
    /// No queued or future launch may use a function obtained from this cache.
    pub(crate) unsafe fn unload_all(&self, api: &dyn GpuApi) {
        let mut modules = self.modules.write().unwrap_or_else(|e| e.into_inner());
        for m in modules.drain().flat_map(|(_, by_prefix)| by_prefix.into_values()) {
            // SAFETY: the caller guarantees the functions are unused; each module is unloaded once.
            let _ = unsafe { api.module_unload(m.id) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_listed_once_with_its_file() {
        for (i, f) in FAMILIES.iter().enumerate() {
            assert_eq!(f.file, format!("{}.cu", f.name));
            assert!(f.source.contains("common.cuh"), "{} includes common.cuh", f.file);
            assert!(FAMILIES[..i].iter().all(|g| g.name != f.name));
            assert!(!f.tags().is_empty());
        }
        assert!(family("nope").is_err());
    }

    #[test]
    fn every_common_part_is_listed() {
        // Each part common.cuh includes is passed to NVRTC and hashed, and nothing else is listed.
        let (main, parts) = COMMON_HEADERS.split_first().unwrap();
        assert_eq!(main.0, "common.cuh");
        let included: Vec<&str> =
            main.1.lines().filter_map(|l| l.strip_prefix("#include \"")?.strip_suffix('"')).collect();
        assert_eq!(included, parts.iter().map(|p| p.0).collect::<Vec<_>>());
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/kernels");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|f| f.starts_with("common_") && f.ends_with(".cuh"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<&str> = parts.iter().map(|p| p.0).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
        for (name, text) in parts {
            assert!(!text.contains("#include"), "{name} includes nothing");
        }
    }

    #[test]
    fn families_declare_their_dtypes() {
        let copy = family("copy").unwrap();
        assert_eq!(copy.tags(), vec![DType::U8, DType::U16, DType::U32, DType::U64, DType::C128]);
        let undeclared = Family { name: "x", file: "x.cu", source: "#include \"common.cuh\"" };
        assert_eq!(undeclared.tags().len(), 13);
    }

    #[test]
    fn cache_key_is_stable_and_sensitive() {
        let fam = family("copy").unwrap();
        let k = cache_key(fam, DType::U32, None, Target::Cubin(90), (12, 9));
        assert_eq!(k, cache_key(fam, DType::U32, None, Target::Cubin(90), (12, 9)));
        assert_ne!(k, cache_key(fam, DType::U16, None, Target::Cubin(90), (12, 9)));
        assert_ne!(k, cache_key(fam, DType::U32, None, Target::Cubin(80), (12, 9)));
        assert_ne!(k, cache_key(fam, DType::U32, None, Target::Ptx(90), (12, 9)));
        assert_ne!(k, cache_key(fam, DType::U32, None, Target::Cubin(90), (12, 8)));
        assert_ne!(k, cache_key(family("unary").unwrap(), DType::U32, None, Target::Cubin(90), (12, 9)));
        // FNV-1a itself is pinned, so keys survive toolchain upgrades.
        assert_eq!(Fnv::new().0, 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv::new().bytes(b"").0, Fnv::new().bytes(&[]).0);
        assert_ne!(Fnv::new().str("ab").str("c").0, Fnv::new().str("a").str("bc").0);
    }

    #[test]
    fn options_follow_the_abi() {
        assert_eq!(compile_options(DType::BF16, None), vec!["-std=c++17", "-default-device", "-DDA_DTYPE_BF16"]);
        assert!(compile_options(DType::F32, None).iter().all(|o| !o.contains("fast_math")));
    }

    #[test]
    fn entries_round_trip_and_corruption_is_a_miss() {
        let img = b"\x7fELF some cubin bytes".to_vec();
        let e = encode_entry(42, &img);
        assert_eq!(decode_entry(42, &e), Some(img.clone()));
        assert_eq!(decode_entry(43, &e), None);
        assert_eq!(decode_entry(42, &e[..e.len() - 1]), None);
        let mut flipped = e.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(decode_entry(42, &flipped), None);
        assert_eq!(decode_entry(42, b""), None);
        assert_eq!(decode_entry(42, &encode_entry(42, b"")), None);
        // A flip anywhere in a payload of whole 32-byte blocks plus a tail is caught.
        let big: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let e = encode_entry(7, &big);
        for at in [HEADER_LEN, HEADER_LEN + 9, HEADER_LEN + 500, e.len() - 1] {
            let mut bad = e.clone();
            bad[at] ^= 0x10;
            assert_eq!(decode_entry(7, &bad), None, "flip at byte {at}");
        }
        // Swapping two words within a block changes the sum too (lanes are position-dependent).
        let mut swapped = big.clone();
        swapped[..16].rotate_left(8);
        assert_ne!(payload_checksum(&swapped), payload_checksum(&big));
    }

    #[test]
    fn store_is_atomic_and_readable() {
        let dir = std::env::temp_dir().join(format!("devarray-cache-test-{}", std::process::id()));
        let fam = family("copy").unwrap();
        let path = entry_path(&dir, fam, DType::U8, None, Target::Cubin(80), 7);
        store_entry(&path, 7, b"image");
        assert_eq!(decode_entry(7, &std::fs::read(&path).unwrap()), Some(b"image".to_vec()));
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).collect();
        assert_eq!(leftovers.len(), 1, "no temporary files remain");
        std::fs::write(&path, b"garbage").unwrap();
        assert_eq!(decode_entry(7, &std::fs::read(&path).unwrap()), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Compiles every family for every dtype tag and architecture in CI (NVRTC only, no GPU).
#[cfg(test)]
mod nvrtc_tests {
    use super::*;

    /// `None` (after printing the skip line) when NVRTC is missing and not required.
    fn nvrtc_or_skip() -> Option<&'static nvrtc::Nvrtc> {
        match nvrtc::get() {
            Ok(n) => Some(n),
            Err(reason) if std::env::var("DEVARRAY_REQUIRE_NVRTC").is_ok_and(|v| v == "1") => {
                panic!("DEVARRAY_REQUIRE_NVRTC=1 but NVRTC is unavailable: {reason}")
            }
            Err(_) => {
                println!("skipped: no NVRTC");
                None
            }
        }
    }

    /// The architectures to compile for: `DEVARRAY_NVRTC_TEST_ARCHS` (e.g. `80` or `70,90`),
    /// default sm_70, sm_80 and sm_90. About 20 CPU-seconds per (dtype, arch) for all families.
    fn test_archs() -> Vec<(u32, u32)> {
        let parse = |a: &str| a.trim().parse::<u32>().ok().map(|n| (n / 10, n % 10));
        match std::env::var("DEVARRAY_NVRTC_TEST_ARCHS") {
            Ok(list) if !list.trim().is_empty() => list.split(',').filter_map(parse).collect(),
            _ => vec![(7, 0), (8, 0), (9, 0)],
        }
    }

    #[test]
    fn every_family_compiles_for_sm70_sm80_sm90() {
        let Some(n) = nvrtc_or_skip() else { return };
        let (archs, unsupported): (Vec<_>, Vec<_>) = test_archs().into_iter().partition(|&a| n.target_for(a).is_some());
        for (major, minor) in unsupported {
            println!("skipped sm_{major}{minor}: NVRTC {}.{} cannot target it", n.version.0, n.version.1);
        }
        let jobs: Vec<(&Family, DType, (u32, u32))> = FAMILIES
            .iter()
            .flat_map(|f| f.tags().into_iter().map(move |t| (f, t)))
            .flat_map(|(f, t)| archs.iter().map(move |&a| (f, t, a)))
            .collect();
        let threads = std::thread::available_parallelism().map_or(4, |p| p.get()).min(16);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let failures = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(f, tag, arch)) = jobs.get(i) else { break };
                    match compile_family_for_arch(f.name, tag, arch) {
                        Ok(img) if img.starts_with(b"\x7fELF") => {}
                        Ok(_) => failures.lock().unwrap().push(format!(
                            "{}/{} sm_{}{}: not a cubin",
                            f.name,
                            tag.tag(),
                            arch.0,
                            arch.1
                        )),
                        Err(e) => failures.lock().unwrap().push(format!("sm_{}{}: {e}", arch.0, arch.1)),
                    }
                });
            }
        });
        let failures = failures.into_inner().unwrap();
        assert!(
            failures.is_empty(),
            "NVRTC {:?}: {} of {} failed:\n{}",
            n.version,
            failures.len(),
            jobs.len(),
            failures.join("\n")
        );
        println!("compiled {} modules with NVRTC {}.{}", jobs.len(), n.version.0, n.version.1);
    }

    #[test]
    fn the_abi_inventory_lists_every_run_time_module() {
        let units = kernel_units();
        let has =
            |f: &str, t: DType, p: &str| units.iter().any(|(fam, tag, pre)| fam.name == f && *tag == t && pre == p);
        assert!(has("binary", DType::F32, "add_f32") && has("unary", DType::F16, "exp_f16"));
        assert!(has("cast", DType::I8, "cast_i8_bf16") && has("reduce", DType::Bool, "any_bool"));
        assert!(has("copy", DType::U64, "fill_u64") && has("ternary", DType::BF16, "where_bf16"));
        assert!(!has("unary", DType::I32, "exp_i32") && !has("binary", DType::Bool, "subtract_bool"));
        assert!(units.iter().all(|(fam, tag, _)| fam.tags().contains(tag)));
        assert!(has("gather", DType::U16, "gather_u16") && has("gather", DType::U64, "scatter_u64"));
        assert!(has("matmul", DType::Bool, "matmul_bool") && has("matmul", DType::BF16, "matmul_bf16"));
        assert!(has("random", DType::F16, "normal_f16") && has("random", DType::Bool, "bernoulli_bool"));
        assert!(has("random", DType::I64, "poisson_i64") && !has("random", DType::I32, "binomial_i32"));
        assert!(has("scan", DType::F64, "cumsum_f64") && has("scan", DType::Bool, "cumprod_bool"));
        assert!(!has("scan", DType::F16, "cumsum_f16"), "16-bit floats scan in float32");
        assert!(has("cast", DType::C128, "cast_c128_f16") && has("cast", DType::I64, "cast_i64_c64"));
        assert!(has("copy", DType::C128, "fill_c128") && has("gather", DType::C128, "scatter_c128"));
        assert!(has("ternary", DType::C64, "where_c64") && !has("ternary", DType::C64, "clip_c64"));
        assert!(has("unary", DType::C64, "conj_c64") && has("unary", DType::C128, "atanh_c128"));
        assert!(!has("unary", DType::C64, "floor_c64") && !has("binary", DType::C128, "maximum_c128"));
        assert!(has("binary", DType::C64, "divide_c64") && has("reduce", DType::C128, "sum_c128"));
        assert!(!has("reduce", DType::C64, "argmax_c64") && has("scan", DType::C128, "cumprod_c128"));
        // 267 + 62 unary + 284 + 20 binary + 28 ternary + 225 cast + 10 copy + 10 gather + 104 + 8
        // reduce + 13 matmul + 32 random + 22 + 4 scan + 13 sortprep + 13 searchsorted + 4 radix
        assert_eq!(units.len(), 1119);
        assert_eq!(kernel_prefix("cast_f32_f16_s64"), "cast_f32_f16");
        assert_eq!(kernel_prefix("sum_f32_full1"), "sum_f32");
        assert_eq!(kernel_prefix("matmul_f32_tile"), "matmul_f32");
    }

    #[test]
    fn a_selected_module_holds_only_its_ops_kernels() {
        let Some(_) = nvrtc_or_skip() else { return };
        let fam = family("binary").unwrap();
        let target = target_for(fam, DType::F32, (8, 0)).unwrap();
        let contains = |image: &[u8], name: &str| image.windows(name.len()).any(|w| w == name.as_bytes());
        let add = compile(fam, DType::F32, target, Some("add_f32")).unwrap();
        assert!(["add_f32_vec", "add_f32_s32", "add_f32_s64"].iter().all(|k| contains(&add, k)));
        assert!(!contains(&add, "multiply_f32") && !contains(&add, "subtract_f32"));
        let reduce = family("reduce").unwrap();
        let max = compile(reduce, DType::F32, target, Some("max_f32")).unwrap();
        assert!(contains(&max, "max_f32_full1") && contains(&max, "max_f32_outer") && !contains(&max, "sum_f32"));
    }

    #[test]
    fn compile_errors_carry_the_log_and_module() {
        let Some(_) = nvrtc_or_skip() else { return };
        let fam = Family { name: "broken", file: "broken.cu", source: "#include \"common.cuh\"\nint x = ;" };
        let target = target_for(&fam, DType::F32, (8, 0)).unwrap();
        match compile(&fam, DType::F32, target, None) {
            Err(Error::Kernel { module, stage, log }) => {
                assert_eq!((module.as_str(), stage), ("broken/f32", "compile"));
                assert!(log.contains("broken.cu") && log.contains("-DDA_DTYPE_F32"), "{log}");
            }
            other => panic!("expected a compile error, got {other:?}"),
        }
    }

    #[test]
    fn images_are_cached_on_disk_and_corrupt_entries_recompiled() {
        let Some(n) = nvrtc_or_skip() else { return };
        let dir = std::env::temp_dir().join(format!("devarray-kcache-{}", std::process::id()));
        let fam = family("copy").unwrap();
        let target = target_for(fam, DType::U8, (8, 0)).unwrap();
        let path = entry_path(&dir, fam, DType::U8, None, target, cache_key(fam, DType::U8, None, target, n.version));
        let compiled = module_image_in(Some(&dir), fam, DType::U8, (8, 0)).unwrap();
        assert!(compiled.starts_with(b"\x7fELF") && path.exists(), "compiled and stored");
        // A hit returns the stored bytes (prove it by planting a different valid entry).
        store_entry(&path, cache_key(fam, DType::U8, None, target, n.version), b"\x7fELF planted");
        assert_eq!(module_image_in(Some(&dir), fam, DType::U8, (8, 0)).unwrap(), b"\x7fELF planted");
        // A corrupt entry is recompiled and replaced.
        std::fs::write(&path, b"DAKCUBN1 truncated").unwrap();
        assert_eq!(module_image_in(Some(&dir), fam, DType::U8, (8, 0)).unwrap(), compiled);
        assert!(
            decode_entry(cache_key(fam, DType::U8, None, target, n.version), &std::fs::read(&path).unwrap()).is_some()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
