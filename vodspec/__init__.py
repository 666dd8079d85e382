"""vodspec: Huawei Cloud VOD's documented HTTP status codes and error codes, as data.

>>> import vodspec
>>> vodspec.status(404).reason
'Not Found'
>>> vodspec.error("VOD.10053")[0].http_status
400

The accessor reads the snapshot ``vodspec build`` ships; it imports only small standard-library
modules, never the scraping side (``vodspec.tools``), so that ``import vodspec`` stays cheap.
"""

from __future__ import annotations

import _thread

from vodspec.errors import PublishError, UnknownErrorCodeError, UnknownStatusError, VodspecError
from vodspec.record import ErrorCode, Status
from vodspec.registry import Registry

# pathlib (and the re, enum… it imports) would double the cost of `import vodspec`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike
    from pathlib import Path

    from vodspec.sdk import explain, retry_condition

__all__ = [
    "ErrorCode",
    "PublishError",
    "Registry",
    "Status",
    "UnknownErrorCodeError",
    "UnknownStatusError",
    "VodspecError",
    "data_dir",
    "data_version",
    "default_registry",
    "error",
    "error_codes",
    "explain",
    "get",
    "get_error",
    "open_dataset",
    "retry_condition",
    "status",
    "statuses",
]


def __getattr__(name: str) -> object:
    # The package's version is the data version it ships (read lazily: import stays cheap).
    if name == "__version__":
        try:
            return data_version()
        except PublishError as exc:  # hasattr() and friends expect AttributeError
            raise AttributeError(f"vodspec.__version__ is unavailable: {exc}") from None
    if name in ("explain", "retry_condition"):
        # The SDK help (vodspec.sdk) loads on first use: `import vodspec` stays light.
        from vodspec import sdk

        return getattr(sdk, name)
    raise AttributeError(f"module 'vodspec' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The names loaded on first use too (help() and tab completion list them), not the
    # module's typing switches.
    return sorted({*globals(), *__all__, "__version__"} - {"TYPE_CHECKING", "annotations"})


_lock = _thread.allocate_lock()
_registry: Registry | None = None


def default_registry() -> Registry:
    """The :class:`Registry` of the shipped data the module's functions answer from, loaded
    once at the first call."""
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                _registry = _read_snapshot()
    return _registry


def _read_snapshot() -> Registry:
    from vodspec import snapshot

    rows = snapshot.read()
    try:
        return Registry.from_snapshot(rows)
    except PublishError as exc:  # a record it refuses: in which file
        raise exc.located(snapshot.SNAPSHOT_FILE) from None


def get(query: object) -> Status | None:
    """Like :func:`status`, but return None for anything unknown."""
    return default_registry().get(query)


def status(query: object) -> Status:
    """The record for ``404``, ``"404"``, ``"404 Not Found"``, ``"not found"`` or
    ``"NOT_FOUND"``; :class:`UnknownStatusError` (a ``LookupError``) when nothing matches."""
    return default_registry().status(query)


def statuses() -> tuple[Status, ...]:
    """Every record, sorted by code."""
    return default_registry().statuses()


def error(code: str, status: int | None = None) -> tuple[ErrorCode, ...]:
    """The records of an error code (``"VOD.10053"``), optionally under one HTTP status;
    :class:`UnknownErrorCodeError` (a ``LookupError``) when there are none."""
    return default_registry().error(code, status)


def get_error(code: str, status: int | None = None) -> tuple[ErrorCode, ...]:
    """Like :func:`error`, but ``()`` for anything unknown."""
    return default_registry().get_error(code, status)


def error_codes() -> tuple[ErrorCode, ...]:
    """Every error-code record, in page order (empty when none is published)."""
    return default_registry().error_codes()


def data_version() -> str:
    """The version of the dataset the package ships (semver, see the README)."""
    return default_registry().data_version()


def data_dir() -> Path:
    """The folder of the published files this installation ships, for other tools to load."""
    from pathlib import Path

    from vodspec.snapshot import SHIPPED_DATA_DIR

    return Path(SHIPPED_DATA_DIR)


def open_dataset(path: str | bytes | PathLike[str] | PathLike[bytes]) -> Registry:
    """A :class:`Registry` over another published data dir (or a file in it)."""
    return Registry.from_dir(path)
