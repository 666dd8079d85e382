"""Publish a directory atomically: readers find the old data dir or the new one, never a mix.

The new dir is written completely beside the old one and fsynced, then the two are swapped
with one renameat2(RENAME_EXCHANGE) where Linux offers it (else two renames, whose gap a
later build repairs). A lock file keeps two builds from racing.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import glob
import os
import shutil
import signal
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path

from vodspec.errors import BuildLockedError, PublishError, VodspecWarning
from vodspec.layout import published_names

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def beside(data_dir: Path, suffix: str) -> Path:
    """``.<data>.<suffix>``: the lock, staging and retired dirs, hidden beside the data dir."""
    return data_dir.with_name(f".{data_dir.name}.{suffix}")


@contextlib.contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``.<data>.lock`` beside the data dir for the whole build, or refuse at once; the
    folders made for it are removed again if nothing was published (a refusal leaves none)."""
    made = [parent for parent in data_dir.parents if not os.path.lexists(parent)]
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = beside(data_dir, "lock")
    fd = None
    try:
        fd = _locked(lock, data_dir)
        _recover(data_dir)
        yield
    finally:
        if fd is not None:
            # Removed while held, so that none is left behind (_locked checks the path's inode).
            with contextlib.suppress(OSError):
                lock.unlink()
            os.close(fd)  # closing releases the lock
        if not os.path.lexists(data_dir):
            with contextlib.suppress(OSError):  # one not empty: neither are those around it
                for folder in made:  # deepest first
                    folder.rmdir()


def _locked(lock: Path, data_dir: Path) -> int:
    """An fd holding the lock file at ``lock`` (not a file a finishing build just removed)."""
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as exc:
            if os.path.lexists(lock):  # the lock file itself: the build names it
                raise
            raise PublishError(
                f"cannot publish into {data_dir}: this folder cannot be written"
                f" ({exc.strerror or exc}), and a build keeps its lock and stages the new files"
                " in it, beside the data dir; nothing was changed",
                file=str(lock.parent),
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BuildLockedError(
                "another vodspec build is publishing this data dir; try again when it is done",
                file=str(data_dir),
            ) from None
        with contextlib.suppress(FileNotFoundError):
            if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                return fd
        os.close(fd)


def _dead(pid: str) -> bool:
    """Whether ``pid``, read from a name a build gave, is of no running process."""
    if not (pid.isascii() and pid.isdigit()):
        return False  # not a name a build gives
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, OverflowError):  # no such process (or no such pid)
        return True
    except PermissionError:  # another user's process
        return False
    return int(pid) == os.getpid()  # ours: left by an earlier run in this process


def _leftovers(data_dir: Path, kind: str) -> list[Path]:
    """``.<data>.<kind>-<pid>`` dirs of builds no longer running that hold nothing but files a
    build writes, oldest first."""
    found = [
        path
        # Escaped: a data dir named "d[a]ta" or "d*" would match the leftovers of another.
        for path in data_dir.parent.glob(glob.escape(beside(data_dir, kind).name) + "-*")
        if _dead(path.name.rsplit("-", 1)[1])
        and path.is_dir()
        and all(child.name in published_names() for child in path.iterdir())
    ]
    return sorted(found, key=lambda path: path.stat().st_mtime_ns)


