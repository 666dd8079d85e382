"""Compare two published datasets: what changed, and which semver bump that demands. Only
computing (vodspec.tools.changes writes it out), on the parsed JSON: ``vodspec diff`` needs
no extra packages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

from vodspec.layout import STATUS_CODES
from vodspec.reading import RECORD_TYPES
from vodspec.record import (
    CATEGORY,
    CODE,
    DESCRIPTION,
    DOC_ID,
    PARAGRAPHS,
    PROVENANCE,
    REASON,
    RETRY,
    Status,
    semver,
)
from vodspec.registry import phrase_key, unique_phrases

#: Fields consumers act on: changing one breaks them (MAJOR).
BREAKING_FIELDS = (RETRY, CATEGORY)
#: Fields that only restate another one (the paragraphs of the description): a text edit
#: is reported once, under the field people read.
RESTATED_FIELDS = {PARAGRAPHS: DESCRIPTION}
#: Source fields whose change alone is a PATCH (the source's doc id is its records' too).
SOURCE_FIELDS = ("sha256", DOC_ID, "title", "url", "id", "file", "service")

#: The bumps a change of the data demands (see docs/versioning.md).
Level = Literal["patch", "minor", "major"]
ChangeKind = Literal["added", "removed", "changed"]
#: Bump levels, lowest first: None < patch < minor < major.
LEVELS: tuple[Level | None, ...] = (None, *get_args(Level))
#: A changes.json entry's bump: a level, or that of the first publication.
EntryBump = Level | Literal["initial"]
INITIAL: Final = "initial"
#: The version of a dataset's first publication.
INITIAL_VERSION = "1.0.0"


@dataclass(frozen=True)
class Change:
    key: tuple[Any, ...]
    kind: ChangeKind
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name -> (before, after)
    record: dict[str, Any] | None = None  # the whole record, for added and removed


@dataclass(frozen=True)
class Diff:
    level: Level | None
    changes: tuple[Change, ...]
    schema_changes: tuple[str, ...]
    source_changes: dict[str, tuple[Any, Any]]

    @property
    def removed(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.kind == "removed")


def _key(record: dict[str, Any], key_fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(record.get(name) for name in key_fields)


def _keyed(
    records: list[dict[str, Any]], key_fields: tuple[str, ...]
) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(_key(record, key_fields), []).append(record)
    return groups


def _field_types(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    types: dict[str, set[str]] = {}
    for record in records:
        for name, value in record.items():
            types.setdefault(name, set())
            if value is not None:
                types[name].add(type(value).__name__)
    return types


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[int, str], ...]:
    return tuple(
        (0, "") if part is None else (1, f"{part:>12}" if isinstance(part, int) else str(part))
        for part in key
    )


def _match(
    old: list[dict[str, Any]], new: list[dict[str, Any]], key_fields: tuple[str, ...]
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Pair old and new records by key, same keys in page order: (pairs, removed, added).

    An error code whose table had no status column (``http_status`` null) still matches the
    same code once the table has one: the code did not go away, it gained a status.
    """
    old_groups, new_groups = _keyed(old, key_fields), _keyed(new, key_fields)
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    removed: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    # Keys in page order (old page first): set order would depend on the hash seed.
    for key in dict.fromkeys([*old_groups, *new_groups]):
        before, after = old_groups.get(key, []), new_groups.get(key, [])
        pairs += zip(before, after, strict=False)
        removed += before[len(after) :]
        added += after[len(before) :]
    if len(key_fields) > 1:
        for code in dict.fromkeys(r[key_fields[0]] for r in removed):
            gone = [r for r in removed if r[key_fields[0]] == code]
            came = [r for r in added if r[key_fields[0]] == code]
            for before_record, after_record in zip(gone, came, strict=False):
                if (
                    before_record.get(key_fields[1]) is None
                    or after_record.get(key_fields[1]) is None
                ):
                    pairs.append((before_record, after_record))
                    removed.remove(before_record)
                    added.remove(after_record)
    return pairs, removed, added


def _field_level(name: str, before: Any, after: Any) -> Level:
    """The bump one field's change demands (see the README's versioning policy)."""
    if name in BREAKING_FIELDS or after is None:
        return "major"  # consumers act on retry/category; a value that went away breaks readers
    return "minor" if before is None else "patch"


def _phrase_lookups_broken(old: list[Any], new: list[Any]) -> bool:
    """Whether a lookup by reason phrase that found a status before finds another or none
    (``vodspec.status("method not allowed")`` after 405's reason changed, or "not found"
    once a second code gives it; ``"409 Not Found"`` once 409's reason changed, even where
    404 shares the phrase): consumers of such lookups break (MAJOR). A change the lookup
    folds away ("NOT FOUND") breaks none."""
    before = unique_phrases(_reasons(old))
    after = unique_phrases(_reasons(new))
    named = {(code, phrase_key(reason)) for reason, code in _reasons(new) if reason}
    return any(after.get(key) != code for key, code in before.items()) or any(
        (code, phrase_key(reason)) not in named for reason, code in _reasons(old) if reason
    )


