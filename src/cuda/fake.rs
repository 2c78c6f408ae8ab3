//! A fake GPU for unit tests: a [`GpuApi`] that emulates device memory in host vectors, runs
//! the `copy_*`/`fill_*` kernels by decoding their ABI arguments, and records every other launch.
//! It checks what the real driver cannot check for us: every device access stays inside one
//! live allocation, `_vec` pointers are 16-byte aligned, frees match allocations.

use super::api::{
    DevPtr, DeviceProps, EventId, ForeignStreamId, FunctionId, Gemm, GpuApi, GpuError, GpuErrorKind, GpuResult,
    LaunchDims, MemoryKind, ModuleId, PointerInfo, StreamId,
};
use super::launch::{decode_layout, offset_ptr, EwArgs, IndexPath};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

/// One recorded launch.
#[derive(Clone, Debug)]
pub(crate) struct Launch {
    pub(crate) name: String,
    pub(crate) dims: LaunchDims,
    pub(crate) args: Vec<Vec<u8>>,
}

/// Everything the fake device did, for assertions.
#[derive(Default)]
pub(crate) struct State {
    next_addr: u64,
    next_handle: u64,
    /// Live allocations by base address.
    pub(crate) allocs: BTreeMap<u64, Vec<u8>>,
    functions: HashMap<u64, String>,
    /// Launches in order.
    pub(crate) launches: Vec<Launch>,
    /// `cublasGemmStridedBatchedEx` calls in order, with their streams (each also logged as
    /// `"gemm on 2"`); the fake computes nothing.
    pub(crate) gemms: Vec<(Gemm, StreamId)>,
    /// Other calls in order (`"alloc 64 on 2"`, `"memset"`, `"dtod"`, `"event_record 5 on 7"`,
    /// `"wait 2 for 5"`, `"free 0x7f0000000000 on 2"`, ...: numbers are handles, addresses hex).
    pub(crate) log: Vec<String>,
    /// Allocations larger than this fail with out-of-memory.
    pub(crate) alloc_limit: Option<usize>,
    /// Memory the fake did not allocate, as `pointer_info` reports it: `(start, bytes, info)`.
    pub(crate) foreign: Vec<(u64, usize, PointerInfo)>,
    /// Calls that fail (`"event_create"`, `"device_synchronize"`), as after a sticky error.
    pub(crate) failing: Vec<&'static str>,
    /// Live events.
    events: HashMap<u64, FakeEvent>,
    /// The pool's figures `pool_stats` reports and `pool_trim` trims; `None` (the default):
    /// the fake answers the pool calls with `Unsupported`, as a driver that cannot report them.
    pub(crate) pool: Option<super::api::PoolStats>,
    /// The fake device clock in ms: every event record reads it, then advances it by 1.5 ms.
    clock_ms: f32,
}

/// An event of the fake device.
#[derive(Clone, Copy, Debug)]
struct FakeEvent {
    timing: bool,
    /// The fake clock at the last record (`None`: never recorded).
    recorded_at_ms: Option<f32>,
}

/// How far the fake clock advances at each event record.
pub(crate) const FAKE_MS_PER_RECORD: f32 = 1.5;

/// The fake device.
pub(crate) struct FakeGpu {
    ordinal: usize,
    props: DeviceProps,
    state: Mutex<State>,
}

impl FakeGpu {
    /// A fake `cuda:0` with `sms` multiprocessors.
    pub(crate) fn new(sms: u32) -> Arc<FakeGpu> {
        FakeGpu::with_ordinal(sms, 0)
    }

    /// A fake `cuda:{ordinal}` with `sms` multiprocessors (for tests of several devices).
    pub(crate) fn with_ordinal(sms: u32, ordinal: usize) -> Arc<FakeGpu> {
        let props = DeviceProps {
            name: "fake GPU".into(),
            compute_capability: (9, 0),
            total_memory: 1 << 30,
            multiprocessors: sms,
            max_threads_per_multiprocessor: 2048,
            max_grid_x: i32::MAX as u32,
            memory_pools: true,
        };
        let state = State { next_addr: 0x7f00_0000_0000, next_handle: 1, ..State::default() };
        Arc::new(FakeGpu { ordinal, props, state: Mutex::new(state) })
    }

    /// A fake `cuda:0` whose device has no stream-ordered memory pools (`cuMemAlloc` only).
    pub(crate) fn without_pools() -> Arc<FakeGpu> {
        let fake = FakeGpu::new(4);
        let mut props = fake.props.clone();
        props.memory_pools = false;
        let state = std::mem::take(&mut *fake.state());
        Arc::new(FakeGpu { ordinal: 0, props, state: Mutex::new(state) })
    }

