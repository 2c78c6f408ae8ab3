//! Emulated device memory: host allocations whose addresses are the device pointers.
//!
//! Each allocation is 256-byte aligned (like `cuMemAlloc`) and sits between two guard zones of
//! known bytes, checked after every launch that touched it and at free: a kernel writing past
//! either end is reported. New memory is filled with a poison pattern (contents are unspecified
//! on a GPU too, and zeros would hide a kernel that skips elements). Freed memory is poisoned and
//! kept in a quarantine for a while instead of being returned at once, so a stale pointer cannot
//! reach a newer allocation, and every access the host checks must lie inside one live allocation.
//!
//! The table also keeps the figures of the stream-ordered pool a GPU allocates from ([`Pool`]),
//! with the driver's documented semantics, so `cuMemPoolGetAttribute`/`cuMemPoolTrimTo` have
//! stand-ins: the quarantine is the emulator's own safety net and is not part of them.

use std::alloc::{alloc, dealloc, Layout};
use std::collections::{BTreeMap, VecDeque};

/// Alignment of every allocation (`cuMemAlloc` guarantees 256 bytes).
const ALIGN: usize = 256;
/// Guard bytes on each side of an allocation (a multiple of [`ALIGN`] keeps the user part aligned).
const GUARD: usize = 256;
/// The guard zones' byte.
const GUARD_BYTE: u8 = 0xfd;
/// New allocations are filled with this byte (up to [`POISON_MAX`] bytes)...
const FRESH_BYTE: u8 = 0xa5;
/// ...and freed ones with this one.
const FREED_BYTE: u8 = 0xdd;
/// Larger allocations are not poisoned, so untouched pages of a huge array cost no memory.
const POISON_MAX: usize = 64 << 20;
/// Freed memory kept back before it is really released.
const QUARANTINE_BYTES: usize = 64 << 20;

/// One host allocation.
struct Block {
    /// Start of the whole allocation (guards included).
    raw: *mut u8,
    /// Usable bytes.
    len: usize,
}

// SAFETY: a `Block` exclusively owns its allocation; the pointer is only dereferenced by the
// owner of the `Memory` table (behind the device's lock) and by kernels the table checked.
unsafe impl Send for Block {}

impl Block {
    fn layout(len: usize) -> Option<Layout> {
        Layout::from_size_align(len.checked_add(2 * GUARD)?, ALIGN).ok()
    }
    /// The device address of byte 0.
    fn base(&self) -> u64 {
        self.raw as u64 + GUARD as u64
    }
    fn fill(&mut self, from: usize, len: usize, byte: u8) {
        // SAFETY: `from + len <= len + 2 * GUARD`, inside the allocation (callers pass ranges of it).
        unsafe { std::ptr::write_bytes(self.raw.add(from), byte, len) };
    }
    fn guards_intact(&self) -> bool {
        let tail = GUARD + self.len;
        // SAFETY: both guard zones lie inside the allocation and are initialised.
        let (head, tail) = unsafe {
            (std::slice::from_raw_parts(self.raw, GUARD), std::slice::from_raw_parts(self.raw.add(tail), GUARD))
        };
        head.iter().chain(tail).all(|&b| b == GUARD_BYTE)
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        if let Some(layout) = Block::layout(self.len) {
            // SAFETY: `raw` was allocated with exactly this layout and is released once.
            unsafe { dealloc(self.raw, layout) };
        }
    }
}

/// Why an access was refused.
pub(crate) type AccessError = String;

/// The emulated default memory pool's figures, in bytes, as the driver defines them
/// (`CU_MEMPOOL_ATTR_*`): `used` is what live allocations hold (a free counts once its stream
/// has run it); `reserved` is what the pool holds from the device, at least `used`. Freed memory
/// stays reserved (the release threshold devarray sets is `u64::MAX`) until a trim; the pool
/// grows only by what an allocation cannot take from its free reserved bytes (a real pool
/// reserves in chunks and can fragment, so there `reserved - used` may stay larger).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pool {
    pub(crate) used: usize,
    pub(crate) reserved: usize,
    pub(crate) used_high: usize,
    pub(crate) reserved_high: usize,
}

