"""The live window records nothing and talks to no one: no file written, no socket opened."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

GUARD = textwrap.dedent('''
    import os, sys

    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    violations = []

    def guard(event, args):
        if event.startswith("socket."):
            violations.append(f"{event} {args[1:] if len(args) > 1 else ''}")
            raise PermissionError("network blocked by the privacy test")
        if event == "open":
            path, mode, flags = args
            writing = (mode and any(c in mode for c in "wax+")) or (flags and flags & WRITE_FLAGS)
            if writing and str(path) != os.devnull:
                violations.append(f"open for writing: {path}")
                raise PermissionError(f"read-only for the privacy test: {path}")

    sys.addaudithook(guard)
    from demo.cli import main
    code = main(sys.argv[1:])
    if violations:
        print("VIOLATIONS", *violations, sep="\\n", file=sys.stderr)
        code = 99
    sys.exit(code)
''')


def snapshot(*folders: Path) -> set[tuple[str, int]]:
    return {(str(p), p.stat().st_size) for folder in folders for p in folder.rglob("*")}


def run_guarded(tmp_path: Path, *args: str, check_files: bool = True) -> subprocess.CompletedProcess:
    """Run ``machine-eyes ARGS`` with writes and sockets blocked, HOME, TMPDIR and cwd fresh."""
    home, tmp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for folder in (home, tmp, work):
        folder.mkdir()
    script = tmp_path / "guarded.py"
    script.write_text(GUARD)
    before = snapshot(home, tmp, work)
    env = dict(os.environ, HOME=str(home), TMPDIR=str(tmp), SDL_VIDEODRIVER="dummy",
               PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    done = subprocess.run([sys.executable, str(script), *args], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    if check_files:
        assert snapshot(home, tmp, work) == before, "the live window left files behind"
    return done


def test_live_window_writes_nothing_and_opens_no_socket(tmp_path):
    done = run_guarded(tmp_path, "--source", "sample", "--frames", "40", "--unpaced")
    assert done.returncode == 0, done.stderr[-2000:]


def test_kiosk_mode_writes_nothing_and_opens_no_socket(tmp_path):
    done = run_guarded(tmp_path, "--source", "sample", "--kiosk", "--frames", "40", "--unpaced", "--stage", "4")
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_guard_would_catch_a_write(tmp_path):
    # The same guard around a command that does write a file: proof the tests above can fail.
    photo = Path(__file__).resolve().parent.parent / "assets" / "astronaut.png"
    done = run_guarded(tmp_path, "render", str(photo), "-o", str(tmp_path / "work" / "out.png"), check_files=False)
    assert done.returncode == 99 and "open for writing" in done.stderr
