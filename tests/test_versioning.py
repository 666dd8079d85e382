"""The data's semver policy, rule by rule (vodspec.tools.diff)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from vodspec.tools.diff import bump, diff_datasets, diff_packages, package_level


def status(
    code: int, reason: str = "Not Found", retry: str = "unspecified", **extra: Any
) -> dict[str, Any]:
    record = {
        "code": code,
        "reason": reason,
        "description": "d",
        "paragraphs": ["d"],
        "category": {2: "success", 4: "client_error", 5: "server_error"}[code // 100],
        "retry": retry,
        "doc_id": "vod_04_0133",
        "source_row": "r",
        "source_line": 1,
        "source_sha256": "0" * 64,
    }
    record.update(extra)
    return record


def dataset(
    *records: dict[str, Any], sha: str = "a" * 64, kind: str = "status_codes"
) -> dict[str, Any]:
    return {
        "kind": kind,
        "version": "1.0.0",
        "source": {"sha256": sha, "doc_id": "vod_04_0133"},
        "records": list(records),
    }


BASE = dataset(status(200, "OK"), status(404))


def changed(**edits: Any) -> dict[str, Any]:
    new = copy.deepcopy(BASE)
    new["records"][1].update(edits)
    return new


@pytest.mark.parametrize(
    ("new", "level"),
    [
        (BASE, None),
        (dataset(status(200, "OK"), status(404), sha="b" * 64), "patch"),  # source only
        (changed(source_line=99, source_row="x", source_sha256="1" * 64), None),  # provenance only
        (changed(description="e", paragraphs=["e"]), "patch"),  # text
        (changed(reason="Missing"), "major"),  # a lookup by the old phrase finds nothing
        (changed(reason="NOT FOUND"), "patch"),  # a lookup folds case and spacing: it still finds
        (changed(reason="Not-Found"), "patch"),
        (changed(retry="do_not_retry"), "major"),  # consumers act on retry
        (changed(category="server_error"), "major"),
        (changed(reason=None), "major"),  # a value went away
        (dataset(status(200, "OK"), status(404), status(429, "Too Many Requests")), "minor"),
        (dataset(status(200, "OK")), "major"),  # removed record
        (dataset(status(200, "OK", note="x"), status(404, note="y")), "minor"),  # field added
        (
            dataset(status(200, "OK", source_line="1"), status(404, source_line="1")),
            "major",
        ),  # retyped
    ],
)
def test_bump_level(new: dict[str, Any], level: str | None) -> None:
    assert diff_datasets(BASE, new).level == level


def test_a_reason_filled_in_is_minor() -> None:
    before = changed(reason=None)
    assert diff_datasets(before, BASE).level == "minor"


@pytest.mark.parametrize(
    "new",
    [
        dataset(status(200, "OK"), status(404), status(410)),  # 410 gives 404's phrase too
        dataset(status(200, "Not Found"), status(404)),  # 200's phrase now 404's
    ],
)
def test_a_phrase_a_second_code_gives_breaks_its_lookup(new: dict[str, Any]) -> None:
    # vodspec.status("not found") found 404 and finds none: it was MINOR, or PATCH.
    assert diff_datasets(BASE, new).level == "major"


def test_a_shared_phrase_changed_breaks_the_lookup_by_code_and_phrase() -> None:
    # "410 Not Found" found 410 (a phrase 404 shares is still checked against 410's own
    # reason) and finds none once 410's reason changed: a reason changed is MAJOR.
    before = dataset(status(200, "OK"), status(404), status(410))
    after = dataset(status(200, "OK"), status(404), status(410, "Gone"))
    assert diff_datasets(before, after).level == "major"


def test_removed_field_is_major() -> None:
    new = copy.deepcopy(BASE)
    for record in new["records"]:
        del record["description"]
    diff = diff_datasets(BASE, new)
    assert diff.level == "major" and "field description removed" in diff.schema_changes


@pytest.mark.parametrize(
    ("new", "level", "said"),
    [
        ({**BASE, "notes": []}, "minor", "field notes added"),  # 1.1.3 said patch
        ({k: v for k, v in BASE.items() if k != "source"}, "major", "field source removed"),
    ],
)
def test_a_dataset_field_added_or_removed_is_a_schema_change(
    new: dict[str, Any], level: str, said: str
) -> None:
    diff = diff_datasets(BASE, new)
    assert diff.level == level and f"top-level {said}" in diff.schema_changes


def test_changes_are_field_level() -> None:
    diff = diff_datasets(BASE, changed(reason="Gone", retry="do_not_retry"))
    (change,) = diff.changes
    assert (change.key, change.kind) == ((404,), "changed")
    assert change.fields == {
        "reason": ("Not Found", "Gone"),
        "retry": ("unspecified", "do_not_retry"),
    }


def error(code: str, status: int | None, message: str = "m") -> dict[str, Any]:
    return {"error_code": code, "http_status": status, "message": message}


def test_error_codes_match_by_code_and_status_in_page_order() -> None:
    old = dataset(error("VST.1", 400, "a"), error("VST.1", 400, "b"), kind="error_codes")
    new = dataset(
        error("VST.1", 400, "a"), error("VST.1", 400, "c"), error("VST.1", 500), kind="error_codes"
    )
    diff = diff_datasets(old, new)
    assert [(c.key, c.kind) for c in diff.changes] == [
        (("VST.1", 400), "changed"),
        (("VST.1", 500), "added"),
    ]
    assert diff.changes[0].fields == {"message": ("b", "c")}


def test_an_error_code_that_gains_a_status_is_not_removed() -> None:
    old = dataset(error("VOD.1", None), error("VOD.2", None), kind="error_codes")
    new = dataset(error("VOD.1", 400), error("VOD.2", 403), error("VOD.2", 500), kind="error_codes")
    diff = diff_datasets(old, new)
    assert not diff.removed
    assert diff.level == "minor"
    assert [(c.key, c.kind) for c in diff.changes] == [
        (("VOD.1", 400), "changed"),
        (("VOD.2", 403), "changed"),
        (("VOD.2", 500), "added"),
    ]


def test_package_level_is_the_highest() -> None:
    diffs = diff_packages(
        {"status_codes": BASE},
        {
            "status_codes": changed(description="X", paragraphs=["X"]),
            "error_codes": dataset(error("A.1", 400), kind="error_codes"),
        },
    )
    assert package_level(diffs) == "minor"


@pytest.mark.parametrize(
    ("level", "version"),
    [(None, "1.2.3"), ("patch", "1.2.4"), ("minor", "1.3.0"), ("major", "2.0.0")],
)
def test_bump(level: str | None, version: str) -> None:
    assert bump("1.2.3", level) == version
