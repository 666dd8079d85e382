"""An error_codes source in the manifest publishes data/error_codes.* and feeds error()."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import PAGE_SHAPES, SEED, run_cli, two_sources

import vodspec
from vodspec import UnknownErrorCodeError

FIXTURE = PAGE_SHAPES / "errors_five_columns.md"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("errors")
    raw = two_sources(root / "raw", SEED, FIXTURE)
    result = run_cli("build", "--raw", str(raw), "--data", str(root / "data"))
    assert result.returncode == 0, result.stderr
    assert "repeats the row at line 39 exactly" in result.stderr  # reported, not fatal
    return root / "data"


def test_error_files_are_published_and_listed(published: Path) -> None:
    names = sorted(path.name for path in published.iterdir())
    assert names == sorted(
        [
            "CHANGELOG.md",
            "changes.json",
            "datapackage.json",
            "error_codes.csv",
            "error_codes.json",
            "error_codes.schema.json",
            "LICENSE.md",
            "lint.json",
            "snapshot.marshal",
            "status_codes.csv",
            "status_codes.json",
            "status_codes.schema.json",
        ]
    )
    package = json.loads((published / "datapackage.json").read_bytes())
    assert [r["path"] for r in package["resources"]] == [
        "status_codes.csv",
        "status_codes.json",
        "error_codes.csv",
        "error_codes.json",
    ]
    dataset = json.loads((published / "error_codes.json").read_bytes())
    jsonschema.validate(dataset, json.loads((published / "error_codes.schema.json").read_bytes()))
    assert run_cli("validate", str(published)).returncode == 0


def test_frictionless_accepts_both_datasets(published: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(published / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_error_lookup(published: Path) -> None:
    registry = vodspec.open_dataset(published)
    assert [r.http_status for r in registry.error("VST.10002")] == [400, 500]
    assert [r.http_status for r in registry.error("vst.10002", status=500)] == [500]
    assert registry.error("VOD.10062")[0].message == "Policy doesn't allow <x:x:x> to be performed"
    assert registry.status(404).reason == "Not Found"
    with pytest.raises(UnknownErrorCodeError, match=r"VOD\.99999"):
        registry.error("VOD.99999")
    with pytest.raises(LookupError, match="under HTTP status 404"):
        registry.error("VST.10002", status=404)


def test_a_dataset_without_error_codes_says_so(seed_data: Path) -> None:
    registry = vodspec.open_dataset(seed_data)
    assert registry.error_codes() == () and registry.get_error("VOD.10053") == ()
    with pytest.raises(UnknownErrorCodeError, match="no error-code dataset"):
        registry.error("VOD.10053")
