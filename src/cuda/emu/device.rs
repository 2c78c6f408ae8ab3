//! The emulated device: [`GpuApi`] over host memory ([`Memory`]), deferred stream queues
//! ([`Queues`]) and the host-compiled kernels ([`ffi`]).
//!
//! Calls that only queue work (copies, memsets, frees, launches) check what they can at once
//! (handles, parameter sizes, launch shape) and return; the work runs when the host waits for it.
//! Failures found while running (a launch whose pointers leave the live allocations, a kernel
//! error, guard bytes overwritten) are printed, kept on the stream and returned by the next
//! synchronisation that covers it, like a CUDA error from asynchronous work.

use super::blas;
use super::checks;
use super::ffi::{self, Kernel};
use super::fft::{self, FftOp};
use super::memory::Memory;
use super::queue::{HostPtr, LaunchOp, Next, Op, Queues};
use super::solver::{self, SolverOp};
use crate::cuda::api::{
    Dense, DenseScratch, DevPtr, DeviceMemory, DeviceProps, EventId, FftDesc, FftPlanId, ForeignStreamId, FunctionId,
    Gemm, GpuApi, GpuError, GpuErrorKind, GpuResult, LaunchDims, MemoryKind, ModuleId, PointerInfo, PoolStats,
    StreamId,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// A stream this long is run even if nobody waits for it (a GPU runs work without being asked).
const FLUSH_AT: usize = 256;
/// Largest total of live allocations: "device memory".
const MEMORY_LIMIT: usize = 1 << 40;

/// The name every emulated device reports.
pub(crate) const DEVICE_NAME: &str = "devarray CUDA emulator (CPU)";

/// What [`EmuDevice`] reports as its properties: small, so grids stay small.
pub(crate) fn props() -> DeviceProps {
    DeviceProps {
        name: DEVICE_NAME.into(),
        compute_capability: (9, 0),
        total_memory: MEMORY_LIMIT,
        multiprocessors: 2,
        max_threads_per_multiprocessor: 1024,
        max_grid_x: i32::MAX as u32,
        memory_pools: true,
    }
}

/// An emulated event.
#[derive(Clone, Copy, Debug, Default)]
struct EmuEvent {
    /// Where the last record put it: `(stream, position)`; `None` until recorded.
    at: Option<(u64, u64)>,
    /// Whether records take a timestamp (an event created with timing).
    timing: bool,
    /// Records so far: a timestamp queued by an earlier record does not overwrite a later one.
    records: u64,
    /// The host clock when the stream ran the last record (timing events only).
    stamp: Option<Instant>,
}

#[derive(Default)]
struct State {
    next_handle: u64,
    queues: Queues,
    events: HashMap<u64, EmuEvent>,
    modules: HashMap<u64, (String, String)>,
    functions: HashMap<u64, &'static Kernel>,
    /// Frees queued but not run yet (a second free of the same pointer is refused at once).
    freeing: HashSet<u64>,
    /// Live cuFFT plans and what each was made for.
    fft_plans: HashMap<u64, FftDesc>,
}

/// One emulated CUDA device.
pub(crate) struct EmuDevice {
    props: DeviceProps,
    state: Mutex<State>,
    memory: Mutex<Memory>,
    /// Held while work runs: one operation at a time, in queue order.
    exec: Mutex<()>,
    seed: u64,
}

fn misuse(call: &'static str, msg: impl Into<String>) -> GpuError {
    GpuError::new(call, GpuErrorKind::InvalidUsage, msg)
}

fn async_error(call: &'static str, msg: String) -> GpuError {
    GpuError::new(call, GpuErrorKind::Other, format!("emulated asynchronous work failed: {msg}"))
}

impl EmuDevice {
    /// A fresh device; `seed` varies the order threads run in between barriers.
    pub(crate) fn new(seed: u64) -> EmuDevice {
        let state = State { next_handle: 0x1000, ..State::default() };
        EmuDevice {
            props: props(),
            state: Mutex::new(state),
            memory: Mutex::new(Memory::new(MEMORY_LIMIT)),
            exec: Mutex::new(()),
            seed,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn memory(&self) -> MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn handle(st: &mut State) -> u64 {
        st.next_handle += 1;
        st.next_handle
    }

    /// Queues `op` on `stream`; runs the stream when its queue has grown long.
    fn enqueue(&self, call: &'static str, stream: StreamId, op: Op) -> GpuResult<()> {
        let len = self.state().queues.push(stream.0, op).ok_or_else(|| misuse(call, "unknown stream"))?;
        if len >= FLUSH_AT {
            self.run_until(stream.0, u64::MAX);
        }
        Ok(())
    }

    /// Runs queued work until `stream` has run `until` operations (and what it waits on).
    fn run_until(&self, stream: u64, until: u64) {
        let _running = self.exec.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let next = self.state().queues.next(stream, until);
            let Next::Run(id, op) = next else { return };
            let result = self.execute(op);
            if let Err(e) = &result {
                eprintln!("devarray CUDA emulator: {e}");
            }
            self.state().queues.finish(id, result);
        }
    }

    /// Runs `stream` to its current end and returns its pending error.
    fn sync_stream(&self, call: &'static str, stream: u64) -> GpuResult<()> {
        self.run_until(stream, u64::MAX);
        match self.state().queues.take_error(stream) {
            Some(e) => Err(async_error(call, e)),
            None => Ok(()),
        }
    }

    /// Checks that `[addr, addr + bytes)` lies in one live allocation.
    fn check(&self, what: &str, addr: u64, bytes: usize) -> Result<(), String> {
        self.memory().check(addr, bytes as u64).map(drop).map_err(|e| format!("{what}: {e}"))
    }

    fn execute(&self, op: Op) -> Result<(), String> {
        match op {
            Op::Launch(l) => self.execute_launch(&l),
            Op::Gemm(g) => self.execute_gemm(&g),
            Op::Solver(s) => self.execute_solver(&s),
            Op::Fft(f) => self.execute_fft(&f),
            Op::HtoD { dst, src, bytes } => {
                self.check("copy to device", dst, bytes)?;
                // SAFETY: the destination lies in a live allocation (checked; frees only run on
                // this thread, under `exec`); the source is valid host memory by
                // `copy_htod`'s contract.
                unsafe { std::ptr::copy_nonoverlapping(src.0, dst as *mut u8, bytes) };
                Ok(())
            }
            Op::DtoH { dst, src, bytes } => {
                self.check("copy to host", src, bytes)?;
                // SAFETY: as above, with the roles of host and device exchanged.
                unsafe { std::ptr::copy_nonoverlapping(src as *const u8, dst.0, bytes) };
                Ok(())
            }
            Op::DtoD { dst, src, bytes } => {
                self.check("device copy source", src, bytes)?;
                self.check("device copy destination", dst, bytes)?;
                if dst < src + bytes as u64 && src < dst + bytes as u64 {
                    return Err(format!("device copy of {bytes} bytes between overlapping ranges"));
                }
                // SAFETY: both ranges lie in live allocations (checked) and do not overlap.
                unsafe { std::ptr::copy_nonoverlapping(src as *const u8, dst as *mut u8, bytes) };
                Ok(())
            }
            Op::Memset { dst, value, bytes } => {
                self.check("memset", dst, bytes)?;
                // SAFETY: the range lies in a live allocation (checked).
                unsafe { std::ptr::write_bytes(dst as *mut u8, value, bytes) };
                Ok(())
            }
            Op::Free { ptr } => {
                self.state().freeing.remove(&ptr);
                self.memory().free(ptr).map_err(|e| format!("free: {e}"))
            }
            Op::Wait { .. } => Ok(()),
            Op::Stamp { event, record } => {
                // The host clock when the stream reaches the record: what a GPU's timestamp is.
                if let Some(e) = self.state().events.get_mut(&event).filter(|e| e.records == record) {
                    e.stamp = Some(Instant::now());
                }
                Ok(())
            }
        }
    }

    /// The timestamp of `event`'s last record, for `cuEventElapsedTime`.
    fn stamp_of(&self, event: EventId) -> GpuResult<Instant> {
        const CALL: &str = "cuEventElapsedTime";
        let e = *self.state().events.get(&event.0).ok_or_else(|| misuse(CALL, "unknown event"))?;
        match e {
            EmuEvent { timing: false, .. } => Err(misuse(CALL, "the event was created without timing")),
            EmuEvent { at: None, .. } => Err(misuse(CALL, "the event was never recorded")),
            EmuEvent { stamp: Some(t), .. } => Ok(t),
            EmuEvent { stamp: None, .. } => Err(GpuError::new(
                CALL,
                GpuErrorKind::Other,
                "CUDA_ERROR_NOT_READY (the emulated stream has not reached the record yet)",
            )),
        }
    }

    /// Checks a launch's pointers against the live allocations, runs it, then checks that it left
    /// the guard bytes of everything it touched intact.
    fn execute_launch(&self, l: &LaunchOp) -> Result<(), String> {
        let name = &l.kernel.name;
        let accesses = checks::accesses(l.kernel, l.dims.grid[0], &l.params).map_err(|e| format!("{name}: {e}"))?;
        let bases = {
            let memory = self.memory();
            let check =
                |a: &checks::Access| memory.check(a.addr, a.bytes).map_err(|e| format!("{name}: {} {e}", a.what));
            accesses.iter().map(check).collect::<Result<Vec<_>, _>>()?
        };
        let seed = launch_seed(self.seed, l);
        // SAFETY: every range the kernel may touch by its ABI lies in a live allocation (checked
        // above), and stays live while it runs: frees run only on this thread, under `exec`.
        let stats = unsafe { ffi::run(l.kernel, &l.params, l.dims.grid, l.dims.block, seed) }
            .map_err(|e| format!("{name} (seed {seed:#x}): {e}"))?;
        super::record_launch(name, &stats);
        let memory = self.memory();
        match bases.iter().find(|&&b| !memory.guards_intact(b)) {
            Some(b) => Err(format!("{name} wrote outside allocation {b:#x}: its guard bytes were overwritten")),
            None => Ok(()),
        }
    }
}

impl EmuDevice {
    /// Runs the cuBLAS stand-in after checking that every matrix, over the whole batch, lies in
    /// one live allocation (a real cuBLAS would read or corrupt whatever is there).
    fn execute_gemm(&self, g: &Gemm) -> Result<(), String> {
        const NAME: &str = "cublasGemmStridedBatchedEx";
        let accesses = blas::accesses(g);
        self.check_ranges(NAME, &accesses)?;
        let (c_lo, c_hi) = accesses.iter().find(|a| a.0 == "C").map_or((0, 0), |a| (a.1, a.2));
        if accesses.iter().any(|&(what, lo, hi)| what != "C" && lo < c_hi && c_lo < hi) {
            return Err(format!("{NAME}: C overlaps an input matrix"));
        }
        // SAFETY: validated when queued; every range lies in a live allocation (checked above)
        // that stays live while this runs (frees run only on this thread, under `exec`), and C
        // overlaps no input.
        unsafe { blas::run(g) };
        Ok(())
    }

    /// Checks that every named range lies in one live allocation.
    fn check_ranges(&self, name: &str, accesses: &[(&'static str, u64, u64)]) -> Result<(), String> {
        let memory = self.memory();
        for &(what, lo, hi) in accesses {
            memory.check(lo, hi - lo).map_err(|e| format!("{name}: matrix {what} {e}"))?;
        }
        Ok(())
    }

    /// Runs a cuSOLVER stand-in after checking that every range it touches lies in a live
    /// allocation and that no two overlap.
    fn execute_solver(&self, op: &SolverOp) -> Result<(), String> {
        let name = op.dense.call.name();
        let accesses = solver::accesses(op);
        self.check_ranges(name, &accesses)?;
        for (k, a) in accesses.iter().enumerate() {
            if let Some(b) = accesses[k + 1..].iter().find(|b| a.1 < b.2 && b.1 < a.2) {
                return Err(format!("{name}: {} overlaps {}", a.0, b.0));
            }
        }
        // SAFETY: validated when queued; every range lies in a live allocation (checked above)
        // that stays live while this runs (frees run only on this thread, under `exec`), and no
        // two overlap.
        unsafe { solver::run(op) }.map_err(|e| format!("{name}: {e}"))
    }
}

impl EmuDevice {
    /// Runs the cuFFT stand-in after checking that input and output lie in live allocations
    /// and do not overlap.
    fn execute_fft(&self, op: &FftOp) -> Result<(), String> {
        const NAME: &str = "cufftExec";
        let accesses = fft::accesses(op);
        self.check_ranges(NAME, &accesses)?;
        let [(_, ilo, ihi), (_, olo, ohi)] = accesses;
        if ilo < ohi && olo < ihi {
            return Err(format!("{NAME}: input and output overlap (in-place transforms are not emulated)"));
        }
        // SAFETY: validated when planned; both ranges lie in live allocations (checked above)
        // that stay live while this runs (frees run only on this thread, under `exec`), and they
        // do not overlap.
        unsafe { fft::run(op) };
        Ok(())
    }
}

/// The scheduling seed of a launch: the device's, mixed with the kernel and its arguments
/// (reproducible for the same launch, different across launches).
fn launch_seed(device_seed: u64, l: &LaunchOp) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ device_seed;
    let dims = l.dims.grid.iter().chain(&l.dims.block).flat_map(|d| d.to_le_bytes());
    for b in l.kernel.name.bytes().chain(dims).chain(l.params.iter().flatten().copied()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl GpuApi for EmuDevice {
    fn ordinal(&self) -> usize {
        0
    }
    fn props(&self) -> &DeviceProps {
        &self.props
    }
    fn wants_device_code(&self) -> bool {
        false
    }

    fn stream_create(&self) -> GpuResult<StreamId> {
        let mut st = self.state();
        let id = Self::handle(&mut st);
        st.queues.create(id);
        Ok(StreamId(id))
    }
    unsafe fn stream_destroy(&self, stream: StreamId) -> GpuResult<()> {
        if !self.state().queues.exists(stream.0) {
            return Err(misuse("cuStreamDestroy", "unknown stream"));
        }
        self.run_until(stream.0, u64::MAX);
        match self.state().queues.destroy(stream.0) {
            Some(e) => Err(async_error("cuStreamDestroy", e)),
            None => Ok(()),
        }
    }
    unsafe fn stream_synchronize(&self, stream: StreamId) -> GpuResult<()> {
        if !self.state().queues.exists(stream.0) {
            return Err(misuse("cuStreamSynchronize", "unknown stream"));
        }
        self.sync_stream("cuStreamSynchronize", stream.0)
    }
    fn device_synchronize(&self) -> GpuResult<()> {
        let ids = self.state().queues.ids();
        let results: Vec<GpuResult<()>> = ids.into_iter().map(|s| self.sync_stream("cuCtxSynchronize", s)).collect();
        results.into_iter().collect()
    }

    fn event_create_with(&self, timing: bool) -> GpuResult<EventId> {
        let mut st = self.state();
        let id = Self::handle(&mut st);
        st.events.insert(id, EmuEvent { timing, ..EmuEvent::default() });
        Ok(EventId(id))
    }
    unsafe fn event_record(&self, event: EventId, stream: StreamId) -> GpuResult<()> {
        let queued = {
            let mut st = self.state();
            if !st.queues.exists(stream.0) {
                return Err(misuse("cuEventRecord", "unknown stream"));
            }
            let e = st.events.get_mut(&event.0).ok_or_else(|| misuse("cuEventRecord", "unknown event"))?;
            e.records += 1;
            e.stamp = None;
            let (timing, record) = (e.timing, e.records);
            // A timing record is work on the stream (it takes the timestamp when reached), and
            // the event marks the position after it.
            let queued = if timing { st.queues.push(stream.0, Op::Stamp { event: event.0, record }) } else { None };
            let at = st.queues.position(stream.0).expect("checked above");
            st.events.get_mut(&event.0).expect("checked above").at = Some((stream.0, at));
            queued
        };
        if queued.is_some_and(|len| len >= FLUSH_AT) {
            self.run_until(stream.0, u64::MAX);
        }
        Ok(())
    }
    unsafe fn event_elapsed_ms(&self, start: EventId, end: EventId) -> GpuResult<f32> {
        let (t0, t1) = (self.stamp_of(start)?, self.stamp_of(end)?);
        let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e3) as f32;
        Ok(if t1 >= t0 { ms(t1 - t0) } else { -ms(t0 - t1) })
    }
    unsafe fn stream_wait_event(&self, stream: StreamId, event: EventId) -> GpuResult<()> {
        let recorded =
            self.state().events.get(&event.0).ok_or_else(|| misuse("cuStreamWaitEvent", "unknown event"))?.at;
        match recorded {
            Some((other, until)) if other != stream.0 => {
                self.enqueue("cuStreamWaitEvent", stream, Op::Wait { stream: other, until })
            }
            _ => Ok(()), // never recorded, or recorded on this very stream: nothing to wait for
        }
    }
    unsafe fn stream_wait_event_foreign(&self, _stream: ForeignStreamId, event: EventId) -> GpuResult<()> {
        // No other library's streams exist here: make the event's work complete, which is what
        // any consumer stream would wait for.
        // SAFETY: forwarded; `event` is a live handle of this object.
        unsafe { self.event_synchronize(event) }
    }
    unsafe fn event_synchronize(&self, event: EventId) -> GpuResult<()> {
        let recorded =
            self.state().events.get(&event.0).ok_or_else(|| misuse("cuEventSynchronize", "unknown event"))?.at;
        let Some((stream, until)) = recorded else { return Ok(()) };
        self.run_until(stream, until);
        match self.state().queues.take_error(stream) {
            Some(e) => Err(async_error("cuEventSynchronize", e)),
            None => Ok(()),
        }
    }
    unsafe fn event_destroy(&self, event: EventId) -> GpuResult<()> {
        self.state().events.remove(&event.0).map(drop).ok_or_else(|| misuse("cuEventDestroy", "unknown event"))
    }

    fn pointer_info(&self, ptr: DevPtr) -> GpuResult<PointerInfo> {
        // The emulator's device memory is its live allocations; every other address (host
        // memory included) is unknown to it, as pageable host memory is to the driver.
        let kind = if self.memory().check(ptr, 1).is_ok() { MemoryKind::Device } else { MemoryKind::Unknown };
        let device = (kind == MemoryKind::Device).then_some(0);
        Ok(PointerInfo { kind, device, other_context: false })
    }
    unsafe fn alloc(&self, bytes: usize, stream: StreamId) -> GpuResult<DevPtr> {
        if !self.state().queues.exists(stream.0) {
            return Err(misuse("cuMemAllocAsync", "unknown stream"));
        }
        self.memory().alloc(bytes).ok_or_else(|| {
            let msg = format!("out of memory: {bytes} bytes requested");
            GpuError::new("cuMemAllocAsync", GpuErrorKind::OutOfMemory, msg)
        })
    }
    unsafe fn free(&self, ptr: DevPtr, stream: StreamId) -> GpuResult<()> {
        let live = self.memory().is_live(ptr);
        if !live || !self.state().freeing.insert(ptr) {
            return Err(misuse("cuMemFreeAsync", format!("{ptr:#x} is not a live allocation (double free?)")));
        }
        self.enqueue("cuMemFreeAsync", stream, Op::Free { ptr })
    }
    fn pool_stats(&self) -> GpuResult<PoolStats> {
        let p = self.memory().pool();
        Ok(PoolStats {
            used: p.used as u64,
            reserved: p.reserved as u64,
            used_high: p.used_high as u64,
            reserved_high: p.reserved_high as u64,
            // What devarray sets on a real device's default pool: freed memory stays reserved.
            release_threshold: u64::MAX,
        })
    }
    fn pool_trim(&self, keep_bytes: u64) -> GpuResult<()> {
        // Frees not run yet still hold their blocks, which the driver may count as used too.
        self.memory().pool_mut().trim_to(usize::try_from(keep_bytes).unwrap_or(usize::MAX));
        Ok(())
    }
    fn pool_reset_peaks(&self) -> GpuResult<()> {
        self.memory().pool_mut().reset_peaks();
        Ok(())
    }
    fn memory_info(&self) -> GpuResult<DeviceMemory> {
        let (free, total) = self.memory().free_and_total();
        Ok(DeviceMemory { free: free as u64, total: total as u64 })
    }
    unsafe fn copy_htod(&self, dst: DevPtr, src: *const u8, bytes: usize, stream: StreamId) -> GpuResult<()> {
        self.enqueue("cuMemcpyHtoDAsync", stream, Op::HtoD { dst, src: HostPtr(src.cast_mut()), bytes })
    }
    unsafe fn copy_dtoh(&self, dst: *mut u8, src: DevPtr, bytes: usize, stream: StreamId) -> GpuResult<()> {
        self.enqueue("cuMemcpyDtoHAsync", stream, Op::DtoH { dst: HostPtr(dst), src, bytes })
    }
    unsafe fn copy_dtod(&self, dst: DevPtr, src: DevPtr, bytes: usize, stream: StreamId) -> GpuResult<()> {
        self.enqueue("cuMemcpyDtoDAsync", stream, Op::DtoD { dst, src, bytes })
    }
    unsafe fn memset_u8(&self, dst: DevPtr, value: u8, bytes: usize, stream: StreamId) -> GpuResult<()> {
        self.enqueue("cuMemsetD8Async", stream, Op::Memset { dst, value, bytes })
    }

    fn module_load(&self, image: &[u8]) -> GpuResult<ModuleId> {
        let name = String::from_utf8_lossy(image).into_owned();
        let (family, tag) = name.split_once('/').unwrap_or((&name, ""));
        let key = (family.to_string(), tag.to_string());
        if !ffi::registry().contains_key(&key) {
            let msg = format!("no host-compiled module {name:?} (the emulator expects a module name, not device code)");
            return Err(GpuError::new("cuModuleLoadData", GpuErrorKind::KernelImage, msg));
        }
        let mut st = self.state();
        let id = Self::handle(&mut st);
        st.modules.insert(id, key);
        Ok(ModuleId(id))
    }
    unsafe fn module_unload(&self, module: ModuleId) -> GpuResult<()> {
        self.state().modules.remove(&module.0).map(drop).ok_or_else(|| misuse("cuModuleUnload", "unknown module"))
    }
    unsafe fn function(&self, module: ModuleId, name: &str) -> GpuResult<FunctionId> {
        let mut st = self.state();
        let key = st.modules.get(&module.0).ok_or_else(|| misuse("cuModuleGetFunction", "unknown module"))?;
        let kernel = ffi::registry().get(key).and_then(|m| m.get(name)).ok_or_else(|| {
            let msg = format!("module {}/{} has no kernel {name}", key.0, key.1);
            GpuError::new("cuModuleGetFunction", GpuErrorKind::KernelImage, msg)
        })?;
        let id = Self::handle(&mut st);
        st.functions.insert(id, kernel);
        Ok(FunctionId(id))
    }
    unsafe fn launch(&self, function: FunctionId, dims: LaunchDims, stream: StreamId, args: &[&[u8]]) -> GpuResult<()> {
        let kernel =
            *self.state().functions.get(&function.0).ok_or_else(|| misuse("cuLaunchKernel", "unknown function"))?;
        check_launch(kernel, &dims, args)?;
        let op = LaunchOp { kernel, dims, params: args.iter().map(|a| a.to_vec()).collect() };
        self.enqueue("cuLaunchKernel", stream, Op::Launch(op))
    }
    unsafe fn gemm_strided_batched(&self, gemm: &Gemm, stream: StreamId) -> GpuResult<()> {
        const CALL: &str = "cublasGemmStridedBatchedEx";
        blas::validate(gemm).map_err(|e| {
            GpuError::new(CALL, GpuErrorKind::InvalidUsage, format!("CUBLAS_STATUS_INVALID_VALUE: {e}"))
        })?;
        // cuBLAS returns at once, queuing nothing, when there is no output element.
        if gemm.m == 0 || gemm.n == 0 || gemm.batch == 0 {
            return Ok(());
        }
        self.enqueue(CALL, stream, Op::Gemm(*gemm))
    }
    fn dense_workspace(&self, call: &Dense) -> GpuResult<i32> {
        solver::validate(&call.call).map_err(|e| solver_misuse(call, e))?;
        Ok(solver::workspace(&call.call))
    }
    unsafe fn dense_solve(&self, dense: &Dense, scratch: DenseScratch, stream: StreamId) -> GpuResult<()> {
        let op = SolverOp { dense: *dense, scratch };
        solver::validate_op(&op).map_err(|e| solver_misuse(dense, e))?;
        self.enqueue(dense.call.name(), stream, Op::Solver(op))
    }
    fn fft_plan(&self, desc: &FftDesc) -> GpuResult<FftPlanId> {
        fft::validate(desc).map_err(|e| misuse("cufftPlanMany", e))?;
        let mut st = self.state();
        let id = Self::handle(&mut st);
        st.fft_plans.insert(id, *desc);
        Ok(FftPlanId(id))
    }
    unsafe fn fft_exec(
        &self,
        plan: FftPlanId,
        desc: &FftDesc,
        io: (DevPtr, DevPtr),
        inverse: bool,
        stream: StreamId,
    ) -> GpuResult<()> {
        const CALL: &str = "cufftExec";
        match self.state().fft_plans.get(&plan.0) {
            None => return Err(misuse(CALL, "CUFFT_INVALID_PLAN: unknown plan")),
            Some(made) if made != desc => {
                return Err(misuse(CALL, format!("the plan was made for {made:?}, not {desc:?}")));
            }
            Some(_) => {}
        }
        let op = FftOp { desc: *desc, input: io.0, output: io.1, inverse };
        self.enqueue(CALL, stream, Op::Fft(op))
    }
    unsafe fn fft_plan_destroy(&self, plan: FftPlanId) -> GpuResult<()> {
        self.state().fft_plans.remove(&plan.0).map(drop).ok_or_else(|| misuse("cufftDestroy", "CUFFT_INVALID_PLAN"))
    }
}

/// cuSOLVER's refusal of `call`'s arguments.
fn solver_misuse(call: &Dense, e: String) -> GpuError {
    GpuError::new(call.call.name(), GpuErrorKind::InvalidUsage, format!("CUSOLVER_STATUS_INVALID_VALUE: {e}"))
}

/// What `cuLaunchKernel` refuses at once: parameters of the wrong number or size, an empty or
/// oversized launch, dynamic shared memory (no devarray kernel uses any).
fn check_launch(kernel: &Kernel, dims: &LaunchDims, args: &[&[u8]]) -> GpuResult<()> {
    let sizes: Vec<usize> = args.iter().map(|a| a.len()).collect();
    if sizes != kernel.param_sizes {
        let msg = format!("{} takes parameters of {:?} bytes, got {sizes:?}", kernel.name, kernel.param_sizes);
        return Err(misuse("cuLaunchKernel", msg));
    }
    let threads: u64 = dims.block.iter().map(|&b| u64::from(b)).product();
    if dims.grid.contains(&0) || threads == 0 || threads > u64::from(kernel.max_threads.max(1)) {
        let msg = format!(
            "{}: grid {:?} x block {:?} (at most {} threads)",
            kernel.name, dims.grid, dims.block, kernel.max_threads
        );
        return Err(misuse("cuLaunchKernel", msg));
    }
    if dims.shared_bytes != 0 {
        return Err(GpuError::new(
            "cuLaunchKernel",
            GpuErrorKind::Unsupported,
            "dynamic shared memory is not emulated",
        ));
    }
    Ok(())
}
