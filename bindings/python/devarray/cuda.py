"""``devarray.cuda``: streams and events, as in ``cupy.cuda``.

``Stream(device=None)`` is an in-order queue of device work; ``with stream:`` makes it this
thread's current stream on its device (devarray's ops there run on it) until the block exits,
nesting and restoring the previous stream, exceptions included. ``stream.record(event=None)``
marks its current end with an ``Event`` (a new one when none is given), ``stream.wait_event(e)``
makes its later work wait for ``e`` without blocking the host, ``stream.synchronize()`` blocks
the host. ``Event(device=None)`` has ``record(stream=None)``, ``wait(stream=None)``,
``synchronize()`` and ``start.elapsed_time(end)``, the milliseconds between two recorded events
(as ``get_elapsed_time(start, end)``, CuPy's spelling).

``device=None`` means the default device (``with devarray.Device(...)`` blocks included).

On the CPU device ops run synchronously on one queue: every CPU stream is that queue, so
creating, entering, recording, waiting and synchronising succeed at once, and ``elapsed_time``
is the host time between the two ``record`` calls. Code written against streams therefore runs
unchanged on a machine without a GPU.

Errors: ``ValueError`` for an event and a stream of different devices, and for timing an event
that was never recorded (or a start recorded after the end); ``RuntimeError`` for an unusable
CUDA device.
"""

from __future__ import annotations

from ._devarray import Event, Stream
from ._devarray import _current_stream

__all__ = ["Event", "Stream", "get_current_stream", "get_elapsed_time"]


def get_current_stream(device: object = None) -> Stream:
    """This thread's current stream on ``device`` (default: the default device): the innermost
    ``with stream:`` block's, else the device's own stream."""
    return _current_stream(device)


def get_elapsed_time(start_event: Event, end_event: Event) -> float:
    """Milliseconds between two recorded events (``start_event.elapsed_time(end_event)``)."""
    return start_event.elapsed_time(end_event)
