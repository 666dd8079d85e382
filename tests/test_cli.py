"""The command line as a user meets it: output, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import SEED, run_cli

import vodspec


def test_scrape_prints_the_dataset() -> None:
    result = run_cli("scrape", str(SEED))
    assert result.returncode == 0, result.stderr
    dataset = json.loads(result.stdout)
    assert dataset["kind"] == "status_codes"
    assert len(dataset["records"]) == 18
    assert "建议直接修改该请求" in result.stdout  # not ASCII-escaped


def test_scrape_refusal_is_one_line_exit_1(tmp_path: Path) -> None:
    page = tmp_path / "cut.md"
    page.write_bytes(SEED.read_bytes()[:5000])
    result = run_cli("scrape", str(page))
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(page) in result.stderr and "Traceback" not in result.stderr


def test_scrape_error_names_file_line_row_and_column(tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_text(
        SEED.read_text(encoding="utf-8").replace(">404 Not Found<", ">404<"), encoding="utf-8"
    )
    result = run_cli("scrape", str(page))
    assert result.returncode == 1
    assert f"{page}:51, row zh-cn_topic_0170279165_row5782639793230, column 返回值" in result.stderr
    assert "expected 'NNN Reason Phrase'" in result.stderr


def test_missing_file_is_refused(tmp_path: Path) -> None:
    result = run_cli("scrape", str(tmp_path / "nope.md"))
    assert result.returncode == 1 and "cannot read" in result.stderr


def test_service_option() -> None:
    assert run_cli("scrape", str(SEED), "--service", "live").returncode == 1
    assert run_cli("scrape", str(SEED), "--service", "any").returncode == 0


def test_usage_error_exits_2() -> None:
    assert run_cli("frobnicate").returncode == 2
    assert run_cli().returncode == 2


def test_show_and_list() -> None:
    from conftest import DATA

    records = json.loads((DATA / "status_codes.json").read_bytes())["records"]
    record = next(r for r in records if r["reason"])
    shown = run_cli("show", str(record["code"]))
    assert shown.returncode == 0
    assert shown.stdout.startswith(f"{record['code']} {record['reason']}\n")
    assert record["retry"] in shown.stdout and record["paragraphs"][0] in shown.stdout
    as_json = json.loads(run_cli("show", record["reason"].lower(), "--json").stdout)
    assert as_json == record
    listed = run_cli("list").stdout.splitlines()
    assert len([line for line in listed if line[:3].isdigit()]) == len(records)


def test_show_unknown_code() -> None:
    result = run_cli("show", "599")
    assert result.returncode == 1
    assert result.stderr.strip() == "vodspec: no VOD status code matches '599'"


def test_validate_published_data() -> None:
    result = run_cli("validate", "data")
    assert result.returncode == 0, result.stderr


def test_validate_reports_a_tampered_dir(tmp_path: Path) -> None:
    from conftest import DATA

    for file in DATA.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    csv_path = tmp_path / "status_codes.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"Not Found", b"Not Fund"))
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 1
    assert "Not Fund" in result.stderr and "hash" in result.stderr


def test_python_dash_m_and_help() -> None:
    result = run_cli("--help")
    assert result.returncode == 0 and "scrape" in result.stdout and "build" in result.stdout


def test_scraping_a_copy_of_the_seed_still_works(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "page.md")
    assert run_cli("scrape", str(tmp_path / "page.md")).returncode == 0


def test_version_names_the_package_and_the_data() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and vodspec.data_version() in result.stdout


def test_list_json_and_filters(seed_and_errors: Path) -> None:
    listed = json.loads(run_cli("list", "--json", "--data", str(seed_and_errors)).stdout)
    assert [r["code"] for r in listed] == [
        r.code for r in vodspec.open_dataset(seed_and_errors).statuses()
    ]
    errors = json.loads(
        run_cli(
            "list", "--data", str(seed_and_errors), "--category", "server_error", "--json"
        ).stdout
    )
    assert {r["code"] // 100 for r in errors} == {5}
    advice = run_cli("list", "--data", str(seed_and_errors), "--retry", "do_not_retry").stdout
    assert "503" in advice and "200" not in advice
    codes = json.loads(run_cli("list", "--errors", "--json", "--data", str(seed_and_errors)).stdout)
    assert {r["error_code"] for r in codes} >= {"VST.10002"}


def test_show_an_error_code_from_another_data_dir(seed_and_errors: Path) -> None:
    shown = run_cli("show", "VST.10002", "--data", str(seed_and_errors))
    assert shown.returncode == 0 and shown.stdout.count("VST.10002") == 2
    assert "请联系华为工程师解决" in shown.stdout
    as_json = json.loads(
        run_cli("show", "vst.10002", "--json", "--data", str(seed_and_errors)).stdout
    )
    assert [r["http_status"] for r in as_json] == [400, 500]


def test_global_options_after_the_subcommand_and_no_abbreviations() -> None:
    code = str(vodspec.statuses()[0].code)
    assert run_cli("show", code, "--debug").returncode == 0
    assert run_cli("--debug", "show", code).returncode == 0
    abbreviated = run_cli("show", code, "--jso")
    assert abbreviated.returncode == 2 and "unrecognized arguments: --jso" in abbreviated.stderr
