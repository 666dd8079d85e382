"""Each version appends to data/CHANGELOG.md and data/changes.json, with no wall clock; the
changelog's text is escaped Markdown, its dates ISO 8601."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest
from conftest import edit, frozen_raw, run_cli

from vodspec.errors import PublishError, VodspecWarning
from vodspec.tools.changes import release_date, render_changelog


def build_twice(tmp_path: Path, name: str) -> Path:
    raw, data = tmp_path / name / "raw", tmp_path / name / "data"
    frozen_raw(raw)
    run_cli("build", "--raw", str(raw), "--data", str(data))
    edit(raw / "vod_04_0133.md", "网关超时。", "网关超时了。")
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert "changed status_codes 504 description: '网关超时。' -> '网关超时了。'" in result.stdout
    return data


def test_changes_json_and_changelog(tmp_path: Path) -> None:
    data = build_twice(tmp_path, "a")
    versions = json.loads((data / "changes.json").read_bytes())
    assert [(v["version"], v["bump"]) for v in versions] == [
        ("1.0.1", "patch"),
        ("1.0.0", "initial"),
    ]
    (change,) = versions[0]["changes"]
    assert (
        change["dataset"] == "status_codes"
        and change["key"] == [504]
        and change["kind"] == "changed"
    )
    assert change["fields"] == {"description": {"before": "网关超时。", "after": "网关超时了。"}}
    log = (data / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.index("## 1.0.1 (patch)") < log.index("## 1.0.0 (initial)")
    assert "- changed status_codes `504` `description`: `网关超时。` → `网关超时了。`" in log
    assert run_cli("validate", str(data)).returncode == 0


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    first, second = build_twice(tmp_path, "a"), build_twice(tmp_path, "b")
    for name in ("changes.json", "CHANGELOG.md", "status_codes.json", "datapackage.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_a_release_is_dated_reproducibly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SOURCE_DATE_EPOCH first; else the pages' own Last-Modified (which fetch records in
    the manifest); else today's date, with a warning that says it came from the clock."""
    data = build_twice(tmp_path, "dated")
    day = datetime.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), datetime.UTC)
    entries = json.loads((data / "changes.json").read_bytes())
    assert [entry["date"] for entry in entries] == [day.date().isoformat()] * 2
    log = (data / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## 1.0.1 (patch) — {day.date().isoformat()}" in log

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert release_date({"status_codes": "Tue, 01 Sep 2026 10:00:00 GMT"}) == "1970-01-01"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    dates = {"a": "Tue, 01 Sep 2026 10:00:00 GMT", "b": "Wed, 02 Sep 2026 23:30:00 -0100"}
    assert release_date(dates) == "2026-09-03"  # the newest, in UTC
    with pytest.warns(VodspecWarning, match="from the clock"):
        today = release_date({"a": None})
    assert today == datetime.datetime.now(datetime.UTC).date().isoformat()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(PublishError, match="SOURCE_DATE_EPOCH"):
        release_date({})


def test_changelog_text_is_escaped_markdown_on_one_line() -> None:
    entry = {
        "version": "1.0.1",
        "bump": "patch",
        "sources": {"status_codes": {"doc_id": "x\n# Injected", "sha256": "0" * 64, "date": None}},
        "changes": [
            {
                "dataset": "status_codes",
                "key": [504],
                "kind": "changed",
                "fields": {"description": {"before": "a\nb", "after": "<script>*x*</script>"}},
            }
        ],
        "schema_changes": [],
        "source_changes": {},
    }
    log = render_changelog([entry])
    assert "\n# Injected" not in log
    assert "- source status_codes: `x / # Injected`" in log
    assert "- changed status_codes `504` `description`: `a / b` → `<script>*x*</script>`" in log
    assert "``a`b``" in render_changelog(
        [
            {
                **entry,
                "changes": [],
                "sources": {"status_codes": {"doc_id": "a`b", "sha256": "0" * 64, "date": None}},
            }
        ]
    )


def test_source_dates_are_iso_8601() -> None:
    from vodspec.tools.changes import iso_date

    assert iso_date("Thu, 18 Mar 2021 11:24:15 GMT") == "2021-03-18T11:24:15Z"
    assert iso_date("yesterday") is None


def test_iso_dates_out_of_range_are_not_a_crash() -> None:
    from vodspec.tools.changes import iso_date

    assert iso_date("Fri, 31 Dec 9999 23:59:59 -2359") is None
