//! Tests of the emulator below the CUDA backend: the kernel registry, the half conversions the
//! kernels use, deferred streams and events, launch checks, and the fiber runtime (barriers, warp
//! operations, atomics, reported errors) through its own test kernels (`kernels/emu/selftest.cpp`).

use super::device::EmuDevice;
use super::ffi::{half_bits, registry};
use crate::cuda::api::{GpuApi, LaunchDims, StreamId};
use crate::cuda::launch::{EwArgs, LayoutContig};
use crate::cuda::module::FAMILIES;

/// `struct StArgs` of the self-test kernels.
#[repr(C)]
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct StArgs {
    out: u64,
    input: u64,
    mode: u32,
    pad: u32,
}

struct Dev {
    api: EmuDevice,
    stream: StreamId,
}

impl Dev {
    fn new() -> Dev {
        let api = EmuDevice::new(7);
        let stream = api.stream_create().unwrap();
        Dev { api, stream }
    }
    fn alloc(&self, bytes: usize) -> u64 {
        // SAFETY: the stream is live.
        unsafe { self.api.alloc(bytes, self.stream) }.unwrap()
    }
    fn upload<T: bytemuck::Pod>(&self, values: &[T]) -> u64 {
        let bytes: &[u8] = bytemuck::cast_slice(values);
        let ptr = self.alloc(bytes.len());
        // SAFETY: `ptr` holds `bytes.len()` bytes; `values` outlives the synchronisation below.
        unsafe { self.api.copy_htod(ptr, bytes.as_ptr(), bytes.len(), self.stream) }.unwrap();
        self.sync().unwrap();
        ptr
    }
    fn download<T: bytemuck::Pod + Default + Clone>(&self, ptr: u64, n: usize) -> Vec<T> {
        let mut out = vec![T::default(); n];
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut out);
        // SAFETY: `bytes` is writable and not touched until the synchronisation below.
        unsafe { self.api.copy_dtoh(bytes.as_mut_ptr(), ptr, bytes.len(), self.stream) }.unwrap();
        self.sync().unwrap();
        out
    }
    fn sync(&self) -> crate::cuda::api::GpuResult<()> {
        // SAFETY: the stream is live.
        unsafe { self.api.stream_synchronize(self.stream) }
    }
    /// Queues kernel `name` of module `module` with one parameter.
    fn launch(&self, module: &str, name: &str, dims: LaunchDims, param: &[u8]) -> crate::cuda::api::GpuResult<()> {
        let m = self.api.module_load(module.as_bytes())?;
        // SAFETY: `m` is live; the tests pass parameters valid for the kernels, pointing into
        // allocations of this device (or deliberately not, which the emulator refuses).
        unsafe {
            let f = self.api.function(m, name)?;
            self.api.launch(f, dims, self.stream, &[param])
        }
    }
    fn selftest(&self, name: &str, dims: LaunchDims, args: StArgs) -> crate::cuda::api::GpuResult<()> {
        self.launch("emu_selftest/none", name, dims, bytemuck::bytes_of(&args))?;
        self.sync()
    }
}

#[test]
fn every_module_of_every_family_is_compiled_with_its_kernels() {
    let reg = registry();
    for fam in FAMILIES {
        for tag in fam.tags() {
            let module = reg.get(&(fam.name.to_string(), tag.tag().to_string()));
            let kernels = module.unwrap_or_else(|| panic!("module {}/{} missing", fam.name, tag.tag()));
            assert!(!kernels.is_empty(), "{}/{} has kernels", fam.name, tag.tag());
            assert!(kernels.keys().all(|k| k.contains(tag.tag())), "{}/{}: {kernels:?}", fam.name, tag.tag());
        }
    }
    let f32_binary = &reg[&("binary".to_string(), "f32".to_string())];
    assert_eq!(f32_binary.len(), 23 * 3, "23 binary ops for f32 (nextafter included), 3 paths each");
    let add = &f32_binary["add_f32_vec"];
    assert_eq!((add.max_threads, add.param_sizes.clone()), (128, vec![64, 8]));
    assert_eq!(reg[&("reduce".to_string(), "i8".to_string())]["sum_i8_full1"].param_sizes, vec![56]);
}

