"""What a new user meets first on the command line and in the API: whole help sentences,
-V, several codes at once, standard input, versions from the manifest, refusals that say what
was expected, lint by rule, lookup errors that know the standard, sortable records."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SEED, frozen_raw, run_cli

import vodspec


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


@pytest.mark.parametrize(
    "command",
    [
        "validate {file}",
        "validate {empty}",
        "lint {empty}",
        "lint {text}",
        "diff {empty} {empty}",
        "show 404 --data {empty}",
        "build --raw {file} --data {tmp}/d",
        "build --raw {empty} --data {tmp}/d",
        "fetch --raw {empty}",
    ],
)
def test_a_path_of_the_wrong_kind_is_refused_saying_what_was_expected(
    tmp_path: Path, command: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    words = command.format(
        file=DATA / "status_codes.json", empty=empty, text=text, tmp=tmp_path
    ).split()
    result = run_cli(*words)
    assert result.returncode in (1, 2) and result.stderr.count("\n") == 1, result.stderr
    assert "expected" in result.stderr, result.stderr


def test_fetch_without_network_says_so_and_names_the_host(tmp_path: Path) -> None:
    from vodspec.errors import FetchError
    from vodspec.tools.fetch import download

    with pytest.raises(FetchError, match=r"cannot look up the host no-such-host\.invalid"):
        download("http://no-such-host.invalid/page.html")


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


def test_a_registered_status_vod_does_not_list_is_named_so() -> None:
    from vodspec.standard import standard_phrase

    missing = next(
        code for code in range(100, 600) if standard_phrase(code) and vodspec.get(code) is None
    )
    with pytest.raises(vodspec.UnknownStatusError) as info:
        vodspec.status(missing)
    assert f"{missing} {standard_phrase(missing)} is a registered HTTP status" in str(info.value)
    with pytest.raises(vodspec.UnknownStatusError) as other:
        vodspec.status(599)
    assert "registered" not in str(other.value)


def test_records_sort_by_code() -> None:
    statuses = list(vodspec.statuses())
    assert sorted(reversed(statuses)) == sorted(statuses, key=lambda r: r.code)
    assert min(statuses).code == min(record.code for record in statuses)
    errors = list(vodspec.error_codes())
    if errors:
        expected = sorted(errors, key=lambda r: (r.error_code, r.http_status or -1, r.source_line))
        assert sorted(errors) == expected
        with pytest.raises(TypeError):
            _ = statuses[0] < errors[0]  # type: ignore[operator]


def test_a_registry_says_what_it_holds() -> None:
    registry = vodspec.open_dataset(DATA)
    text = repr(registry)
    assert registry.data_version() in text and f"{len(registry.statuses())} status codes" in text


def test_scrape_of_a_manifest_source_still_demands_the_kind_and_service_given(
    tmp_path: Path,
) -> None:
    raw = frozen_raw(tmp_path / "raw")
    page = raw / json.loads((raw / "sources.json").read_bytes())[0]["file"]
    wrong_kind = run_cli("scrape", str(page), "--kind", "error_codes")
    assert wrong_kind.returncode == 1 and "expected a page of error_codes" in wrong_kind.stderr
    wrong_service = run_cli("scrape", str(page), "--service", "obs")
    assert wrong_service.returncode == 1 and "not obs" in wrong_service.stderr


def test_show_separates_only_the_records_it_shows() -> None:
    first = vodspec.statuses()[0].code
    result = run_cli("show", "999", "998", str(first))
    assert result.returncode == 1 and not result.stdout.startswith("\n")