    /// The recorded state.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fake `cuda:0` with 4 multiprocessors, opened as a device: where the fake-GPU tests start.
pub(crate) fn fake_device() -> (Arc<FakeGpu>, Arc<super::context::CudaDevice>) {
    let fake = FakeGpu::new(4);
    let dev = Arc::new(super::context::CudaDevice::with_api(fake.clone()).expect("fake device opens"));
    (fake, dev)
}

/// The fake's log entries from `from` on.
pub(crate) fn log_since(fake: &FakeGpu, from: usize) -> Vec<String> {
    fake.state().log[from..].to_vec()
}

impl State {
    fn handle(&mut self) -> u64 {
        self.next_handle += 1;
        self.next_handle
    }

    /// An error when the test made `name` fail.
    fn fails(&self, name: &str, call: &'static str) -> GpuResult<()> {
        match self.failing.contains(&name) {
            true => Err(GpuError::new(call, GpuErrorKind::Other, "CUDA_ERROR_LAUNCH_FAILED (made to fail)")),
            false => Ok(()),
        }
    }

    /// The allocation holding `[addr, addr + len)`, and the offset of `addr` in it.
    fn locate(&mut self, addr: u64, len: usize) -> (&mut Vec<u8>, usize) {
        let (&base, mem) =
            self.allocs.range_mut(..=addr).next_back().unwrap_or_else(|| panic!("{addr:#x}: no allocation"));
        let off = (addr - base) as usize;
        assert!(off + len <= mem.len(), "access {addr:#x}+{len} outside allocation {base:#x}+{}", mem.len());
        (mem, off)
    }

    fn read(&mut self, addr: u64, len: usize) -> Vec<u8> {
        let (mem, off) = self.locate(addr, len);
        mem[off..off + len].to_vec()
    }

    fn write(&mut self, addr: u64, data: &[u8]) {
        let (mem, off) = self.locate(addr, data.len());
        mem[off..off + data.len()].copy_from_slice(data);
    }

