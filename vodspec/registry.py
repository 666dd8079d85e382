"""A loaded dataset with its lookup tables: the engine behind ``vodspec.status()``."""

from __future__ import annotations

from vodspec.errors import (
    DataDirReplacedError,
    PublishError,
    UnknownErrorCodeError,
    UnknownStatusError,
    VodspecError,
    shown,
)
from vodspec.record import (
    HIGHEST_STATUS,
    LOWEST_STATUS,
    ErrorCode,
    Status,
    _Record,
    semver,
    status_number,
)

# Imported where used: pathlib costs as much as the rest of the accessor.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from os import PathLike
    from pathlib import Path
    from typing import Any, TypeVar

    from vodspec.reading import DataDir
    from vodspec.snapshot import Snapshot

    R = TypeVar("R", bound=_Record)
    T = TypeVar("T")


#: What a path to a data dir that is not there is told (the accessor and `validate`).
NO_SUCH_DATA_DIR = "no such folder; expected a published data dir"


def phrase_key(text: str) -> str:
    """The key reason phrases are compared by (lookups, and lint's "the same text" test):
    "Not Found", "not found", "NOT_FOUND" and "not-found" are one key."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def unique_phrases(named: Iterable[tuple[str | None, T]]) -> dict[str, T]:
    """Each reason phrase's key (see phrase_key) and what the one record giving it names; a
    phrase two codes share ("Not Found" for 404 and 409) names neither of them."""
    phrases = [(phrase_key(reason), value) for reason, value in named if reason]
    keys = [key for key, _ in phrases]
    return {key: value for key, value in phrases if keys.count(key) == 1}


def _code_key(code: object) -> str | None:
    # " VOD.10053 " and "vod.10053" are one key; whitespace goes as in status lookups.
    return "".join(code.split()).casefold() if isinstance(code, str) else None


def _records(kind: type[R], fields: object, rows: object, where: str | None) -> list[R]:
    """Records from snapshot or JSON rows, refusing any value this vodspec would misread
    (a tampered snapshot or data dir): the accessor never answers from one."""
    if fields != kind.__slots__ or not isinstance(rows, tuple | list):
        raise PublishError(
            f"the dataset's {kind.__name__} fields do not match this vodspec; rebuild it",
            file=where,
        )
    records = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, tuple) or len(row) != len(fields):
            raise PublishError(
                f"the dataset has a malformed {kind.__name__} record: {shown(row, 80)}", file=where
            )
        # Runs over every snapshot row at the first lookup, so it stays a plain loop.
        for field, value in zip(kind.STORED, row, strict=True):
            if not field.rule(value):
                raise PublishError(
                    f"{kind.__name__} record {number}: {field.name} is {shown(value)};"
                    " not a valid dataset",
                    file=where,
                )
        records.append(kind(*row))
    return records


def _load(path: Path, dataset: dict[str, Any], kind: type[R]) -> tuple[list[R], str]:
    """A published dataset's records, checked, and its version (``path``: its file)."""
    from vodspec.snapshot import rows

    try:
        found = rows(kind.__slots__, dataset["records"])
    except KeyError as exc:
        raise PublishError(f"cannot load the dataset: no field {exc}", file=str(path)) from None
    version = dataset.get("version")
    if not isinstance(version, str) or semver(version) is None:
        raise PublishError("cannot load the dataset: it has no version", file=str(path))
    for record in dataset["records"]:
        unknown = sorted(set(record) - set(kind.FIELDS))
        if unknown:
            raise PublishError(
                f"cannot load the dataset: a record has a field {unknown[0][:40]!r} its"
                " schema does not have",
                file=str(path),
            )
    return _records(kind, kind.__slots__, found, str(path)), version


