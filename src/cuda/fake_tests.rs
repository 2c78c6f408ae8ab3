//! End-to-end tests of the host side of the CUDA backend on the fake GPU: allocation, copies,
//! fills, path selection, host loops over extra dimensions, staging of overlapping copies,
//! reductions' launch plans, and error mapping. No GPU or NVRTC needed.

use super::*;
use crate::backend::ForeignOwner;
use crate::cuda::context::CudaDevice;
use crate::cuda::elementwise::{copy, fill, launch_elementwise, EwInput};
use crate::cuda::fake::fake_device as device;
use crate::cuda::launch::{self, RedArgs};
use crate::cuda::reduce::{launch_reduction, Reduction, SINGLE_BLOCK_MAX};
use crate::cuda::{download, upload, CudaBuffer};
use crate::dtype::{DType, Scalar};
use crate::error::Error;
use crate::layout::Layout;

/// Tests that set the process-wide launch overrides, or assert kernel paths, hold this.
fn lock() -> MutexGuard<'static, ()> {
    launch::test_lock()
}

fn upload_u32(dev: &Arc<CudaDevice>, values: &[u32]) -> CudaBuffer {
    let buf = dev.alloc(values.len() * 4).unwrap();
    upload(&buf, 0, bytemuck::cast_slice(values)).unwrap();
    buf
}

fn download_u32(buf: &CudaBuffer) -> Vec<u32> {
    let mut out = vec![0u32; buf.len_bytes() / 4];
    download(buf, 0, bytemuck::cast_slice_mut(&mut out)).unwrap();
    out
}

fn launched(fake: &FakeGpu) -> Vec<String> {
    fake.state().launches.iter().map(|l| l.name.clone()).collect()
}

#[test]
fn upload_download_round_trip_and_bounds() {
    let (fake, dev) = device();
    let buf = upload_u32(&dev, &[1, 2, 3, 4]);
    assert_eq!(download_u32(&buf), vec![1, 2, 3, 4]);
    let mut two = [0u8; 8];
    download(&buf, 4, &mut two).unwrap();
    assert_eq!(bytemuck::cast_slice::<u8, u32>(&two), &[2, 3]);
    assert!(matches!(upload(&buf, 12, &[0; 8]), Err(Error::InvalidArgument { .. })));
    assert!(matches!(download(&buf, usize::MAX, &mut [0; 1]), Err(Error::InvalidArgument { .. })));
    assert!(fake.state().log.iter().any(|l| l == "event_synchronize"));
    drop(buf);
    assert!(fake.state().allocs.is_empty(), "the buffer was freed");
}

#[test]
fn zero_byte_buffers_touch_no_memory() {
    let (fake, dev) = device();
    let buf = dev.alloc(0).unwrap();
    assert_eq!(buf.len_bytes(), 0);
    upload(&buf, 0, &[]).unwrap();
    fill(&buf, &Layout::contiguous(&[0, 3]), DType::F32, Scalar::Float(1.0)).unwrap();
    drop(buf);
    assert!(!fake.state().log.iter().any(|l| l.starts_with("alloc") || l.starts_with("free")));
}

#[test]
fn out_of_memory_is_reported_with_device_and_size_after_a_retry() {
    let (fake, dev) = device();
    fake.state().alloc_limit = Some(1024);
    match dev.alloc(4096) {
        Err(Error::OutOfMemory { device, bytes }) => assert_eq!((device, bytes), (crate::Device::Cuda(0), 4096)),
        other => panic!("expected OutOfMemory, got {other:?}"),
    }
    assert!(fake.state().log.iter().any(|l| l == "device_synchronize"), "waits for pending frees, then retries");
}

#[test]
fn fill_uses_memset_for_uniform_bytes_and_kernels_otherwise() {
    let _g = lock();
    let (fake, dev) = device();
    let buf = dev.alloc(6 * 4).unwrap();
    fill(&buf, &Layout::contiguous(&[2, 3]), DType::I32, Scalar::Int(-1)).unwrap();
    assert_eq!(download_u32(&buf), vec![u32::MAX; 6]);
    assert!(launched(&fake).is_empty());
    fill(&buf, &Layout::contiguous(&[6]), DType::F32, Scalar::Float(1.5)).unwrap();
    assert_eq!(download_u32(&buf), vec![1.5f32.to_bits(); 6]);
    assert_eq!(launched(&fake), vec!["fill_u32_vec"]);
    let l = fake.state().launches[0].clone();
    let args: launch::EwArgs = bytemuck::pod_read_unaligned(&l.args[0]);
    assert_eq!((args.scalar[0], args.scalar_mask), (u64::from(1.5f32.to_bits()), 1));
    assert_eq!(l.dims.block, [launch::EW_BLOCK, 1, 1]);
}

