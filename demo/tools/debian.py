"""Pictures from Debian packages: fetched with ``apt-get download``, read without installing.

The trainer (:mod:`demo.tools.train_pattern`) learns from face-free wallpapers, and the tests
evaluate the face pattern on photos, that Debian ships in its main archive with a licence in the
package's copyright file. Nothing is committed: the package is downloaded into a cache folder
once, and each picture is read straight out of the ``.deb`` file and checked against its sha256,
so the same bytes are used on every machine.

A ``.deb`` file is an ``ar`` archive whose member ``data.tar.*`` holds the installed files; it is
read here with the standard library (``tarfile``), so no root rights and no ``dpkg`` are needed.
``apt-get`` needs a Debian-like system with the package lists updated (``apt-get update``).
"""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np


class DebianError(Exception):
    """A package could not be fetched or read; the message is one line meant for the user."""


def cache_folder() -> Path:
    """Where downloaded packages are kept: ``$XDG_CACHE_HOME/machine-eyes/debs`` (or ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "machine-eyes" / "debs"


def download_command(package: str, version: str | None) -> list[str]:
    """The command that downloads ``package`` at ``version`` (None: the archive's own version)
    into the current folder."""
    return ["apt-get", "download", package if version is None else f"{package}={version}"]


def cached_deb(package: str, version: str, folder: Path | None = None) -> Path | None:
    """The ``.deb`` of ``package`` in the cache ``folder``, at ``version`` if there, else at any
    version (a Debian release may ship another; the pictures' sha256 decide), or None."""
    folder = cache_folder() if folder is None else folder
    # apt-get writes an epoch's colon as %3a: plasma-workspace-wallpapers_4%3a5.27.5-2_all.deb
    name_version = version.replace(":", "%3a")
    found = sorted(folder.glob(f"{package}_{name_version}_*.deb")) or sorted(folder.glob(f"{package}_*.deb"))
    return found[0] if found else None


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, -9, "", "no answer in 600 s")


def fetch_deb(package: str, version: str, folder: Path | None = None, run=_run) -> Path:
    """The ``.deb`` of ``package`` at ``version``, downloaded with ``apt-get`` unless cached; when
    Debian no longer has that version, the version it has (the pictures' sha256 then decide).

    The download goes to a folder of its own first and is moved into ``folder`` (default
    :func:`cache_folder`) only when complete, so an interrupted one leaves no cut-short package.
    ``run(argv, cwd)`` runs the download and returns a ``CompletedProcess`` (the tests run it
    outside MediaPipe's network filter). Raises DebianError when ``apt-get`` is missing or fails
    (offline, stale package lists).
    """
    folder = cache_folder() if folder is None else folder
    found = cached_deb(package, version, folder)
    if found is not None:
        return found
    if shutil.which("apt-get") is None:
        raise DebianError(f"{package} {version}: needs apt-get (a Debian-like system) to download it")
    folder.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix="download-", dir=folder))
    try:
        for wanted in (version, None):
            done = run(download_command(package, wanted), partial)
            got = sorted(partial.glob(f"{package}_*.deb"))
            if done.returncode == 0 and got:
                return Path(shutil.move(str(got[0]), str(folder / got[0].name)))
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise DebianError(f"{package} {version}: apt-get download failed ({last}); "
                          "check the network and run apt-get update")
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def read_members(deb: Path, wanted: Iterable[str]) -> dict[str, bytes]:
    """The bytes of the files ``wanted`` (paths as installed, e.g. ``usr/share/...``) in a ``.deb``.

    Raises DebianError when the file is not a Debian package or lacks one of them.
    """
    wanted = {w.lstrip("/") for w in wanted}
    data = _data_tar(deb)
    out = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for member in archive:
                name = member.name.lstrip("./")
                if name in wanted and (member.isfile() or member.issym() or member.islnk()):
                    out[name] = archive.extractfile(member).read()  # links: their target's bytes
                    if len(out) == len(wanted):
                        break  # the rest of the archive need not be unpacked
    except (tarfile.TarError, EOFError, lzma.LZMAError, OSError) as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0].rstrip(":")
        raise DebianError(f"{deb}: damaged or cut short ({reason}); delete it to fetch it again") from None
    missing = sorted(wanted - set(out))
    if missing:
        raise DebianError(f"{deb.name}: has no {missing[0]}")
    return out


def _data_tar(deb: Path) -> bytes:
    """The ``data.tar.*`` member of a ``.deb`` (an ``ar`` archive), still compressed."""
    blob = deb.read_bytes()
    if not blob.startswith(b"!<arch>\n"):
        raise DebianError(f"{deb}: not a Debian package (no ar header)")
    at = 8
    while at + 60 <= len(blob):
        header = blob[at:at + 60]
        try:
            name = header[:16].decode("ascii").strip().rstrip("/")
            size = int(header[48:58].decode("ascii").strip())
        except (UnicodeDecodeError, ValueError):
            raise DebianError(f"{deb}: not a Debian package (a damaged ar header)") from None
        if name.startswith("data.tar"):
            if name.endswith(".zst"):
                raise DebianError(f"{deb.name}: zstd-compressed; Python's tarfile cannot read it")
            return blob[at + 60:at + 60 + size]
        at += 60 + size + size % 2  # members are padded to an even length
    raise DebianError(f"{deb}: no data.tar member")


def checked_pictures(deb: Path, recorded: dict[str, str]) -> dict[str, bytes]:
    """The files ``recorded`` (path: sha256) from a ``.deb``, each checked against its sha256.

    Raises DebianError naming the first file whose bytes differ.
    """
    files = read_members(deb, recorded)
    for name, sha256 in recorded.items():
        if hashlib.sha256(files[name.lstrip("/")]).hexdigest() != sha256:
            raise DebianError(f"{deb.name}: {name} is not the recorded file (sha256 differs)")
    return {name: files[name.lstrip("/")] for name in recorded}


def decode_rgb(data: bytes, name: str = "a packaged picture") -> np.ndarray:
    """A JPEG or PNG file's bytes as RGB uint8 (height, width, 3); ``name`` for the error."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise DebianError(f"{name}: OpenCV cannot decode it")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def pictures(package: str, version: str, recorded: dict[str, str], fetch=fetch_deb) -> dict[str, np.ndarray]:
    """The pictures ``recorded`` (path inside the package: sha256) of Debian's ``package`` as RGB
    uint8 (height, width, 3), by path. ``fetch(package, version)`` gives the ``.deb`` (default:
    from the cache, else downloaded). Raises DebianError (one line) when it cannot be had or differs.
    """
    deb = fetch(package, version)
    return {name: decode_rgb(data, name) for name, data in checked_pictures(deb, recorded).items()}
