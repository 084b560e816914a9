"""The exhibit over time: attract loop, stage timer, kiosk keys, config, soak; fake clocks only."""

from __future__ import annotations

import dataclasses

import numpy as np
import pygame
import pytest

from demo.live.app import LoopState, handle_key, run
from demo.picture.compose import ViewSettings
from demo.live.config import Config, merge_cli
from demo.live.exhibit import Attract, StageClock
from demo.tools.faults import Fault, FaultyCamera
from demo.perception.landmarks import FaceMesh
from demo.sources import CameraSource


def test_attract_starts_after_the_delay_and_stops_at_the_first_face():
    attract = Attract(delay_s=20.0)
    assert attract.update(0.0, face_seen=True) is False
    assert attract.update(19.9, face_seen=False) is False
    assert attract.update(20.0, face_seen=False) is True
    assert attract.update(500.0, face_seen=False) is True
    assert attract.update(500.1, face_seen=True) is False  # at once, no delay
    assert attract.update(510.0, face_seen=False) is False


def test_attract_plays_at_once_while_the_camera_is_lost():
    attract = Attract(delay_s=20.0)
    attract.update(0.0, face_seen=True)
    assert attract.update(1.0, face_seen=False, camera_ok=False) is True
    assert attract.update(2.0, face_seen=True, camera_ok=True) is False


def test_the_attract_loop_asks_nobody_to_step_closer_while_the_camera_is_lost():
    """With the camera lost the attract loop plays at once, beside the "Camera lost" badge; stepping
    closer does nothing then, so its line asks the visitor to watch instead."""
    from demo.live.app import message_for, new_state
    from demo.live.feeds import Feeds
    from demo.live.pipeline import Seen
    from demo.picture.text import load_texts
    from demo.sources import Frame, SampleSource

    words = load_texts("en")
    state = new_state(Config(), no_pixels=True)
    seen = Seen(Frame(SampleSource().frame_at(0), 0, 0.0), [])
    attract = Attract(delay_s=20.0)
    with FaceMesh(max_faces=1) as mesh, Feeds(SampleSource(), mesh, attract, None) as feeds:
        feeds.camera_ok = False  # as a frame that found the camera gone leaves it
        attract.update(0.0, face_seen=False, camera_ok=False)
        assert message_for(state, seen, feeds, words, 0.0)[0] == "notice.camera_lost"  # first the notice
        lost = message_for(state, seen, feeds, words, 10.0)  # then the invitation beside the badge
        assert lost == ("notice.attract_camera_lost", words.get("notice.attract_camera_lost"))
        assert state.notices.badges == ("badge.camera_lost",)
        feeds.camera_ok = True  # the camera is back, the room still empty: step closer
        assert message_for(state, seen, feeds, words, 11.0)[0] == "notice.attract"


def test_attract_can_be_switched_off():
    attract = Attract(delay_s=5.0, enabled=False)
    assert attract.update(0.0, False) is False and attract.update(100.0, False) is False


def test_stage_clock_moves_by_itself_and_skips_disabled_stages():
    clock = StageClock(enabled=(0, 1, 4, 6), seconds=10.0, auto=True)
    assert clock.update(0.0) == 0
    assert clock.update(9.9) == 0
    assert clock.update(10.0) == 1
    assert clock.update(20.0) == 4
    assert clock.next(21.0) == 6  # the button resets the timer
    assert clock.update(30.0) == 6
    assert clock.update(31.0) == 0  # after the last: the first
    assert clock.back(32.0) == 6
    assert clock.jump(33.0, 2) == 6  # stage 2 is switched off
    assert clock.restart(34.0) == 0


def test_stage_clock_stays_without_auto():
    clock = StageClock(seconds=3.0)
    assert clock.update(0.0) == 0 and clock.update(1000.0) == 0


def press(state, config, key, mod=0, unicode=""):
    handle_key(key, mod, unicode, state, config, now=0.0)


@pytest.fixture
def kiosk_state():
    config = merge_cli(Config(), kiosk=True)
    return LoopState(settings=ViewSettings(), stages=StageClock(), kiosk=True), config


