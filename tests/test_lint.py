"""`vodspec lint`: each rule on its own (status and error codes), by rule and in sum, the
seed's findings pinned, and malformed records refused in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT, one_line, run_cli

import vodspec
from vodspec.registry import Registry
from vodspec.tools.lint import RULES, lint_error_records, lint_records


def record(code: int, reason: str | None, retry: str = "unspecified") -> dict[str, Any]:
    return {"code": code, "reason": reason, "retry": retry, "description": "d", "paragraphs": ["d"]}


def rules(*records: dict[str, Any], with_429: bool = False) -> list[tuple[int, str]]:
    found = [(f.code, f.rule) for f in lint_records(list(records))]
    return found if with_429 else [item for item in found if item[1] != "missing-429"]


def test_phrase_rules() -> None:
    assert rules(record(204, "No Content"), record(200, "OK")) == []
    assert rules(record(204, "NoContent")) == [(204, "phrase-spacing")]
    assert rules(record(404, "Not found")) == [(404, "phrase-case")]
    assert rules(record(504, "ServerTimeout")) == [(504, "phrase-wording")]
    assert rules(record(413, "Request Entity Too Large")) == [(413, "phrase-wording")]
    assert rules(record(200, None)) == []  # no phrase given: nothing to compare


def test_unregistered_code() -> None:
    assert rules(record(299, "Custom")) == [(299, "unregistered-code")]


def test_retry_rule_only_for_do_not_retry_on_transient_codes() -> None:
    assert rules(record(503, "Service Unavailable", "do_not_retry")) == [
        (503, "retry-contradicts-standard")
    ]
    assert rules(record(503, "Service Unavailable", "unspecified")) == []
    assert rules(record(408, "Request Timeout", "retry_unchanged")) == []
    assert rules(record(404, "Not Found", "do_not_retry")) == []


def test_missing_429_only_when_the_page_lists_client_errors() -> None:
    assert rules(record(400, "Bad Request"), with_429=True) == [(429, "missing-429")]
    assert rules(record(400, "Bad Request"), record(429, "Too Many Requests"), with_429=True) == []
    assert rules(record(200, "OK"), with_429=True) == []


def test_every_finding_cites_its_reference() -> None:
    for finding in lint_records(
        [record(503, "ServiceUnavailable", "do_not_retry"), record(400, "Bad Request")]
    ):
        assert finding.reference and finding.rule in RULES


def test_seed_findings_are_pinned(seed_data: Path) -> None:
    result = run_cli("lint", str(seed_data), "--json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert [(f["code"], f["rule"], f["reference"]) for f in findings] == [
        (429, "missing-429", "RFC 6585, Section 4"),
        (503, "retry-contradicts-standard", "RFC 9110, Section 15.6.4"),
    ]
    assert findings[1]["vendor"] == "被请求的服务无效。\n建议直接修改该请求，不要重试该请求。"
    assert (seed_data / "lint.json").read_text(encoding="utf-8") == result.stdout


def test_published_lint_json_is_what_lint_says() -> None:
    result = run_cli("lint", str(DATA), "--json")
    assert (DATA / "lint.json").read_text(encoding="utf-8") == result.stdout


def test_clean_dataset_exits_0(tmp_path: Any) -> None:
    dataset = json.loads((DATA / "status_codes.json").read_bytes())
    dataset["records"] = [r for r in dataset["records"] if r["code"] < 400]
    path = tmp_path / "clean.json"
    path.write_text(json.dumps(dataset), encoding="utf-8")
    result = run_cli("lint", str(path))
    assert result.returncode == 0 and result.stdout.strip() == "0 finding(s)"


@pytest.mark.parametrize("document", [{"records": 5}, {"a": 1}])
def test_lint_refuses_records_that_are_not_a_list(tmp_path: Path, document: object) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(document), "utf-8")
    # Not "each record to give its code": there are no records to give one.
    said = one_line(run_cli("lint", str(path)))
    assert "not a status-code dataset: expected a list of records" in said


def test_lint_names_an_unregistered_code_plainly(tmp_path: Path) -> None:
    record = {"code": 299, "reason": "Odd", "retry": "unspecified", "description": "x"}
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"kind": "status_codes", "records": [record]}), "utf-8")
    out = run_cli("lint", str(path)).stdout
    assert "unregistered-code" in out and "None" not in out


def error_record(
    code: str, status: int, message: str, description: str, remedy: str
) -> dict[str, Any]:
    return {
        "error_code": code,
        "http_status": status,
        "message": message,
        "description": description,
        "remedy": remedy,
    }


def test_error_lint_rules() -> None:
    records = [
        error_record("VOD.1", 403, "系统错误", "系统错误", "系统错误"),
        error_record("VOD.1", 500, "系统错误", "系统内部错误", "请重试"),
        error_record("VOD.2", 418, "茶壶", "茶壶", "换个壶"),
    ]
    statuses = [{"code": 403}, {"code": 500}]
    found = {(f.code, f.rule) for f in lint_error_records(records, statuses)}
    assert found == {
        ("VOD.1", "error-code-without-remedy"),
        ("VOD.1", "error-code-under-several-statuses"),
        (418, "error-status-not-on-status-page"),
    }


def test_an_error_code_listed_twice_under_one_status_is_reported_once() -> None:
    # Both rows are published as the page writes them; nothing said that a lookup gives both.
    records = [
        error_record("VOD.3", 400, "参数错误", "缺少参数", "补上参数"),
        error_record("VOD.3", 400, "参数错误", "参数格式错误", "改正格式"),
        error_record("VOD.3", 400, "参数错误", "参数过长", "缩短参数"),
        error_record("VOD.4", 400, "a", "b", "c"),
        error_record("VOD.5", None, "a", "b", "c"),  # no status column: twice all the same
        error_record("VOD.5", None, "d", "e", "f"),
    ]
    found = [(f.code, f.rule, f.message) for f in lint_error_records(records, [{"code": 400}])]
    assert found == [
        ("VOD.3", "error-code-listed-twice", "VOD.3 is listed more than once under HTTP 400"),
        ("VOD.5", "error-code-listed-twice", "VOD.5 is listed more than once with no HTTP status"),
    ]


def test_published_lint_covers_the_error_codes(seed_and_errors: Path) -> None:
    findings = json.loads((seed_and_errors / "lint.json").read_bytes())
    assert ("VST.10002", "error-code-under-several-statuses") in {
        (f["code"], f["rule"]) for f in findings
    }
    assert isinstance(vodspec.open_dataset(seed_and_errors), Registry)


def test_lint_refuses_malformed_records_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"kind": "status_codes", "records": [{"code": 404, "reason": 5}]}))
    result = run_cli("lint", str(path))
    assert result.returncode == 1 and result.stderr.count("\n") == 1


def test_lint_by_rule_and_in_sum() -> None:
    findings = json.loads(run_cli("lint", "--json").stdout)
    if not findings:
        pytest.skip("the shipped data has no lint finding")
    rule = findings[0]["rule"]
    kept = json.loads(run_cli("lint", "--json", "--rule", rule).stdout)
    assert kept == [finding for finding in findings if finding["rule"] == rule]
    counts = json.loads(run_cli("lint", "--summary", "--json").stdout)
    assert sum(counts.values()) == len(findings) and counts[rule] == len(kept)
    text = run_cli("lint", "--summary").stdout.splitlines()
    assert text[-1] == f"{len(findings)} finding(s)" and len(text) == len(counts) + 1
    unknown = run_cli("lint", "--rule", "no-such-rule")
    assert unknown.returncode == 2 and "expected one of" in unknown.stderr


def test_the_docs_name_every_rule() -> None:
    from vodspec.tools.lint import RULES

    text = (ROOT / "docs" / "standard.md").read_text(encoding="utf-8")
    assert [rule for rule in RULES if f"`{rule}`" not in text] == []


@pytest.mark.parametrize(
    "notes",
    [[{"text": 5, "line": 3, "why": "w"}], [{}], ["note"], {"line": 3}, [{"line": True}]],
)
def test_notes_lint_cannot_read_are_refused_in_one_line(tmp_path: Path, notes: Any) -> None:
    # A note whose text is not a string was an internal error (AttributeError), and an
    # empty one was listed as "line None".
    dataset = json.loads((DATA / "status_codes.json").read_bytes())
    dataset["notes"] = notes
    path = tmp_path / "status_codes.json"
    path.write_text(json.dumps(dataset), encoding="utf-8")
    result = run_cli("lint", str(path))
    assert result.stdout == "" and "expected notes each with" in one_line(result)
