//! Host buffers for the CPU device: 64-byte aligned, always initialised, and recycled through a
//! size-keyed cache, because on large arrays a fresh allocation (page faults on first touch) costs
//! as much as the op itself.

use super::huge_pages;
use crate::backend::ForeignOwner;
use crate::error::{Error, Result};
use crate::Device;
use std::alloc::{self, Layout as AllocLayout};
use std::collections::BTreeMap;
use std::ptr::NonNull;
use std::sync::Mutex;

/// Alignment of every CPU allocation: a cache line, and enough for any SIMD load.
pub(crate) const ALIGN: usize = 64;

/// Who frees a [`CpuBuffer`]'s memory.
pub(crate) enum CpuOwner {
    /// Memory from our allocator; returned to the cache on drop.
    Cache,
    /// Memory owned by someone else (an imported DLPack tensor, for example); dropping the
    /// owner releases it.
    Foreign(#[allow(dead_code)] ForeignOwner),
}

/// A block of host memory holding array elements.
pub(crate) struct CpuBuffer {
    ptr: NonNull<u8>,
    bytes: usize,
    owner: CpuOwner,
}

// SAFETY: the buffer is a plain block of bytes; all access to its contents goes through the
// CPU queue lock (`super::queue`) or happens before the buffer is shared.
unsafe impl Send for CpuBuffer {}
// SAFETY: as above; `&CpuBuffer` only hands out raw pointers.
unsafe impl Sync for CpuBuffer {}

impl CpuBuffer {
    /// Allocates `bytes` bytes (contents unspecified but initialised), reusing cached blocks.
    pub(crate) fn alloc(bytes: usize) -> Result<CpuBuffer> {
        if let Some(ptr) = CACHE.take(bytes) {
            return Ok(CpuBuffer { ptr, bytes, owner: CpuOwner::Cache });
        }
        let ptr = system_alloc(bytes)?;
        Ok(CpuBuffer { ptr, bytes, owner: CpuOwner::Cache })
    }

    /// Wraps foreign memory.
    ///
    /// # Safety
    /// `ptr` must be valid for reads (and writes, unless the array using it is read-only) of
    /// `bytes` bytes, initialised, and stay valid until `owner` is dropped.
    #[inline]
    pub(crate) unsafe fn foreign(ptr: NonNull<u8>, bytes: usize, owner: ForeignOwner) -> CpuBuffer {
        CpuBuffer { ptr, bytes, owner: CpuOwner::Foreign(owner) }
    }

