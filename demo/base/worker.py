"""A worker: one thread of its own that runs jobs one at a time, in the order they were given.

Each job's answer is a :class:`concurrent.futures.Future`: the caller waits for it (with a timeout)
and gets the job's return value, or the exception the job raised, in its own thread. Whatever a
job uses (a MediaPipe landmarker, a face detector) is used by this one thread only, so it needs no
lock; a job given last, just before :meth:`Worker.close`, can close it on the same thread, after
every job before it has finished.

The perception worker (:class:`demo.live.pipeline.Pipeline`) and the search for distant faces
(:class:`demo.perception.landmarks.FaceMesh`) each run on one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

CLOSE_WAIT_S = 60.0  # longest wait for the jobs given before close() to finish, seconds


class Worker:
    """One thread running jobs one at a time; :meth:`submit` gives a job, :meth:`close` ends it.

    Parameters
    ----------
    name : str
        The thread's name, as a debugger or a thread dump shows it.
    """

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()  # submit() and close() may be called from different threads
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[..., Any], *args: Any) -> Future:
        """Run ``job(*args)`` after the jobs given before it; its answer comes in the Future.

        Raises ``RuntimeError`` once the worker is closed.
        """
        answer: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError(f"worker {self._thread.name!r} is closed")
            self._jobs.put((answer, job, args))
        return answer

    def _run(self) -> None:
        while True:
            answer, job, args = self._jobs.get()
            if answer is None:  # close(): every job given before it has run
                return
            if not answer.set_running_or_notify_cancel():
                continue  # the caller cancelled it before it started
            try:
                result = job(*args)
            except BaseException as error:  # handed to whoever waits for the answer
                answer.set_exception(error)
            else:
                answer.set_result(result)

    def close(self, timeout_s: float = CLOSE_WAIT_S) -> bool:
        """Take no more jobs, let the ones already given finish, and wait for the thread to end.

        Waits at most ``timeout_s`` seconds; returns True when the thread has ended. Safe to call
        twice.
        """
        with self._lock:
            if not self._closed:
                self._closed = True
                self._jobs.put((None, None, None))
        self._thread.join(timeout=timeout_s)
        return not self._thread.is_alive()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._closed
