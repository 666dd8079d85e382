"""The command line as a user meets it: output, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SEED, frozen_raw, run_cli

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
    usage = run_cli("list", "--errors", "--retry", "do_not_retry", "--data", str(seed_and_errors))
    assert usage.returncode == 2 and "no retry advice" in usage.stderr  # a usage error


def test_show_an_error_code_from_another_data_dir(seed_and_errors: Path) -> None:
    shown = run_cli("show", "VST.10002", "--data", str(seed_and_errors))
    assert shown.returncode == 0 and shown.stdout.count("VST.10002") == 2
    assert "请联系华为工程师解决" in shown.stdout
    as_json = json.loads(
        run_cli("show", "vst.10002", "--json", "--data", str(seed_and_errors)).stdout
    )
    assert [r["http_status"] for r in as_json] == [400, 500]


def test_a_data_dir_without_error_codes_says_so(tmp_path: Path) -> None:
    # It said "no VOD status code or error code matches 'VOD.10062'": as if it had looked.
    shutil.copy(DATA / "status_codes.json", tmp_path)
    shown = run_cli("show", "VOD.10062", "--data", str(tmp_path))
    assert shown.returncode == 1
    assert "no error-code dataset is published here" in shown.stderr


def test_global_options_after_the_subcommand_and_no_abbreviations() -> None:
    code = str(vodspec.statuses()[0].code)
    assert run_cli("show", code, "--debug").returncode == 0
    assert run_cli("--debug", "show", code).returncode == 0
    abbreviated = run_cli("show", code, "--jso")
    assert abbreviated.returncode == 2 and "unrecognized arguments: --jso" in abbreviated.stderr


@pytest.mark.parametrize("command", [["show", "404"], ["list"], ["lint"], ["scrape", "FILE"]])
def test_an_unknown_option_is_told_under_the_commands_own_usage(command: list[str]) -> None:
    refused = run_cli(*command, "--jso")
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"usage: vodspec {command[0]} ")
    assert f"vodspec {command[0]}: error: unrecognized arguments: --jso" in refused.stderr


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["list", "--errors", "--retry", "unspecified"], "--retry filters status codes"),
        (["lint", "--rule", "nosuch"], "no lint rule 'nosuch'; expected one of "),
    ],
)
def test_a_usage_error_found_after_parsing_is_told_under_the_usage(
    command: list[str], said: str
) -> None:
    refused = run_cli(*command)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith(f"usage: vodspec {command[0]} ")
    assert f"vodspec {command[0]}: error: {said}" in refused.stderr


def test_help_summaries_are_whole_sentences() -> None:
    from vodspec import cli

    result = run_cli("--help")
    commands = [name[4:] for name in dir(cli) if name.startswith("cmd_")]
    assert commands
    for command in commands:
        doc = getattr(cli, f"cmd_{command}").__doc__
        summary = doc.splitlines()[0]
        assert summary.endswith("."), (command, summary)
        # argparse wraps long lines: compare the words of the listing with the sentence.
        listing = " ".join(result.stdout.split())
        assert f"{command} {summary}" in listing, command


def test_dash_capital_v_is_the_version() -> None:
    assert run_cli("-V").stdout == run_cli("--version").stdout != ""


def test_show_takes_several_codes() -> None:
    first, second = (record.code for record in vodspec.statuses()[:2])
    result = run_cli("show", str(first), str(second))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("category:") == 2
    both = json.loads(run_cli("show", str(first), str(second), "--json").stdout)
    assert [record["code"] for record in both] == [first, second]
    partly = run_cli("show", str(first), "999", str(second))
    assert partly.returncode == 1 and partly.stderr.count("\n") == 1
    assert partly.stdout.count("category:") == 2


def test_show_separates_only_the_records_it_shows() -> None:
    first = vodspec.statuses()[0].code
    result = run_cli("show", "999", "998", str(first))
    assert result.returncode == 1 and not result.stdout.startswith("\n")


def test_scrape_reads_standard_input() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vodspec", "scrape", "-"],
        input=SEED.read_bytes(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    dataset = json.loads(result.stdout)
    assert dataset["source"]["file"] == "<stdin>" and dataset["version"] == "unpublished"
    assert dataset["records"] == json.loads(run_cli("scrape", str(SEED)).stdout)["records"]


def test_scrape_says_which_version_publishes_a_source(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    manifest = json.loads((raw / "sources.json").read_bytes())[0]
    assert run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")).returncode == 0
    published = json.loads(run_cli("scrape", str(raw / manifest["file"])).stdout)
    assert published["version"] == "1.0.0" and published["source"]["url"] == manifest["url"]
    (raw / manifest["file"]).write_bytes(SEED.read_bytes().replace("网关超时。".encode(), b"x"))
    edited = json.loads(run_cli("scrape", str(raw / manifest["file"])).stdout)
    assert edited["version"] == "unpublished" and edited["source"]["url"] == manifest["url"]
    elsewhere = tmp_path / "copy.md"
    shutil.copy(SEED, elsewhere)
    alone = json.loads(run_cli("scrape", str(elsewhere)).stdout)
    assert alone["version"] == "unpublished" and alone["source"]["url"] is None


@pytest.mark.parametrize("damage", ["not json", "a source that is no object"])
def test_scrape_beside_a_damaged_dataset_says_it_cannot_tell_the_version(
    tmp_path: Path, damage: str
) -> None:
    # It said "unpublished" without a word (or crashed on a source that is no object).
    raw = frozen_raw(tmp_path / "raw")
    manifest = json.loads((raw / "sources.json").read_bytes())[0]
    assert run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")).returncode == 0
    published = tmp_path / "data" / f"{manifest['kind']}.json"
    if damage == "not json":
        published.write_text("{", encoding="utf-8")
    else:
        document = json.loads(published.read_bytes())
        published.write_text(json.dumps({**document, "source": "x"}), encoding="utf-8")
    result = run_cli("scrape", str(raw / manifest["file"]))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == "unpublished"
    if damage == "not json":
        assert "which version publishes the page cannot be told" in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_scrape_beside_a_broken_manifest_reads_the_page_and_says_so(tmp_path: Path) -> None:
    # The manifest was ignored without a word: the page read as no source, no one told.
    raw = frozen_raw(tmp_path / "raw")
    page = raw / json.loads((raw / "sources.json").read_bytes())[0]["file"]
    (raw / "sources.json").write_text("{", encoding="utf-8")
    result = run_cli("scrape", str(page))
    assert result.returncode == 0 and json.loads(result.stdout)["source"]["url"] is None
    assert "sources.json" in result.stderr and "read as no source of it" in result.stderr


def test_scrape_of_a_manifest_source_still_demands_the_kind_and_service_given(
    tmp_path: Path,
) -> None:
    raw = frozen_raw(tmp_path / "raw")
    page = raw / json.loads((raw / "sources.json").read_bytes())[0]["file"]
    wrong_kind = run_cli("scrape", str(page), "--kind", "error_codes")
    assert wrong_kind.returncode == 1 and "expected a page of error_codes" in wrong_kind.stderr
    wrong_service = run_cli("scrape", str(page), "--service", "obs")
    assert wrong_service.returncode == 1 and "not obs" in wrong_service.stderr
