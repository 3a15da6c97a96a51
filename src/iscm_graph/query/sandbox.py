"""What confines the query processes beneath the text checks of query/guard.py: no network at all
(a network namespace of their own, and a seccomp filter that refuses every socket but a Unix one)
and a memory ceiling (an address-space limit). The pool's supervisor isolates itself before it loads
anything, so every query process it forks inherits the isolation; each query process sets its own
memory ceiling. Linux only; where a layer is not available the others still hold, and /healthz
says which ones are in force."""
from __future__ import annotations

import ctypes
import os
import platform
import resource
import struct

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000

# seccomp: prctl options, return actions and the classic-BPF opcodes the filter uses
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_EPERM, _AF_UNIX = 1, 1
# per architecture: the audit arch the kernel reports, and the numbers of socket() and io_uring_setup()
# (io_uring can open sockets without the socket() call, so the filter refuses it too)
_ARCHES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xB7 | 0xC0000000, 198, 425)}
_X32_BIT = 0x40000000          # x86_64's x32 ABI marks its syscall numbers with this bit


def libc():
    """The C library, with errno kept for the caller."""
    return ctypes.CDLL(None, use_errno=True)


def _unshare(flags: int) -> None:
    if libc().unshare(flags) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _network_namespace() -> str:
    """Move this process into a network namespace of its own, with no interface up: nothing in it
    can reach any address, loopback included. Root may do it directly; another user through a user
    namespace that maps only its own ids."""
    try:
        _unshare(_CLONE_NEWNET)
        return "network namespace"
    except OSError:
        pass
    uid, gid = os.getuid(), os.getgid()
    _unshare(_CLONE_NEWUSER | _CLONE_NEWNET)
    with open("/proc/self/setgroups", "w") as fh:
        fh.write("deny")
    with open("/proc/self/uid_map", "w") as fh:
        fh.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as fh:
        fh.write(f"{gid} {gid} 1")
    return "user and network namespace"


def _seccomp_filter() -> str:
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        raise OSError(f"no socket filter for the {platform.machine()} architecture")
    audit_arch, nr_socket, nr_io_uring = arch

    def stmt(code, k):
        return struct.pack("HBBI", code, 0, 0, k)

    def jump(code, k, jt, jf):
        return struct.pack("HBBI", code, jt, jf, k)

    deny = _RET_ERRNO | _EPERM
    program = [
        stmt(_LD_ABS, 4),                       # seccomp_data.arch
        jump(_JEQ, audit_arch, 1, 0),
        stmt(_RET, deny),                       # another ABI (i386's socketcall, ...): refused
        stmt(_LD_ABS, 0),                       # seccomp_data.nr
        jump(_JGE, _X32_BIT, 0, 1),
        stmt(_RET, deny),                       # x32 numbers: refused
        jump(_JEQ, nr_io_uring, 0, 1),
        stmt(_RET, deny),
        jump(_JEQ, nr_socket, 1, 0),
        stmt(_RET, _RET_ALLOW),                 # any other call
        stmt(_LD_ABS, 16),                      # socket(): the low word of args[0], the family
        jump(_JEQ, _AF_UNIX, 0, 1),
        stmt(_RET, _RET_ALLOW),
        stmt(_RET, deny),
    ]
    code = b"".join(program)
    buf = ctypes.create_string_buffer(code, len(code))

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(len(program), ctypes.addressof(buf))
    c = libc()
    if c.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            c.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return "seccomp socket filter"


def isolate_network() -> tuple[list[str], list[str]]:
    """Cut this process (and every process it forks afterwards) off from the network. Call it
    before any thread starts. Returns the layers in force and why any other is missing."""
    layers, missing = [], []
    for layer in (_network_namespace, _seccomp_filter):
        try:
            layers.append(layer())
        except OSError as exc:
            missing.append(f"{layer.__name__.strip('_').replace('_', ' ')}: {exc}")
    return layers, missing


def address_space() -> int:
    """This process's mapped address space, in bytes."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def cap_memory(ceiling_mb: int) -> int:
    """Let this process map at most `ceiling_mb` MiB beyond what it maps now: past it, an allocation
    fails (pyoxigraph then aborts the process; Python raises MemoryError). Address space bounds
    resident memory from above, so the ceiling holds for real memory too. Returns the limit."""
    limit = address_space() + ceiling_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit
