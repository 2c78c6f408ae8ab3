//! The CPU backend's one parallel driver: every loop that may run on the thread pool goes
//! through [`for_tasks`] or [`map_tasks`].
//!
//! Why one driver: rayon's splitting machinery (`bridge_producer_consumer`, `join_context`,
//! `StackJob`, …) is generic over the task closure, so calling `into_par_iter()` from the
//! dtype-generic loops instantiated that machinery once per op, dtype and loop shape, about
//! 1,500 times; it was half of the crate's generated LLVM IR and of its release build time.
//! Here the parallel path takes the task as a trait object, so the machinery is compiled once.
//! A task covers thousands of elements ([`PAR_CHUNK`]), so the one indirect call per task is
//! not measurable. The serial path stays generic: small arrays pay no indirection at all.

use rayon::prelude::*;

/// Elements per parallel task of a memory-bound loop (a copy, an add, a sum): below this,
/// threads cost more than they save.
pub(crate) const PAR_CHUNK: usize = 1 << 15;

/// Elements per parallel task of the vectorised transcendental functions (`math::vector`,
/// about 0.5-3 ns an element).
pub(crate) const VECTOR_GRAIN: usize = 1 << 13;

/// Elements per parallel task of a loop that calls a scalar library function per element
/// (10-50 ns an element).
pub(crate) const CALL_GRAIN: usize = 1 << 10;

/// How many tasks' worth of work an elementwise loop or reduction needs before it goes to the
/// thread pool. The grain above stands for the op's cost per element, so this makes the
/// threshold scale with it: `2 * PAR_CHUNK` = 2^16 elements for an add, 2^14 for vector math,
/// 2^11 for library calls. Below it the loop runs on the calling thread and never touches
/// rayon. Two tasks are enough because the caller works on the loop itself and never sleeps
/// waiting for the pool ([`run_on_pool`]): handing a loop to the pool and blocking cost 10-30
/// µs, and needed 8 tasks (2^18 elements for an add) to pay off. Measured with the benchmark
/// in BENCHMARKS.md ("threads by op cost").
pub(crate) const MIN_TASKS: usize = 2;

/// Whether an elementwise loop or reduction of `work` elements, split into `tasks` tasks of
/// about `grain` elements (its cost class: [`PAR_CHUNK`], [`VECTOR_GRAIN`], [`CALL_GRAIN`]),
/// is worth the thread pool (see [`MIN_TASKS`]).
pub(crate) fn worth_parallel_loop(tasks: usize, work: usize, grain: usize) -> bool {
    tasks > 1 && work >= MIN_TASKS.saturating_mul(grain) && rayon::current_num_threads() > 1
}

/// A raw pointer that may cross to worker threads: the parallel loops hand disjoint output
/// ranges to different threads, so sharing the base pointer is sound.
#[derive(Clone, Copy)]
pub(crate) struct SendPtr(pub(crate) *mut u8);
// SAFETY: see the type's doc; the pointer is only offset and passed to loops that write
// disjoint elements.
unsafe impl Send for SendPtr {}
// SAFETY: as above.
unsafe impl Sync for SendPtr {}

impl SendPtr {
    /// The pointer. A closure that calls this captures the whole `SendPtr` (which may cross
    /// threads), where naming the field `.0` would capture the bare pointer (which may not).
    pub(crate) fn get(self) -> *mut u8 {
        self.0
    }
}

/// Whether `tasks` tasks covering `work` elements in all are worth the thread pool, for tasks
/// of about `grain` elements each.
pub(crate) fn worth_parallel(tasks: usize, work: usize, grain: usize) -> bool {
    tasks > 1 && work >= 2 * grain && rayon::current_num_threads() > 1
}

/// Runs `task(t)` for every `t in 0..tasks`: on the thread pool, in any order, when
/// `parallel`; otherwise in order on this thread.
#[inline]
pub(crate) fn for_tasks<F: Fn(usize) + Sync>(tasks: usize, parallel: bool, task: F) {
    if parallel {
        run_on_pool(tasks, &task);
    } else {
        (0..tasks).for_each(task);
    }
}

