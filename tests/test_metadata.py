"""The models of vodspec.tools.metadata say what the published JSON documents really hold."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

from conftest import DATA, run_cli
from pydantic import TypeAdapter, ValidationError

from vodspec.tools import metadata
from vodspec.tools.lint import Finding
from vodspec.tools.scrape.models import MODELS


def problems(value: Any, expected: Any, where: str = "$") -> list[str]:
    """Where ``value`` departs from the type ``expected`` (dataclasses as dicts, lists, dicts,
    unions, literals and plain types; Any accepts anything): for lint.json, no model's."""
    if expected is Any:
        return []
    if dataclasses.is_dataclass(expected):  # its as_dict(): the fields, in order
        names = [f.name for f in dataclasses.fields(expected)]
        ok = isinstance(value, dict) and list(value) == names
        return [] if ok else [f"{where}: {value!r:.60} is not a {expected.__name__}"]
    origin, args = typing.get_origin(expected), typing.get_args(expected)
    if origin in (typing.Union, types.UnionType):
        each = [problems(value, arg, where) for arg in args]
        return [] if any(not found for found in each) else [f"{where}: {value!r:.60} fits none"]
    if origin is typing.Literal:
        return [] if value in args else [f"{where}: {value!r:.60} not one of {args}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {value!r:.60} is not a list"]
        return [f for i, item in enumerate(value) for f in problems(item, args[0], f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {value!r:.60} is not an object"]
        return [f for k, item in value.items() for f in problems(item, args[1], f"{where}.{k}")]
    if expected is type(None):
        return [] if value is None else [f"{where}: {value!r:.60} is not null"]
    if expected is int and isinstance(value, bool):
        return [f"{where}: {value!r} is a boolean"]
    return [] if isinstance(value, expected) else [f"{where}: {value!r:.60} is not {expected}"]


def loads(value: Any, model: Any) -> bool:
    """Whether ``value`` loads through ``model`` (a model or a list of one), as validate does."""
    try:
        TypeAdapter(model).validate_python(value)
    except ValidationError:
        return False
    return True


def test_the_checkers_can_fail() -> None:
    entry = {"id": "x", "doc_id": None, "sha256": "0" * 64, "date": None}
    assert loads(entry, metadata.SourceFacts)
    assert not loads({**entry, "extra": 1}, metadata.SourceFacts)
    assert not loads({k: v for k, v in entry.items() if k != "id"}, metadata.SourceFacts)
    assert not loads({**entry, "date": 5}, metadata.SourceFacts)
    assert not loads({**entry, "sha256": "0"}, metadata.SourceFacts)
    version = {
        "version": "1.0.0",
        "bump": "initial",
        "sources": {"status_codes": entry},
        "changes": [],
        "schema_changes": [],
        "source_changes": {},
    }
    assert loads([version], list[metadata.VersionEntry])  # an old entry: no date, files, hash
    assert not loads([{**version, "bump": "huge"}], list[metadata.VersionEntry])
    assert not loads([{**version, "date": None}], list[metadata.VersionEntry])
    assert loads([{**version, "date": "2026-01-02"}], list[metadata.VersionEntry])
    assert not loads({"bytes": True, "hash": "h"}, metadata.CsvResource)
    change = {"dataset": "status_codes", "key": [404], "kind": "changed"}
    transition = {"before": "a", "after": "b"}
    assert loads({**change, "fields": {"reason": transition}}, metadata.ChangeJSON)
    assert not loads(change, metadata.ChangeJSON)  # the changelog has nothing to say of it
    assert not loads({**change, "record": {"code": 404}}, metadata.ChangeJSON)
    assert loads({**change, "kind": "added", "record": {"code": 404}}, metadata.ChangeJSON)
    assert not loads({**change, "kind": "removed"}, metadata.ChangeJSON)
    assert problems({"code": 429, "rule": "missing-429"}, Finding)


def published(directory: Path) -> dict[str, tuple[Any, Any]]:
    """Every JSON document of a data dir with the model (or type) it must load through."""
    found: dict[str, tuple[Any, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        value = json.loads(path.read_bytes())
        if path.name == "datapackage.json":
            found[path.name] = (value, metadata.DataPackage)
        elif path.name == "changes.json":
            found[path.name] = (value, list[metadata.VersionEntry])
        elif path.name == "lint.json":
            found[path.name] = (value, list[Finding])
        elif not path.name.endswith(".schema.json"):
            found[path.name] = (value, MODELS[value["kind"]][0])
    return found


def check(value: Any, shape: Any) -> list[str]:
    if shape is list[Finding]:
        return problems(value, shape)
    return [] if loads(value, shape) else [f"does not load through {shape}"]


def test_a_fresh_build_matches_the_documents(seed_data: Path) -> None:
    documents_found = published(seed_data)
    assert {"datapackage.json", "changes.json", "lint.json", "status_codes.json"} <= set(
        documents_found
    )
    for name, (value, shape) in documents_found.items():
        assert check(value, shape) == [], name


def test_the_committed_data_matches_the_documents() -> None:
    for name, (value, shape) in published(DATA).items():
        assert check(value, shape) == [], name


def test_the_models_keep_the_written_key_order() -> None:
    """The writers build plain dicts; the models state their keys in the same order."""
    package = json.loads((DATA / "datapackage.json").read_bytes())
    assert list(package) == list(metadata.DataPackage.model_fields)
    for resource in package["resources"]:
        model = metadata.CsvResource if "dialect" in resource else metadata.JsonResource
        fields = model.model_fields
        assert list(resource) == [fields[name].alias or name for name in fields]
    newest = json.loads((DATA / "changes.json").read_bytes())[0]
    assert list(newest) == [k for k in metadata.VersionEntry.model_fields if k in newest]


def test_diff_json_matches_its_document(tmp_path: Path) -> None:
    old = json.loads((DATA / "status_codes.json").read_bytes())
    new = json.loads((DATA / "status_codes.json").read_bytes())
    first, second = new["records"][0], new["records"][1]
    first["description"] += " (edited)"
    new["records"].remove(second)
    new["records"].append({**second, "code": 599, "reason": None})
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    result = run_cli("diff", "--json", str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert {change["kind"] for change in document["changes"]} == {"added", "removed", "changed"}
    assert loads(document, metadata.DiffDocument)