def test_kiosk_ignores_teacher_keys_and_quits_only_by_the_combination(kiosk_state):
    state, config = kiosk_state
    for key, text in ((pygame.K_q, "q"), (pygame.K_ESCAPE, ""), (pygame.K_h, "h"), (pygame.K_s, "s"),
                      (pygame.K_f, "f"), (pygame.K_g, "g"), (pygame.K_3, "3")):
        press(state, config, key, unicode=text)
    assert state.running and not state.help and not state.screenshot and not state.fullscreen
    assert state.settings == ViewSettings() and state.stages.stage == 0
    press(state, config, pygame.K_SPACE)
    assert state.stages.stage == 1
    press(state, config, pygame.K_LEFT)
    assert state.stages.stage == 0
    press(state, config, pygame.K_q, pygame.KMOD_LCTRL)  # not the whole combination
    assert state.running
    press(state, config, pygame.K_q, pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT)
    assert not state.running


def test_teacher_keys_work_outside_kiosk():
    config = Config()
    state = LoopState(settings=ViewSettings(), stages=StageClock())
    press(state, config, pygame.K_PLUS, unicode="+")
    press(state, config, pygame.K_RIGHTBRACKET, unicode="]")
    press(state, config, pygame.K_g, unicode="g")
    press(state, config, pygame.K_5, unicode="5")
    assert (state.settings.cell, state.settings.bins, state.settings.view) == (10, 10, "glyphs")
    assert state.stages.stage == 5
    press(state, config, pygame.K_q, unicode="q")
    assert not state.running


def test_only_decimal_digits_jump_to_a_step_and_superscripts_are_ignored():
    config = Config()
    state = LoopState(settings=ViewSettings(), stages=StageClock())
    press(state, config, pygame.K_3, unicode="3")
    assert state.stages.stage == 3
    for key, text in ((178, "\u00b2"), (179, "\u00b3")):  # French "²" key; German AltGr+2, AltGr+3
        press(state, config, key, unicode=text)
        assert state.stages.stage == 3 and state.running
    press(state, config, pygame.K_1, unicode="\u0661")  # Arabic-Indic one, typed by Arabic digit rows
    assert state.stages.stage == 1
    press(state, config, pygame.K_4, unicode="\u06f4")  # Persian four: a Persian keyboard's digit row
    assert state.stages.stage == 4


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_attract_cycle_in_the_live_loop_with_an_empty_room_then_a_visitor():
    blank = np.full((480, 640, 3), 90, np.uint8)
    room = {"visitor": False}
    from demo.sources import SampleSource

    clip = SampleSource()
    camera = FaultyCamera([], fps=60.0, picture=lambda n: clip.frame_at(n) if room["visitor"] else blank)
    source = CameraSource(0, opener=camera.open, timeout_s=5.0)
    config = dataclasses.replace(Config(), attract=dataclasses.replace(Config().attract, delay_s=5.0))
    seen = []
    clock = FakeClock()

    def on_frame(shown, state, attracting):
        seen.append(attracting)
        clock.now += 0.5  # each frame shown is half a second of museum time
        if shown == 40:
            room["visitor"] = True  # someone steps in

    try:
        with FaceMesh(max_faces=1) as mesh:
            run(source, mesh, config, frames=70, unpaced=True, clock=clock, on_frame=on_frame,
                attract_mesh=lambda: FaceMesh(max_faces=1))
    finally:
        source.close()
    story = "".join("A" if attracting else "." for attracting in seen)  # shown if an assert fails
    assert story[0] == ".", story  # nobody there, but the delay has not passed
    assert "A" in story[10:40], story  # 5 s of fake time without a face: the attract loop plays
    assert story[-1] == ".", story  # the visitor's face brought the live view back
    assert story.index(".", 41) - 40 < 15, story  # within a few frames of the face appearing


def test_a_one_frame_video_plays_in_the_live_loop_like_a_picture(tmp_path):
    from conftest import write_video
    from demo.sources import open_source

    path = tmp_path / "one.mp4"
    write_video(path, [np.full((48, 64, 3), 100, np.uint8)])
    shown = []
    source = open_source(str(path))
    try:
        with FaceMesh(max_faces=1) as mesh:
            code = run(source, mesh, Config(), frames=6, unpaced=True,
                       on_frame=lambda count, state, attracting: shown.append(state.shown.frame.index))
    finally:
        source.close()
    assert code == 0 and len(shown) == 6  # it used to end after its one frame