/// f64 → f16 rounded once: round to odd into f32 (enough bits to spare), then to nearest even.
/// (`half::f16::from_f64` may round twice, through f32.)
fn f64_to_f16_once(d: f64) -> u16 {
    let r = d as f32;
    let odd = if r.is_finite() && f64::from(r) != d && r.to_bits() & 1 == 0 {
        f32::from_bits(if f64::from(r).abs() < d.abs() { r.to_bits() + 1 } else { r.to_bits() - 1 })
    } else {
        r
    };
    half::f16::from_f32(odd).to_bits()
}

#[test]
fn half_conversions_match_the_half_crate() {
    for h in 0..=u16::MAX {
        let (ours, theirs) = (half_bits::h2f(h), half::f16::from_bits(h).to_f32());
        assert!(ours.to_bits() == theirs.to_bits() || (ours.is_nan() && theirs.is_nan()), "f16 {h:#06x}");
        let (ours, theirs) = (half_bits::b2f(h), half::bf16::from_bits(h).to_f32());
        assert!(ours.to_bits() == theirs.to_bits() || (ours.is_nan() && theirs.is_nan()), "bf16 {h:#06x}");
    }
    let same = |a: u16, b: u16, nan: bool| a == b || (nan && (a & 0x7fff) > 0x7c00 && (b & 0x7fff) > 0x7c00);
    let mut x = 0x0123_4567u32;
    for i in 0..400_000u32 {
        // Every exponent (i >> 8 walks them) with pseudo-random mantissas, and the halfway cases.
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let bits = if i % 2 == 0 { x } else { (x & 0xffff_e000) | 0x1000 };
        let f = f32::from_bits(bits);
        assert!(same(half_bits::f2h(f), half::f16::from_f32(f).to_bits(), f.is_nan()), "f32 {bits:#x} -> f16");
        let (ours, theirs) = (half_bits::f2b(f), half::bf16::from_f32(f).to_bits());
        assert!(ours == theirs || (f.is_nan() && (ours & 0x7fff) > 0x7f80), "f32 {bits:#x} -> bf16");
        let d = f64::from(f) * (1.0 + f64::from(x >> 8) * 2f64.powi(-45));
        assert!(same(half_bits::d2h(d), f64_to_f16_once(d), d.is_nan()), "f64 {d:e} -> f16");
    }
}

#[test]
fn copies_are_deferred_until_the_host_waits() {
    let dev = Dev::new();
    let buf = dev.upload(&[1u32, 2, 3, 4]);
    let mut host = [0u32; 4];
    // SAFETY: `host` is not read before the synchronisation below... except deliberately, to see
    // that the copy has not run yet (reading our own array is harmless).
    unsafe { dev.api.copy_dtoh(host.as_mut_ptr().cast(), buf, 16, dev.stream) }.unwrap();
    assert_eq!(std::hint::black_box(host), [0; 4], "nothing ran before the wait");
    // An event on a second stream orders work after the first stream's.
    let other = dev.api.stream_create().unwrap();
    let event = dev.api.event_create().unwrap();
    // SAFETY: all handles are live; `buf` holds 16 bytes.
    unsafe {
        dev.api.event_record(event, dev.stream).unwrap();
        dev.api.stream_wait_event(other, event).unwrap();
        dev.api.memset_u8(buf, 0, 16, other).unwrap();
        dev.api.stream_synchronize(other).unwrap();
    }
    assert_eq!(host, [1, 2, 3, 4], "waiting on `other` first ran the copy `other` waits for");
    assert_eq!(dev.download::<u32>(buf, 4), vec![0; 4]);
    // SAFETY: live handles, destroyed once.
    unsafe {
        dev.api.event_destroy(event).unwrap();
        dev.api.stream_destroy(other).unwrap();
    }
}

