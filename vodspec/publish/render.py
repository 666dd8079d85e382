"""Render a dataset into the published files' bytes: pure functions, same input -> same bytes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from vodspec.scrape.models import StatusDataset, StatusRecord

JSON_NAME = "status_codes.json"
CSV_NAME = "status_codes.csv"
SCHEMA_NAME = "status_codes.schema.json"
PACKAGE_NAME = "datapackage.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: The CSV leaves out ``paragraphs``: ``description`` is them joined with "\n", losslessly.
CSV_COLUMNS = tuple(name for name in StatusRecord.model_fields if name != "paragraphs")


def dump_json(value: Any) -> bytes:
    """UTF-8, not ASCII-escaped, two-space indent, final newline; key order as given."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_json(dataset: StatusDataset) -> bytes:
    return dump_json(dataset.model_dump(mode="json"))


def render_csv(dataset: StatusDataset) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180: CRLF, minimal quoting
    writer.writerow(CSV_COLUMNS)
    for record in dataset.model_dump(mode="json")["records"]:
        writer.writerow(["" if record[name] is None else record[name] for name in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def json_schema() -> dict[str, Any]:
    schema = StatusDataset.model_json_schema(mode="validation")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "vodspec status-code dataset",
        "description": "A Huawei Cloud status-code page as data; see the vodspec README.",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


def render_schema() -> bytes:
    return dump_json(json_schema())


def _table_field(name: str, prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A Table Schema field for one property of the record's JSON Schema."""
    options = prop.get("anyOf", [prop])
    nullable = any(option.get("type") == "null" for option in options)
    (option,) = [option for option in options if option.get("type") != "null"]
    if "$ref" in option:
        option = defs[option["$ref"].rsplit("/", 1)[1]]
    constraints: dict[str, Any] = {} if nullable else {"required": True}
    for json_key, table_key in (
        ("enum", "enum"),
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("pattern", "pattern"),
        ("minLength", "minLength"),
    ):
        if json_key in option:
            constraints[table_key] = option[json_key]
    if name == "code":
        constraints["unique"] = True
    field = {"name": name, "type": option["type"], "description": prop.get("description", "")}
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema() -> dict[str, Any]:
    schema = StatusRecord.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    fields = [_table_field(name, schema["properties"][name], defs) for name in CSV_COLUMNS]
    return {"fields": fields, "primaryKey": ["code"], "missingValues": [""]}


def _file_facts(data: bytes) -> dict[str, Any]:
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def render_datapackage(dataset: StatusDataset, files: dict[str, bytes]) -> bytes:
    source = dataset.source
    package = {
        "profile": "data-package",
        "name": "vodspec",
        "title": "Huawei Cloud VOD API status codes",
        "description": "The HTTP status codes that Huawei Cloud's VOD API documents, as data.",
        "version": dataset.version,
        "homepage": source.url,
        "licenses": [
            {
                "name": "other-at",
                "title": "Text from Huawei Cloud's documentation; the source page's terms apply",
                "path": source.url,
            }
        ],
        "sources": [{"title": f"{source.title} ({source.doc_id})", "path": source.url}],
        "resources": [
            {
                "name": "status_codes",
                "path": CSV_NAME,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                **_file_facts(files[CSV_NAME]),
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": table_schema(),
            },
            {
                "name": "status_codes_json",
                "path": JSON_NAME,
                "profile": "data-resource",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                **_file_facts(files[JSON_NAME]),
                "jsonSchema": SCHEMA_NAME,
            },
        ],
    }
    return dump_json(package)


def render_snapshot(dataset: StatusDataset, json_bytes: bytes) -> bytes:
    """The Python module the accessor loads: the records as literals, fast to import."""
    fields = tuple(StatusRecord.model_fields)
    lines = [
        '"""The published status codes for the accessor.',
        "",
        "Generated by `vodspec build` from the data dir; do not edit.",
        '"""',
        "",
        f"DATA_VERSION = {dataset.version!r}",
        f"JSON_SHA256 = {hashlib.sha256(json_bytes).hexdigest()!r}",
        f"FIELDS = {fields!r}",
        "STATUS_CODES = (",
    ]
    for record in dataset.model_dump(mode="json")["records"]:
        values = tuple(
            tuple(record[name]) if name == "paragraphs" else record[name] for name in fields
        )
        lines.append(f"    {values!r},")
    lines.append(")")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_all(dataset: StatusDataset) -> dict[str, bytes]:
    """Every file of the published data dir, by name."""
    files = {
        JSON_NAME: render_json(dataset),
        CSV_NAME: render_csv(dataset),
        SCHEMA_NAME: render_schema(),
    }
    files[PACKAGE_NAME] = render_datapackage(dataset, files)
    return files
