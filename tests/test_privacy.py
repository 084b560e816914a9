"""Nothing leaves the machine and nothing is recorded, checked where the kernel sees it.

MediaPipe's native library looks up ``play.googleapis.com`` and uploads usage data where it can
(google-ai-edge/mediapipe#6291). These tests run the real commands under ``strace -f`` (every
thread, every child) and in a network namespace whose DNS answers every name, and fail on any
Internet socket that opens, connects or sends, and on any file the live window writes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from demo.base.offline import ARCHITECTURES, NOT_ENFORCED, filter_program

ROOT = Path(__file__).resolve().parent.parent
PHOTO = ROOT / "assets" / "astronaut.png"
FRAMES = "300"
KERNEL_FILTER = sys.platform.startswith("linux") and os.uname().machine in ARCHITECTURES
STRACE = shutil.which("strace")
TRACED = ("socket,socketpair,connect,bind,sendto,sendmsg,sendmmsg,"
          "open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,"
          "truncate,link,linkat,symlink,symlinkat")
INTERNET = re.compile(r"\bAF_INET6?\b|\bAF_PACKET\b|\bPF_INET6?\b")
WRITE_FLAGS = re.compile(r"\bO_(WRONLY|RDWR|CREAT|TRUNC|APPEND)\b")
CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+|\?)")
CHANGES_FILES = {"creat", "mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat",
                 "truncate", "link", "linkat", "symlink", "symlinkat"}
OPENS = {"open", "openat"}

needs_filter = pytest.mark.skipif(not KERNEL_FILTER, reason="the kernel filter exists on Linux x86-64/ARM64 only")
needs_strace = pytest.mark.skipif(not STRACE, reason="strace is not installed (.ci/run installs it)")


def fresh_env(tmp_path: Path) -> tuple[dict[str, str], Path, list[Path]]:
    """Environment with a new, empty HOME, TMPDIR and working folder, as a new exhibit user."""
    home, tmp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for folder in (home, tmp, work):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    # No bytecode caches, as in the README's systemd unit: Python's copy of its own code is not
    # visitor data, but this test counts every file written.
    env.update(HOME=str(home), TMPDIR=str(tmp), SDL_VIDEODRIVER=os.environ.get("SDL_VIDEODRIVER", "dummy"),
               PYTHONDONTWRITEBYTECODE="1")
    return env, work, [home, tmp, work]


def traced_calls(folder: Path) -> list[tuple[int, str, str, int | None]]:
    """(thread id, call, arguments, result) for each call in strace's per-thread files."""
    calls = []
    for path in folder.glob("trace.*"):
        tid = int(path.suffix[1:])
        for line in path.read_text(errors="replace").splitlines():
            match = CALL.match(line)
            if match:
                result = None if match[3] == "?" else int(match[3])
                calls.append((tid, match[1], match[2], result))
    return calls


def escapes(calls) -> list[str]:
    """Internet sockets that opened, and Internet addresses connected or sent to, successfully."""
    return [f"thread {tid}: {name}({args[:120]}) = {result}" for tid, name, args, result in calls
            if result is not None and result >= 0 and INTERNET.search(args)
            and name in {"socket", "socketpair", "connect", "bind", "sendto", "sendmsg", "sendmmsg"}]


def written(calls, allowed: tuple[str, ...] = ()) -> list[str]:
    """Files opened for writing, made, renamed or deleted outside /dev (and the ``allowed`` folders)."""
    kept = ("/dev/",) + allowed
    found = []
    for tid, name, args, result in calls:
        if result is None or result < 0 or name not in OPENS | CHANGES_FILES:
            continue
        if name in OPENS and not WRITE_FLAGS.search(args):
            continue
        paths = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
        if paths and all(path.startswith(kept) for path in paths):
            continue
        found.append(f"thread {tid}: {name}({args[:160]}) = {result}")
    return found


def run_traced(tmp_path: Path, argv: list[str], outside=None):
    """Run ``argv`` under ``strace -f`` in a fresh HOME; returns (completed process, calls).

    ``outside`` (the fixture) runs it from a process without the filter this test session has.
    """
    env, work, _ = fresh_env(tmp_path)
    traces = tmp_path / "traces"
    traces.mkdir()
    command = [STRACE, "-f", "-ff", "-qq", "-e", f"trace={TRACED}", "-e", "signal=none",
               "-o", str(traces / "trace"), *argv]
    if outside is not None:
        done = outside.run(command, cwd=work, env=env, timeout=600)
    else:
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=600)
    return done, traced_calls(traces)


def machine_eyes(*args: str) -> list[str]:
    return [sys.executable, "-m", "demo", *args]


@needs_filter
@needs_strace
@pytest.mark.parametrize("mode", [[], ["--kiosk", "--stage", "4"]], ids=["window", "kiosk"])
def test_live_window_sends_nothing_and_writes_nothing_seen_by_the_kernel(tmp_path, mode):
    done, calls = run_traced(tmp_path, machine_eyes("--source", "sample", "--frames", FRAMES, "--unpaced", *mode))
    assert done.returncode == 0, done.stderr[-2000:]
    assert len({tid for tid, *_ in calls}) > 5, "strace did not follow MediaPipe's threads"
    assert any(name == "socket" and INTERNET.search(args) for _, name, args, _ in calls), \
        "MediaPipe made no attempt this time: the test would not have seen one"
    assert escapes(calls) == []
    assert written(calls) == []