def test_a_slideshow_video_holds_each_frame_while_the_loop_keeps_answering_keys(tmp_path):
    from conftest import write_video
    from demo.live.app import SLOWEST_LOOP_FPS, Pacer
    from demo.sources import open_source

    pacer = Pacer(0.5, holds=True)  # a file at 0.5 fps: the loop turns 10 times a second, keys with it
    assert pacer.turns == SLOWEST_LOOP_FPS
    assert [pacer.frame_due(t) for t in (0.0, 0.1, 1.9, 2.0, 2.1, 4.5, 5.0)] == [True, False, False, True, False,
                                                                                True, False]
    camera = Pacer(0.5)  # a camera paced as asked: a held frame would read as an empty room
    assert camera.turns == 0.5 and camera.frame_due(0.0) and camera.frame_due(0.1)
    assert Pacer(30.0, holds=True).frame_due(0.0) and Pacer(30.0, holds=True).frame_due(0.0)

    path = tmp_path / "slides.mp4"
    write_video(path, [np.full((48, 64, 3), shade, np.uint8) for shade in (50, 150, 250)], fps=0.5)
    clock, shown = FakeClock(), []

    def turn(count, state, attracting):
        shown.append(state.shown.frame.index)
        clock.now += 0.1  # the loop's clock: a tenth of a second a turn

    source = open_source(str(path))
    try:
        assert source.fps == 0.5
        with FaceMesh(max_faces=1) as mesh:  # paced at the video's own rate
            run(source, mesh, Config(), frames=25, clock=clock, on_frame=turn)
    finally:
        source.close()
    assert shown[:20] == [shown[0]] * 20 and shown[20:] == [shown[0] + 1] * 5, shown  # 2 s a slide


def test_the_no_camera_notice_shows_four_seconds_then_stays_as_a_corner_badge():
    from demo.sources import open_source

    clock = FakeClock()
    badges = []

    def on_frame(shown, state, attracting):
        badges.append(state.notices.badges)
        clock.now += 0.5

    with FaceMesh(max_faces=1) as mesh:
        run(open_source("sample"), mesh, Config(), frames=12, unpaced=True, clock=clock, on_frame=on_frame,
            notice_key="notice.no_camera")
    assert badges == [()] * 8 + [("badge.no_camera",)] * 4


def test_a_soak_survives_every_fault_with_flat_memory_and_threads():
    from demo.tools.soak import soak

    # The camera vanishes at once, so the attract loop (a second landmarker) starts before the
    # warm-up ends; then every fault comes round again and again.
    schedule = [Fault(3, "vanish", 2), Fault(20, "fail", 8), Fault(50, "empty", 2), Fault(60, "frozen", 30),
                Fault(100, "vanish", 2)]
    report = soak(frames=300, warm_up=120, schedule=schedule, period=120)
    assert report.error is None
    assert report.reconnects >= 3 and report.warm_frame >= 120
    assert report.threads_end <= report.threads_warm
    assert report.rss_growth_mb < 20.0
    assert report.passed


def test_screenshots_go_only_to_a_named_folder_and_never_in_kiosk_mode_by_default(tmp_path):
    press_s = dict(key=pygame.K_s, mod=0, unicode="s", now=0.0)
    teacher = merge_cli(Config(), screenshot_dir=str(tmp_path))
    state = LoopState(settings=ViewSettings(), stages=StageClock())
    handle_key(state=state, config=teacher, **press_s)
    assert state.screenshot and teacher.screenshot_folder == tmp_path
    kiosk = merge_cli(Config(), kiosk=True, screenshot_dir=str(tmp_path))
    state = LoopState(settings=ViewSettings(), stages=StageClock(), kiosk=True)
    handle_key(state=state, config=kiosk, **press_s)
    assert not state.screenshot and kiosk.screenshot_folder is None


def test_a_screenshot_never_overwrites_an_earlier_one(tmp_path):
    from demo.live.window import save_screenshot
    from demo.picture.text import load_texts

    surface = pygame.Surface((32, 24))
    lines = [save_screenshot(surface, tmp_path, load_texts("en")).text for _ in range(3)]
    assert len(list(tmp_path.glob("machine-eyes-*.png"))) == 3
    assert all(line.startswith("Screenshot saved: machine-eyes-") for line in lines)
    assert "No screenshot: start with --screenshots" in save_screenshot(surface, None, load_texts("en")).text