/// The one non-generic entry into rayon (see the module docs).
///
/// From a thread outside the pool (the usual caller: user code, Python), the calling thread
/// takes tasks itself, next to the [`lingering_helpers`] it posts the loop to, instead of
/// handing the whole loop to the pool and sleeping until it is done: a blocked caller pays a
/// kernel sleep and wake-up (5-30 µs) on every op, which is the whole cost of a 2^16-element
/// add. Helpers that start late find the work taken and leave without waiting (see
/// [`SharedLoop`]), so a parked helper never delays the caller either. From inside the pool
/// (nested parallelism) rayon's own splitting is used.
fn run_on_pool(tasks: usize, task: &(dyn Fn(usize) + Sync)) {
    let helpers = rayon::current_num_threads().saturating_sub(1).min(tasks.saturating_sub(1));
    if rayon::current_thread_index().is_some() || helpers == 0 {
        (0..tasks).into_par_iter().for_each(task);
        return;
    }
    let shared = Arc::new(SharedLoop::new(tasks, task));
    for helper in lingering_helpers().iter().take(helpers) {
        helper.post(&shared);
    }
    // SAFETY: `task` is alive for this whole call. `work` catches a panicking task, so the
    // wait below always runs before the closure can go away.
    unsafe { shared.work() };
    shared.close_and_wait();
    if shared.panicked.load(Ordering::Relaxed) {
        panic!("a parallel task of the CPU backend panicked (its message is above)");
    }
}

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// How long a helper thread keeps polling its mailbox after its last loop before it parks.
/// Back-to-back ops (a benchmark loop, a composed softmax, Python code calling op after op)
/// then find it running on its own core. Woken from a park, or from rayon's sleep as the
/// helpers were until 2026-12-06, a thread may be placed on the caller's core (the scheduler
/// favours the waker's cache) and start only when the caller has taken every task: on a 2-core
/// AMD EPYC VM, a 2^20 copy averaged 134-147 µs (one thread's time) in about half of the
/// processes started, 73-87 µs in the others. OpenMP runtimes (PyTorch's threads) spin for
/// longer by default.
const LINGER: Duration = Duration::from_micros(200);

/// The helper threads of [`run_on_pool`], one fewer than rayon's thread count, started on
/// first use. Each has a mailbox for one loop at a time.
fn lingering_helpers() -> &'static [Helper] {
    static HELPERS: OnceLock<Vec<Helper>> = OnceLock::new();
    HELPERS.get_or_init(|| {
        (0..rayon::current_num_threads().saturating_sub(1))
            .filter_map(|i| {
                let mailbox =
                    Arc::new(Mailbox { slot: AtomicPtr::new(std::ptr::null_mut()), parked: AtomicBool::new(false) });
                let inbox = mailbox.clone();
                let spawned =
                    std::thread::Builder::new().name(format!("devarray-cpu-{i}")).spawn(move || inbox.serve());
                // Without the thread (the system refused it), loops run on the caller alone.
                spawned.ok().map(|handle| Helper { mailbox, thread: handle.thread().clone() })
            })
            .collect()
    })
}

/// A helper thread and its mailbox.
struct Helper {
    mailbox: Arc<Mailbox>,
    thread: std::thread::Thread,
}

/// One loop waiting for a helper: an `Arc<SharedLoop>` as a raw pointer, or null.
struct Mailbox {
    slot: AtomicPtr<SharedLoop>,
    /// Set by the helper before it parks (and checks the slot once more), so that a poster
    /// who sees it unparks the thread.
    parked: AtomicBool,
}

impl Helper {
    /// Offers `shared` to this helper. A loop still in the mailbox (never picked up) is
    /// replaced: its caller ran or is running every task itself.
    fn post(&self, shared: &Arc<SharedLoop>) {
        let new = Arc::into_raw(shared.clone()) as *mut SharedLoop;
        let old = self.mailbox.slot.swap(new, Ordering::SeqCst);
        if !old.is_null() {
            // SAFETY: every non-null pointer in the slot came from `Arc::into_raw` and is
            // taken out of the slot exactly once (by this swap or the helper's).
            drop(unsafe { Arc::from_raw(old) });
        }
        if self.mailbox.parked.load(Ordering::SeqCst) {
            self.thread.unpark();
        }
    }
}

