"""`vodspec diff OLD NEW`: exit like diff(1), text for people, --json for machines."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli


@pytest.fixture
def data(seed_data: Path) -> Path:
    return seed_data


def edited(tmp_path: Path, data: Path) -> Path:
    dataset = json.loads((data / "status_codes.json").read_bytes())
    dataset["records"][-1]["retry"] = "retry_unchanged"
    dataset["records"].pop(0)
    path = tmp_path / "new.json"
    path.write_text(json.dumps(dataset, ensure_ascii=False), encoding="utf-8")
    return path


def test_same_is_exit_0(data: Path) -> None:
    result = run_cli("diff", str(data), str(data / "status_codes.json"))
    version = json.loads((data / "status_codes.json").read_bytes())["version"]
    assert result.returncode == 0
    assert result.stdout.splitlines() == [f"version: {version} -> {version}", "bump: none"]


def test_different_is_exit_1_with_the_bump(tmp_path: Path, data: Path) -> None:
    result = run_cli("diff", str(data / "status_codes.json"), str(edited(tmp_path, data)))
    assert result.returncode == 1
    assert result.stdout.splitlines()[1:] == [
        "removed status_codes 200 OK",
        "changed status_codes 504 retry: 'unspecified' -> 'retry_unchanged'",
        "bump: major",
    ]


def test_json_output(tmp_path: Path, data: Path) -> None:
    result = run_cli("diff", str(data), str(edited(tmp_path, data)), "--json")
    report = json.loads(result.stdout)
    assert report["bump"] == "major"
    assert [(c["key"], c["kind"]) for c in report["changes"]] == [
        ([200], "removed"),
        ([504], "changed"),
    ]
    assert report["changes"][1]["fields"] == {
        "retry": {"before": "unspecified", "after": "retry_unchanged"}
    }


def test_trouble_is_exit_2(tmp_path: Path, data: Path) -> None:
    assert run_cli("diff", str(tmp_path / "missing.json"), str(data)).returncode == 2
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    assert run_cli("diff", str(tmp_path / "bad.json"), str(data)).returncode == 2
    assert run_cli("diff", str(tmp_path), str(data)).returncode == 2
    # What the system refuses to open is trouble too, not "the datasets differ" (it exited 1).
    too_long = run_cli("diff", str(tmp_path / ("a" * 300)), str(data))
    assert too_long.returncode == 2 and "File name too long" in too_long.stderr


def test_two_kinds_of_dataset_are_refused(tmp_path: Path) -> None:
    from conftest import DATA

    if not (DATA / "error_codes.json").exists():
        pytest.skip("no error-code dataset is published")
    status, errors = DATA / "status_codes.json", DATA / "error_codes.json"
    only_status = tmp_path / "only_status"
    only_status.mkdir()
    (only_status / "status_codes.json").write_bytes(status.read_bytes())
    for old, new in ((status, errors), (errors, only_status), (only_status, errors)):
        result = run_cli("diff", str(old), str(new))
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "expected" in result.stderr and "kind" in result.stderr
    mixed = run_cli("diff", str(status), str(errors)).stderr
    assert f"{errors}: holds error_codes, {status} status_codes;" in mixed
    # A file against a dir that holds its kind (and another): that kind is compared.
    same = run_cli("diff", str(errors), str(DATA))
    assert same.returncode == 0 and "bump: none" in same.stdout


@pytest.mark.parametrize("records", [[1], [{"code": [1]}]])
def test_diff_refuses_records_it_cannot_compare(tmp_path: Path, records: object) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"kind": "status_codes", "records": records}), "utf-8")
    result = run_cli("diff", str(path), str(path))
    assert result.returncode == 2 and "not a status-code dataset" in result.stderr


def test_diff_of_a_non_json_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", "utf-8")
    result = run_cli("diff", str(path), str(path))
    assert result.returncode == 2 and "not valid JSON" in result.stderr
    assert "expected a vodspec dataset" in result.stderr


@pytest.mark.parametrize(
    "value",
    ["[]", '{"kind": {"a": 1}, "records": []}'],
)
def test_diff_of_odd_json_is_one_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(value, "utf-8")
    result = run_cli("diff", str(path), str(path))
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr


def run_with_stdin(data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`vodspec diff ARGS` in a new interpreter, ``data`` piped to its standard input."""
    command = [sys.executable, "-m", "vodspec", "diff", *args]
    return subprocess.run(command, input=data, capture_output=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("options", [(), ("--json",)])
def test_an_old_file_on_standard_input_is_diffed_as_the_file(
    tmp_path: Path, data: Path, options: tuple[str, ...]
) -> None:
    old, new = data / "status_codes.json", str(edited(tmp_path, data))
    piped = run_with_stdin(old.read_bytes(), "-", new, *options)
    named = run_cli("diff", str(old), new, *options)
    assert (piped.returncode, piped.stderr) == (1, b"")
    assert piped.stdout.decode("utf-8") == named.stdout and named.returncode == 1


def cli_on_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes, *args: str) -> Any:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    return run_cli("diff", *args)


def test_standard_input_for_both_files_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, data: Path
) -> None:
    result = cli_on_stdin(monkeypatch, (data / "status_codes.json").read_bytes(), "-", "-")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "both -" in result.stderr


def test_standard_input_over_the_cap_is_refused(
    monkeypatch: pytest.MonkeyPatch, data: Path
) -> None:
    from vodspec.reading import MAX_JSON_BYTES

    result = cli_on_stdin(monkeypatch, b" " * (MAX_JSON_BYTES + 1), "-", str(data))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("vodspec: <stdin>: ") and "over the cap" in result.stderr


def test_standard_input_that_cannot_be_read_is_refused_as_input(tmp_path: Path, data: Path) -> None:
    # Opened for writing only (`0>file`): the read fails with EBADF, which was taken for a
    # failed write of the output (exit 1, "differs" for diff).
    with (tmp_path / "out").open("wb") as write_only:
        command = [sys.executable, "-m", "vodspec", "diff", "-", str(data)]
        result = subprocess.run(
            command, stdin=write_only, capture_output=True, text=True, cwd=ROOT, timeout=120
        )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "cannot read standard input" in result.stderr