#[test]
fn fill_of_a_strided_view_writes_only_the_view() {
    let _g = lock();
    let (fake, dev) = device();
    let buf = upload_u32(&dev, &[0; 12]);
    // Column 1 of a 3×4 matrix: offset 1, stride 4.
    let col = Layout::from_parts(vec![3], vec![4], 1);
    fill(&buf, &col, DType::U32, Scalar::UInt(7)).unwrap();
    assert_eq!(download_u32(&buf), vec![0, 7, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0]);
    assert_eq!(launched(&fake), vec!["fill_u32_s32"]);
}

#[test]
fn bool_and_half_fills_use_their_byte_width() {
    let _g = lock();
    let (fake, dev) = device();
    let buf = dev.alloc(16).unwrap();
    fill(&buf, &Layout::contiguous(&[8]), DType::BF16, Scalar::Float(1.0)).unwrap();
    let mut raw = [0u8; 16];
    download(&buf, 0, &mut raw).unwrap();
    assert_eq!(bytemuck::cast_slice::<u8, u16>(&raw), &[half::bf16::ONE.to_bits(); 8]);
    fill(&buf, &Layout::contiguous(&[16]), DType::Bool, Scalar::Float(0.5)).unwrap();
    download(&buf, 0, &mut raw).unwrap();
    assert_eq!(raw, [1u8; 16]);
    assert_eq!(launched(&fake), vec!["fill_u16_vec"], "bool 1 is a memset");
}

#[test]
fn copies_pick_memcpy_or_kernel() {
    let _g = lock();
    let (fake, dev) = device();
    let src = upload_u32(&dev, &(0..6).collect::<Vec<_>>());
    let dst = dev.alloc(24).unwrap();
    let c = Layout::contiguous(&[2, 3]);
    copy((&src, &c), (&dst, &c), 4).unwrap();
    assert_eq!(download_u32(&dst), (0..6).collect::<Vec<_>>());
    assert!(launched(&fake).is_empty() && fake.state().log.iter().any(|l| l == "dtod"));
    // Transpose into a contiguous 3×2.
    let t = c.permuted(&[1, 0]).unwrap();
    copy((&src, &t), (&dst, &Layout::contiguous(&[3, 2])), 4).unwrap();
    assert_eq!(download_u32(&dst), vec![0, 3, 1, 4, 2, 5]);
    assert_eq!(launched(&fake), vec!["copy_u32_s32"]);
}

#[test]
fn overlapping_copies_are_staged() {
    let _g = lock();
    let (fake, dev) = device();
    let buf = upload_u32(&dev, &[0, 1, 2, 3, 4, 5, 6, 7]);
    // buf[1:8] = buf[0:7]
    let src = Layout::from_parts(vec![7], vec![1], 0);
    let dst = Layout::from_parts(vec![7], vec![1], 1);
    copy((&buf, &src), (&buf, &dst), 4).unwrap();
    assert_eq!(download_u32(&buf), vec![0, 0, 1, 2, 3, 4, 5, 6]);
    // buf[::-1] = buf
    let rev = Layout::from_parts(vec![8], vec![-1], 7);
    copy((&buf, &Layout::contiguous(&[8])), (&buf, &rev), 4).unwrap();
    assert_eq!(download_u32(&buf), vec![6, 5, 4, 3, 2, 1, 0, 0]);
    let allocs = fake.state().log.iter().filter(|l| l.starts_with("alloc")).count();
    assert_eq!(allocs, 3, "one buffer and two temporaries");
    // A view copied onto itself is a no-op.
    let before = fake.state().log.len();
    copy((&buf, &rev), (&buf, &rev), 4).unwrap();
    assert_eq!(fake.state().log.len(), before);
}

#[test]
fn forced_64_bit_indexing_uses_s64_kernels() {
    let _g = lock();
    let (fake, dev) = device();
    launch::set_force_index64(true);
    let buf = upload_u32(&dev, &[0; 8]);
    let r = fill(&buf, &Layout::from_parts(vec![4], vec![2], 0), DType::F32, Scalar::Float(2.0));
    launch::set_force_index64(false);
    r.unwrap();
    assert_eq!(launched(&fake), vec!["fill_u32_s64"]);
    let f2 = 2.0f32.to_bits();
    assert_eq!(download_u32(&buf), vec![f2, 0, f2, 0, f2, 0, f2, 0]);
}

