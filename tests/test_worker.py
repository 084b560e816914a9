"""The worker behind the perception thread and the distant-face search: one thread, jobs in turn."""

from __future__ import annotations

import threading

import pytest

from demo.base.worker import Worker


def test_jobs_run_in_order_on_one_named_thread_and_answer_through_futures():
    worker = Worker("test worker")
    try:
        answers = [worker.submit(lambda n: (n, threading.current_thread().name), n) for n in range(5)]
        assert [answer.result(timeout=10) for answer in answers] == [(n, "test worker") for n in range(5)]
    finally:
        assert worker.close()


def test_an_error_reaches_the_caller_and_the_worker_goes_on():
    worker = Worker("test worker")
    try:
        broken = worker.submit(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            broken.result(timeout=10)
        assert worker.submit(lambda: "still here").result(timeout=10) == "still here"
    finally:
        worker.close()


def test_close_lets_the_given_jobs_finish_then_takes_no_more():
    worker = Worker("test worker")
    release = threading.Event()
    done: list[str] = []
    worker.submit(lambda: done.append("first job") if release.wait(10) else None)
    worker.submit(done.append, "last job")  # e.g. closing what the jobs before it used
    release.set()
    assert worker.close()
    assert done == ["first job", "last job"]
    assert not [t for t in threading.enumerate() if t.name == "test worker"]
    with pytest.raises(RuntimeError, match="closed"):
        worker.submit(done.append, "too late")
    assert worker.close()  # twice is safe
