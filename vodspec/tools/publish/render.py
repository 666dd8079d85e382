"""Render datasets into the published files' bytes: pure functions, same input -> same bytes."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from vodspec import snapshot
from vodspec.layout import (
    ERROR_CODES,
    KINDS,
    LICENCE_NAME,
    LINT_NAME,
    PACKAGE_NAME,
    STATUS_CODES,
    csv_cell,
    csv_columns,
    csv_name,
    json_name,
    schema_name,
)
from vodspec.reading import dump_json
from vodspec.record import Status
from vodspec.tools.lint import lint_json
from vodspec.tools.metadata import CsvResource, DataPackage, JsonResource
from vodspec.tools.scrape.models import MODELS, Dataset

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLES = {STATUS_CODES: "status codes", ERROR_CODES: "error codes"}
#: Table Schema primary keys; error codes have none (a code may repeat under one status).
PRIMARY_KEYS = {STATUS_CODES: list(Status.KEY), ERROR_CODES: []}


def _columns(kind: str) -> list[str]:
    return csv_columns(list(MODELS[kind][1].model_fields))


def documents(datasets: dict[str, Dataset]) -> dict[str, dict[str, Any]]:
    return {kind: dataset.model_dump(mode="json") for kind, dataset in datasets.items()}


def render_json(dataset: Dataset) -> bytes:
    return dump_json(dataset.model_dump(mode="json"))


def render_csv(dataset: Dataset) -> bytes:
    columns = _columns(dataset.kind)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180: CRLF, minimal quoting
    writer.writerow(columns)
    for record in dataset.model_dump(mode="json")["records"]:
        writer.writerow([csv_cell(record[name]) for name in columns])
    return buffer.getvalue().encode("utf-8")


def json_schema(kind: str) -> dict[str, Any]:
    schema = MODELS[kind][0].model_json_schema(mode="validation")
    # The model's own title and description are for Python readers: these replace them.
    header = dict(
        title=f"vodspec {TITLES[kind]} dataset",
        description=f"A Huawei Cloud {TITLES[kind]} page as data; see the vodspec README.",
    )
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **header,
        **{key: value for key, value in schema.items() if key not in header},
    }


def table_schema(kind: str) -> dict[str, Any]:
    """The Frictionless Table Schema of a kind's CSV, from its record's JSON Schema."""
    model = MODELS[kind][1]
    schema = model.model_json_schema(mode="validation")
    key = PRIMARY_KEYS[kind]
    fields: list[dict[str, Any]] = []
    for name in _columns(kind):
        options = schema["properties"][name].get("anyOf", [schema["properties"][name]])
        nullable = any(option.get("type") == "null" for option in options)
        (option,) = [option for option in options if option.get("type") != "null"]
        if "$ref" in option:
            option = schema["$defs"][option["$ref"].rsplit("/", 1)[1]]
        if option["type"] == "array":  # joined into one cell, empty for [] (see vodspec.layout)
            option, nullable = {"type": "string"}, True
        constraints: dict[str, Any] = {} if nullable else {"required": True}
        for json_key in ("enum", "minimum", "maximum", "pattern", "minLength"):
            if json_key in option:
                constraints[json_key] = option[json_key]
        if key == [name]:
            constraints["unique"] = True
        description = model.model_fields[name].description or ""
        fields.append(dict(name=name, type=option["type"], description=description))
        if constraints:
            fields[-1]["constraints"] = constraints
    table: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if key:
        table["primaryKey"] = key
    return table


def _file_facts(data: bytes) -> dict[str, Any]:
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def _fixed(model: type[BaseModel]) -> dict[str, Any]:
    """The fields of a datapackage.json model that allow one value (``Literal["csv"]``),
    with that value: metadata.py states them, once."""
    return {
        name: get_args(field.annotation)[0]
        for name, field in model.model_fields.items()
        if get_origin(field.annotation) is Literal
    }


def _resources(kind: str, files: dict[str, bytes]) -> list[dict[str, Any]]:
    return [
        {
            "name": kind,
            "path": csv_name(kind),
            **_fixed(CsvResource),
            **_file_facts(files[csv_name(kind)]),
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            "schema": table_schema(kind),
        },
        {
            "name": f"{kind}_json",
            "path": json_name(kind),
            **_fixed(JsonResource),
            **_file_facts(files[json_name(kind)]),
            "jsonSchema": schema_name(kind),
        },
    ]


def render_datapackage(datasets: dict[str, Dataset], files: dict[str, bytes]) -> bytes:
    kinds = [kind for kind in KINDS if kind in datasets]
    first = datasets[kinds[0]]
    package = dict(
        **_fixed(DataPackage),
        name="vodspec",
        title="Huawei Cloud VOD API " + " and ".join(TITLES[kind] for kind in kinds),
        description="What Huawei Cloud's VOD API documentation says about its HTTP status"
        " codes (and error codes, where published), as data.",
        version=first.version,
        homepage=first.source.url,
        licenses=[
            {
                # Open Definition's id for a non-commercial licence of its own: the pages'
                # licence (attribution, non-commercial, share-alike), shipped as LICENSE.md.
                "name": "other-nc",
                "title": "The licence of Huawei Cloud's documentation (署名, 非商业性使用,"
                " 相同方式共享: attribution, non-commercial, share-alike; modified from"
                " Creative Commons), which covers this data as a work derived from its pages",
                "path": LICENCE_NAME,
            }
        ],
        sources=[
            {"title": f"{source.title} ({source.doc_id})", "path": source.url}
            for source in (datasets[kind].source for kind in kinds)
        ],
        resources=[resource for kind in kinds for resource in _resources(kind, files)],
    )
    return dump_json(package)


def render_all(datasets: dict[str, Dataset]) -> dict[str, bytes]:
    """Every file of the published data dir, by name (changes.json and CHANGELOG.md, which
    carry the history, aside)."""
    files: dict[str, bytes] = {}
    published = documents(datasets)
    for kind in KINDS:
        if kind in datasets:
            files[json_name(kind)] = render_json(datasets[kind])
            files[csv_name(kind)] = render_csv(datasets[kind])
            files[schema_name(kind)] = dump_json(json_schema(kind))
    files[PACKAGE_NAME] = render_datapackage(datasets, files)
    records = {kind: document["records"] for kind, document in published.items()}
    if STATUS_CODES in datasets:  # where the pages depart from the standard, or each other
        files[LINT_NAME] = lint_json(published)
    # The accessor's snapshot of the same records travels in the same swap.
    package_sha256 = hashlib.sha256(files[PACKAGE_NAME]).hexdigest()
    version = next(iter(datasets.values())).version
    accessor = snapshot.make(version, package_sha256, records)
    files[snapshot.SNAPSHOT_NAME] = snapshot.dumps(accessor)
    # Its articles 4.1 and 4.2: a copy of the licence with every copy of the work or of one
    # derived from it.
    files[LICENCE_NAME] = UPSTREAM_LICENCE.read_bytes()
    return files


#: The upstream documentation repository's licence, as fetched (its first line says from
#: which commit): the terms of the pages in raw/ and so of the data made from them.
UPSTREAM_LICENCE = Path(__file__).with_name("upstream_licence.md")
