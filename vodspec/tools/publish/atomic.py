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
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from vodspec.errors import PublishError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _staging(data_dir: Path) -> Path:
    return data_dir.with_name(f".{data_dir.name}.new-{os.getpid()}")


def _retired(data_dir: Path) -> Path:
    return data_dir.with_name(f".{data_dir.name}.old-{os.getpid()}")


@contextlib.contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """Hold ``.<data>.lock`` beside the data dir for the whole build, or refuse at once."""
    data_dir = data_dir.absolute()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = data_dir.with_name(f".{data_dir.name}.lock")
    fd = _locked(lock, data_dir)
    try:
        _recover(data_dir)
        yield
    finally:
        # Removed while still held, so the next build starts from a fresh file (no lock file
        # is left beside the data dir); _locked checks it holds the file still at the path.
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)  # closing releases the lock


def _locked(lock: Path, data_dir: Path) -> int:
    """An fd holding the lock file at ``lock`` (not a file a finishing build just removed)."""
    while True:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise PublishError(
                "another vodspec build is publishing this data dir; try again when it is done",
                file=str(data_dir),
            ) from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _leftovers(data_dir: Path, kind: str) -> list[Path]:
    """``.<data>.<kind>-<pid>`` dirs of builds that are no longer running, oldest first.

    Only names a build makes, with a pid that is not alive, and holding only files a build
    writes: a folder the user called ``.data.new-backup`` is not ours to touch.
    """
    from vodspec.layout import published_names

    found = []
    for path in data_dir.parent.glob(f".{data_dir.name}.{kind}-*"):
        pid = path.name.rsplit("-", 1)[1]
        if not (pid.isascii() and pid.isdigit()) or _alive(int(pid)) or not path.is_dir():
            continue
        if all(child.name in published_names() for child in path.iterdir()):
            found.append(path)
    return sorted(found, key=lambda path: path.stat().st_mtime_ns)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own name from an earlier run in this process: stale
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process (or no such pid)
        return False
    except PermissionError:
        return True
    return True


def _recover(data_dir: Path) -> None:
    """Clean up after a build that was killed: put a retired dir back if the swap was cut."""
    retired = _leftovers(data_dir, "old")
    if not data_dir.exists() and retired:
        os.rename(retired[-1], data_dir)
        retired = retired[:-1]
    for path in [*retired, *_leftovers(data_dir, "new")]:
        shutil.rmtree(path, ignore_errors=True)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes) -> None:
    """Write, flush and fsync one file."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def remove_dead_temporaries(path: Path) -> None:
    """Remove what replace_file left beside ``path`` when its process died between write
    and rename: regular files named as ``_temporary`` names them, of a process no longer
    running (a file of the user's with another name, or a link, is never one)."""
    for found in path.parent.glob(f".{path.name}.*.tmp"):
        pid = found.name[len(path.name) + 2 : -len(".tmp")]
        if not (pid.isascii() and pid.isdigit()) or found.is_symlink() or not found.is_file():
            continue
        if not _alive(int(pid)):
            found.unlink()


def replace_file(path: Path, data: bytes) -> None:
    """Replace one file atomically (temporary file, fsync, rename)."""
    temporary = _temporary(path)
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
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def publish_dir(data_dir: Path, files: dict[str, bytes]) -> None:
    """Make ``data_dir`` hold exactly ``files``, atomically. Call under :func:`build_lock`."""
    data_dir = data_dir.absolute()
    staging = _staging(data_dir)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for name in sorted(files):
            write_file(staging / name, files[name])
        fsync_dir(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # e.g. a full disk: leave nothing behind
        raise
    if not data_dir.exists():
        os.rename(staging, data_dir)
    elif _exchange(staging, data_dir):
        shutil.rmtree(staging)  # it holds the old data now
    else:
        os.rename(data_dir, _retired(data_dir))
        os.rename(staging, data_dir)
        shutil.rmtree(_retired(data_dir))
    fsync_dir(data_dir.parent)
