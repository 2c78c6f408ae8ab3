//! Streams as ordered queues of deferred work, and events that order them.
//!
//! Work is not run when it is queued: it runs when the host waits for it (a stream, event or
//! device synchronisation, or a queue growing long), in queue order, with a wait on an event
//! first running the other stream up to where the event was recorded. So the emulator enforces
//! what a GPU does: a host buffer handed to an asynchronous copy must stay valid until the copy is
//! waited for, and a result read before waiting is not there yet.

use super::ffi::Kernel;
use crate::cuda::api::{Gemm, LaunchDims};
use std::collections::{HashMap, VecDeque};

/// A host address handed to an asynchronous copy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HostPtr(pub(crate) *mut u8);

// SAFETY: only an address is moved between threads; `GpuApi::copy_htod`/`copy_dtoh`'s contract
// keeps the memory valid and untouched by the host until the stream reaches the copy, whichever
// thread then runs it.
unsafe impl Send for HostPtr {}

/// A kernel launch with its parameters copied.
#[derive(Debug)]
pub(crate) struct LaunchOp {
    pub(crate) kernel: &'static Kernel,
    pub(crate) dims: LaunchDims,
    pub(crate) params: Vec<Vec<u8>>,
}

/// One queued piece of work.
#[derive(Debug)]
pub(crate) enum Op {
    Launch(LaunchOp),
    /// The `cublasGemmStridedBatchedEx` stand-in (validated when queued).
    Gemm(Gemm),
    /// A dense cuSOLVER stand-in (validated when queued).
    Solver(super::solver::SolverOp),
    /// A cuFFT execution stand-in (validated when its plan was made).
    Fft(super::fft::FftOp),
    HtoD {
        dst: u64,
        src: HostPtr,
        bytes: usize,
    },
    DtoH {
        dst: HostPtr,
        src: u64,
        bytes: usize,
    },
    DtoD {
        dst: u64,
        src: u64,
        bytes: usize,
    },
    Memset {
        dst: u64,
        value: u8,
        bytes: usize,
    },
    Free {
        ptr: u64,
    },
    /// Nothing after this runs before stream `stream` has run `until` operations.
    Wait {
        stream: u64,
        until: u64,
    },
    /// A timing event's record: takes the host clock as the event's timestamp when run, if the
    /// event's latest record is still number `record`.
    Stamp {
        event: u64,
        record: u64,
    },
}

#[derive(Default)]
struct StreamQueue {
    ops: VecDeque<Op>,
    /// Operations ever queued; an event records this position.
    queued: u64,
    /// Operations run (or skipped, for satisfied waits).
    done: u64,
    /// The first failure since the host last waited on this stream.
    error: Option<String>,
}

/// What runs next to bring a stream to a position.
pub(crate) enum Next {
    /// Nothing: the target is reached.
    Reached,
    /// Run this operation, queued on that stream, then report it with [`Queues::finish`].
    Run(u64, Op),
}

/// Every stream of one device.
#[derive(Default)]
pub(crate) struct Queues {
    streams: HashMap<u64, StreamQueue>,
}

impl Queues {
    /// Adds an empty stream.
    pub(crate) fn create(&mut self, id: u64) {
        self.streams.insert(id, StreamQueue::default());
    }

    /// Whether `id` is a live stream.
    pub(crate) fn exists(&self, id: u64) -> bool {
        self.streams.contains_key(&id)
    }

    /// Removes a stream (the caller ran it to the end first); returns its pending error.
    pub(crate) fn destroy(&mut self, id: u64) -> Option<String> {
        self.streams.remove(&id).and_then(|q| q.error)
    }

    /// Streams, for running them all.
    pub(crate) fn ids(&self) -> Vec<u64> {
        self.streams.keys().copied().collect()
    }

    /// Queues `op` on `id`; returns the queue length (for flushing long queues), or `None` for
    /// an unknown stream.
    pub(crate) fn push(&mut self, id: u64, op: Op) -> Option<usize> {
        let q = self.streams.get_mut(&id)?;
        q.ops.push_back(op);
        q.queued += 1;
        Some(q.ops.len())
    }

    /// The current end of `id` (what an event recorded now marks).
    pub(crate) fn position(&self, id: u64) -> Option<u64> {
        self.streams.get(&id).map(|q| q.queued)
    }