def _recover(data_dir: Path) -> None:
    """Clean up after a build that was killed: put a retired dir back if the swap was cut."""
    retired = _leftovers(data_dir, "old")
    if not data_dir.exists() and retired:
        os.rename(retired.pop(), data_dir)
    for path in [*retired, *_leftovers(data_dir, "new")]:
        with contextlib.suppress(OSError):
            _remove(path)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def replace_file(path: Path, data: bytes) -> None:
    """Replace one file atomically (temporary file, fsync, rename), first removing the
    temporary files of earlier replacements whose process died."""
    for found in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = found.name[len(path.name) + 2 : -len(".tmp")]
        if _dead(pid) and found.is_file() and not found.is_symlink():
            found.unlink()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write_file(temporary, data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_dir(path.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    # (dir fd, path) twice, then the flags: an unsigned int, not ctypes' default int.
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p) * 2 + (ctypes.c_uint,)
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def publish_dir(data_dir: Path, files: dict[str, bytes]) -> None:
    """Make ``data_dir`` hold exactly ``files``, atomically, under :func:`build_lock`. A
    failure before the swap leaves the old publication (a PublishError); after it, the new
    one, and what could not be tidied up is a warning."""
    old = os.stat(data_dir) if data_dir.is_dir() else None
    if old and (not os.access(data_dir, os.W_OK) or not old.st_mode & 0o222):
        # The swap writes only the parent, but whoever made the folder read-only (for this
        # user, or for everyone: root passes os.access) asked for it to stay as it is.
        raise PublishError(
            "the data dir is read-only for this user; make it writable to publish into it;"
            " nothing was changed",
            file=str(data_dir),
        )
    staging = beside(data_dir, f"new-{os.getpid()}")
    # SIGINT and SIGTERM wait until the publication is whole or abandoned (SIGKILL needs not).
    with _signals_deferred(data_dir):
        try:
            _remove(staging)
            staging.mkdir()
            for name in sorted(files):
                write_file(staging / name, files[name])
            if old:
                _keep_mode_and_owner(staging, old)
            fsync_dir(staging)
            previous = _swap(staging, data_dir)
        except OSError as exc:  # a full disk, a read-only or vanished parent, a failed rename
            with contextlib.suppress(OSError):
                _remove(staging)
            raise PublishError(
                f"cannot publish into the data dir: {exc.strerror or exc}; nothing was changed",
                file=str(exc.filename or data_dir),
            ) from None
        if previous is not None:
            _retire(previous, data_dir)
        with contextlib.suppress(OSError):
            fsync_dir(data_dir.parent)


def _retire(previous: Path, data_dir: Path) -> None:
    """Remove the old data dir the swap took out; one that gained files vodspec did not write
    during the build is put back (nothing changed), or else kept."""
    try:
        # A folder (or link) under a name vodspec writes is not a file it wrote either.
        foreign = sorted(
            name
            for name in os.listdir(previous)
            if name not in published_names() or not stat.S_ISREG(os.lstat(previous / name).st_mode)
        )
    except OSError as exc:
        foreign = [f"(cannot list it: {exc.strerror or exc})"]
    shown = ", ".join(foreign[:5])
    if not foreign:
        try:
            _remove(previous)
            return
        except OSError as exc:
            warning = (
                f"{data_dir} is published, but the previous version at {previous} could"
                f" not be removed ({exc.strerror or exc}); remove it by hand"
            )
    elif _exchange(previous, data_dir):  # the new publication out, the user's folder back
        _remove(previous)
        raise PublishError(
            f"files that vodspec did not write appeared in the data dir during the build"
            f" ({shown}); they are where they were and nothing was changed: move them and"
            " build again",
            file=str(data_dir),
        )
    else:
        warning = (
            f"{data_dir} is published; the previous data dir held files that vodspec did not"
            f" write ({shown}), so it is kept at {previous}"
        )
    warnings.warn(VodspecWarning(warning), stacklevel=3)


@contextlib.contextmanager
def _signals_deferred(data_dir: Path) -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block, then raise one that came as a
    KeyboardInterrupt saying whether it published. An ignored signal (``trap '' INT``) is
    not blocked: it would be held pending instead of dropped."""
    deferred = {
        number
        for number in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(number) is not signal.SIG_IGN
    }
    try:
        before = signal.pthread_sigmask(signal.SIG_BLOCK, deferred)
    except (AttributeError, ValueError, OSError):  # not the main thread, or no such call
        yield
        return
    published = False
    try:
        yield
        published = True
    finally:
        pending = signal.sigpending() & deferred
        for number in pending:  # consumed here, so that unblocking does not deliver it
            signal.sigwait({number})
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        if pending:
            outcome = "is published" if published else "was not changed"
            raise KeyboardInterrupt(f"{data_dir} {outcome}")


def _keep_mode_and_owner(staging: Path, old: os.stat_result) -> None:
    """The swap replaces the folder itself: give it the old one's mode (a 2775, a 0700…)
    and, as root, its owner."""
    if os.geteuid() == 0 and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        for path in (staging, *staging.iterdir()):
            os.chown(path, old.st_uid, old.st_gid)
    os.chmod(staging, stat.S_IMODE(old.st_mode))


def _swap(staging: Path, data_dir: Path) -> Path | None:
    """Put ``staging`` in ``data_dir``'s place; where the old data dir is now (None: none)."""
    if not data_dir.exists():
        os.rename(staging, data_dir)
        return None
    if _exchange(staging, data_dir):
        return staging  # it holds the old data now
    retired = beside(data_dir, f"old-{os.getpid()}")
    os.rename(data_dir, retired)
    try:
        os.rename(staging, data_dir)
    except OSError:
        os.rename(retired, data_dir)  # if this fails too, the next build puts it back
        raise
    return retired


def _remove(directory: Path) -> None:
    """Remove a dir this build made or retired (a read-only one too: it is the build's)."""
    if not os.path.lexists(directory):
        return
    if not directory.is_symlink() and directory.is_dir():
        with contextlib.suppress(OSError):
            os.chmod(directory, 0o700)
    shutil.rmtree(directory)
