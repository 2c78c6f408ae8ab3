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
/// threshold scale with it: `8 * PAR_CHUNK` = 2^18 elements for an add (where two threads
/// first win), 2^16 for vector math, 2^13 for library calls. Below it the loop runs on the
/// calling thread and never touches rayon: dispatch and wake-up cost 10-30 µs, more than a
/// whole small op.
pub(crate) const MIN_TASKS: usize = 8;

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
fn run_on_pool(tasks: usize, task: &(dyn Fn(usize) + Sync)) {
    (0..tasks).into_par_iter().for_each(task);
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
    fn small_work_stays_serial() {
        assert!(!worth_parallel(1, 1 << 30, PAR_CHUNK));
        assert!(!worth_parallel(8, PAR_CHUNK, PAR_CHUNK));
        // Loops: the threshold scales with the cost class; a sequential grain never splits.
        assert!(!worth_parallel_loop(8, (1 << 18) - 1, PAR_CHUNK));
        assert!(!worth_parallel_loop(8, 1 << 15, VECTOR_GRAIN));
        assert!(!worth_parallel_loop(2, 1 << 40, usize::MAX));
        if rayon::current_num_threads() > 1 {
            assert!(worth_parallel_loop(8, 1 << 18, PAR_CHUNK));
            assert!(worth_parallel_loop(8, 1 << 16, VECTOR_GRAIN));
            assert!(worth_parallel_loop(8, 1 << 13, CALL_GRAIN));
        }
    }
}
