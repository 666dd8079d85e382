"""The accessor's snapshot: the published records as one marshal file in the data dir.

Marshal, not a generated module: no bytecode cache can serve an old dataset after a rebuild,
and loading is one ``open`` and one ``marshal.loads``. In the data dir: the build's one atomic
swap publishes it with the other files, so the accessor and they are always one version.
"""

from __future__ import annotations

import marshal
import os

from vodspec.errors import PublishError
from vodspec.record import ErrorCode, Status

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import TypedDict

    class Snapshot(TypedDict):
        """What the snapshot holds: the records as tuples of the accessor's stored fields."""

        data_version: str
        #: sha256 of the datapackage.json it was made with: validate matches it to data/.
        package_sha256: str
        status_codes_fields: tuple[str, ...]
        status_codes: tuple[tuple[object, ...], ...]
        error_codes_fields: tuple[str, ...]
        error_codes: tuple[tuple[object, ...], ...]


SNAPSHOT_NAME = "snapshot.marshal"
# os.path, not pathlib: pathlib would double the cost of `import vodspec`.
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
#: The data dir this installation ships: in the package in a wheel, beside it in a checkout.
SHIPPED_DATA_DIR = (
    os.path.join(_PACKAGE_DIR, "data")
    if os.path.isdir(os.path.join(_PACKAGE_DIR, "data"))
    else os.path.join(os.path.dirname(_PACKAGE_DIR), "data")
)
SNAPSHOT_FILE = os.path.join(SHIPPED_DATA_DIR, SNAPSHOT_NAME)
#: The file starts with this line, so that nothing else is ever unmarshalled as a snapshot.
MAGIC = b"vodspec snapshot 1\n"
#: Far above a real snapshot (tens of KB): a larger file is not one, and is not read whole.
MAX_BYTES = 16 * 1024 * 1024
#: Version 2: no back-references (version 3+ writes them by reference count, not by value).
MARSHAL_VERSION = 2


def rows(
    fields: tuple[str, ...], records: Iterable[Mapping[str, object]]
) -> tuple[tuple[object, ...], ...]:
    """Published JSON records as rows of ``fields``, lists as tuples (KeyError: one is missing)."""
    return tuple(
        tuple(tuple(value) if isinstance(value, list) else value for value in values)
        for values in ([record[name] for name in fields] for record in records)
    )


def make(
    version: str, package_sha256: str, records: Mapping[str, Iterable[Mapping[str, object]]]
) -> Snapshot:
    """The snapshot of a published package: its version, its datapackage.json's sha256 and its
    JSON records by kind."""
    return {
        "data_version": version,
        "package_sha256": package_sha256,
        "status_codes_fields": Status.__slots__,
        "status_codes": rows(Status.__slots__, records.get("status_codes", ())),
        "error_codes_fields": ErrorCode.__slots__,
        "error_codes": rows(ErrorCode.__slots__, records.get("error_codes", ())),
    }


#: The keys of every snapshot: those make() writes.
KEYS = frozenset(make("", "", {}))


def dumps(snapshot: Snapshot) -> bytes:
    """The file's bytes (keys sorted, whatever order ``snapshot`` was built in)."""
    return MAGIC + marshal.dumps(dict(sorted(snapshot.items())), MARSHAL_VERSION)


def read(path: str = SNAPSHOT_FILE) -> Snapshot:
    """The snapshot at ``path``; a missing, foreign, mangled or too large file is a PublishError."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _unreadable(f"{type(exc).__name__}: {exc.strerror or exc}") from None
    return parse(data)


def parse(data: bytes) -> Snapshot:
    """The snapshot in a file's bytes; anything else is a PublishError."""
    if not data.startswith(MAGIC) or len(data) > MAX_BYTES:
        raise _unreadable("not a vodspec snapshot")
    try:
        snapshot = marshal.loads(data[len(MAGIC) :])
    except (EOFError, ValueError, TypeError, MemoryError) as exc:  # MemoryError: a forged size
        raise _unreadable(f"{type(exc).__name__}: {exc}") from None
    if not _fits(snapshot, len(data)) or snapshot.keys() != KEYS:
        raise _unreadable("its contents are not those of this vodspec's snapshots")
    return snapshot  # type: ignore[no-any-return]


def _fits(snapshot: object, budget: int) -> bool:
    """Whether the snapshot holds no more values and text than its file has bytes (each takes
    one byte or more there): marshal follows back-references (version 2 never writes them), so
    a small file could otherwise hold rows of gigabytes, or tuples nested by shared references
    whose repr (a refusal shows the value) would never end."""
    if type(snapshot) is not dict:
        return False
    stack: list[object] = [snapshot]
    while stack:
        value = stack.pop()
        budget -= 1
        if isinstance(value, str):
            budget -= len(value)
        elif isinstance(value, tuple | list | set | frozenset):  # marshal's containers
            stack.extend(value)
        elif isinstance(value, dict):
            stack += [*value, *value.values()]
        if budget < 0:
            return False
    return True


def _unreadable(why: str) -> PublishError:
    return PublishError(
        f"the packaged dataset ({SNAPSHOT_FILE}) cannot be loaded ({why});"
        " reinstall vodspec (in a clone of vodspec, restore its data: `git checkout -- data`)"
    )