@needs_filter
@needs_strace
def test_render_sends_nothing_and_writes_only_its_output(tmp_path):
    out = tmp_path / "work" / "out"
    done, calls = run_traced(tmp_path, machine_eyes("render", str(PHOTO), "-o", f"{out}/", "--data", "json"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(p.name for p in out.iterdir()) == ["astronaut-seen.png", "astronaut.landmarks.json"]
    assert escapes(calls) == []
    assert written(calls, allowed=(str(out),)) == []


@needs_strace
def test_the_trace_checks_see_an_escape_and_a_write(tmp_path, outside):
    # Without Machine Eyes' filter, a plain connection to this machine and a file in HOME are seen.
    script = textwrap.dedent("""
        import os, pathlib, socket
        listener = socket.create_server(("127.0.0.1", 0))
        socket.create_connection(listener.getsockname()).sendall(b"hello")
        pathlib.Path(os.environ["HOME"], "visitor.txt").write_text("face")
    """)
    done, calls = run_traced(tmp_path, [sys.executable, "-c", script], outside)
    assert done.returncode == 0, done.stderr
    assert any("connect(" in line for line in escapes(calls))
    assert any("visitor.txt" in line for line in written(calls))


def in_fake_internet(tmp_path: Path, argv: list[str], outside) -> dict:
    """Run ``argv`` in a new network namespace whose DNS answers every name (see fakenet.py)."""
    env, work, _ = fresh_env(tmp_path)
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\n")
    inner = (f"ip link set lo up && mount --bind {resolv} /etc/resolv.conf && "
             f"exec {sys.executable} {Path(__file__).parent / 'fakenet.py'} " + " ".join(argv))
    done = outside.run(["unshare", "--net", "--mount", "sh", "-c", inner], cwd=work, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _can_unshare() -> bool:
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    return subprocess.run(["unshare", "--net", "--mount", "true"], capture_output=True).returncode == 0


@needs_filter
@pytest.mark.skipif(not _can_unshare(), reason="needs unshare --net --mount (root) and ip")
def test_where_every_name_resolves_mediapipe_phones_home_and_machine_eyes_does_not(tmp_path, outside):
    bare = tmp_path / "bare.py"
    bare.write_text(textwrap.dedent(f"""
        import numpy as np, mediapipe as mp
        from mediapipe.tasks.python import vision, BaseOptions
        options = vision.FaceLandmarkerOptions(base_options=BaseOptions(model_asset_path="{ROOT / 'assets' / 'face_landmarker.task'}"))
        with vision.FaceLandmarker.create_from_options(options) as landmarker:
            landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((64, 64, 3), np.uint8)))
    """))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    upstream = in_fake_internet(tmp_path / "a", [sys.executable, str(bare)], outside)
    ours = in_fake_internet(tmp_path / "b", machine_eyes("--source", "sample", "--frames", "60", "--unpaced"),
                            outside)
    assert upstream["rc"] == 0 and ours["rc"] == 0
    assert upstream["queries"] or upstream["connections"], "bare MediaPipe no longer phones home here"
    assert ours == {"rc": 0, "queries": [], "connections": 0}


FILTER_CHECK = textwrap.dedent("""
    import socket, subprocess, sys, threading
    from demo.base.offline import forbid_network

    def attempt(family):
        try:
            socket.socket(family, socket.SOCK_DGRAM).close()
            return "open"
        except OSError as error:
            return error.errno

    go, seen = threading.Event(), {}
    early = threading.Thread(target=lambda: (go.wait(), seen.update(early=attempt(socket.AF_INET))))
    early.start()                        # a thread that exists before the filter, like a notebook's
    before = attempt(socket.AF_INET)
    assert forbid_network() and forbid_network()
    go.set(); early.join()
    child = subprocess.run([sys.executable, "-c", "import socket; socket.socket()"], capture_output=True)
    left, right = socket.socketpair()    # the window's kind of socket still works
    print(before, seen["early"], attempt(socket.AF_INET), attempt(socket.AF_INET6), attempt(socket.AF_PACKET),
          child.returncode != 0, left.family == socket.AF_UNIX)
""")


@needs_filter
def test_the_filter_refuses_internet_sockets_on_every_thread_and_child(outside):
    # From outside this session's own filter, or the filter under test would not be the one refusing.
    done = outside.run([sys.executable, "-c", FILTER_CHECK], cwd=ROOT, env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    refused = "97"  # EAFNOSUPPORT
    assert done.stdout.split() == ["open"] + [refused] * 4 + ["True", "True"]


def test_the_filter_program_is_whole_instructions():
    for arch, socket_nr, _ in ARCHITECTURES.values():
        program = filter_program(arch, socket_nr)
        assert len(program) % 8 == 0 and 0 < len(program) // 8 < 64


def test_a_system_without_the_filter_is_told_once(monkeypatch, capsys):
    from demo.base import offline

    monkeypatch.setattr(offline, "_installed", False)
    monkeypatch.setattr(offline, "_warned", False)
    monkeypatch.setattr(offline.sys, "platform", "darwin")
    offline.keep_offline()
    offline.keep_offline()
    assert capsys.readouterr().err == NOT_ENFORCED + "\n"


@pytest.fixture
def x_server():
    """A real X server (Xvfb) on a free display; its number as ``":N"``."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed (.ci/run installs it)")
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        yield ":" + server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(timeout=30)


@needs_filter
@needs_strace
def test_the_window_still_reaches_a_real_x_server_through_the_filter(tmp_path, x_server, monkeypatch):
    monkeypatch.setenv("DISPLAY", x_server)
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    done, calls = run_traced(tmp_path, machine_eyes("--source", "sample", "--frames", "60", "--unpaced"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert any(name == "connect" and "X11-unix" in args and result == 0 for _, name, args, result in calls)
    assert escapes(calls) == []
    assert written(calls) == []