def test_sigterm_ends_even_a_kiosk_cleanly(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    # PYTHONFAULTHANDLER: if the exhibit hangs, SIGABRT makes it print every thread's stack.
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", PYTHONFAULTHANDLER="1")
    process = subprocess.Popen([sys.executable, "-m", "demo", "--source", "sample", "--kiosk"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            # Wait until the window is up: the process then has its perception thread running.
            if len(os.listdir(f"/proc/{process.pid}/task")) > 3:
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        try:
            _, stderr = process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            _, stderr = process.communicate(timeout=30)
            pytest.fail(f"the exhibit did not end within 90 s of SIGTERM; its threads:\n{stderr[-6000:]}")
        # Ended by its own watchdog ("Timeout (0:00:45)!", exit code 1) means the loop went on
        # after SIGTERM or the clean-up hung: a failure, with every thread's stack to say where.
        assert process.returncode == 0 and "Timeout (" not in stderr, stderr[-6000:]
    finally:
        if process.poll() is None:
            process.kill()


HANGING_SHUTDOWN = """
import os, signal, threading
from demo.base import shutdown
shutdown.SHUTDOWN_LIMIT_S = 1.0
shutdown.install()
os.kill(os.getpid(), signal.SIGTERM)
while not shutdown.requested():  # the loop sees the signal at its next frame
    threading.Event().wait(0.01)
print("cleaning up", flush=True)
os.kill(os.getpid(), signal.SIGTERM)  # a second signal during the clean-up changes nothing
threading.Event().wait()  # a clean-up that never ends, as a stuck native library's would
"""


def test_a_shutdown_that_hangs_after_sigterm_ends_anyway_with_every_threads_stack():
    """The watchdog armed by the first signal ends a clean-up that never returns."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", HANGING_SHUTDOWN], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "cleaning up\n"
    assert done.returncode == 1
    assert "Timeout (0:00:01)!" in done.stderr and "most recent call first" in done.stderr


@pytest.mark.parametrize("depth", [32, 24, 16])
def test_the_picture_reaches_the_screen_exactly(depth):
    """The window's picture goes into the screen's pixels without pygame's blit on 32-bit
    screens (so Python's lock stays free for the perception worker); any screen shows the same."""
    from demo.live.window import show_picture

    pygame.display.init()
    try:
        screen = pygame.display.set_mode((64, 48))
        surface = pygame.Surface((64, 48), depth=depth) if depth != 32 else screen
        picture = np.random.default_rng(depth).integers(0, 256, (48, 64, 3)).astype(np.uint8)
        show_picture(surface, picture)
        expected = pygame.Surface((64, 48), depth=depth)
        expected.blit(pygame.image.frombuffer(picture, (64, 48), "RGB"), (0, 0))
        assert np.array_equal(pygame.surfarray.array3d(surface), pygame.surfarray.array3d(expected))
        surface.fill((0, 0, 0))  # the screen is not left locked
    finally:
        pygame.display.quit()


@pytest.mark.parametrize("desktop, size", [((1920, 1080), (1280, 720)), ((1280, 720), (1280, 720)),
                                           ((800, 480), (800, 450)), ((1080, 1920), (1080, 607))])
def test_the_window_is_never_larger_than_the_desktop(desktop, size):
    """A bare X kiosk has no window manager to fit a window to a small screen: on 800x480 the
    1280x720 window stood at -240,-120, its panels and captions cut off left and right."""
    from demo.live.window import window_size

    assert window_size(desktop) == size


def test_the_distant_face_search_has_a_thread_of_its_own_during_the_loop_only():
    """During the loop the distant-face search runs on its own thread; afterwards a notebook or a
    render gets the mesh back as it was."""
    from demo.sources import open_source

    during = []
    with FaceMesh(max_faces=2) as mesh:
        run(open_source("sample"), mesh, Config(), frames=3, unpaced=True,
            on_frame=lambda shown, state, attracting: during.append(mesh.background_search))
        assert during == [True] * 3
        assert not mesh.background_search


def test_the_challenge_stays_longer_when_stages_move_by_themselves():
    clock = StageClock(enabled=(7, 8), seconds=10.0, auto=True, stage=8, longer={8: 120.0})
    assert clock.update(0.0) == 8
    assert clock.update(119.0) == 8
    assert clock.update(120.0) == 7
    assert clock.update(130.0) == 8


def test_step_8_forgets_a_visitor_after_the_attract_loops_delay():
    """The challenge's "visitor left" is the attract loop's delay from the settings file, kept when
    the step comes back and when the challenge resets itself."""
    from demo.live.app import follow_challenge, new_state

    config = dataclasses.replace(Config(), attract=dataclasses.replace(Config().attract, delay_s=45.0))
    state = new_state(config, no_pixels=False)
    assert state.challenge.leave_ms == 45000.0
    state.challenge.wins["hog"] = object()
    follow_challenge(state, None, None, 1.0, attracting=False)  # step 0 is shown: forgotten
    assert not state.challenge.wins and state.challenge.leave_ms == 45000.0
    state.challenge.reset(0.0)
    assert state.challenge.leave_ms == 45000.0