#[test]
fn more_than_eight_dimensions_loop_on_the_host() {
    let _g = lock();
    let (fake, dev) = device();
    // A 10-d array of shape [2; 10], reversed axis order: no two dims merge.
    let shape = vec![2usize; 10];
    let n = 1 << 10;
    let src = upload_u32(&dev, &(0..n as u32).collect::<Vec<_>>());
    let t = Layout::contiguous(&shape).permuted(&(0..10).rev().collect::<Vec<_>>()).unwrap();
    let dst = dev.alloc(n * 4).unwrap();
    copy((&src, &t), (&dst, &Layout::contiguous(&shape)), 4).unwrap();
    let expected: Vec<u32> =
        (0..n as u32).map(|i| (0..10).fold(0, |acc, b| acc | (((i >> b) & 1) << (9 - b)))).collect();
    assert_eq!(download_u32(&dst), expected);
    assert_eq!(launched(&fake).len(), 4, "2 leading dims of 2 → 4 launches of 8 dims");
}

#[test]
fn grid_override_caps_grids() {
    let _g = lock();
    let (fake, dev) = device();
    let buf = dev.alloc(1 << 20).unwrap();
    launch::set_max_grid_override(Some(3));
    let r = fill(&buf, &Layout::contiguous(&[1 << 18]), DType::F32, Scalar::Float(1.0));
    launch::set_max_grid_override(None);
    r.unwrap();
    assert_eq!(fake.state().launches[0].dims.grid, [3, 1, 1]);
    fill(&buf, &Layout::contiguous(&[1 << 18]), DType::F32, Scalar::Float(1.0)).unwrap();
    // 4 SMs × (2048 / 128) blocks = one full wave.
    assert_eq!(fake.state().launches[1].dims.grid, [64, 1, 1]);
}

#[test]
fn elementwise_packs_scalars_and_broadcast_inputs_by_slot() {
    let _g = lock();
    let (fake, dev) = device();
    let out = dev.alloc(6 * 4).unwrap();
    let row = upload_u32(&dev, &[1, 2, 3]);
    let b = Layout::contiguous(&[3]).broadcast_to(&[2, 3]).unwrap();
    let inputs = [EwInput::Scalar(5), EwInput::Array(&row, &b, 4)];
    let o = Layout::contiguous(&[2, 3]);
    launch_elementwise(&dev, "binary", DType::F32, "add_f32", (&out, &o, 4), &inputs).unwrap();
    let l = fake.state().launches[0].clone();
    assert_eq!(l.name, "add_f32_s32");
    let args: launch::EwArgs = bytemuck::pod_read_unaligned(&l.args[0]);
    assert_eq!((args.scalar_mask, args.scalar[0], args.inputs[0]), (1, 5, 0));
    assert_eq!((args.out, args.inputs[1]), (out.device_ptr(), row.device_ptr()));
    let lay: launch::Layout32 = bytemuck::pod_read_unaligned(&l.args[1]);
    assert_eq!((lay.n, lay.ndim, &lay.shape[..2]), (6, 2, &[2, 3][..]));
    assert_eq!(
        (&lay.stride[0][..2], &lay.stride[1][..2], &lay.stride[2][..2]),
        (&[3, 1][..], &[0, 0][..], &[0, 1][..])
    );
    let bad = Layout::contiguous(&[3]);
    let r = launch_elementwise(&dev, "binary", DType::F32, "add_f32", (&out, &o, 4), &[EwInput::Array(&row, &bad, 4)]);
    assert!(matches!(r, Err(Error::ShapeMismatch { .. })));
}

#[test]
fn views_outside_their_buffer_are_refused_before_launch() {
    let _g = lock();
    let (fake, dev) = device();
    let buf = dev.alloc(16).unwrap();
    let too_long = Layout::from_parts(vec![5], vec![1], 0);
    assert!(matches!(fill(&buf, &too_long, DType::F32, Scalar::Float(1.0)), Err(Error::InvalidArgument { .. })));
    let negative = Layout::from_parts(vec![2], vec![-1], 0);
    assert!(matches!(fill(&buf, &negative, DType::F32, Scalar::Float(1.0)), Err(Error::InvalidArgument { .. })));
    assert!(matches!(copy((&buf, &too_long), (&buf, &too_long), 3), Err(Error::InvalidArgument { .. })));
    let (_, other) = device();
    let elsewhere = other.alloc(16).unwrap();
    let c = Layout::contiguous(&[4]);
    assert!(matches!(copy((&buf, &c), (&elsewhere, &c), 4), Err(Error::DeviceMismatch { .. })));
    assert!(launched(&fake).is_empty());
}