    /// Whether `id` has run `until` operations (a destroyed stream has run everything).
    fn reached(&self, id: u64, until: u64) -> bool {
        self.streams.get(&id).is_none_or(|q| q.done >= until)
    }

    /// The next operation to run so that `stream` reaches position `until`: the front of
    /// `stream`, or, when that is a wait on another stream not yet at its position, (recursively)
    /// what that stream must run first. Satisfied waits are consumed here.
    pub(crate) fn next(&mut self, stream: u64, until: u64) -> Next {
        let mut targets = vec![(stream, until)];
        while let Some(&(id, pos)) = targets.last() {
            if self.reached(id, pos) {
                targets.pop();
                continue;
            }
            let blocker = match self.streams.get(&id).and_then(|q| q.ops.front()) {
                Some(&Op::Wait { stream: other, until: at }) => (!self.reached(other, at)).then_some((other, at)),
                Some(_) => None,
                None => {
                    // Position beyond what was queued: nothing more to run there.
                    targets.pop();
                    continue;
                }
            };
            let q = self.streams.get_mut(&id).expect("checked above");
            match blocker {
                Some(t) => targets.push(t),
                None => match q.ops.pop_front() {
                    Some(Op::Wait { .. }) => q.done += 1,
                    Some(op) => return Next::Run(id, op),
                    None => unreachable!("front checked above"),
                },
            }
        }
        Next::Reached
    }

    /// Records that the operation [`Queues::next`] handed out for `stream` has run.
    pub(crate) fn finish(&mut self, stream: u64, result: Result<(), String>) {
        if let Some(q) = self.streams.get_mut(&stream) {
            q.done += 1;
            if let Err(e) = result {
                q.error.get_or_insert(e);
            }
        }
    }

    /// Takes the error of `stream` (the host is waiting on it).
    pub(crate) fn take_error(&mut self, stream: u64) -> Option<String> {
        self.streams.get_mut(&stream).and_then(|q| q.error.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memset(value: u8) -> Op {
        Op::Memset { dst: 0, value, bytes: 1 }
    }

    fn run_all(q: &mut Queues, s: u64, until: u64) -> Vec<(u64, u8)> {
        let mut ran = Vec::new();
        while let Next::Run(id, op) = q.next(s, until) {
            if let Op::Memset { value, .. } = op {
                ran.push((id, value));
            }
            q.finish(id, Ok(()));
        }
        ran
    }

    #[test]
    fn work_runs_in_order_only_up_to_the_target() {
        let mut q = Queues::default();
        q.create(1);
        for v in 0..4 {
            q.push(1, memset(v));
        }
        assert_eq!(run_all(&mut q, 1, 2), vec![(1, 0), (1, 1)]);
        let end = q.position(1).unwrap();
        assert_eq!(run_all(&mut q, 1, end), vec![(1, 2), (1, 3)]);
        assert!(run_all(&mut q, 1, 99).is_empty());
    }

    #[test]
    fn a_wait_runs_the_other_stream_up_to_the_event_first() {
        let mut q = Queues::default();
        q.create(1);
        q.create(2);
        q.push(1, memset(10));
        let event = q.position(1).unwrap();
        q.push(1, memset(11));
        q.push(2, Op::Wait { stream: 1, until: event });
        q.push(2, memset(20));
        let (end1, end2) = (q.position(1).unwrap(), q.position(2).unwrap());
        assert_eq!(run_all(&mut q, 2, end2), vec![(1, 10), (2, 20)], "not 11");
        assert_eq!(run_all(&mut q, 1, end1), vec![(1, 11)]);
    }

    #[test]
    fn errors_are_kept_until_taken() {
        let mut q = Queues::default();
        q.create(1);
        q.push(1, memset(0));
        q.push(1, memset(1));
        let Next::Run(id, _) = q.next(1, 2) else { panic!() };
        q.finish(id, Err("first".into()));
        let Next::Run(id, _) = q.next(1, 2) else { panic!() };
        q.finish(id, Err("second".into()));
        assert_eq!(q.take_error(1).as_deref(), Some("first"));
        assert_eq!(q.take_error(1), None);
        assert_eq!(q.destroy(1), None);
        assert!(!q.exists(1) && q.push(1, memset(0)).is_none());
    }
}
