"""Pictures read out of Debian packages (demo/tools/debian.py): a damaged or cut-short package is
one clear error, and an interrupted download leaves nothing behind in the cache."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from demo.tools import debian

INSIDE = "usr/share/demo/picture.png"
PICTURE = b"\x89PNG not really, but bytes all the same" * 50


def _ar_member(name: str, data: bytes) -> bytes:
    header = f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(data):<10}`\n".encode("ascii")
    return header + data + (b"\n" if len(data) % 2 else b"")


def make_deb(path: Path) -> Path:
    """A small ``.deb`` holding :data:`PICTURE` at :data:`INSIDE` (xz-compressed, as Debian's are)."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:xz") as archive:
        info = tarfile.TarInfo("./" + INSIDE)
        info.size = len(PICTURE)
        archive.addfile(info, io.BytesIO(PICTURE))
    path.write_bytes(b"!<arch>\n" + _ar_member("debian-binary", b"2.0\n")
                     + _ar_member("data.tar.xz", data.getvalue()))
    return path


def test_a_picture_is_read_and_checked(tmp_path):
    deb = make_deb(tmp_path / "demo_1.0_all.deb")
    sha = hashlib.sha256(PICTURE).hexdigest()
    assert debian.checked_pictures(deb, {INSIDE: sha}) == {INSIDE: PICTURE}
    with pytest.raises(debian.DebianError, match="sha256 differs"):
        debian.checked_pictures(deb, {INSIDE: "0" * 64})
    with pytest.raises(debian.DebianError, match="has no usr/share/demo/other.png"):
        debian.read_members(deb, ["usr/share/demo/other.png"])


def test_a_cut_short_or_foreign_file_is_one_clear_error(tmp_path):
    whole = make_deb(tmp_path / "demo_1.0_all.deb").read_bytes()
    cut = tmp_path / "cut_1.0_all.deb"
    cut.write_bytes(whole[:len(whole) - 200])
    with pytest.raises(debian.DebianError, match="damaged or cut short") as error:
        debian.read_members(cut, [INSIDE])
    assert "\n" not in str(error.value) and str(cut) in str(error.value)
    foreign = tmp_path / "photo.deb"
    foreign.write_bytes(b"GIF89a...")
    with pytest.raises(debian.DebianError, match="not a Debian package"):
        debian.read_members(foreign, [INSIDE])
    for damage in (b"\xff", b"x"):  # a name that is not ASCII, a size that is not a number
        bad = bytearray(whole)
        bad[8 + (0 if damage == b"\xff" else 48)] = damage[0]
        foreign.write_bytes(bytes(bad))
        with pytest.raises(debian.DebianError, match="damaged ar header"):
            debian.read_members(foreign, [INSIDE])


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="fetch_deb needs apt-get on the PATH")
def test_an_interrupted_download_leaves_nothing_in_the_cache(tmp_path):
    cache = tmp_path / "debs"

    def interrupted(argv, cwd):
        (Path(cwd) / "demo_1.0_all.deb").write_bytes(b"!<arch>\nhalf a package")
        return subprocess.CompletedProcess(argv, 100, "", "E: connection reset")

    with pytest.raises(debian.DebianError, match="connection reset"):
        debian.fetch_deb("demo", "1.0", cache, run=interrupted)
    assert list(cache.iterdir()) == []

    calls = []

    def complete(argv, cwd):
        calls.append(argv)
        make_deb(Path(cwd) / "demo_1.0_all.deb")
        return subprocess.CompletedProcess(argv, 0, "", "")

    deb = debian.fetch_deb("demo", "1.0", cache, run=complete)
    assert deb == cache / "demo_1.0_all.deb" and list(cache.iterdir()) == [deb]
    assert debian.fetch_deb("demo", "1.0", cache, run=complete) == deb and len(calls) == 1  # cached
    assert calls[0] == ["apt-get", "download", "demo=1.0"]


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="fetch_deb needs apt-get on the PATH")
def test_a_version_debian_no_longer_has_falls_back_to_the_one_it_has(tmp_path):
    """The pictures' sha256, not the package's version, decide whether they are the recorded ones."""
    cache = tmp_path / "debs"
    calls = []

    def archive_moved_on(argv, cwd):
        calls.append(argv[-1])
        if argv[-1] == "demo=1.0":
            return subprocess.CompletedProcess(argv, 100, "", "E: Version '1.0' for 'demo' was not found")
        make_deb(Path(cwd) / "demo_1.1_all.deb")
        return subprocess.CompletedProcess(argv, 0, "", "")

    deb = debian.fetch_deb("demo", "1.0", cache, run=archive_moved_on)
    assert calls == ["demo=1.0", "demo"] and deb == cache / "demo_1.1_all.deb"
    assert debian.fetch_deb("demo", "1.0", cache, run=archive_moved_on) == deb and len(calls) == 2