impl Pool {
    fn grow(&mut self, len: usize) {
        self.used += len;
        self.reserved = self.reserved.max(self.used);
        self.used_high = self.used_high.max(self.used);
        self.reserved_high = self.reserved_high.max(self.reserved);
    }

    /// `cuMemPoolTrimTo(pool, keep)`: a no-op when at most `keep` bytes are reserved; otherwise
    /// releases unused memory, keeping at least `keep` reserved bytes (and all used ones).
    pub(crate) fn trim_to(&mut self, keep: usize) {
        if self.reserved > keep {
            self.reserved = self.used.max(keep);
        }
    }

    /// Setting `USED_MEM_HIGH`/`RESERVED_MEM_HIGH` to 0: the marks restart at the current figures.
    pub(crate) fn reset_peaks(&mut self) {
        self.used_high = self.used;
        self.reserved_high = self.reserved;
    }
}

/// The allocation table of one emulated device.
pub(crate) struct Memory {
    live: BTreeMap<u64, Block>,
    quarantine: VecDeque<Block>,
    quarantined: usize,
    pool: Pool,
    limit: usize,
}

impl Memory {
    /// A table that refuses to hold more than `limit` bytes at once.
    pub(crate) fn new(limit: usize) -> Memory {
        Memory { live: BTreeMap::new(), quarantine: VecDeque::new(), quarantined: 0, pool: Pool::default(), limit }
    }

    /// The pool's figures.
    pub(crate) fn pool(&self) -> Pool {
        self.pool
    }

    /// The pool, for trimming and resetting its peaks.
    pub(crate) fn pool_mut(&mut self) -> &mut Pool {
        &mut self.pool
    }

    /// Bytes of "device memory" (the limit), and how many of them the pool has not reserved.
    pub(crate) fn free_and_total(&self) -> (usize, usize) {
        (self.limit - self.pool.reserved.min(self.limit), self.limit)
    }

    /// Allocates `len > 0` bytes; `None` when over the limit or the host is out of memory.
    pub(crate) fn alloc(&mut self, len: usize) -> Option<u64> {
        if len == 0 || self.pool.used.checked_add(len)? > self.limit {
            return None;
        }
        let layout = Block::layout(len)?;
        // SAFETY: the layout has a non-zero size.
        let raw = unsafe { alloc(layout) };
        if raw.is_null() {
            return None;
        }
        let mut block = Block { raw, len };
        block.fill(0, GUARD, GUARD_BYTE);
        block.fill(GUARD + len, GUARD, GUARD_BYTE);
        if len <= POISON_MAX {
            block.fill(GUARD, len, FRESH_BYTE);
        }
        let base = block.base();
        self.pool.grow(len);
        self.live.insert(base, block);
        Some(base)
    }

    /// Frees the allocation starting at `ptr` (into quarantine).
    pub(crate) fn free(&mut self, ptr: u64) -> Result<(), AccessError> {
        let mut block = self.live.remove(&ptr).ok_or_else(|| format!("{ptr:#x} is not a live allocation"))?;
        self.pool.used -= block.len;
        let intact = block.guards_intact();
        let len = block.len;
        if len <= POISON_MAX {
            block.fill(GUARD, len, FREED_BYTE);
        }
        self.quarantined += len;
        self.quarantine.push_back(block);
        while self.quarantined > QUARANTINE_BYTES {
            match self.quarantine.pop_front() {
                Some(old) => self.quarantined -= old.len,
                None => break,
            }
        }
        if intact {
            Ok(())
        } else {
            Err(format!("the guard bytes around allocation {ptr:#x} ({len} bytes) were overwritten"))
        }
    }

    /// The base of the live allocation holding `[addr, addr + len)`, or why there is none.
    pub(crate) fn check(&self, addr: u64, len: u64) -> Result<u64, AccessError> {
        let end = addr.checked_add(len).ok_or_else(|| format!("range {addr:#x}+{len} wraps"))?;
        match self.live.range(..=addr).next_back() {
            Some((&base, block)) if end <= base + block.len as u64 => Ok(base),
            Some((&base, block)) if addr < base + block.len as u64 => Err(format!(
                "[{addr:#x}, {end:#x}) runs {} bytes past the end of allocation {base:#x} ({} bytes)",
                end - (base + block.len as u64),
                block.len
            )),
            _ => Err(format!("[{addr:#x}, {end:#x}) is in no live allocation{}", self.describe_near(addr))),
        }
    }

