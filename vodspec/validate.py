"""Check a published data dir: schema, JSON/CSV agreement, file hashes, source hashes.

Standard library only, so ``vodspec validate`` works without the scrape extra.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from vodspec import jsonschema_subset
from vodspec.changes import render_changelog
from vodspec.errors import PublishError
from vodspec.layout import (
    CHANGELOG_NAME,
    CHANGES_NAME,
    KINDS,
    LINT_NAME,
    PACKAGE_NAME,
    STATUS_CODES,
    csv_cell,
    csv_name,
    json_name,
    schema_name,
)
from vodspec.lint import lint_json


def _read(directory: Path, name: str) -> bytes:
    try:
        return (directory / name).read_bytes()
    except OSError as exc:
        raise PublishError(
            f"cannot read {name}: {exc.strerror}", file=str(directory / name)
        ) from None


def _json(directory: Path, name: str, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError as exc:
        raise PublishError(f"not valid UTF-8 JSON: {exc}", file=str(directory / name)) from None


def published_kinds(directory: Path) -> list[str]:
    return [kind for kind in KINDS if (directory / json_name(kind)).exists()]


def validate_dir(directory: Path, raw_dir: Path | None = None) -> list[str]:
    """Every problem found in a published dir, one line each; [] when it is sound.

    With ``raw_dir``, also check that each source file there still has the published hash.
    """
    kinds = published_kinds(directory)
    if not kinds:
        raise PublishError(
            f"no published dataset ({', '.join(map(json_name, KINDS))})", file=str(directory)
        )
    files = {PACKAGE_NAME: _read(directory, PACKAGE_NAME)}
    problems: list[str] = []
    versions = set()
    for kind in kinds:
        for name in (json_name(kind), csv_name(kind), schema_name(kind)):
            files[name] = _read(directory, name)
        dataset = _json(directory, json_name(kind), files[json_name(kind)])
        schema = _json(directory, schema_name(kind), files[schema_name(kind)])
        problems += _check_dataset(kind, dataset, schema, files[csv_name(kind)], raw_dir)
        if isinstance(dataset, dict):
            versions.add(dataset.get("version"))
    package = _json(directory, PACKAGE_NAME, files[PACKAGE_NAME])
    problems += _check_package(package, files, versions)
    problems += _check_changes(directory, versions)
    if STATUS_CODES in kinds:
        records = _json(directory, json_name(STATUS_CODES), files[json_name(STATUS_CODES)])[
            "records"
        ]
        if (directory / LINT_NAME).exists() and _read(directory, LINT_NAME) != lint_json(records):
            problems.append(
                f"{LINT_NAME}: not the findings for {json_name(STATUS_CODES)} (rebuild)"
            )
    return problems


def _check_changes(directory: Path, versions: set[Any]) -> list[str]:
    """changes.json starts at the published version; CHANGELOG.md is rendered from it."""
    if not (directory / CHANGES_NAME).exists():
        return []  # published before vodspec kept change records
    entries = _json(directory, CHANGES_NAME, _read(directory, CHANGES_NAME))
    if not isinstance(entries, list) or not entries or not isinstance(entries[0], dict):
        return [f"{CHANGES_NAME}: expected a non-empty list of versions"]
    problems = []
    if entries[0].get("version") not in versions:
        problems.append(
            f"{CHANGES_NAME}: the newest entry is {entries[0].get('version')!r},"
            " not the published version"
        )
    try:
        expected = render_changelog(entries).encode("utf-8")
    except (KeyError, TypeError, AttributeError) as exc:
        return [*problems, f"{CHANGES_NAME}: malformed entry ({type(exc).__name__}: {exc})"]
    if _read(directory, CHANGELOG_NAME) != expected:
        problems.append(f"{CHANGELOG_NAME}: not what {CHANGES_NAME} renders to (edited by hand?)")
    return problems


def _check_dataset(
    kind: str, dataset: Any, schema: Any, csv_data: bytes, raw_dir: Path | None
) -> list[str]:
    name = json_name(kind)
    try:
        problems = [f"{name}: {line}" for line in jsonschema_subset.errors(dataset, schema)]
    except jsonschema_subset.SchemaError as exc:
        return [f"{schema_name(kind)}: {exc}"]
    if problems:
        return problems
    if dataset.get("kind") != kind:
        return [f"{name}: kind is {dataset.get('kind')!r}, expected {kind!r}"]
    records = dataset["records"]
    if kind == STATUS_CODES:
        codes = [record["code"] for record in records]
        if codes != sorted(set(codes)):
            problems.append(f"{name}: codes are not unique and sorted")
    for number, record in enumerate(records, 1):
        if "paragraphs" in record and record["description"] != (
            "\n".join(record["paragraphs"]) or None
        ):
            problems.append(f"{name}: record {number}: description is not its paragraphs")
        if record["source_sha256"] != dataset["source"]["sha256"]:
            problems.append(f"{name}: record {number}: source_sha256 differs from the source's")
    problems += _check_csv(csv_name(kind), csv_data, records)
    if raw_dir is not None:
        raw = raw_dir / dataset["source"]["file"]
        try:
            actual = hashlib.sha256(raw.read_bytes()).hexdigest()
        except OSError as exc:
            problems.append(f"{raw}: cannot read the source: {exc.strerror}")
        else:
            if actual != dataset["source"]["sha256"]:
                problems.append(
                    f"{raw}: sha256 is {actual},"
                    f" {name} says {dataset['source']['sha256']} (rebuild)"
                )
    return problems


def _check_csv(name: str, data: bytes, records: list[dict[str, Any]]) -> list[str]:
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        return [f"{name}: unreadable: {exc}"]
    if len(rows) != len(records):
        return [f"{name}: {len(rows)} rows, the JSON has {len(records)} records"]
    problems = []
    for number, (row, record) in enumerate(zip(rows, records, strict=True), 1):
        expected = {key: csv_cell(value) for key, value in record.items() if key != "paragraphs"}
        if set(row) != set(expected):
            return [f"{name}: columns {sorted(row)} differ from the JSON fields {sorted(expected)}"]
        for key, text in expected.items():
            if row[key] != text:
                problems.append(
                    f"{name}: row {number}: {key} is {row[key]!r}, the JSON has {text!r}"
                )
    return problems


def _check_package(package: Any, files: dict[str, bytes], versions: set[Any]) -> list[str]:
    problems = []
    if not isinstance(package, dict):
        return [f"{PACKAGE_NAME}: expected a JSON object"]
    if len(versions) != 1 or package.get("version") not in versions:
        problems.append(
            f"{PACKAGE_NAME}: versions disagree: package {package.get('version')!r},"
            f" datasets {sorted(map(str, versions))}"
        )
    listed = set()
    for resource in package.get("resources", []):
        path = resource.get("path")
        listed.add(path)
        data = files.get(path)
        if data is None:
            problems.append(f"{PACKAGE_NAME}: resource {path!r} is not a published file")
            continue
        if resource.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest() or resource.get(
            "bytes"
        ) != len(data):
            problems.append(f"{PACKAGE_NAME}: {path} does not match its recorded hash and size")
    for name in files:
        if name != PACKAGE_NAME and not name.endswith(".schema.json") and name not in listed:
            problems.append(f"{PACKAGE_NAME}: {name} is published but not listed")
    return problems


def snapshot_problems(directory: Path) -> list[str]:
    """When ``directory`` is the data the package ships, the accessor's snapshot must match it."""
    from vodspec import paths

    if directory.resolve() not in {d.resolve() for d in paths.package_data_dirs()}:
        return []
    try:
        from vodspec import _snapshot
    except Exception as exc:
        return [
            f"vodspec/_snapshot.py cannot be loaded ({type(exc).__name__}); run `vodspec build`"
        ]
    actual = hashlib.sha256(_read(directory, PACKAGE_NAME)).hexdigest()
    if getattr(_snapshot, "PACKAGE_SHA256", None) != actual:
        return [f"vodspec/_snapshot.py was not generated from {directory}; run `vodspec build`"]
    return []
