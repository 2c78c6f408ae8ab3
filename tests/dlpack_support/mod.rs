//! "Another library" for the DLPack tests: hand-built managed tensors over Box-allocated memory,
//! shape and strides, whose deleters count their calls.
#![allow(dead_code)]

use devarray::dlpack::ffi::{
    DLDataType, DLDevice, DLManagedTensor, DLManagedTensorVersioned, DLPackVersion, DLTensor, KDL_FLOAT,
};
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// How a foreign tensor looks. Memory is 8-byte aligned and zero-filled unless `bytes` are given.
#[derive(Clone, Debug)]
pub struct Spec {
    pub dtype: DLDataType,
    pub device: DLDevice,
    /// `None`: `shape` is NULL.
    pub shape: Option<Vec<i64>>,
    /// `ndim` to write (defaults to the shape's length).
    pub ndim: Option<i32>,
    /// `None`: `strides` is NULL (compact row-major).
    pub strides: Option<Vec<i64>>,
    pub byte_offset: u64,
    /// Bytes of memory to allocate (at least the contents' length).
    pub alloc_bytes: usize,
    /// Initial contents.
    pub bytes: Vec<u8>,
    /// Added to the allocation's address to form `data` (may point inside it).
    pub data_shift: usize,
    /// `data` = NULL.
    pub null_data: bool,
    /// `data` = this address instead of the allocation (memory is never touched).
    pub fake_address: Option<usize>,
    pub version: DLPackVersion,
    pub flags: u64,
}

impl Spec {
    /// A compact float32 tensor of `shape` holding `0, 1, 2, …`.
    pub fn f32(shape: &[i64]) -> Spec {
        let n: i64 = shape.iter().product();
        let bytes: Vec<u8> = (0..n.max(0)).flat_map(|i| (i as f32).to_ne_bytes()).collect();
        Spec::raw(DLDataType { code: KDL_FLOAT, bits: 32, lanes: 1 }, shape, bytes)
    }

    /// A tensor of `dtype` and `shape` over `bytes`.
    pub fn raw(dtype: DLDataType, shape: &[i64], bytes: Vec<u8>) -> Spec {
        Spec {
            dtype,
            device: DLDevice::CPU,
            shape: Some(shape.to_vec()),
            ndim: None,
            strides: None,
            byte_offset: 0,
            alloc_bytes: bytes.len(),
            bytes,
            data_shift: 0,
            null_data: false,
            fake_address: None,
            version: DLPackVersion { major: 1, minor: 0 },
            flags: 0,
        }
    }
}

/// The memory, shape and strides a foreign tensor points to, freed by its deleter.
struct Context {
    _memory: Box<[u64]>,
    _shape: Option<Box<[i64]>>,
    _strides: Option<Box<[i64]>>,
    deleted: Arc<AtomicUsize>,
}

impl Drop for Context {
    fn drop(&mut self) {
        self.deleted.fetch_add(1, Ordering::SeqCst);
    }
}

/// Counts deleter calls of one foreign tensor.
#[derive(Clone, Debug)]
pub struct Counter(Arc<AtomicUsize>);

impl Counter {
    /// Deleter calls so far.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Builds the `DLTensor` and its context.
fn make(spec: &Spec) -> (DLTensor, Box<Context>, Counter) {
    let words = spec.alloc_bytes.max(spec.bytes.len()).div_ceil(8).max(1);
    let mut memory = vec![0u64; words].into_boxed_slice();
    // SAFETY: the slice holds at least `bytes.len()` bytes; u8 has no alignment needs.
    unsafe { std::ptr::copy_nonoverlapping(spec.bytes.as_ptr(), memory.as_mut_ptr().cast::<u8>(), spec.bytes.len()) };
    let mut shape = spec.shape.clone().map(Vec::into_boxed_slice);
    let mut strides = spec.strides.clone().map(Vec::into_boxed_slice);
    let data = if spec.null_data {
        std::ptr::null_mut()
    } else if let Some(a) = spec.fake_address {
        a as *mut c_void
    } else {
        memory.as_mut_ptr().cast::<u8>().wrapping_add(spec.data_shift).cast()
    };
    let tensor = DLTensor {
        data,
        device: spec.device,
        ndim: spec.ndim.unwrap_or(spec.shape.as_ref().map_or(0, |s| s.len() as i32)),
        dtype: spec.dtype,
        shape: shape.as_mut().map_or(std::ptr::null_mut(), |s| s.as_mut_ptr()),
        strides: strides.as_mut().map_or(std::ptr::null_mut(), |s| s.as_mut_ptr()),
        byte_offset: spec.byte_offset,
    };
    let deleted = Arc::new(AtomicUsize::new(0));
    let ctx = Box::new(Context { _memory: memory, _shape: shape, _strides: strides, deleted: deleted.clone() });
    (tensor, ctx, Counter(deleted))
}

unsafe extern "C" fn delete_versioned(p: *mut DLManagedTensorVersioned) {
    // SAFETY: `p` and its context were leaked by `versioned` and are released once, here.
    unsafe {
        drop(Box::from_raw((*p).manager_ctx.cast::<Context>()));
        drop(Box::from_raw(p));
    }
}

unsafe extern "C" fn delete_legacy(p: *mut DLManagedTensor) {
    // SAFETY: `p` and its context were leaked by `legacy` and are released once, here.
    unsafe {
        drop(Box::from_raw((*p).manager_ctx.cast::<Context>()));
        drop(Box::from_raw(p));
    }
}

/// A foreign versioned tensor, as another library's `__dlpack__` would return it.
pub fn versioned(spec: &Spec) -> (*mut DLManagedTensorVersioned, Counter) {
    let (dl_tensor, ctx, counter) = make(spec);
    let managed = Box::new(DLManagedTensorVersioned {
        version: spec.version,
        manager_ctx: Box::into_raw(ctx).cast(),
        deleter: Some(delete_versioned),
        flags: spec.flags,
        dl_tensor,
    });
    (Box::into_raw(managed), counter)
}

/// A foreign legacy tensor.
pub fn legacy(spec: &Spec) -> (*mut DLManagedTensor, Counter) {
    let (dl_tensor, ctx, counter) = make(spec);
    let managed =
        Box::new(DLManagedTensor { dl_tensor, manager_ctx: Box::into_raw(ctx).cast(), deleter: Some(delete_legacy) });
    (Box::into_raw(managed), counter)
}

/// Address of element `[0, …]` of a foreign versioned tensor (to read its memory in tests).
///
/// # Safety
/// `p` is live.
pub unsafe fn data_of(p: *mut DLManagedTensorVersioned) -> *mut u8 {
    // SAFETY: forwarded.
    unsafe { (*p).dl_tensor.data.cast::<u8>().add((*p).dl_tensor.byte_offset as usize) }
}