    /// Runs `copy_uN_*` / `fill_uN_*` like the CUDA kernels would.
    fn run_elementwise(&mut self, name: &str, args: &[Vec<u8>]) {
        let parts: Vec<&str> = name.split('_').collect();
        let [op, tag, _] = parts[..] else { return };
        if op != "copy" && op != "fill" {
            return;
        }
        let isz = tag[1..].parse::<usize>().expect("u8..u64") / 8;
        let ew: EwArgs = bytemuck::pod_read_unaligned(&args[0]);
        let path = IndexPath::of_kernel(name).expect("a path suffix");
        let (n, shape, strides) = decode_layout(path, &args[1]).expect("a well-formed layout");
        if path == IndexPath::Vec {
            assert!(ew.out % 16 == 0 && (op == "fill" || ew.inputs[0] % 16 == 0), "misaligned _vec launch");
        }
        for i in 0..n {
            let offsets = element_offsets(i, &shape, &strides);
            let value = if op == "copy" {
                self.read(offset_ptr(ew.inputs[0], offsets[1], isz), isz)
            } else {
                ew.scalar[0].to_le_bytes()[..isz].to_vec()
            };
            self.write(offset_ptr(ew.out, offsets[0], isz), &value);
        }
    }
}

/// Element offsets of linear index `i` (row-major over `shape`) for each operand slot.
fn element_offsets(mut i: usize, shape: &[usize], strides: &[Vec<isize>]) -> Vec<isize> {
    let mut offs = vec![0isize; strides.len()];
    for d in (0..shape.len()).rev() {
        let idx = (i % shape[d]) as isize;
        i /= shape[d];
        for (o, s) in offs.iter_mut().zip(strides) {
            *o += idx * s[d];
        }
    }
    offs
}

fn misuse(call: &'static str, msg: &str) -> GpuError {
    GpuError::new(call, GpuErrorKind::InvalidUsage, msg)
}

impl GpuApi for FakeGpu {
    fn ordinal(&self) -> usize {
        self.ordinal
    }
    fn props(&self) -> &DeviceProps {
        &self.props
    }
    fn wants_device_code(&self) -> bool {
        false
    }
    fn stream_create(&self) -> GpuResult<StreamId> {
        let mut s = self.state();
        s.log.push("stream_create".into());
        Ok(StreamId(s.handle()))
    }
    unsafe fn stream_destroy(&self, _: StreamId) -> GpuResult<()> {
        self.state().log.push("stream_destroy".into());
        Ok(())
    }
    unsafe fn stream_synchronize(&self, _: StreamId) -> GpuResult<()> {
        self.state().log.push("stream_synchronize".into());
        Ok(())
    }
    fn device_synchronize(&self) -> GpuResult<()> {
        let mut s = self.state();
        s.log.push("device_synchronize".into());
        s.fails("device_synchronize", "cuCtxSynchronize")
    }
    unsafe fn stream_wait_event_foreign(&self, stream: ForeignStreamId, event: EventId) -> GpuResult<()> {
        let mut s = self.state();
        if !s.events.contains_key(&event.0) {
            return Err(misuse("cuStreamWaitEvent", "unknown event"));
        }
        s.log.push(format!("wait_foreign {:#x} for {}", stream.0, event.0));
        Ok(())
    }
    fn event_create_with(&self, timing: bool) -> GpuResult<EventId> {
        let mut s = self.state();
        s.fails("event_create", "cuEventCreate")?;
        let id = s.handle();
        s.events.insert(id, FakeEvent { timing, recorded_at_ms: None });
        s.log.push(format!("event_create {id}"));
        Ok(EventId(id))
    }
    unsafe fn event_record(&self, event: EventId, stream: StreamId) -> GpuResult<()> {
        let mut s = self.state();
        s.log.push(format!("event_record {} on {}", event.0, stream.0));
        let now = s.clock_ms;
        s.clock_ms += FAKE_MS_PER_RECORD;
        let e = s.events.get_mut(&event.0).ok_or_else(|| misuse("cuEventRecord", "unknown event"))?;
        e.recorded_at_ms = Some(now);
        Ok(())
    }
    unsafe fn event_elapsed_ms(&self, start: EventId, end: EventId) -> GpuResult<f32> {
        let s = self.state();
        let at = |e: EventId| match s.events.get(&e.0) {
            Some(FakeEvent { timing: true, recorded_at_ms: Some(t) }) => Ok(*t),
            Some(_) => Err(misuse("cuEventElapsedTime", "event without timing, or never recorded")),
            None => Err(misuse("cuEventElapsedTime", "unknown event")),
        };
        Ok(at(end)? - at(start)?)
    }
    unsafe fn stream_wait_event(&self, stream: StreamId, event: EventId) -> GpuResult<()> {
        let mut s = self.state();
        if !s.events.contains_key(&event.0) {
            return Err(misuse("cuStreamWaitEvent", "unknown event"));
        }
        s.log.push(format!("wait {} for {}", stream.0, event.0));
        Ok(())
    }
    unsafe fn event_synchronize(&self, _: EventId) -> GpuResult<()> {
        self.state().log.push("event_synchronize".into());
        Ok(())
    }
    unsafe fn event_destroy(&self, event: EventId) -> GpuResult<()> {
        let mut s = self.state();
        s.events.remove(&event.0).ok_or_else(|| misuse("cuEventDestroy", "unknown event"))?;
        s.log.push(format!("event_destroy {}", event.0));
        Ok(())
    }
    fn pointer_info(&self, ptr: DevPtr) -> GpuResult<PointerInfo> {
        let s = self.state();
        if let Some(&(_, _, info)) = s.foreign.iter().find(|&&(at, len, _)| ptr >= at && ptr - at < len as u64) {
            return Ok(info);
        }
        let ours = s.allocs.range(..=ptr).next_back().is_some_and(|(&base, mem)| ptr - base < mem.len() as u64);
        Ok(match ours {
            true => PointerInfo { kind: MemoryKind::Device, device: Some(0), other_context: false },
            false => PointerInfo { kind: MemoryKind::Unknown, device: None, other_context: false },
        })
    }
    unsafe fn alloc(&self, bytes: usize, stream: StreamId) -> GpuResult<DevPtr> {
        let mut s = self.state();
        if s.alloc_limit.is_some_and(|l| bytes > l) {
            return Err(GpuError::new("cuMemAllocFromPoolAsync", GpuErrorKind::OutOfMemory, "out of memory"));
        }
        // A host allocation the system refuses is the device's out-of-memory, as the driver's.
        let mut mem = Vec::new();
        if mem.try_reserve_exact(bytes).is_err() {
            return Err(GpuError::new("cuMemAllocFromPoolAsync", GpuErrorKind::OutOfMemory, "out of memory"));
        }
        mem.resize(bytes, 0xAB);
        let addr = s.next_addr;
        s.next_addr += (bytes as u64).next_multiple_of(256) + 256;
        s.allocs.insert(addr, mem);
        s.log.push(format!("alloc {bytes} on {}", stream.0));
        Ok(addr)
    }
    unsafe fn free(&self, ptr: DevPtr, stream: StreamId) -> GpuResult<()> {
        let mut s = self.state();
        s.allocs.remove(&ptr).ok_or_else(|| misuse("cuMemFreeAsync", "not an allocation"))?;
        s.log.push(format!("free {ptr:#x} on {}", stream.0));
        Ok(())
    }
    fn pool_stats(&self) -> GpuResult<super::api::PoolStats> {
        let mut s = self.state();
        s.log.push("pool_stats".into());
        s.fails("pool_stats", "cuMemPoolGetAttribute")?;
        s.pool.ok_or_else(|| GpuError::new("cuMemPoolGetAttribute", GpuErrorKind::Unsupported, "no statistics"))
    }
    fn pool_trim(&self, keep_bytes: u64) -> GpuResult<()> {
        let mut s = self.state();
        s.log.push(format!("pool_trim {keep_bytes}"));
        let pool =
            s.pool.as_mut().ok_or_else(|| GpuError::new("cuMemPoolTrimTo", GpuErrorKind::Unsupported, "no pool"))?;
        if pool.reserved > keep_bytes {
            pool.reserved = pool.used.max(keep_bytes);
        }
        Ok(())
    }
    unsafe fn copy_htod(&self, dst: DevPtr, src: *const u8, bytes: usize, _: StreamId) -> GpuResult<()> {
        // SAFETY: the caller guarantees `src..src+bytes` is readable.
        let data = unsafe { std::slice::from_raw_parts(src, bytes) }.to_vec();
        let mut s = self.state();
        s.write(dst, &data);
        s.log.push("htod".into());
        Ok(())
    }
    unsafe fn copy_dtoh(&self, dst: *mut u8, src: DevPtr, bytes: usize, _: StreamId) -> GpuResult<()> {
        let mut s = self.state();
        let data = s.read(src, bytes);
        // SAFETY: the caller guarantees `dst..dst+bytes` is writable and unaliased.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), dst, bytes) };
        s.log.push("dtoh".into());
        Ok(())
    }
    unsafe fn copy_dtod(&self, dst: DevPtr, src: DevPtr, bytes: usize, _: StreamId) -> GpuResult<()> {
        let mut s = self.state();
        assert!(dst + bytes as u64 <= src || src + bytes as u64 <= dst, "overlapping dtod copy");
        let data = s.read(src, bytes);
        s.write(dst, &data);
        s.log.push("dtod".into());
        Ok(())
    }
    unsafe fn memset_u8(&self, dst: DevPtr, value: u8, bytes: usize, _: StreamId) -> GpuResult<()> {
        let mut s = self.state();
        s.write(dst, &vec![value; bytes]);
        s.log.push("memset".into());
        Ok(())
    }
    fn module_load(&self, image: &[u8]) -> GpuResult<ModuleId> {
        assert!(std::str::from_utf8(image).is_ok_and(|n| n.contains('/')), "the fake gets a module name, no code");
        let mut s = self.state();
        s.log.push("module_load".into());
        Ok(ModuleId(s.handle()))
    }
    unsafe fn module_unload(&self, _: ModuleId) -> GpuResult<()> {
        self.state().log.push("module_unload".into());
        Ok(())
    }
    unsafe fn function(&self, _: ModuleId, name: &str) -> GpuResult<FunctionId> {
        let mut s = self.state();
        let h = s.handle();
        s.functions.insert(h, name.to_string());
        Ok(FunctionId(h))
    }
    unsafe fn launch(&self, f: FunctionId, dims: LaunchDims, _: StreamId, args: &[&[u8]]) -> GpuResult<()> {
        let mut s = self.state();
        let name = s.functions.get(&f.0).cloned().ok_or_else(|| misuse("cuLaunchKernel", "unknown function"))?;
        let args: Vec<Vec<u8>> = args.iter().map(|a| a.to_vec()).collect();
        s.run_elementwise(&name, &args);
        s.launches.push(Launch { name, dims, args });
        Ok(())
    }
    unsafe fn gemm_strided_batched(&self, gemm: &Gemm, stream: StreamId) -> GpuResult<()> {
        let mut s = self.state();
        s.fails("gemm", "cublasGemmStridedBatchedEx")?;
        if s.failing.contains(&"cublas") {
            // As the driver reports a libcublas it could not load.
            return Err(GpuError::new(
                "cuBLAS",
                GpuErrorKind::LibraryMissing,
                "libcublas could not be loaded (made to fail)",
            ));
        }
        s.log.push(format!("gemm on {}", stream.0));
        s.gemms.push((*gemm, stream));
        Ok(())
    }
}

#[cfg(test)]
#[path = "fake_tests.rs"]
mod tests;