impl Mailbox {
    /// The helper thread's loop: run posted loops; between them poll for [`LINGER`], then park.
    fn serve(&self) {
        let mut idle_since = Instant::now();
        loop {
            let p = self.slot.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: taken out of the slot exactly once (see `Helper::post`).
                let shared = unsafe { Arc::from_raw(p) };
                // SAFETY: a pool-side call under `SharedLoop::work`'s protocol: it runs tasks
                // only if the loop's caller has not closed it, and the caller waits for it.
                unsafe { shared.work() };
                idle_since = Instant::now();
                continue;
            }
            if idle_since.elapsed() < LINGER {
                std::hint::spin_loop();
                continue;
            }
            self.parked.store(true, Ordering::SeqCst);
            // A post between the swap above and `parked` is seen here; one after it sees
            // `parked` and unparks (an unpark before `park` makes it return at once).
            if self.slot.load(Ordering::SeqCst).is_null() {
                std::thread::park();
            }
            self.parked.store(false, Ordering::SeqCst);
            idle_since = Instant::now();
        }
    }
}

/// A loop shared by its caller and pool threads: tasks are claimed one at a time from a counter.
struct SharedLoop {
    next: AtomicUsize,
    tasks: usize,
    /// The task closure, lifetime erased: valid while the caller is inside `run_on_pool`.
    task: *const (dyn Fn(usize) + Sync),
    /// Threads inside [`SharedLoop::work`] past the `closed` check.
    running: AtomicUsize,
    /// Set by the caller when it has claimed its last task: later arrivals must not start.
    closed: AtomicBool,
    panicked: AtomicBool,
}

// SAFETY: the raw task pointer is only dereferenced under the protocol of `work`, while the
// closure (which is `Sync`) is alive; the other fields are atomics.
unsafe impl Send for SharedLoop {}
// SAFETY: as above.
unsafe impl Sync for SharedLoop {}

impl SharedLoop {
    fn new(tasks: usize, task: &(dyn Fn(usize) + Sync)) -> SharedLoop {
        // SAFETY: only the lifetime is erased (same fat-pointer layout); see `work` for why every
        // call through the pointer happens while the closure is alive.
        let task: *const (dyn Fn(usize) + Sync + 'static) = unsafe { std::mem::transmute(task) };
        SharedLoop {
            next: AtomicUsize::new(0),
            tasks,
            task,
            running: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            panicked: AtomicBool::new(false),
        }
    }

    /// Claims and runs tasks until none is left.
    ///
    /// # Safety
    /// Called by the owner of the closure while it is alive, or by a pool thread. A pool thread
    /// registers in `running` before it reads `closed`; the caller sets `closed` and then waits
    /// for `running` to reach zero before it returns (all sequentially consistent). So a pool
    /// thread either sees `closed` and leaves without touching the closure, or the caller sees
    /// it running and waits for it.
    unsafe fn work(&self) {
        self.running.fetch_add(1, Ordering::SeqCst);
        if !self.closed.load(Ordering::SeqCst) {
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| loop {
                let t = self.next.fetch_add(1, Ordering::Relaxed);
                if t >= self.tasks {
                    break;
                }
                // SAFETY: see above: the closure is alive while `running` counts this thread
                // and `closed` was not yet set when it registered.
                unsafe { (*self.task)(t) };
            }));
            if run.is_err() {
                self.panicked.store(true, Ordering::Relaxed);
            }
        }
        self.running.fetch_sub(1, Ordering::SeqCst);
    }

    /// The caller's end: no new thread may start, and the ones inside finish their tasks.
    fn close_and_wait(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let mut spins = 0u32;
        while self.running.load(Ordering::SeqCst) != 0 {
            // Pool threads still inside hold at most one task each (the counter is exhausted).
            if spins < 1 << 12 {
                std::hint::spin_loop();
                spins += 1;
            } else {
                std::thread::yield_now();
            }
        }
    }
}

/// Runs `a` and `b`, in parallel when the pool has a free thread (rayon's `join`). From outside
/// the pool the caller hands both to the pool and sleeps until they are done, unlike
/// [`for_tasks`]: that wake-up costs microseconds, so this is for long recursive work (the
/// quicksort's two sides), where running every level inside the pool lets its work stealing
/// even out uneven halves.
pub(crate) fn join(a: &(dyn Fn() + Sync), b: &(dyn Fn() + Sync)) {
    rayon::join(a, b);
}

