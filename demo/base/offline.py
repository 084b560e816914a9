"""No network, enforced by the kernel: nothing this process does can reach another machine.

MediaPipe's native library contains a usage-data uploader (Clearcut, to ``play.googleapis.com``;
google-ai-edge/mediapipe#6291) that its Python API cannot switch off. An exhibit that promises
visitors that nothing about them leaves the room cannot rely on a library behaving, so before
MediaPipe is loaded Machine Eyes asks the Linux kernel to refuse this process every socket that
could reach a network.

How: a seccomp filter (``man 2 seccomp``), a small program the kernel runs on every system call.
This one refuses ``socket()`` for every address family except ``AF_UNIX`` (the X11 or Wayland
window, D-Bus) and ``AF_NETLINK`` (the kernel's own device messages, e.g. a camera plugged in),
so an Internet socket (IPv4, IPv6) or a raw packet socket cannot even be created: name lookups and
connections fail with "address family not supported". It also refuses ``io_uring``, which could
create sockets without the ``socket()`` call. The filter is installed on every thread at once
(``SECCOMP_FILTER_FLAG_TSYNC``), every thread and child process started later inherits it, and it
cannot be removed: it lasts until the process ends. ``PR_SET_NO_NEW_PRIVS``, which the kernel
requires first, only stops a child from gaining privileges through set-user-id programs.

The standard library has no binding for these two calls, so they go through :mod:`ctypes` to the
C library's ``prctl`` and ``syscall``; no dependency's private interface is involved.

Linux on x86-64 and 64-bit ARM (the Linux platforms MediaPipe ships for) is enforced. Windows and
macOS have no such call for a program to make on itself: there :func:`forbid_network` returns False,
and the README gives the exhibit's operator the firewall rule to add.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import struct
import sys

# Linux constants (linux/prctl.h, linux/seccomp.h, linux/filter.h, linux/audit.h).
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000  # | errno: the call fails with that error, the program goes on
BPF_LD_W_ABS = 0x20  # load the 32-bit word at an offset of the system call's description
BPF_JEQ_K = 0x15  # jump if equal to a constant
BPF_JGE_K = 0x35  # jump if greater than or equal to a constant
BPF_RET_K = 0x06  # return a constant: the verdict
X32_SYSCALL_BIT = 0x40000000  # x86-64's x32 numbering: refused as a whole

# Offsets into struct seccomp_data: int nr; u32 arch; u64 ip; u64 args[6] (little-endian).
OFFSET_NR, OFFSET_ARCH, OFFSET_ARG0 = 0, 4, 16

IO_URING_SETUP = 425  # the same number on every architecture

# By machine: (audit architecture, socket, seccomp) system call numbers.
ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 317),
    "aarch64": (0xC00000B7, 198, 277),
}
ALLOWED_FAMILIES = (socket.AF_UNIX, getattr(socket, "AF_NETLINK", 16))

_installed = False  # this process (and so its children) already runs under the filter
_warned = False  # the "not blocked on this system" line was printed


class OfflineError(RuntimeError):
    """The kernel could not be asked to keep this process off the network; one line for the user."""


def _instruction(code: int, k: int, jump_true: int = 0, jump_false: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jump_true, jump_false, k)


def filter_program(arch: int, socket_nr: int) -> bytes:
    """The seccomp filter as classic BPF instructions (8 bytes each), in the machine's byte order.

    In words: a call made with another architecture's numbering (32-bit calls from a 64-bit
    process, x86-64's x32 calls) is refused; ``socket()`` is allowed for ``AF_UNIX`` and
    ``AF_NETLINK`` and refused for every other family; ``io_uring_setup()`` is refused; every
    other call is allowed. Jumps count the instructions they skip.
    """
    refuse = SECCOMP_RET_ERRNO | errno.EPERM
    no_family = SECCOMP_RET_ERRNO | errno.EAFNOSUPPORT
    no_call = SECCOMP_RET_ERRNO | errno.ENOSYS
    unix, netlink = ALLOWED_FAMILIES
    program = [
        _instruction(BPF_LD_W_ABS, OFFSET_ARCH),
        _instruction(BPF_JEQ_K, arch, 1, 0),          # our architecture: skip the refusal
        _instruction(BPF_RET_K, refuse),              # 32-bit calls from a 64-bit process
        _instruction(BPF_LD_W_ABS, OFFSET_NR),
        _instruction(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1),
        _instruction(BPF_RET_K, refuse),
        _instruction(BPF_JEQ_K, socket_nr, 0, 5),     # not socket(): on to io_uring
        _instruction(BPF_LD_W_ABS, OFFSET_ARG0),
        _instruction(BPF_JEQ_K, unix, 2, 0),
        _instruction(BPF_JEQ_K, netlink, 1, 0),
        _instruction(BPF_RET_K, no_family),
        _instruction(BPF_RET_K, SECCOMP_RET_ALLOW),
        _instruction(BPF_JEQ_K, IO_URING_SETUP, 0, 1),
        _instruction(BPF_RET_K, no_call),
        _instruction(BPF_RET_K, SECCOMP_RET_ALLOW),
    ]
    return b"".join(program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid_network() -> bool:
    """Make the kernel refuse this process, all its threads and its children any network socket.

    Call it before MediaPipe is loaded; calling it again does nothing. Local sockets (``AF_UNIX``,
    the window's connection to the desktop) and the kernel's device messages (``AF_NETLINK``) still
    work; a socket already open stays open (a notebook keeps talking to its browser tab).

    Returns True once the filter is in force, False on a system that has no such filter
    (Windows, macOS, Linux on other processors): there only a firewall rule keeps MediaPipe in.

    Raises
    ------
    OfflineError
        Linux refused the filter (seccomp switched off in the kernel or by a container).
    """
    global _installed
    if _installed:
        return True
    machine = os.uname().machine if hasattr(os, "uname") else ""
    if not sys.platform.startswith("linux") or machine not in ARCHITECTURES:
        return False
    arch, socket_nr, seccomp_nr = ARCHITECTURES[machine]
    code = filter_program(arch, socket_nr)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _SockFprog(len(code) // 8, ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OfflineError(f"the kernel refused no_new_privs ({os.strerror(ctypes.get_errno())}); "
                           "cannot keep MediaPipe off the network")
    answer = libc.syscall(ctypes.c_long(seccomp_nr), ctypes.c_ulong(SECCOMP_SET_MODE_FILTER),
                          ctypes.c_ulong(SECCOMP_FILTER_FLAG_TSYNC), ctypes.byref(program))
    if answer != 0:
        why = os.strerror(ctypes.get_errno()) if answer < 0 else f"thread {answer} has another filter"
        raise OfflineError(f"the kernel refused the network filter ({why}); "
                           "cannot keep MediaPipe off the network")
    _installed = True
    return True


NOT_ENFORCED = ("machine-eyes: warning: this system cannot block MediaPipe's network access "
                "from inside the program; add the firewall rule from the README's Privacy section")


def keep_offline() -> None:
    """:func:`forbid_network`, saying once on stderr where the system cannot enforce it.

    Every command calls this first, and :mod:`demo.landmarks` before it loads MediaPipe.
    """
    global _warned
    if not forbid_network() and not _warned:
        _warned = True
        print(NOT_ENFORCED, file=sys.stderr)
