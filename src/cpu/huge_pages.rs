//! Large CPU buffers backed by transparent huge pages on Linux.
//!
//! With 4 KiB pages, an op streaming through tens of MiB misses the TLB on every page it
//! enters. NumPy asks the kernel for 2 MiB pages on arrays of 4 MiB and more
//! (`madvise(MADV_HUGEPAGE)`), and so does this module, for the same blocks: on a kernel whose
//! THP mode is `madvise` (a common default) that is the only way to get them. Where the kernel
//! has no THP, the advice is ignored and the mapping behaves as plain anonymous memory.
//!
//! The mapping is anonymous, so its pages read as zero until written: the buffer is
//! initialised without a memset, as calloc's fresh pages are.

/// Blocks of at least this many bytes are mapped here (NumPy's threshold).
const MIN_BYTES: usize = 4 << 20;

/// Whether a block of `bytes` comes from [`map`] (and goes back through [`unmap`]): large blocks,
/// on Linux. The answer depends on `bytes` alone, so the free path can tell without a tag.
pub(crate) fn serves(bytes: usize) -> bool {
    cfg!(target_os = "linux") && bytes >= MIN_BYTES
}

/// The huge page size the mappings are aligned to (x86-64 and aarch64 with 4 KiB base pages).
const HUGE_PAGE: usize = 2 << 20;

/// Bytes actually mapped for a request of `bytes` (whole huge pages), or `None` on overflow.
fn mapped_len(bytes: usize) -> Option<usize> {
    bytes.checked_next_multiple_of(HUGE_PAGE)
}

/// Maps `bytes` (a size [`serves`] accepts) zeroed bytes at a huge-page boundary and advises huge pages.
/// `None` when the system refuses the mapping (out of address space or memory).
#[cfg(target_os = "linux")]
pub(crate) fn map(bytes: usize) -> Option<std::ptr::NonNull<u8>> {
    let len = mapped_len(bytes)?;
    // One huge page of slack, so that an aligned start exists inside the mapping.
    let padded = len.checked_add(HUGE_PAGE)?;
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing touches no
    // existing memory; the result is checked against MAP_FAILED before use.
    let raw = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            padded,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if raw == libc::MAP_FAILED {
        return None;
    }
    let start = raw as usize;
    let aligned = start.next_multiple_of(HUGE_PAGE);
    let head = aligned - start;
    let tail = padded - head - len;
    // SAFETY: both ranges lie inside the mapping just made and outside [aligned, aligned + len),
    // which is all that is kept; nobody else holds pointers into them. munmap of a page-aligned
    // sub-range of our own mapping cannot fail in a way that matters (the pages would only stay
    // mapped), so its result is ignored.
    unsafe {
        if head > 0 {
            libc::munmap(raw, head);
        }
        if tail > 0 {
            libc::munmap((aligned + len) as *mut libc::c_void, tail);
        }
        // Advice only: an error (a kernel built without THP) leaves ordinary pages.
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
    std::ptr::NonNull::new(aligned as *mut u8)
}

/// Unmaps a block from [`map`].
///
/// # Safety
/// `ptr` must come from `map(bytes)` with this `bytes`, and nothing may use it afterwards.
#[cfg(target_os = "linux")]
pub(crate) unsafe fn unmap(ptr: std::ptr::NonNull<u8>, bytes: usize) {
    let len = mapped_len(bytes).expect("the length was valid when mapped");
    // SAFETY: per the contract, [ptr, ptr + len) is exactly the range `map` kept.
    let rc = unsafe { libc::munmap(ptr.as_ptr().cast(), len) };
    debug_assert_eq!(rc, 0, "munmap of a block from huge_pages::map failed");
}

/// Never called elsewhere: [`serves`] is false.
#[cfg(not(target_os = "linux"))]
pub(crate) fn map(_bytes: usize) -> Option<std::ptr::NonNull<u8>> {
    unreachable!("huge_pages serves no block on this OS")
}

/// Never called elsewhere: [`serves`] is false.
///
/// # Safety
/// As on Linux.
#[cfg(not(target_os = "linux"))]
pub(crate) unsafe fn unmap(_ptr: std::ptr::NonNull<u8>, _bytes: usize) {
    unreachable!("huge_pages serves no block on this OS")
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn mapped_blocks_are_aligned_zeroed_and_writable() {
        for bytes in [MIN_BYTES, MIN_BYTES + 1, 3 * HUGE_PAGE + 12345] {
            let ptr = map(bytes).expect("a few MiB can be mapped");
            assert_eq!(ptr.as_ptr() as usize % HUGE_PAGE, 0);
            // SAFETY: the block is `bytes` long and ours until unmapped below.
            let block = unsafe { std::slice::from_raw_parts_mut(ptr.as_ptr(), bytes) };
            assert!(block.iter().all(|&b| b == 0));
            block[0] = 1;
            block[bytes - 1] = 2;
            assert_eq!((block[0], block[bytes - 1]), (1, 2));
            // SAFETY: from `map(bytes)`, unused from here on.
            unsafe { unmap(ptr, bytes) };
        }
    }

    #[test]
    fn an_impossible_size_is_refused_not_wrapped() {
        assert!(map(usize::MAX - 1).is_none());
        assert!(map(usize::MAX / 2).is_none());
    }
}