/// `task(t)` for every `t in 0..tasks`, collected in index order; run as [`for_tasks`] runs.
pub(crate) fn map_tasks<T: Send>(tasks: usize, parallel: bool, task: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if !parallel {
        return (0..tasks).map(task).collect();
    }
    let mut out: Vec<T> = Vec::with_capacity(tasks);
    let slots = SendPtr(out.as_mut_ptr().cast());
    for_tasks(tasks, true, |t| {
        let value = task(t);
        // SAFETY: `t < tasks`, the vector's capacity, and every `t` is visited exactly once,
        // so each slot is written once and by one thread. Should a task panic, the panic
        // propagates before `set_len`, and the written values are leaked, never read.
        unsafe { slots.get().cast::<T>().add(t).write(value) }
    });
    // SAFETY: `for_tasks` returned, so all `tasks` slots were written.
    unsafe { out.set_len(tasks) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_task_runs_once_on_both_paths() {
        for parallel in [false, true] {
            let hits: Vec<AtomicUsize> = (0..1000).map(|_| AtomicUsize::new(0)).collect();
            for_tasks(1000, parallel, |t| {
                hits[t].fetch_add(1, Ordering::Relaxed);
            });
            assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
        }
    }

    #[test]
    fn callers_on_many_threads_share_the_helpers() {
        // Six threads post loops at once, so mailboxes are overwritten while full and helpers
        // pick up loops whose callers already closed them; every task still runs exactly once.
        std::thread::scope(|s| {
            for caller in 0..6 {
                s.spawn(move || {
                    for round in 0..200 {
                        let n = 2 + (caller * 37 + round * 11) % 300;
                        let hits: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
                        for_tasks(n, true, |t| {
                            hits[t].fetch_add(1, Ordering::Relaxed);
                        });
                        assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1), "caller {caller} round {round}");
                    }
                });
            }
        });
        // After a pause longer than the helpers linger (they park), loops still complete.
        std::thread::sleep(LINGER * 3);
        assert_eq!(map_tasks(64, true, |t| t * 2)[63], 126);
    }

    #[test]
    fn map_tasks_keeps_index_order() {
        for parallel in [false, true] {
            let squares = map_tasks(777, parallel, |t| (t * t) as u64);
            assert_eq!(squares, (0..777u64).map(|t| t * t).collect::<Vec<_>>());
            assert!(map_tasks(0, parallel, |t| t).is_empty());
        }
        // Values that own memory are moved out, not copied or dropped twice.
        let strings = map_tasks(100, true, |t| t.to_string());
        assert_eq!(strings[42], "42");
    }

    #[test]
    fn back_to_back_small_loops_run_every_task_once() {
        // Many two-task loops in a row: pool threads often arrive after the caller has taken
        // both tasks, and must then leave without touching the (by then dead) closure.
        for round in 0..20_000usize {
            let hits = [AtomicUsize::new(0), AtomicUsize::new(0)];
            let offset = round % 7;
            for_tasks(2, true, |t| {
                hits[t].fetch_add(1 + offset, Ordering::Relaxed);
            });
            assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1 + offset), "round {round}");
        }
    }

    #[test]
    fn nested_loops_and_panics_propagate() {
        let total = AtomicUsize::new(0);
        for_tasks(4, true, |_| {
            for_tasks(4, true, |_| {
                total.fetch_add(1, Ordering::Relaxed);
            })
        });
        assert_eq!(total.load(Ordering::Relaxed), 16);
        let caught = std::panic::catch_unwind(|| {
            for_tasks(64, true, |t| {
                if t == 63 {
                    panic!("task {t} failed");
                }
            })
        });
        assert!(caught.is_err(), "a panicking task must reach the caller");
        // The pool still works afterwards.
        assert_eq!(map_tasks(64, true, |t| t).iter().sum::<usize>(), 63 * 64 / 2);
    }

    #[test]
    fn small_work_stays_serial() {
        assert!(!worth_parallel(1, 1 << 30, PAR_CHUNK));
        assert!(!worth_parallel(8, PAR_CHUNK, PAR_CHUNK));
        // Loops: the threshold scales with the cost class; a sequential grain never splits.
        assert!(!worth_parallel_loop(8, (1 << 16) - 1, PAR_CHUNK));
        assert!(!worth_parallel_loop(8, (1 << 14) - 1, VECTOR_GRAIN));
        assert!(!worth_parallel_loop(2, 1 << 40, usize::MAX));
        if rayon::current_num_threads() > 1 {
            assert!(worth_parallel_loop(2, 1 << 16, PAR_CHUNK));
            assert!(worth_parallel_loop(2, 1 << 14, VECTOR_GRAIN));
            assert!(worth_parallel_loop(2, 1 << 11, CALL_GRAIN));
        }
    }
}