def _as_built(data: DataDir, names: list[str]) -> None:
    """Refuse links (what they point at can change), and datasets edited or lost since the
    build that listed their hashes in changes.json: the cheap checks of ``vodspec validate``."""
    import hashlib

    from vodspec.layout import CHANGES_NAME, KINDS, json_name

    for name in names:
        if (data.path / name).is_symlink():
            raise PublishError(
                "a symbolic link; a published data dir holds regular files only",
                file=str(data.path / name),
            )
    entries = data.json(CHANGES_NAME) if data.has(CHANGES_NAME) else None
    newest = entries[0] if isinstance(entries, list) and entries else None
    built = newest.get("files") if isinstance(newest, dict) else None
    if not isinstance(built, dict):
        return  # a publication from before the hashes were kept
    for name in (json_name(kind) for kind in KINDS):
        if name in built and name not in names:  # else its records would be answered as none
            raise PublishError(
                "missing, though the last build wrote it; `vodspec validate` says more",
                file=str(data.path / name),
            )
    for name in names:
        if built.get(name) != hashlib.sha256(data.read(name)).hexdigest():
            raise PublishError(
                "not the file the last build wrote (edited by hand?); `vodspec validate` says more",
                file=str(data.path / name),
            )


def _as_built_datasets(directory: Path) -> dict[str, dict[str, Any]]:
    """The datasets of a data dir, checked by :func:`_as_built`, all of one publication: read
    again (twice at most) when a build publishes meanwhile."""
    from vodspec.layout import json_name
    from vodspec.reading import DataDir

    tries = 3
    while True:
        data = DataDir(directory)
        try:
            _as_built(data, [json_name(kind) for kind in data.kinds()])
            return data.datasets()
        except DataDirReplacedError:
            tries -= 1
            if not tries:
                raise


