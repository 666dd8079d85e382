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
from vodspec.errors import PublishError

JSON_NAME = "status_codes.json"
CSV_NAME = "status_codes.csv"
SCHEMA_NAME = "status_codes.schema.json"
PACKAGE_NAME = "datapackage.json"
INTEGER_COLUMNS = ("code", "source_line")


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


def validate_dir(directory: Path, raw_dir: Path | None = None) -> list[str]:
    """Every problem found in a published dir, one line each; [] when it is sound.

    With ``raw_dir``, also check that each source file there still has the published hash.
    """
    files = {
        name: _read(directory, name) for name in (JSON_NAME, CSV_NAME, SCHEMA_NAME, PACKAGE_NAME)
    }
    dataset = _json(directory, JSON_NAME, files[JSON_NAME])
    schema = _json(directory, SCHEMA_NAME, files[SCHEMA_NAME])
    package = _json(directory, PACKAGE_NAME, files[PACKAGE_NAME])
    try:
        problems = [f"{JSON_NAME}: {line}" for line in jsonschema_subset.errors(dataset, schema)]
    except jsonschema_subset.SchemaError as exc:
        return [f"{SCHEMA_NAME}: {exc}"]
    if problems:
        return problems
    records = dataset["records"]
    codes = [record["code"] for record in records]
    if codes != sorted(set(codes)):
        problems.append(f"{JSON_NAME}: codes are not unique and sorted")
    for record in records:
        if record["description"] != "\n".join(record["paragraphs"]):
            problems.append(f"{JSON_NAME}: {record['code']}: description is not its paragraphs")
        if record["source_sha256"] != dataset["source"]["sha256"]:
            problems.append(
                f"{JSON_NAME}: {record['code']}: source_sha256 differs from the source's"
            )
    problems += _check_csv(files[CSV_NAME], records)
    problems += _check_package(package, files, dataset["version"])
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
                    f" the dataset says {dataset['source']['sha256']} (rebuild)"
                )
    return problems


def _check_csv(data: bytes, records: list[dict[str, Any]]) -> list[str]:
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        return [f"{CSV_NAME}: unreadable: {exc}"]
    if len(rows) != len(records):
        return [f"{CSV_NAME}: {len(rows)} rows, {JSON_NAME} has {len(records)} records"]
    problems = []
    for row, record in zip(rows, records, strict=True):
        expected = {name: value for name, value in record.items() if name != "paragraphs"}
        if set(row) != set(expected):
            return [
                f"{CSV_NAME}: columns {sorted(row)} differ from the JSON fields {sorted(expected)}"
            ]
        for name, value in expected.items():
            text = "" if value is None else str(value)
            if row[name] != text:
                problems.append(
                    f"{CSV_NAME}: code {record['code']}: {name} is {row[name]!r}, JSON has {text!r}"
                )
    return problems


def _check_package(package: dict[str, Any], files: dict[str, bytes], version: str) -> list[str]:
    problems = []
    if package.get("version") != version:
        problems.append(
            f"{PACKAGE_NAME}: version {package.get('version')!r}, {JSON_NAME} has {version!r}"
        )
    for resource in package.get("resources", []):
        data = files.get(resource.get("path"))
        if data is None:
            problems.append(
                f"{PACKAGE_NAME}: resource {resource.get('path')!r} is not a published file"
            )
            continue
        if resource.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest() or resource.get(
            "bytes"
        ) != len(data):
            problems.append(
                f"{PACKAGE_NAME}: {resource['path']} does not match its recorded hash and size"
            )
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
    actual = hashlib.sha256(_read(directory, JSON_NAME)).hexdigest()
    if getattr(_snapshot, "JSON_SHA256", None) != actual:
        return [
            f"vodspec/_snapshot.py was not generated from {directory / JSON_NAME};"
            " run `vodspec build`"
        ]
    return []
