"""The published files load with other people's tools: JSON Schema, Frictionless, csv."""

from __future__ import annotations

import copy
import csv
import io
import json
from typing import Any

import jsonschema
import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st


def load(name: str) -> Any:
    return json.loads((DATA / name).read_bytes())


def test_json_validates_against_its_schema() -> None:
    schema = load("status_codes.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(load("status_codes.json"))


def test_frictionless_validates_the_package() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_csv_has_the_json_records() -> None:
    rows = list(
        csv.DictReader(
            io.StringIO((DATA / "status_codes.csv").read_text(encoding="utf-8"), newline="")
        )
    )
    records = load("status_codes.json")["records"]
    assert [int(row["code"]) for row in rows] == [record["code"] for record in records]
    assert [row["description"].split("\n") for row in rows] == [
        record["paragraphs"] for record in records
    ]
    assert (DATA / "status_codes.csv").read_bytes().count(b"\r\n") >= len(rows) + 1


def test_json_bytes_are_canonical() -> None:
    raw = (DATA / "status_codes.json").read_bytes()
    assert raw.endswith(b"}\n") and "所请求".encode() in raw and b"\\u" not in raw


def _mutants() -> list[tuple[str, Any]]:
    base = load("status_codes.json")
    out = []
    for label, path, value in [
        ("code as string", ("records", 0, "code"), "200"),
        ("code out of range", ("records", 0, "code"), 700),
        ("unknown retry", ("records", 0, "retry"), "maybe"),
        ("empty reason", ("records", 0, "reason"), ""),
        ("empty paragraph", ("records", 0, "paragraphs"), [""]),
        ("bad sha", ("source", "sha256"), "xyz"),
        ("bad version", ("version",), "1.0"),
        ("extra field", ("records", 0, "extra"), 1),
        ("bool as line", ("records", 0, "source_line"), True),
    ]:
        doc = copy.deepcopy(base)
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        out.append((label, doc))
    missing = copy.deepcopy(base)
    del missing["records"][0]["retry"]
    out.append(("missing field", missing))
    return out


def _refusals(kind: str, document: Any) -> list[Any]:
    """What the model refuses in ``document``, loaded as `vodspec validate` loads it."""
    from pydantic import ValidationError

    from vodspec.tools.scrape.models import MODELS

    try:
        MODELS[kind][0].model_validate_json(json.dumps(document), strict=True)
    except ValidationError as exc:
        return list(exc.errors())
    return []


@pytest.mark.parametrize(("label", "document"), _mutants(), ids=[label for label, _ in _mutants()])
def test_the_models_refuse_what_jsonschema_refuses(label: str, document: Any) -> None:
    schema = load("status_codes.schema.json")
    reference = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    ours = _refusals("status_codes", document)
    assert reference and ours, label
    # The same places are wrong: every path jsonschema names, the model names too.
    paths = {tuple(e.absolute_path) for e in reference}
    assert all(any(error["loc"][: len(path)] == path for error in ours) for path in paths), (
        label,
        paths,
        ours,
    )


def _cross_field_lies() -> list[tuple[str, Any, str]]:
    """A status record whose fields each pass the schema but disagree with one another."""
    from vodspec.record import CATEGORIES

    base = load("status_codes.json")
    first = base["records"][0]
    other = next(category for category in CATEGORIES if category != first["category"])
    out = []
    for label, change, says in [
        ("description", {"description": "另写的说明。"}, "description must be the paragraphs"),
        ("category", {"category": other}, "is not in category"),
        ("neither", {"reason": None, "description": None, "paragraphs": []}, "needs a reason"),
    ]:
        doc = copy.deepcopy(base)
        doc["records"][0].update(change)
        out.append((label, doc, says))
    return out


@pytest.mark.parametrize(("label", "document", "says"), _cross_field_lies())
def test_the_models_refuse_fields_that_disagree(label: str, document: Any, says: str) -> None:
    # The rules jsonschema cannot state: the record's own check, run when it is loaded.
    assert not list(
        jsonschema.Draft202012Validator(load("status_codes.schema.json")).iter_errors(document)
    ), label
    assert any(says in error["msg"] for error in _refusals("status_codes", document)), label


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 1000)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            out += _paths(item, (*prefix, index))
    return out


@settings(max_examples=200, deadline=None, derandomize=True)
@given(kind=st.sampled_from(["status_codes", "error_codes"]), data=st.data())
def test_the_models_agree_with_jsonschema_on_generated_documents(kind: str, data: Any) -> None:
    """Differential: a random value put at a random place of a published dataset is refused
    by the model `vodspec validate` loads it through whenever the jsonschema package refuses
    it by the generated schema; what the model refuses beyond that are the rules between
    fields that a JSON Schema cannot state (its validators' value errors)."""
    document, schema = load(f"{kind}.json"), load(f"{kind}.schema.json")
    # Mutations reach the first three records only (see _paths): the others need no checking.
    document["records"] = document["records"][:3]
    path = data.draw(st.sampled_from(_paths(document)))
    value = data.draw(JSON_VALUES)
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    reference = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    ours = _refusals(kind, document)
    if reference:
        assert ours, (path, value)
    else:
        assert all(error["type"] == "value_error" for error in ours), (path, value, ours)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(kind=st.sampled_from(["status_codes", "error_codes"]), data=st.data())
def test_the_accessors_rules_agree_with_the_models(kind: str, data: Any) -> None:
    """Differential: a random value in one field of a published record passes the accessor's
    rule for the field (vodspec.record's table) exactly when the model takes it there."""
    from vodspec.record import ErrorCode, Status

    record_type = Status if kind == "status_codes" else ErrorCode
    document = load(f"{kind}.json")
    field = data.draw(st.sampled_from(record_type.STORED))
    value = data.draw(JSON_VALUES | st.lists(st.text(max_size=3), max_size=2))
    document["records"] = [{**document["records"][0], field.name: value}]
    refused = [error for error in _refusals(kind, document) if error["type"] != "value_error"]
    as_read = tuple(value) if isinstance(value, list) else value  # the snapshot's form
    assert field.rule(as_read) == (not refused), (field.name, value, refused)


def test_the_accessors_records_and_the_models_agree_field_by_field() -> None:
    from vodspec.record import PROVENANCE, ErrorCode, Status
    from vodspec.tools.scrape.models import ErrorCodeRecord, StatusRecord

    for record, model in ((Status, StatusRecord), (ErrorCode, ErrorCodeRecord)):
        assert tuple(model.model_fields) == record.FIELDS
        assert record.__slots__[-len(PROVENANCE) :] == PROVENANCE
        assert tuple(field.name for field in record.STORED) == record.__slots__
        assert set(record.__slots__) <= set(model.model_fields)
    # Computed in the accessor, as http.HTTPStatus computes is_client_error: never stored.
    assert (
        "category" not in Status.__slots__
        and Status(
            404,
            None,
            "x",
            ("x",),
            "do_not_retry",
            None,
            None,
            "unspecified",
            None,
            None,
            None,
            1,
            "0",
        ).category
        == "client_error"
    )