#[test]
fn timing_events_stamp_when_the_stream_runs_the_record() {
    use crate::cuda::api::GpuErrorKind;
    let dev = Dev::new();
    let buf = dev.alloc(1 << 16);
    let (start, end) = (dev.api.event_create_with(true).unwrap(), dev.api.event_create_with(true).unwrap());
    let ordering = dev.api.event_create().unwrap();
    // SAFETY: all handles are live; `buf` holds 64 KiB.
    unsafe {
        let err = dev.api.event_elapsed_ms(start, end).unwrap_err();
        assert_eq!(err.kind, GpuErrorKind::InvalidUsage, "never recorded: {err}");
        dev.api.event_record(start, dev.stream).unwrap();
        dev.api.memset_u8(buf, 7, 1 << 16, dev.stream).unwrap();
        dev.api.event_record(end, dev.stream).unwrap();
        dev.api.event_record(ordering, dev.stream).unwrap();
        let err = dev.api.event_elapsed_ms(start, end).unwrap_err();
        assert_eq!(err.kind, GpuErrorKind::Other, "not run yet: {err}");
        assert!(err.message.contains("NOT_READY"), "{err}");
        dev.api.event_synchronize(end).unwrap();
        let ms = dev.api.event_elapsed_ms(start, end).unwrap();
        assert!((0.0..10_000.0).contains(&ms), "{ms} ms");
        assert!(dev.api.event_elapsed_ms(end, start).unwrap() <= 0.0, "reversed: negative or zero");
        let err = dev.api.event_elapsed_ms(start, ordering).unwrap_err();
        assert_eq!(err.kind, GpuErrorKind::InvalidUsage, "no timing: {err}");
        // Re-recording clears the stamp until the stream reaches the new record.
        dev.api.event_record(end, dev.stream).unwrap();
        assert_eq!(dev.api.event_elapsed_ms(start, end).unwrap_err().kind, GpuErrorKind::Other);
        dev.sync().unwrap();
        assert!(dev.api.event_elapsed_ms(start, end).unwrap() >= ms);
        for e in [start, end, ordering] {
            dev.api.event_destroy(e).unwrap();
        }
    }
}

fn copy_u32(dev: &Dev, out: u64, input: u64, n: u64) -> crate::cuda::api::GpuResult<()> {
    let args = EwArgs { out, inputs: [input, 0, 0], ..EwArgs::default() };
    let m = dev.api.module_load(b"copy/u32")?;
    // SAFETY: the module is live; bad pointers are the point of the callers, and are refused.
    unsafe {
        let f = dev.api.function(m, "copy_u32_vec")?;
        let layout = LayoutContig { n };
        dev.api.launch(
            f,
            LaunchDims::linear(1, 128),
            dev.stream,
            &[bytemuck::bytes_of(&args), bytemuck::bytes_of(&layout)],
        )?;
    }
    dev.sync()
}

#[test]
fn launches_outside_live_memory_are_refused_before_running() {
    let dev = Dev::new();
    let src = dev.upload(&(0..100u32).collect::<Vec<_>>());
    let dst = dev.alloc(400);
    copy_u32(&dev, dst, src, 100).unwrap();
    assert_eq!(dev.download::<u32>(dst, 100), (0..100).collect::<Vec<_>>());
    let err = copy_u32(&dev, dst, src, 101).unwrap_err().to_string();
    assert!(err.contains("copy_u32_vec") && err.contains("past the end"), "{err}");
    let err = copy_u32(&dev, dst + 4, src, 4).unwrap_err().to_string();
    assert!(err.contains("aligned"), "{err}");
    // SAFETY: `src` is a live allocation, freed once.
    unsafe { dev.api.free(src, dev.stream) }.unwrap();
    let err = copy_u32(&dev, dst, src, 4).unwrap_err().to_string();
    assert!(err.contains("use after free"), "{err}");
    // SAFETY: as above (a double free is refused).
    assert!(unsafe { dev.api.free(src, dev.stream) }.is_err());
    assert!(dev.sync().is_ok(), "errors are reported once");
    let bad_params = dev.launch("copy/u32", "copy_u32_vec", LaunchDims::linear(1, 128), &[0u8; 8]);
    assert!(bad_params.unwrap_err().message.contains("parameters"));
    assert!(dev.api.module_load(b"copy/f32").is_err(), "copy has no f32 module");
}

