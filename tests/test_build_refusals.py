"""The build's own refusals: a racing build, an unreadable or inconsistent published dir."""

from __future__ import annotations

import fcntl
import json
from pathlib import Path

import pytest
from conftest import PAGE_SHAPES, SEED, frozen_raw, run_cli, two_sources

import vodspec
from vodspec.errors import PublishError


def published(tmp_path: Path) -> tuple[Path, Path]:
    raw, data = tmp_path / "raw", tmp_path / "data"
    frozen_raw(raw)
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    return raw, data


def test_a_second_build_is_refused_while_one_runs(tmp_path: Path) -> None:
    raw, data = published(tmp_path)
    with open(tmp_path / ".data.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 1 and "another vodspec build is publishing" in result.stderr
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("status_codes.json", "{not json", "not valid JSON"),
        ("status_codes.json", '{"records": []}', "status_codes.json"),
        ("changes.json", "{}", "expected a non-empty list of versions"),
        ("changes.json", "[", "not valid JSON"),
    ],
)
def test_unreadable_published_files_are_refused(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    raw, data = published(tmp_path)
    (data / name).write_text(content, encoding="utf-8")
    page = raw / "vod_04_0133.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("网关超时。", "网关超时了。"), encoding="utf-8"
    )
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 1 and message in result.stderr and name in result.stderr
    assert "not as the last build left it" in result.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_datasets_that_disagree_on_the_version_are_refused(tmp_path: Path) -> None:
    raw = two_sources(tmp_path / "raw", SEED, PAGE_SHAPES / "errors_two_columns.md")
    data = tmp_path / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    errors = json.loads((data / "error_codes.json").read_bytes())
    (data / "error_codes.json").write_text(
        json.dumps({**errors, "version": "7.0.0"}), encoding="utf-8"
    )
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 1 and "not as the last build left it" in result.stderr
    assert "versions disagree" in result.stderr


def test_open_dataset_refuses_a_dir_without_status_codes(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match=r"no status_codes\.json"):
        vodspec.open_dataset(tmp_path)
    (tmp_path / "status_codes.json").write_text("{}", encoding="utf-8")
    with pytest.raises(PublishError, match="cannot load the dataset"):
        vodspec.open_dataset(tmp_path)
