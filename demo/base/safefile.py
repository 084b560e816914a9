"""Files that never look finished before they are.

Every file Machine Eyes writes (a render's pictures, videos and numbers, a screenshot) is written
under a temporary name beside its destination (``.name.XXXX.part.ext``), checked, and only then
renamed. A full disk, a missing permission or a Ctrl-C leaves no file with a finished-looking name.
:class:`Outputs` renames the files of one input together, so they appear together or not at all.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputError(Exception):
    """A file could not be written; the message is one line naming it, why, and what to do."""


def write_failure(path: str | Path, error: OSError | None = None, what: str = "could not be written") -> OutputError:
    """The one-line :class:`OutputError` for ``path``; ``error`` None: the file read back was wrong."""
    reason, advice = _why(error, Path(path).parent)
    return OutputError(f"{path}: {what} ({reason}); {advice}")


def _why(error: OSError | None, folder: Path) -> tuple[str, str]:
    """What went wrong and what to do, in words, from ``error`` (None: a file read back wrong)."""
    code = getattr(error, "errno", None)
    if code in (errno.ENOSPC, errno.EDQUOT) or (error is None and _nearly_full(folder)):
        return "the disk is full", "make room or choose another folder"
    if code in (errno.EACCES, errno.EPERM):
        return "no permission", "choose a folder you may write to"
    if code == errno.EROFS:
        return "the disk is read-only", "choose another folder"
    if code in (errno.ENOTDIR, errno.ENOENT):
        return "part of the path is not a folder", "check the path"
    if code == errno.EEXIST:
        return "a file of that name is in the way", "choose another name"
    if error is not None:
        return error.strerror or type(error).__name__, "check the disk and the folder"
    return "the file read back is incomplete", "check the disk and the folder"


def folder_problem(folder: Path) -> str | None:
    """Why files cannot be saved in ``folder`` (made if missing), as the end of a one-line message;
    None if they can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason, advice = _why(error, folder)
        return f"cannot be made as a folder ({reason}); {advice}"
    if not os.access(folder, os.W_OK | os.X_OK):  # also false on a read-only disk
        return "files cannot be saved in this folder (no permission, or a read-only disk); choose another folder"
    return None


def _nearly_full(folder: Path) -> bool:
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 1 << 20  # under 1 MB left


def temporary_path(path: str | Path) -> Path:
    """A new hidden file beside ``path`` (``.name.XXXX.part.ext``), keeping the extension for OpenCV.

    Raises :class:`OutputError` naming ``path`` if the folder cannot be written.
    """
    path = Path(path)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    except OSError as error:
        raise write_failure(path, error) from None
    os.close(handle)
    umask = os.umask(0)  # mkstemp makes the file private (0600); the output gets the usual rights
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)
    return Path(name)


def write_picture(path: str | Path, rgb, name: str | Path | None = None) -> None:
    """Encode ``rgb`` (numpy uint8, height x width x 3, RGB) as ``name``'s format (.png, .jpg...),
    write it to ``path`` (a temporary file) and read the bytes back.

    Python writes the bytes, so a full disk is reported for what it is (OpenCV's ``imwrite`` says
    nothing). Raises :class:`OutputError` naming ``name`` (default ``path``).
    """
    import cv2  # lazy: a heavy import

    name = Path(name or path)
    try:
        encoded, data = cv2.imencode(name.suffix, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    except cv2.error:
        encoded = False
    if not encoded:
        raise write_failure(name)
    data = data.tobytes()
    try:
        with open(path, "wb") as out:
            out.write(data)
        same = Path(path).read_bytes() == data
    except OSError as error:
        raise write_failure(name, error) from None
    if not same:
        raise write_failure(name)


@contextmanager
def atomic_path(path: str | Path, replace: bool = False) -> Iterator[Path]:
    """Write ``path`` through a temporary file: yields the temporary path, renames it when the
    block ends normally, deletes it if the block raises (also on Ctrl-C). A file already at ``path``
    is replaced only if ``replace``; otherwise :class:`OutputError` says so and it is kept."""
    with Outputs(replace) as outputs:
        yield outputs.add(path)
        outputs.commit()


class Outputs:
    """The files of one job, each written under a temporary name, renamed together by :meth:`commit`.

    Used as a context manager: leaving it without a commit (an error, a signal) deletes every
    temporary file. A rename that fails takes back the ones before it. ``replace`` (``--force``):
    files already there are replaced; without it a file that appeared since the job was checked
    (another render of the same name) is never replaced.
    """

    def __init__(self, replace: bool = False) -> None:
        self._files: list[tuple[Path, Path]] = []  # (temporary, final)
        self._replace = replace

    def add(self, final: str | Path) -> Path:
        """A temporary path to write ``final``'s content to."""
        final = Path(final)
        tmp = temporary_path(final)
        self._files.append((tmp, final))
        return tmp

    def commit(self) -> None:
        """Rename every temporary file to its final name. A file already there is moved aside first
        if ``replace``, else :class:`OutputError` says it appeared meanwhile and it is kept; should a
        rename fail, the finals renamed so far are taken back and the files they replaced restored,
        then :class:`OutputError` names the one that failed."""
        done: list[tuple[Path, Path | None]] = []  # (final, the older file moved aside or None)
        try:
            for tmp, final in self._files:
                if not self._replace:
                    _place_new(tmp, final)
                    done.append((final, None))
                    continue
                aside = None
                try:
                    if final.exists() or final.is_symlink():
                        aside = temporary_path(final.with_suffix(final.suffix + ".old"))
                        os.replace(final, aside)
                    done.append((final, aside))
                    os.replace(tmp, final)
                except OSError as error:
                    if aside is not None and (final, aside) not in done:  # the move aside failed
                        aside.unlink(missing_ok=True)
                    raise write_failure(final, error) from None
        except BaseException:
            for final, aside in reversed(done):
                final.unlink(missing_ok=True)
                if aside is not None:
                    os.replace(aside, final)
            raise
        for _, aside in done:
            if aside is not None:
                aside.unlink(missing_ok=True)
        self._files = []

    def discard(self) -> None:
        """Delete every temporary file not yet committed."""
        for tmp, _ in self._files:
            tmp.unlink(missing_ok=True)
        self._files = []

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()


def _appeared(final: Path) -> OutputError:
    return OutputError(f"{final}: appeared while this was written; not replaced; use --force or another name")


def _place_new(tmp: Path, final: Path) -> None:
    """Give ``tmp`` the name ``final`` only if no file has it: a hard link fails if one appeared,
    with no moment in between for another process. Where that fails otherwise (a file system
    without hard links: FAT, exFAT) the name is checked just before the rename instead; a real
    write problem then fails the rename too. Raises :class:`OutputError`."""
    try:
        os.link(tmp, final)  # tmp is the regular file this job wrote, never a link
    except FileExistsError:
        raise _appeared(final) from None
    except OSError:  # no hard links here (FAT, exFAT: EPERM on Linux, EINVAL on Windows; others vary)
        if final.exists() or final.is_symlink():
            raise _appeared(final) from None
        try:
            os.rename(tmp, final)
        except OSError as error:
            raise write_failure(final, error) from None
        return
    tmp.unlink(missing_ok=True)  # the file now has both names; the temporary one goes
