//! `devarray.cuda.Stream` and `devarray.cuda.Event`: thin wrappers over the core's
//! [`devarray::Stream`], [`devarray::Event`] and [`devarray::StreamGuard`].
//!
//! `with stream:` keeps the core's [`StreamGuard`] alive until the block exits. The guard cannot
//! leave its thread, so the guards of the open blocks live on a thread-local stack here rather
//! than in the (shareable) stream object: a stream can be entered on several threads at once,
//! each block restoring its own thread's previous stream.

use crate::device::{extract_device, PyDevice};
use crate::errors::IntoPyResult;
use devarray::{Event, Stream, StreamGuard};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::cell::RefCell;

thread_local! {
    /// The streams entered with `with` on this thread, innermost last, with their guards.
    static ENTERED: RefCell<Vec<(Stream, StreamGuard)>> = const { RefCell::new(Vec::new()) };
}

/// An in-order queue of device work (CuPy's `cupy.cuda.Stream`). On the CPU device, ops run
/// synchronously on one queue, so every CPU stream is that queue and each method succeeds at
/// once.
#[pyclass(name = "Stream", module = "devarray.cuda", frozen, eq)]
#[derive(PartialEq)]
pub struct PyStream {
    stream: Stream,
}

#[pymethods]
impl PyStream {
    /// A new stream on `device` (default: the default device).
    #[new]
    #[pyo3(signature = (device=None))]
    fn new(py: Python<'_>, device: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let d = extract_device(device)?;
        let stream = py.detach(|| Stream::new(&d)).py_err()?;
        Ok(PyStream { stream })
    }

    /// The device the stream belongs to.
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice { device: self.stream.device() }
    }

    /// Blocks until the work queued on the stream has finished (releases the GIL).
    fn synchronize(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.stream.synchronize()).py_err()
    }

    /// Records `event` (a new one when `None`) at the current end of the stream; returns it.
    #[pyo3(signature = (event=None))]
    fn record(&self, py: Python<'_>, event: Option<Py<PyEvent>>) -> PyResult<Py<PyEvent>> {
        match event {
            Some(e) => {
                e.get().event.record(&self.stream).py_err()?;
                Ok(e)
            }
            None => Py::new(py, PyEvent { event: self.stream.record_event().py_err()? }),
        }
    }

    /// Makes work queued on this stream from now on wait for `event` (the host does not block).
    fn wait_event(&self, event: PyRef<'_, PyEvent>) -> PyResult<()> {
        self.stream.wait_event(&event.event).py_err()
    }

    /// Makes the stream current for its device on this thread until the block exits.
    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        let s = &slf.get().stream;
        let guard = s.make_current().py_err()?;
        ENTERED.with(|e| e.borrow_mut().push((s.clone(), guard)));
        Ok(slf)
    }

    /// Restores the stream that was current before the matching `__enter__`.
    fn __exit__(
        &self,
        exc_type: Option<&Bound<'_, PyAny>>,
        exc: Option<&Bound<'_, PyAny>>,
        tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let _ = (exc_type, exc, tb); // the stream is restored whatever happened in the block
        let popped = ENTERED.with(|e| {
            let mut e = e.borrow_mut();
            match e.last() {
                Some((s, _)) if *s == self.stream => e.pop(),
                _ => None,
            }
        });
        match popped {
            Some(entry) => {
                drop(entry); // the guard restores the previous stream
                Ok(false)
            }
            None => Err(PyRuntimeError::new_err(
                "Stream.__exit__ does not match the innermost stream entered on this thread: \
                 use streams in `with` blocks, exited in reverse order and on the thread that \
                 entered them",
            )),
        }
    }

    fn __repr__(&self) -> String {
        format!("<devarray.cuda.Stream on {}>", self.stream.device())
    }
}

/// A marker in a stream (CuPy's `cupy.cuda.Event`): other streams can wait for it, the host can
/// block on it, and two recorded events time the device work between them.
#[pyclass(name = "Event", module = "devarray.cuda", frozen)]
pub struct PyEvent {
    event: Event,
}

#[pymethods]
impl PyEvent {
    /// A new, unrecorded event on `device` (default: the default device).
    #[new]
    #[pyo3(signature = (device=None))]
    fn new(device: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let d = extract_device(device)?;
        Ok(PyEvent { event: Event::new(&d).py_err()? })
    }

    /// The device the event belongs to.
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice { device: self.event.device() }
    }

    /// Records the event at the current end of `stream` (default: this thread's current
    /// stream on the event's device).
    #[pyo3(signature = (stream=None))]
    fn record(&self, stream: Option<PyRef<'_, PyStream>>) -> PyResult<()> {
        match stream {
            Some(s) => self.event.record(&s.stream),
            None => Stream::current(&self.event.device()).and_then(|s| self.event.record(&s)),
        }
        .py_err()
    }

    /// Makes work queued on `stream` (default: the current stream) from now on wait for the
    /// event, without blocking the host.
    #[pyo3(signature = (stream=None))]
    fn wait(&self, stream: Option<PyRef<'_, PyStream>>) -> PyResult<()> {
        match stream {
            Some(s) => self.event.wait(&s.stream),
            None => Stream::current(&self.event.device()).and_then(|s| self.event.wait(&s)),
        }
        .py_err()
    }

    /// Blocks until the work before the event's last record has finished (releases the GIL).
    fn synchronize(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.event.synchronize()).py_err()
    }

    /// Milliseconds from this event's last record to `end_event`'s (blocks until both have
    /// completed; `ValueError` when either was never recorded or `end_event` came first).
    fn elapsed_time(&self, py: Python<'_>, end_event: PyRef<'_, PyEvent>) -> PyResult<f64> {
        let end = &end_event.event;
        let took = py.detach(|| end.elapsed_since(&self.event)).py_err()?;
        Ok(took.as_secs_f64() * 1e3)
    }

    fn __repr__(&self) -> String {
        format!("<devarray.cuda.Event on {}>", self.event.device())
    }
}

/// This thread's current stream on `device` (default: the default device).
#[pyfunction]
#[pyo3(signature = (device=None))]
fn _current_stream(device: Option<&Bound<'_, PyAny>>) -> PyResult<PyStream> {
    let d = extract_device(device)?;
    Ok(PyStream { stream: Stream::current(&d).py_err()? })
}

/// Adds the classes and functions of this file to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyStream>()?;
    m.add_class::<PyEvent>()?;
    m.add_function(wrap_pyfunction!(_current_stream, m)?)?;
    Ok(())
}