class Registry:
    """Status codes (and error codes, when published) of one dataset version, with the
    lookups of the ``vodspec`` module."""

    def __init__(
        self, version: str, statuses: tuple[Status, ...], errors: tuple[ErrorCode, ...] = ()
    ) -> None:
        self._version = version
        self._statuses = statuses
        self._errors = errors
        self._by_code = {record.code: record for record in statuses}
        self._by_phrase = unique_phrases((r.reason, r) for r in statuses)
        self._by_error: dict[str, list[ErrorCode]] = {}
        for error in errors:
            self._by_error.setdefault(str(_code_key(error.error_code)), []).append(error)
        if not all(type(record.code) is int for record in statuses):
            raise PublishError("the dataset has a status code that is not an integer")
        codes = [record.code for record in statuses]
        if codes != sorted(set(codes)):  # statuses() is sorted by code
            raise PublishError("the dataset's status codes are not unique and sorted")

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Registry:
        """A registry over a snapshot's rows, all checked."""
        version: object = snapshot["data_version"]
        if not isinstance(version, str) or semver(version) is None:
            raise PublishError(f"the dataset has no version (found {shown(version, 40)})")
        statuses = _records(Status, snapshot["status_codes_fields"], snapshot["status_codes"], None)
        errors = _records(ErrorCode, snapshot["error_codes_fields"], snapshot["error_codes"], None)
        return cls(version, tuple(statuses), tuple(errors))

    @classmethod
    def from_dir(cls, directory: str | bytes | PathLike[str] | PathLike[bytes]) -> Registry:
        """A registry over a published data dir (reads its JSON; slower than the snapshot)."""
        import os
        from pathlib import Path

        if not isinstance(directory, str | bytes | os.PathLike):
            raise TypeError(
                f"open_dataset() takes a path (str, bytes or os.PathLike), not"
                f" {type(directory).__name__}"
            )
        name = os.fsdecode(directory)
        if not name.strip():
            raise PublishError("cannot load the dataset: the path is empty")
        directory = Path(name)
        beside = ""
        try:
            if directory.is_file():  # a file of the data dir: status_codes.json…
                directory, beside = directory.parent, " beside it"
            datasets = _as_built_datasets(directory)
        except VodspecError as exc:
            raise PublishError(f"cannot load the dataset: {exc.message}", file=exc.file) from None
        except OSError as exc:  # unreadable, a name too long…
            raise PublishError(
                f"cannot load the dataset: {exc.strerror or exc}", file=name
            ) from None
        if not datasets and not os.path.lexists(name):
            raise PublishError(NO_SUCH_DATA_DIR, file=name)
        if "status_codes" not in datasets:
            raise PublishError(
                f"no status_codes.json{beside}; expected a published data dir (or a file in one)",
                file=name,  # as the user wrote it, not the folder it was taken for
            )
        path = directory / "status_codes.json"
        statuses, version = _load(path, datasets["status_codes"], Status)
        errors: list[ErrorCode] = []
        if "error_codes" in datasets:
            errors, _ = _load(directory / "error_codes.json", datasets["error_codes"], ErrorCode)
        try:
            return cls(version, tuple(statuses), tuple(errors))
        except PublishError as exc:
            raise exc.located(str(path)) from None

    def get(self, query: object) -> Status | None:
        """Like :meth:`status`, but None for anything unknown."""
        if type(query) is int:  # the fast path; bool is not a status code
            return self._by_code.get(query)
        if isinstance(query, int) and not isinstance(query, bool):  # e.g. http.HTTPStatus
            return self._by_code.get(int(query))
        if not isinstance(query, str):
            return None
        text = " ".join(query.split())  # "404\tNot Found" is "404 Not Found"
        head, _, rest = text.partition(" ")
        if len(head) == 3 and head.isascii() and head.isdigit():
            record = self._by_code.get(int(head))
            if record is None or not rest:
                return record
            # "404 Not Found" must name the phrase the dataset has for that code.
            if record.reason and phrase_key(rest) == phrase_key(record.reason):
                return record
            return None
        return self._by_phrase.get(phrase_key(text)) if text else None

    def status(self, query: object) -> Status:
        record = self.get(query)
        if record is None:
            raise UnknownStatusError(
                f"no VOD status code matches {shown(query)}{self._about_its_number(query)}"
            )
        return record

    def _about_its_number(self, query: object) -> str:
        """What a refusal adds for a query that starts with a status's number (``0404``, ``404
        Gone``): what VOD's page lists under it, else what the HTTP standard registers."""
        words = query.split() if isinstance(query, str) else [query]
        code = status_number(words[0]) if words else None
        if code is None or not LOWEST_STATUS <= code <= HIGHEST_STATUS:
            return ""
        listed = self._by_code.get(code)
        if listed is not None:
            named = listed.reason or "without a reason phrase"
            return f" (VOD's status-code page lists {code} {named})"
        from vodspec.standard import standard_phrase, standard_reference

        phrase = standard_phrase(code)
        if phrase is None:
            return ""
        return (
            f" ({code} {phrase} is a registered HTTP status, {standard_reference(code)};"
            " VOD's status-code page does not list it)"
        )

    def __repr__(self) -> str:
        return (
            f"<Registry data {self._version}: {len(self._statuses)} status codes,"
            f" {len(self._errors)} error-code records>"
        )

    def statuses(self) -> tuple[Status, ...]:
        """Every status record, sorted by code."""
        return self._statuses

    def error_codes(self) -> tuple[ErrorCode, ...]:
        """Every error-code record, in page order (empty when none is published)."""
        return self._errors

    def data_version(self) -> str:
        """The dataset's version (semver)."""
        return self._version

    def get_error(self, code: object, status: int | None = None) -> tuple[ErrorCode, ...]:
        """Like :meth:`error`, but ``()`` for anything unknown."""
        found = self._by_error.get(_code_key(code) or "", [])
        if status is not None:
            wanted = self.get(status)  # 500, "500", HTTPStatus(500), as status() takes them
            number = wanted.code if wanted else status_number(status)
            found = [r for r in found if number is not None and r.http_status == number]
        return tuple(found)

    def error(self, code: object, status: int | None = None) -> tuple[ErrorCode, ...]:
        """Every record of an error code (case-insensitive), optionally under one HTTP status."""
        found = self.get_error(code, status)
        if not found:
            if not self._errors:
                raise UnknownErrorCodeError(
                    f"no error-code dataset is published (asked for {shown(code)})"
                )
            under = f" under HTTP status {shown(status)}" if status is not None else ""
            raise UnknownErrorCodeError(f"no VOD error code matches {shown(code)}{under}")
        return tuple(found)