fn reduction<'a>(input: &'a CudaBuffer, out: &'a CudaBuffer, shape: (usize, usize, usize)) -> Reduction<'a> {
    Reduction {
        op: "sum",
        dtype: DType::F32,
        input,
        input_offset_bytes: 0,
        outer: shape.0,
        r: shape.1,
        inner: shape.2,
        out,
        out_offset_bytes: 0,
        divisor: 0,
    }
}

#[test]
fn reductions_choose_full_inner_or_outer() {
    let _g = lock();
    let (fake, dev) = device();
    let n = SINGLE_BLOCK_MAX * 4;
    let input = dev.alloc(n * 4).unwrap();
    let out = dev.alloc(64).unwrap();
    launch_reduction(&dev, &Reduction { divisor: n as u64, ..reduction(&input, &out, (1, n, 1)) }).unwrap();
    launch_reduction(&dev, &reduction(&input, &out, (4, n / 4, 1))).unwrap();
    launch_reduction(&dev, &reduction(&input, &out, (2, n / 16, 8))).unwrap();
    launch_reduction(&dev, &reduction(&input, &out, (1, 100, 1))).unwrap();
    launch_reduction(&dev, &reduction(&input, &out, (0, 100, 1))).unwrap();
    let names = launched(&fake);
    assert_eq!(names, vec!["sum_f32_full1", "sum_f32_full2", "sum_f32_inner", "sum_f32_outer", "sum_f32_inner"]);
    let s = fake.state();
    let p1: RedArgs = bytemuck::pod_read_unaligned(&s.launches[0].args[0]);
    let p2: RedArgs = bytemuck::pod_read_unaligned(&s.launches[1].args[0]);
    let grid1 = s.launches[0].dims.grid[0];
    assert!(p1.partials != 0 && p1.partials == p2.partials);
    assert_eq!(p1.divisor, n as u64, "with one block, full1 writes the (divided) result itself");
    assert_eq!((p2.outer, p2.r, p2.inner, p2.divisor), (1, u64::from(grid1), 1, n as u64));
    assert_eq!(s.launches[1].dims.grid, [1, 1, 1]);
    assert_eq!(s.launches[2].dims.grid, [4, 1, 1], "one block per long row");
    assert_eq!(s.launches[4].dims.grid, [1, 1, 1]);
    assert_eq!(s.allocs.len(), 2, "the scratch of the full reduction was freed");
    drop(s);
    let r = launch_reduction(&dev, &reduction(&input, &out, (1, n + 1, 1)));
    assert!(matches!(r, Err(Error::InvalidArgument { .. })));
    let r = launch_reduction(&dev, &Reduction { op: "argmax", ..reduction(&input, &out, (9, 1, 1)) });
    assert!(matches!(r, Err(Error::InvalidArgument { .. })), "9 i64 results do not fit 64 bytes");
}

#[test]
fn a_single_block_full_reduction_skips_the_second_pass() {
    let _g = lock();
    let (fake, dev) = device();
    let n = SINGLE_BLOCK_MAX * 2;
    let input = dev.alloc(n * 4).unwrap();
    let out = dev.alloc(8).unwrap();
    launch::set_max_grid_override(Some(1));
    let r = launch_reduction(&dev, &reduction(&input, &out, (1, n, 1)));
    launch::set_max_grid_override(None);
    r.unwrap();
    assert_eq!(launched(&fake), vec!["sum_f32_full1"]);
}

#[test]
fn dropping_a_device_unloads_modules_and_destroys_its_stream() {
    let _g = lock();
    let (fake, dev) = device();
    let buf = dev.alloc(64).unwrap();
    fill(&buf, &Layout::contiguous(&[16]), DType::F32, Scalar::Float(3.0)).unwrap();
    drop(buf);
    drop(dev);
    let log = fake.state().log.clone();
    let tail: Vec<&str> = log.iter().rev().take(3).rev().map(|s| s.as_str()).collect();
    assert_eq!(tail, vec!["stream_synchronize", "module_unload", "stream_destroy"]);
}