#[test]
fn barriers_make_shared_memory_reductions_correct_and_their_absence_is_seen() {
    let dev = Dev::new();
    let input: Vec<i32> = (0..4 * 256).map(|i| (i * 7919) % 1000 - 500).collect();
    let expected: Vec<i32> = input.chunks(256).map(|c| c.iter().sum()).collect();
    let (inp, out) = (dev.upload(&input), dev.alloc(16));
    let args = StArgs { out, input: inp, mode: 0, pad: 0 };
    dev.selftest("st_block_sum", LaunchDims::linear(4, 256), args).unwrap();
    assert_eq!(dev.download::<i32>(out, 4), expected);
    let racy = (0..8).any(|_| {
        dev.selftest("st_block_sum", LaunchDims::linear(4, 256), StArgs { mode: 1, ..args }).unwrap();
        dev.download::<i32>(out, 4) != expected
    });
    assert!(racy, "without the barrier, thread 0 reads before the others write");
}

#[test]
fn warp_shuffles_and_votes_follow_cuda() {
    let dev = Dev::new();
    let out = dev.alloc(64 * 8 * 4);
    dev.selftest("st_warp_ops", LaunchDims::linear(1, 64), StArgs { out, input: 0, mode: 0, pad: 0 }).unwrap();
    let r = dev.download::<i32>(out, 64 * 8);
    for t in 0..64i32 {
        let (lane, warp0, o) = (t % 32, t - t % 32, &r[8 * t as usize..8 * t as usize + 8]);
        let expect = [
            100 * (warp0 + 3),
            100 * if lane >= 1 { t - 1 } else { t },
            100 * if lane + 2 < 32 { t + 2 } else { t },
            100 * (warp0 + (lane ^ 5)),
            0xaaaa_aaaau32 as i32,
            1,
            1,
            100 * (warp0 + (lane ^ 1)),
        ];
        assert_eq!(o, expect, "thread {t}");
    }
}

#[test]
fn atomics_and_three_dimensional_launches() {
    let dev = Dev::new();
    let out = dev.upload(&[0u32; 3]);
    let dims = LaunchDims::linear(5, 96);
    dev.selftest("st_atomics", dims, StArgs { out, input: 0, mode: 0, pad: 0 }).unwrap();
    assert_eq!(dev.download::<u32>(out, 3), vec![480, 479, 480]);
    let dims = LaunchDims { grid: [2, 1, 3], block: [4, 3, 2], shared_bytes: 0 };
    let total = 6 * 24;
    let out = dev.alloc((total + 1) * 4);
    dev.selftest("st_dims", dims, StArgs { out, input: 0, mode: 0, pad: 0 }).unwrap();
    let r = dev.download::<i32>(out, total + 1);
    assert_eq!(r[total], 4 * 100 + 3);
    // threadIdx (1, 2, 1) of a (4, 3, 2) block; blockIdx (1, 0, 2) of a (2, 1, 3) grid.
    let (t, b): (usize, usize) = (1 + 4 * (2 + 3), 1 + 2 * 2);
    assert_eq!(r[b * 24 + t], 1 | 2 << 4 | 1 << 8 | 1 << 12 | 2 << 20);
}

#[test]
fn misuse_of_barriers_and_warps_is_reported() {
    let dev = Dev::new();
    let expect = [(0, "exited"), (1, "exited"), (2, "__trap"), (3, "mask"), (4, "deadlock")];
    for (mode, what) in expect {
        let err = dev.selftest("st_errors", LaunchDims::linear(2, 64), StArgs { out: 0, input: 0, mode, pad: 0 });
        let msg = err.expect_err("an error").to_string();
        assert!(msg.contains(what) && msg.contains("st_errors"), "mode {mode}: {msg}");
    }
    let too_big = dev.launch("emu_selftest/none", "st_errors", LaunchDims::linear(1, 2048), &[0u8; 24]);
    assert!(too_big.is_err(), "more threads than the kernel allows");
}