    fn describe_near(&self, addr: u64) -> String {
        let freed = self.quarantine.iter().any(|b| addr >= b.base() && addr < b.base() + b.len as u64);
        if freed {
            " (it was freed: use after free)".into()
        } else {
            String::new()
        }
    }

    /// Whether `ptr` is the start of a live allocation.
    pub(crate) fn is_live(&self, ptr: u64) -> bool {
        self.live.contains_key(&ptr)
    }

    /// Whether the guard zones of the live allocation at `base` are intact.
    pub(crate) fn guards_intact(&self, base: u64) -> bool {
        self.live.get(&base).is_none_or(Block::guards_intact)
    }

    /// Bytes in live allocations.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn used(&self) -> usize {
        self.pool.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_are_aligned_poisoned_and_bounded() {
        let mut m = Memory::new(1 << 20);
        let a = m.alloc(100).unwrap();
        assert_eq!(a % ALIGN as u64, 0);
        // SAFETY: `a` is a live 100-byte allocation.
        let bytes = unsafe { std::slice::from_raw_parts(a as *const u8, 100) };
        assert!(bytes.iter().all(|&b| b == FRESH_BYTE));
        assert_eq!(m.check(a, 100), Ok(a));
        assert_eq!(m.check(a + 99, 1), Ok(a));
        assert!(m.check(a + 96, 8).unwrap_err().contains("past the end"));
        assert!(m.check(a - 1, 1).is_err());
        assert!(m.alloc(2 << 20).is_none(), "over the limit");
        assert_eq!(m.used(), 100);
        m.free(a).unwrap();
        assert!(m.check(a, 1).unwrap_err().contains("use after free"));
        assert!(m.free(a).is_err(), "double free");
        assert_eq!(m.used(), 0);
    }

    #[test]
    fn the_pool_keeps_freed_memory_reserved_until_trimmed() {
        let mut m = Memory::new(1 << 20);
        let a = m.alloc(1000).unwrap();
        let b = m.alloc(3000).unwrap();
        let p = m.pool();
        assert_eq!((p.used, p.reserved, p.used_high, p.reserved_high), (4000, 4000, 4000, 4000));
        m.free(b).unwrap();
        assert_eq!((m.pool().used, m.pool().reserved), (1000, 4000), "freed memory stays reserved");
        assert_eq!(m.free_and_total(), ((1 << 20) - 4000, 1 << 20));
        let c = m.alloc(2000).unwrap();
        assert_eq!((m.pool().used, m.pool().reserved), (3000, 4000), "reuses reserved memory");
        m.free(c).unwrap();
        m.pool_mut().trim_to(8000);
        assert_eq!(m.pool().reserved, 4000, "a no-op at or below the bytes to keep");
        m.pool_mut().trim_to(2500);
        assert_eq!(m.pool().reserved, 2500, "keeps the bytes asked for");
        m.pool_mut().trim_to(0);
        assert_eq!(m.pool().reserved, 1000, "keeps what live allocations use");
        assert_eq!((m.pool().used_high, m.pool().reserved_high), (4000, 4000));
        m.pool_mut().reset_peaks();
        assert_eq!((m.pool().used_high, m.pool().reserved_high), (1000, 1000));
        m.free(a).unwrap();
        m.pool_mut().trim_to(0);
        assert_eq!(m.pool(), Pool { used: 0, reserved: 0, used_high: 1000, reserved_high: 1000 });
    }

    #[test]
    fn overwritten_guards_are_reported() {
        let mut m = Memory::new(1 << 20);
        let a = m.alloc(16).unwrap();
        assert!(m.guards_intact(a));
        // SAFETY: the byte after the allocation is the first tail guard byte, inside the block.
        unsafe { *((a + 16) as *mut u8) = 0 };
        assert!(!m.guards_intact(a));
        assert!(m.free(a).unwrap_err().contains("guard"));
    }
}