def _reasons(records: list[Any]) -> list[tuple[str | None, object]]:
    """Each status record's reason phrase and code (error records have no reason)."""
    return [
        (record.get(REASON), record.get(CODE))
        for record in records
        if isinstance(record.get(REASON), str)
    ]


def diff_datasets(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """The changes from ``old`` to ``new`` (both parsed dataset JSON of the same kind)."""
    # Records are keyed by their type's KEY; rows with the same key match in page order.
    key_fields = RECORD_TYPES.get(str(new.get("kind", STATUS_CODES)), Status).KEY
    level: Level | None = None
    changes: list[Change] = []
    pairs, removed, added = _match(old.get("records", []), new.get("records", []), key_fields)
    for old_record, new_record in pairs:
        fields = {
            name: (old_record.get(name), new_record.get(name))
            for name in dict.fromkeys([*old_record, *new_record])
            if name not in PROVENANCE and old_record.get(name) != new_record.get(name)
        }
        for restated, shown in RESTATED_FIELDS.items():
            if restated in fields and shown in fields:
                del fields[restated]
        if fields:
            changes.append(Change(_key(new_record, key_fields), "changed", fields))
            for name, (before, after) in fields.items():
                level = max(level, _field_level(name, before, after), key=LEVELS.index)
    for record in removed:
        changes.append(Change(_key(record, key_fields), "removed", record=record))
        level = "major"
    for record in added:
        changes.append(Change(_key(record, key_fields), "added", record=record))
        level = max(level, "minor", key=LEVELS.index)
    if _phrase_lookups_broken(old.get("records", []), new.get("records", [])):
        level = "major"
    changes.sort(key=lambda change: _sort_key(change.key))

    schema_changes = []
    old_types = _field_types(old.get("records", []))
    new_types = _field_types(new.get("records", []))
    # The names of the records' fields and of the dataset's own (notes, in 1.1.3), compared
    # where both sides have them (a kind one side lacks is an empty stand-in).
    named: list[tuple[str, set[str], set[str]]] = []
    if old_types and new_types:
        named.append(("field", set(old_types), set(new_types)))
    if "version" in old and "version" in new:
        named.append(("top-level field", set(old), set(new)))
    for what, before, after in named:
        for name in before - after:
            schema_changes.append(f"{what} {name} removed")
            level = "major"
        for name in after - before:
            schema_changes.append(f"{what} {name} added")
            level = max(level, "minor", key=LEVELS.index)
    for name in old_types.keys() & new_types.keys():
        if old_types[name] and new_types[name] and old_types[name] != new_types[name]:
            schema_changes.append(f"field {name} retyped")
            level = "major"

    old_source, new_source = old.get("source"), new.get("source")
    source_changes = (
        {
            name: (old_source.get(name), new_source.get(name))
            for name in SOURCE_FIELDS
            if old_source.get(name) != new_source.get(name)
        }
        if isinstance(old_source, dict) and isinstance(new_source, dict)
        else {}
    )
    if source_changes:
        level = max(level, "patch", key=LEVELS.index)
    return Diff(level, tuple(changes), tuple(sorted(schema_changes)), source_changes)


def bump(version: str, level: Level | None) -> str:
    """``bump("1.2.3", "minor") == "1.3.0"``; a ValueError for a version that is none."""
    parts = semver(version)
    if parts is None:
        raise ValueError(f"not a version: {version!r}")
    major, minor, patch = parts
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def diff_packages(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]
) -> dict[str, Diff]:
    """Per kind, the changes between two published packages (a kind may be new or gone)."""
    return {
        kind: diff_datasets(old.get(kind, _empty(kind)), new.get(kind, _empty(kind)))
        for kind in sorted(old.keys() | new.keys())
    }


def _empty(kind: str) -> dict[str, Any]:
    """A dataset of ``kind`` with no records (a kind one side does not publish)."""
    return {"kind": kind, "records": []}


def package_level(diffs: dict[str, Diff]) -> Level | None:
    return max((diff.level for diff in diffs.values()), key=LEVELS.index, default=None)


def key_text(key: tuple[Any, ...]) -> str:
    """``("VOD.10053", 400)`` -> ``"VOD.10053 400"``; ``(404,)`` -> ``"404"``."""
    return " ".join(str(part) for part in key if part is not None)