#[test]
fn foreign_buffers_drop_their_owner_after_the_device_is_idle_instead_of_freeing() {
    struct Owner(Arc<Mutex<Vec<&'static str>>>);
    impl Drop for Owner {
        fn drop(&mut self) {
            self.0.lock().unwrap().push("owner dropped");
        }
    }
    let (fake, dev) = device();
    let events = Arc::new(Mutex::new(Vec::new()));
    let mem = dev.alloc(64).unwrap();
    /// Drops the leaked `Owner` behind `ctx`.
    unsafe fn release(ctx: std::ptr::NonNull<std::ffi::c_void>) {
        // SAFETY: `ctx` is the `Box<Owner>` leaked below, released once.
        drop(unsafe { Box::from_raw(ctx.as_ptr().cast::<Owner>()) });
    }
    let ctx = std::ptr::NonNull::from(Box::leak(Box::new(Owner(events.clone())))).cast();
    // SAFETY: `release` frees the leaked box once; `Owner` may drop on any thread.
    let owner = unsafe { ForeignOwner::from_release(ctx, release) };
    // SAFETY: `mem` outlives the foreign view (dropped after it below).
    let view = unsafe { CudaBuffer::foreign(dev.clone(), mem.device_ptr(), 64, owner) };
    fill(&view, &Layout::contiguous(&[16]), DType::U32, Scalar::UInt(0)).unwrap();
    let frees_before = fake.state().log.iter().filter(|l| l.starts_with("free")).count();
    drop(view);
    assert_eq!(*events.lock().unwrap(), vec!["owner dropped"]);
    let s = fake.state();
    assert_eq!(s.log.iter().filter(|l| l.starts_with("free")).count(), frees_before, "foreign memory is not freed");
    assert_eq!(s.log.last().map(String::as_str), Some("device_synchronize"));
}

#[test]
fn a_few_long_rows_are_reduced_one_by_one_with_the_whole_gpu() {
    let _g = lock();
    let (fake, dev) = device();
    let r = 1 << 20;
    let input = dev.alloc(3 * r * 2).unwrap();
    let out = dev.alloc(3 * 8).unwrap();
    let red = Reduction { op: "argmax", dtype: DType::F16, ..reduction(&input, &out, (3, r, 1)) };
    launch_reduction(&dev, &red).unwrap();
    let s = fake.state();
    let names: Vec<&str> = s.launches.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["argmax_f16_full1", "argmax_f16_full2"].repeat(3));
    for (row, pair) in s.launches.chunks(2).enumerate() {
        let a: RedArgs = bytemuck::pod_read_unaligned(&pair[0].args[0]);
        assert_eq!((a.outer, a.r, a.inner), (1, r as u64, 1));
        assert_eq!(a.input, input.device_ptr() + (row * r * 2) as u64);
        assert_eq!(a.out, out.device_ptr() + (row * 8) as u64, "i64 results");
    }
}

#[test]
fn foreign_memory_is_checked_against_the_device_at_both_ends() {
    use crate::cuda::api::{MemoryKind, PointerInfo};
    let (fake, dev) = device();
    let mem = dev.alloc(256).unwrap();
    let at = mem.device_ptr();
    dev.check_foreign_memory(at + 16, 64).unwrap();
    dev.check_foreign_memory(at, 0).unwrap();
    let info = |kind, device, other_context| PointerInfo { kind, device, other_context };
    {
        let mut s = fake.state();
        s.foreign.push((0x1000, 0x100, info(MemoryKind::Host, None, false)));
        s.foreign.push((0x2000, 0x100, info(MemoryKind::Device, Some(1), false)));
        s.foreign.push((0x3000, 0x100, info(MemoryKind::Device, Some(0), true)));
        s.foreign.push((0x4000, 0x100, info(MemoryKind::Managed, Some(1), false)));
    }
    let refused = |ptr: u64, bytes: usize| match dev.check_foreign_memory(ptr, bytes) {
        Err(Error::DLPackMemory { device, address, found }) => {
            assert_eq!(device, crate::Device::Cuda(0));
            (address, found)
        }
        other => panic!("{ptr:#x}: expected DLPackMemory, got {other:?}"),
    };
    assert!(refused(0x1000, 8).1.contains("page-locked host memory"));
    assert!(refused(0x2000, 8).1.contains("device memory of cuda:1"));
    assert!(refused(0x3000, 8).1.contains("another CUDA context"));
    assert!(refused(0x9000, 8).1.contains("not memory the CUDA driver knows"));
    dev.check_foreign_memory(0x4000, 0x100).unwrap(); // managed memory: any device reaches it
                                                      // A range that starts in the allocation but runs past its end: the last byte is refused.
    assert_eq!(
        refused(at + 200, 100),
        (at + 299, "not memory the CUDA driver knows (pageable host memory, or freed memory)".into())
    );
    assert_eq!(refused(u64::MAX - 3, 8).0, u64::MAX - 3, "wrapping ranges are refused");
}
