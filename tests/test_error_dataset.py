"""An error_codes source in the manifest publishes data/error_codes.* and feeds error()
(conftest's seed_and_errors: the frozen seed and the five-column error page)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, PAGE_SHAPES, run_cli

import vodspec
from vodspec import UnknownErrorCodeError
from vodspec.errors import CellError
from vodspec.tools.scrape.models import ErrorCodeRecord, PageNote
from vodspec.tools.scrape.pipeline import scrape
from vodspec.tools.scrape.rows import Batch, Origin, validated
from vodspec.tools.scrape.tables import Row

FIXTURE = PAGE_SHAPES / "errors_five_columns.md"


def test_error_files_are_published_and_listed(seed_and_errors: Path) -> None:
    names = sorted(path.name for path in seed_and_errors.iterdir())
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
    package = json.loads((seed_and_errors / "datapackage.json").read_bytes())
    assert [r["path"] for r in package["resources"]] == [
        "status_codes.csv",
        "status_codes.json",
        "error_codes.csv",
        "error_codes.json",
    ]
    dataset = json.loads((seed_and_errors / "error_codes.json").read_bytes())
    jsonschema.validate(
        dataset, json.loads((seed_and_errors / "error_codes.schema.json").read_bytes())
    )
    assert run_cli("validate", str(seed_and_errors)).returncode == 0


def test_frictionless_accepts_both_datasets(seed_and_errors: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(seed_and_errors / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_error_lookup(seed_and_errors: Path) -> None:
    registry = vodspec.open_dataset(seed_and_errors)
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


def test_the_shipped_error_codes_are_the_published_ones() -> None:
    published = json.loads((DATA / "error_codes.json").read_bytes())["records"]
    assert [r.as_dict() for r in vodspec.error_codes()] == published
    first = published[0]
    assert vodspec.error(first["error_code"])[0].as_dict() == first
    assert vodspec.error(f"  {first['error_code'].lower()} ")[0].error_code == first["error_code"]
    assert vodspec.get_error("NO.SUCH.CODE") == ()
    with pytest.raises(LookupError):
        vodspec.error("NO.SUCH.CODE")


def test_error_lookups_take_a_status_as_status_does(seed_and_errors: Path) -> None:
    registry = vodspec.open_dataset(seed_and_errors)
    assert registry.error("VST.10002", status="500") == registry.error("VST.10002", status=500)
    assert registry.get_error("VST.10002", True) == ()


def test_records_validated_together_are_refused_as_the_first_invalid_one_alone() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the page repeats a row: not what is tested here
        good = scrape(FIXTURE.read_bytes(), file="p.md").records[0].model_dump()
    empty_code = {**good, "error_code": ""}
    rows = [Row(f"row-{line}", line, ()) for line in (10, 11, 12)]
    batch = Batch(ErrorCodeRecord)
    for row, values in zip(rows, (good, empty_code, {**good, "source_line": 0}), strict=True):
        batch.add(row, values)
    with pytest.raises(CellError) as together:
        batch.validate()
    with pytest.raises(CellError) as alone:
        validated(ErrorCodeRecord, rows[1], None, empty_code)
    assert (together.value.line, together.value.row) == (11, "row-11")
    assert str(together.value) == str(alone.value)
    assert "error_code" in str(together.value)


def test_a_note_no_note_can_hold_is_refused_naming_its_row() -> None:
    # A row whose cells all read empty holds no note text (a note's text is never empty):
    # refused where it is met, naming the row and column, not an internal error at the end.
    notes: list[PageNote] = []
    with pytest.raises(CellError, match="text") as refusal:
        Origin(None, "0" * 64, notes).note(Row("r7", 7, ()), "状态码", "odd")
    assert (refusal.value.line, refusal.value.row, refusal.value.column) == (7, "r7", "状态码")
    assert notes == []
