"""The build's own refusals, each one line, exit 1: a racing build, a manifest or raw file
leading out of raw/, an unreadable, inconsistent or edited published dir."""

from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

import pytest
from conftest import (
    PAGE_SHAPES,
    SEED,
    edit,
    frozen_raw,
    one_line,
    publish_seed,
    run_cli,
    two_sources,
)

import vodspec
from vodspec.errors import PublishError


def test_a_second_build_is_refused_while_one_runs(tmp_path: Path) -> None:
    raw, data = publish_seed(tmp_path)
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
    raw, data = publish_seed(tmp_path)
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


def test_a_raw_file_linked_to_a_device_is_refused(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    (raw / "vod_04_0133.md").unlink()
    (raw / "vod_04_0133.md").symlink_to("/dev/zero")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))
    assert "must stay inside the raw dir" in err  # the link leads out of raw/, to /dev


def test_a_link_in_raw_may_not_lead_outside_it(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    (raw / "root").symlink_to("/")
    entry = json.loads((raw / "sources.json").read_bytes())[0]
    (raw / "sources.json").write_text(json.dumps([{**entry, "file": "root/etc/passwd"}]), "utf-8")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))
    assert "must stay inside the raw dir" in err


def test_a_manifest_linked_from_outside_is_refused(tmp_path: Path) -> None:
    outside = frozen_raw(tmp_path / "outside")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(outside / "vod_04_0133.md", raw / "vod_04_0133.md")
    (raw / "sources.json").symlink_to(outside / "sources.json")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))
    assert "leading out of the raw dir" in err


def test_deeply_nested_json_in_the_manifest(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    (raw / "sources.json").write_text("[" * 100_000, "utf-8")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))
    assert "nested too deeply" in err


def test_a_nul_in_a_manifest_file_name_is_one_line(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    entry = json.loads((raw / "sources.json").read_bytes())[0]
    (raw / "sources.json").write_text(json.dumps([{**entry, "file": "a\u0000.md"}]), "utf-8")
    one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))


def test_the_live_page_refusal_in_build_names_the_manifest_not_an_option(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    page = raw / "vod_04_0133.md"
    page.write_text(page.read_text("utf-8").replace("视频点播", "视频直播"), "utf-8")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))
    assert "--service" not in err and "manifest" in err


@pytest.mark.parametrize(
    "damage",
    ["delete-dataset", "version-99", "edit-record", "delete-changelog", "delete-history"],
)
def test_build_refuses_a_data_dir_not_as_the_last_build_left_it(
    tmp_path: Path, damage: str
) -> None:
    raw, data = publish_seed(tmp_path)
    edit(raw / "vod_04_0133.md", "网关超时。", "网关超时了。")
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0  # 1.0.1
    dataset = json.loads((data / "status_codes.json").read_bytes())
    if damage == "delete-dataset":
        (data / "status_codes.json").unlink()
    elif damage == "version-99":
        for name in ("status_codes.json", "datapackage.json"):
            value = json.loads((data / name).read_bytes())
            (data / name).write_text(json.dumps({**value, "version": "99.0.0"}), "utf-8")
    elif damage == "edit-record":
        dataset["records"][0]["description"] = "改过"
        (data / "status_codes.json").write_text(json.dumps(dataset, ensure_ascii=False), "utf-8")
    elif damage == "delete-changelog":
        (data / "CHANGELOG.md").unlink()
    else:
        (data / "CHANGELOG.md").unlink()
        (data / "changes.json").unlink()
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    page = raw / "vod_04_0133.md"
    page.write_text(page.read_text("utf-8").replace("网关超时了。", "网关超时啦。"), "utf-8")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(data)))
    assert "not as the last build left it" in err
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    assert run_cli("validate", str(data)).returncode == 1


@pytest.mark.parametrize("name", ["datapackage.json", "lint.json", "status_codes.schema.json"])
def test_an_edited_or_lost_data_file_is_noticed(tmp_path: Path, name: str) -> None:
    raw, data = publish_seed(tmp_path)
    if name == "lint.json":
        (data / name).unlink()
    else:
        (data / name).write_text(
            (data / name).read_text("utf-8").replace('"', '"', 1) + " ", "utf-8"
        )
    assert run_cli("validate", str(data)).returncode == 1
    edit(raw / "vod_04_0133.md", "网关超时。", "网关超时了。")
    assert "not as the last build left it" in one_line(
        run_cli("build", "--raw", str(raw), "--data", str(data))
    )
