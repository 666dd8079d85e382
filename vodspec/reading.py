"""Reading the user's files safely (and whether a path stays inside a folder), and the one
JSON form vodspec writes (stdlib only).

Only regular files are read (``/dev/zero`` would never end, a FIFO would hang), and never
more than the cap plus one byte, so a file that grows while it is read cannot exhaust memory.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from vodspec.errors import DataDirReplacedError, InputError, TooLargeError
from vodspec.layout import ERROR_CODES, STATUS_CODES, json_name
from vodspec.record import ErrorCode, Field, Status

#: The largest source page vodspec reads or downloads (real ones are 10-300 KB): parsing costs
#: some hundred bytes of memory per byte of a hostile page.
MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024
_SPECIAL_FILES = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def read_regular(path: Path, cap: int = MAX_PAGE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes, or a one-line refusal."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                kind = _SPECIAL_FILES.get(stat.S_IFMT(info.st_mode), "a special file")
                raise InputError(
                    f"not a regular file ({kind})", hint="expected a file", file=str(path)
                )
            if info.st_size > cap:
                raise TooLargeError(
                    f"input is {info.st_size:,} bytes; the cap is {cap:,} bytes", file=str(path)
                )
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(cap + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    if len(data) > cap:
        raise TooLargeError(f"input grew past the cap of {cap:,} bytes", file=str(path))
    return data


def load_json(data: bytes, where: str) -> Any:
    """Parse JSON, refusing bad UTF-8, bad syntax and nesting too deep to parse, in one line."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 at byte {exc.start}", hint="expected JSON", file=where
        ) from None
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}", file=where) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to read", file=where) from None


def read_json(path: Path, cap: int = MAX_JSON_BYTES) -> Any:
    """A JSON file's value (regular file, capped, one-line refusals)."""
    return load_json(read_regular(path, cap), str(path))


RECORD_TYPES: dict[str, type[Status] | type[ErrorCode]] = {
    STATUS_CODES: Status,
    ERROR_CODES: ErrorCode,
}


def _readable(record: object, key: str, fields: tuple[Field, ...]) -> bool:
    """A record holds its key, and each field it holds (a list as a tuple) passes its rule."""
    return (
        isinstance(record, dict)
        and key in record
        and all(
            field.rule(tuple(value) if isinstance(value, list) else value)
            for field in fields
            if field.name in record
            for value in (record[field.name],)
        )
    )


def read_dataset(path: Path, kind: str | None = None) -> dict[str, Any]:
    """A published dataset (``status_codes.json``, ``error_codes.json``): a JSON object with
    a ``records`` list of objects carrying their key; else a one-line refusal naming it."""
    return dataset_document(read_json(path), str(path), kind)


def dataset_document(value: Any, where: str, kind: str | None = None) -> dict[str, Any]:
    """A dataset file's JSON value (read from ``where``), checked as :func:`read_dataset` says."""
    found = value.get("kind", kind or STATUS_CODES) if isinstance(value, dict) else None
    if not isinstance(found, str) or found not in RECORD_TYPES or kind not in (None, found):
        expected = f"a {kind} dataset" if kind else "a vodspec dataset"
        raise InputError(f"not {expected} (a JSON object of that kind)", file=where)
    key, fields = RECORD_TYPES[found].KEY[0], RECORD_TYPES[found].STORED
    records = value.get("records")
    name = "a status-code" if found == STATUS_CODES else "an error-code"
    if not isinstance(records, list):
        raise InputError(f"not {name} dataset: expected a list of records", file=where)
    if not all(_readable(record, key, fields) for record in records):
        raise InputError(f"not {name} dataset: expected each record to give its {key}", file=where)
    notes = value.get("notes", [])
    if not isinstance(notes, list) or not all(map(_readable_note, notes)):
        raise InputError("expected notes each with a line, a text and a why", file=where)
    assert isinstance(value, dict)
    return value  # checked as far as readers rely on it


def _readable_note(note: object) -> bool:
    """A dataset's note as `lint` reads it (the models check the rest)."""
    return (
        isinstance(note, dict)
        and type(note.get("line")) is int
        and isinstance(note.get("text"), str)
        and isinstance(note.get("why"), str)
    )


class DataDir:
    """A published data dir, read once per command: each file's bytes and JSON value are kept
    from the first time they are asked for (shared: callers do not change them). Every file
    comes from one publication: a build that swaps a new folder in meanwhile stops the
    reading (DataDirReplacedError) rather than mix the two."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._bytes: dict[str, bytes] = {}
        self._values: dict[str, Any] = {}
        self._folder = folder_identity(path)

    def _same_folder(self) -> None:
        if folder_identity(self.path) != self._folder:
            raise DataDirReplacedError(
                "a build published into the data dir while it was read; read it again",
                file=str(self.path),
            )

    def has(self, name: str) -> bool:
        try:
            return (self.path / name).exists()
        finally:
            self._same_folder()

    def read(self, name: str) -> bytes:
        if name not in self._bytes:
            try:
                self._bytes[name] = read_regular(self.path / name, MAX_JSON_BYTES)
            finally:  # what was read may be of the new folder, or missing from it
                self._same_folder()
        return self._bytes[name]

    def json(self, name: str) -> Any:
        if name not in self._values:
            self._values[name] = load_json(self.read(name), str(self.path / name))
        return self._values[name]

    def kinds(self) -> list[str]:
        """The kinds of dataset the dir publishes (their JSON file is there)."""
        return [kind for kind in RECORD_TYPES if self.has(json_name(kind))]

    def datasets(self) -> dict[str, dict[str, Any]]:
        """The datasets the dir holds, by kind (none: {}), checked as :func:`read_dataset`."""
        return {
            kind: dataset_document(self.json(name), str(self.path / name), kind)
            for kind in self.kinds()
            for name in (json_name(kind),)
        }


def folder_identity(path: Path) -> tuple[int, int] | None:
    """Which folder ``path`` is now (a build's swap puts another one there); None if none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def dump_json(value: Any) -> bytes:
    """vodspec's one JSON form, for every file and every --json output."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, symbolic links resolved, lies inside ``root`` (resolved too)."""
    try:
        resolved, base = path.resolve(), root.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return resolved == base or base in resolved.parents
