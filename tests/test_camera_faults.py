"""The camera survives every way a museum camera fails, with a fake clock: no sleeping tests."""

from __future__ import annotations

import numpy as np
import pytest

from demo.tools.faults import Fault, FaultyCamera
from demo.sources import CameraLink, CameraSource, NoCamera


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(link: CameraLink, clock: FakeClock, steps: int, dt: float = 1 / 30) -> list[bool]:
    """Step the link ``steps`` times, ``dt`` seconds apart; True where a picture came."""
    got = []
    for _ in range(steps):
        got.append(link.step() is not None)
        clock.now += dt
    return got


def make(faults: list[Fault]) -> tuple[FaultyCamera, CameraLink, FakeClock]:
    camera = FaultyCamera(faults, size=(160, 120))
    clock = FakeClock()
    return camera, CameraLink(camera.open, clock, capture=camera.open()), clock


def test_a_healthy_camera_delivers_every_frame():
    camera, link, clock = make([])
    assert all(run(link, clock, 20))
    frame = link.step()
    assert frame.shape == (120, 160, 3) and frame.dtype == np.uint8


def test_a_few_failed_reads_are_ridden_out_without_reconnecting():
    camera, link, clock = make([Fault(10, "fail", CameraLink.FAILURES_TO_DROP - 1)])
    got = run(link, clock, 30)
    assert got.count(False) == CameraLink.FAILURES_TO_DROP - 1
    assert link.reconnects == 0 and link.connected


def test_repeated_failures_reconnect_after_a_back_off():
    camera, link, clock = make([Fault(10, "fail", CameraLink.FAILURES_TO_DROP)])
    got = run(link, clock, 60)
    assert not link.connected or link.reconnects == 1
    assert got[-1] and link.reconnects == 1 and camera.opens == 1 + 1
    # Between dropping and reopening the link waited about RETRY_S, not a busy loop of opens.
    missing = got.count(False) - CameraLink.FAILURES_TO_DROP
    assert missing == pytest.approx(CameraLink.RETRY_S * 30, abs=2)


def test_empty_pictures_are_skipped_and_many_of_them_reconnect():
    camera, link, clock = make([Fault(5, "empty", 2), Fault(20, "empty", CameraLink.FAILURES_TO_DROP + 1)])
    got = run(link, clock, 80)
    assert got[5:7] == [False, False] and got[7]
    assert link.reconnects == 1 and got[-1]


def test_a_hung_driver_repeating_one_picture_is_reconnected():
    frozen_frames = int(CameraLink.FROZEN_S * 30) + 10
    camera, link, clock = make([Fault(10, "frozen", frozen_frames)])
    got = run(link, clock, frozen_frames + 60)
    assert link.reconnects == 1
    assert got[-1]


def test_an_unplugged_camera_is_retried_with_growing_waits_until_it_returns():
    camera, link, clock = make([Fault(10, "vanish", 4)])  # four reopen attempts fail
    opened_at = []
    for _ in range(30 * 60):  # one minute of fake time
        was = link.connected
        link.step()
        if link.connected and not was:
            opened_at.append(clock.now)
        clock.now += 1 / 30
    assert link.reconnects == 1 and link.connected
    assert camera.opens == 2  # the first open, and the one after it came back
    # Reopen tries after dropping: +0.5 s, then waits doubling 1, 2, 4 and capped at 5 s: the four
    # refused tries are at +0.5, +1.5, +3.5, +7.5 s and the fifth opens at +12.5 s.
    assert len(opened_at) == 1
    lost_for = opened_at[0] - 1000.0 - 10 / 30
    assert 12.4 < lost_for < 13.2


def test_wait_tells_the_thread_how_long_to_rest_while_lost():
    camera, link, clock = make([Fault(0, "vanish", 100)])
    run(link, clock, CameraLink.FAILURES_TO_DROP)
    assert not link.connected
    assert link.wait_s() == pytest.approx(CameraLink.RETRY_S, abs=0.05)
    clock.now += 10.0
    assert link.wait_s() == 0.0


def test_camera_source_thread_comes_back_after_the_device_vanishes():
    camera = FaultyCamera([Fault(10, "vanish", 2)], size=(160, 120))
    source = CameraSource(0, opener=camera.open, retry_s=0.001, timeout_s=5.0)
    try:
        frames = [source.read() for _ in range(40)]
    finally:
        source.close()
    assert all(f is not None for f in frames)
    assert source.link.reconnects == 1 and camera.opens == 2
    assert [f.index for f in frames] == sorted(f.index for f in frames)  # never an older frame


def test_a_camera_missing_at_start_is_waited_for_when_asked():
    camera = FaultyCamera([], size=(160, 120))
    tries = []

    def plugged_in_later():
        tries.append(1)
        return camera.open() if len(tries) > 3 else None

    with pytest.raises(NoCamera):
        CameraSource(0, opener=plugged_in_later)
    tries.clear()
    source = CameraSource(0, opener=plugged_in_later, retry_s=0.001, timeout_s=5.0, wait=True)
    try:
        frame = source.read()
    finally:
        source.close()
    assert frame is not None and len(tries) == 4 and camera.opens == 1


def test_fault_kind_is_checked():
    with pytest.raises(ValueError, match="fault kind"):
        Fault(0, "melted", 1)