    /// Start of the memory.
    pub(crate) fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Size in bytes.
    pub(crate) fn len_bytes(&self) -> usize {
        self.bytes
    }
}

impl Drop for CpuBuffer {
    fn drop(&mut self) {
        if let CpuOwner::Cache = self.owner {
            CACHE.give_back(self.ptr, self.bytes);
        }
    }
}

/// Allocation layout for `bytes` (at least one byte, so zero-size arrays still get a pointer).
/// Blocks smaller than this are not cached: malloc serves them as fast as the cache would.
const MIN_CACHED_BYTES: usize = 4096;

fn alloc_layout(bytes: usize) -> Result<AllocLayout> {
    AllocLayout::from_size_align(bytes.max(1), ALIGN).map_err(|_| Error::SizeOverflow {
        op: "alloc",
        shape: vec![bytes],
        itemsize: 1,
    })
}

fn system_alloc(bytes: usize) -> Result<NonNull<u8>> {
    if huge_pages::serves(bytes) {
        return huge_pages::map(bytes).ok_or(Error::OutOfMemory { device: Device::Cpu, bytes });
    }
    let layout = alloc_layout(bytes)?;
    // Zeroed so that every buffer is initialised (reading `empty()` is then defined); for large
    // blocks calloc maps fresh zero pages, so this costs no more than malloc.
    // SAFETY: layout has non-zero size.
    let ptr = unsafe { alloc::alloc_zeroed(layout) };
    NonNull::new(ptr).ok_or(Error::OutOfMemory { device: Device::Cpu, bytes })
}

fn system_free(ptr: NonNull<u8>, bytes: usize) {
    if huge_pages::serves(bytes) {
        // SAFETY: blocks of this size come from `huge_pages::map(bytes)` (see `system_alloc`)
        // and are freed once.
        return unsafe { huge_pages::unmap(ptr, bytes) };
    }
    let layout = alloc_layout(bytes).expect("layout was valid at allocation");
    // SAFETY: ptr came from `system_alloc(bytes)` with this exact layout and is freed once.
    unsafe { alloc::dealloc(ptr.as_ptr(), layout) }
}

/// Freed blocks by exact byte size. Blocks larger than `max_block` or beyond `limit` total go
/// back to the system.
struct BufferCache {
    inner: Mutex<CacheInner>,
}

struct CacheInner {
    free: BTreeMap<usize, Vec<NonNull<u8>>>,
    cached_bytes: usize,
    limit: usize,
}

// SAFETY: the cached pointers are owned blocks nobody else references.
unsafe impl Send for CacheInner {}

static CACHE: BufferCache =
    BufferCache { inner: Mutex::new(CacheInner { free: BTreeMap::new(), cached_bytes: 0, limit: usize::MAX }) };

/// Default cap on cached bytes: 1 GiB, or `DEVARRAY_CPU_CACHE_BYTES`.
fn cache_limit() -> usize {
    static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *LIMIT
        .get_or_init(|| std::env::var("DEVARRAY_CPU_CACHE_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(1 << 30))
}

impl BufferCache {
    fn take(&self, bytes: usize) -> Option<NonNull<u8>> {
        if bytes < MIN_CACHED_BYTES {
            return None; // never cached: skip the lock on the small-array hot path
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let list = inner.free.get_mut(&bytes)?;
        let ptr = list.pop()?;
        if list.is_empty() {
            inner.free.remove(&bytes);
        }
        inner.cached_bytes -= bytes;
        Some(ptr)
    }

    fn give_back(&self, ptr: NonNull<u8>, bytes: usize) {
        self.give_back_within(ptr, bytes, cache_limit());
    }

    fn give_back_within(&self, ptr: NonNull<u8>, bytes: usize, limit: usize) {
        if bytes < MIN_CACHED_BYTES {
            system_free(ptr, bytes);
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.limit = limit;
        if bytes > inner.limit {
            drop(inner);
            system_free(ptr, bytes);
            return;
        }
        // Make room by evicting blocks of other sizes, largest first: the block just freed is
        // the likeliest to be asked for next (a loop allocates the same shapes each iteration),
        // while a full cache of stale sizes would send every new size back to the page-faulting
        // system allocator for good.
        let mut evicted = Vec::new();
        while inner.cached_bytes + bytes > inner.limit {
            let Some(victim) = inner.free.keys().rev().copied().find(|&size| size != bytes) else { break };
            let list = inner.free.get_mut(&victim).expect("a listed size has blocks");
            evicted.push((list.pop().expect("size classes are never empty"), victim));
            if list.is_empty() {
                inner.free.remove(&victim);
            }
            inner.cached_bytes -= victim;
        }
        let fits = inner.cached_bytes + bytes <= inner.limit;
        if fits {
            inner.cached_bytes += bytes;
            inner.free.entry(bytes).or_default().push(ptr);
        }
        drop(inner);
        for (p, size) in evicted {
            system_free(p, size);
        }
        if !fits {
            system_free(ptr, bytes); // only blocks of this very size fill the cache
        }
    }
}

/// Releases every cached block to the system (for memory-pressure situations and tests).
///
/// ```
/// devarray::cpu_cache_trim();
/// assert_eq!(devarray::cpu_cache_bytes(), 0);
/// ```
pub fn cpu_cache_trim() {
    let drained: Vec<(usize, Vec<NonNull<u8>>)> = {
        let mut inner = CACHE.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.cached_bytes = 0;
        std::mem::take(&mut inner.free).into_iter().collect()
    };
    for (bytes, ptrs) in drained {
        for p in ptrs {
            system_free(p, bytes);
        }
    }
}

/// Bytes currently held in the CPU buffer cache.
///
/// ```
/// let _ = devarray::cpu_cache_bytes();
/// ```
pub fn cpu_cache_bytes() -> usize {
    CACHE.inner.lock().unwrap_or_else(|e| e.into_inner()).cached_bytes
}

/// The most bytes the CPU buffer cache keeps: `DEVARRAY_CPU_CACHE_BYTES` (read once per
/// process), else 1 GiB. Freed blocks beyond it go back to the system; `0` turns the cache off.
///
/// ```
/// assert!(devarray::cpu_cache_bytes() <= devarray::cpu_cache_limit());
/// ```
pub fn cpu_cache_limit() -> usize {
    cache_limit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_blocks_are_reused() {
        let bytes = 1 << 20 | 64; // unusual size so other tests don't take it
        let a = CpuBuffer::alloc(bytes).unwrap();
        let p = a.as_ptr();
        assert_eq!(p as usize % ALIGN, 0);
        drop(a);
        let b = CpuBuffer::alloc(bytes).unwrap();
        assert_eq!(b.as_ptr(), p);
    }

    #[test]
    fn a_full_cache_evicts_other_sizes_for_the_block_just_freed() {
        let cache = BufferCache { inner: Mutex::new(CacheInner { free: BTreeMap::new(), cached_bytes: 0, limit: 0 }) };
        let (small, large, limit) = (16 << 10, 32 << 10, 48 << 10);
        for _ in 0..3 {
            cache.give_back_within(system_alloc(small).unwrap(), small, limit);
        }
        assert_eq!(cache.inner.lock().unwrap().cached_bytes, limit);
        let big = system_alloc(large).unwrap();
        cache.give_back_within(big, large, limit);
        {
            let inner = cache.inner.lock().unwrap();
            assert_eq!(inner.cached_bytes, small + large);
            assert_eq!(inner.free.get(&small).map(Vec::len), Some(1));
        }
        assert_eq!(cache.take(large), Some(big), "the newest block is the one kept");
        // A block larger than the whole cache is released, not cached.
        cache.give_back_within(system_alloc(limit * 2).unwrap(), limit * 2, limit);
        assert_eq!(cache.inner.lock().unwrap().cached_bytes, small);
        let rest = cache.take(small).unwrap();
        system_free(rest, small);
        system_free(big, large);
    }

    #[test]
    fn zero_size_gets_a_pointer() {
        let a = CpuBuffer::alloc(0).unwrap();
        assert!(!a.as_ptr().is_null());
        assert_eq!(a.len_bytes(), 0);
    }
}
