"""The maintenance loop under bad inputs: each case of the issue is one clear line, exit 1.

Exit 3 is left for real bugs; ``vodspec diff`` keeps diff(1)'s 2 for trouble.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import SEED, frozen_raw, run_cli

import vodspec
from vodspec.errors import PublishError
from vodspec.tools.changes import render_changelog


def one_line(result: object, code: int = 1) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)  # type: ignore[attr-defined]
    err: str = result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err and err.startswith("vodspec: ") and err.count("\n") == 1, err
    return err


def published(tmp_path: Path) -> tuple[Path, Path]:
    raw, data = frozen_raw(tmp_path / "raw"), tmp_path / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    return raw, data


def edit_page(raw: Path) -> None:
    page = raw / "vod_04_0133.md"
    page.write_text(page.read_text("utf-8").replace("网关超时。", "网关超时了。"), "utf-8")


# Files that are not regular files


@pytest.mark.parametrize("command", ["scrape", "lint", "diff", "validate"])
def test_devices_are_refused_before_they_are_read(command: str) -> None:
    args = {"diff": ["/dev/zero", "/dev/zero"], "validate": ["/dev"]}.get(command, ["/dev/zero"])
    result = run_cli(command, *args)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_fifo_does_not_hang_scrape(tmp_path: Path) -> None:
    fifo = tmp_path / "page.md"
    os.mkfifo(fifo)
    assert "not a regular file (a FIFO)" in one_line(run_cli("scrape", str(fifo)))


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


# History is append-only


@pytest.mark.parametrize(
    "damage",
    ["delete-dataset", "version-99", "edit-record", "delete-changelog", "delete-history"],
)
def test_build_refuses_a_data_dir_not_as_the_last_build_left_it(
    tmp_path: Path, damage: str
) -> None:
    raw, data = published(tmp_path)
    edit_page(raw)
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


def test_validate_checks_that_versions_only_go_forward(tmp_path: Path) -> None:
    _, data = published(tmp_path)
    entries = json.loads((data / "changes.json").read_bytes())
    backwards = [{**entries[0], "version": "1.0.0", "bump": "patch"}, *entries]
    (data / "changes.json").write_text(json.dumps(backwards, ensure_ascii=False), "utf-8")
    (data / "CHANGELOG.md").write_text(render_changelog(backwards), "utf-8")
    result = run_cli("validate", str(data))
    assert result.returncode == 1 and "versions only go forward" in result.stderr


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


# Bad input is exit 1 and one line, not exit 3


def test_deeply_nested_json_in_the_manifest(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    (raw / "sources.json").write_text("[" * 100_000, "utf-8")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))
    assert "nested too deeply" in err


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("status_codes.json", lambda d: "[" * 100_000),
        ("status_codes.schema.json", lambda d: "true"),
        ("status_codes.schema.json", lambda d: "[]"),
        ("status_codes.json", lambda d: json.dumps({**d, "records": 5})),
        ("datapackage.json", lambda d: json.dumps({**d, "resources": [1]})),
    ],
    ids=["nested", "schema-true", "schema-list", "records-5", "resources-1"],
)
def test_validate_refuses_broken_files_in_one_line(
    tmp_path: Path, name: str, change: object
) -> None:
    _, data = published(tmp_path)
    value = json.loads((data / name).read_bytes())
    (data / name).write_text(change(value), "utf-8")  # type: ignore[operator]
    result = run_cli("validate", str(data))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_lint_refuses_records_that_are_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"records": 5}), "utf-8")
    assert "not a status-code dataset" in one_line(run_cli("lint", str(path)))


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


def test_an_impossible_data_dir_is_one_line(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    line = one_line(run_cli("build", "--raw", str(raw), "--data", "/proc/vodspec-data"))
    assert "cannot publish into /proc/vodspec-data" in line and "nothing was changed" in line


def test_a_full_disk_leaves_data_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vodspec.tools.publish import atomic
    from vodspec.tools.publish.build import build

    raw, data = published(tmp_path)
    edit_page(raw)
    before = {p.name: p.read_bytes() for p in data.iterdir()}

    def full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(atomic, "write_file", full)
    with pytest.raises(PublishError, match="No space left on device"):
        build(raw, data)
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "raw"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("retry", "please_retry"), ("paragraphs", {"a": 1}), ("reason", 7), ("code", True)],
)
def test_open_dataset_refuses_tampered_records(tmp_path: Path, field: str, value: object) -> None:
    _, data = published(tmp_path)
    dataset = json.loads((data / "status_codes.json").read_bytes())
    dataset["records"][0][field] = value
    (data / "status_codes.json").write_text(json.dumps(dataset), "utf-8")
    with pytest.raises(PublishError, match=f"record 1: {field} is|not a status-code dataset"):
        vodspec.open_dataset(data)


# The smaller points


def test_the_live_page_refusal_in_build_names_the_manifest_not_an_option(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    page = raw / "vod_04_0133.md"
    page.write_text(page.read_text("utf-8").replace("视频点播", "视频直播"), "utf-8")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))
    assert "--service" not in err and "manifest" in err


def test_validate_raw_must_exist(tmp_path: Path) -> None:
    _, data = published(tmp_path)
    assert "not a directory" in one_line(run_cli("validate", str(data), "--raw", "/nonexistent"))


def test_a_closed_pipe_never_turns_findings_into_success(tmp_path: Path) -> None:
    import subprocess
    import sys

    _, data = published(tmp_path)
    command = f"{sys.executable} -m vodspec lint {data} | head -c 1 >/dev/null"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True)
    assert result.returncode != 0


def test_defaults_do_not_depend_on_the_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()  # an unrelated ./data
    shipped = run_cli("validate")
    here = run_cli("validate", cwd=tmp_path)
    assert shipped.returncode == 0 and here.returncode == 0
    assert shipped.stdout == here.stdout


def test_scraping_a_copy_of_the_seed_still_works(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "page.md")
    assert run_cli("scrape", str(tmp_path / "page.md")).returncode == 0


# Found by an adversarial review of the maintenance loop


@pytest.mark.parametrize("name", ["datapackage.json", "lint.json", "status_codes.schema.json"])
def test_an_edited_or_lost_data_file_is_noticed(tmp_path: Path, name: str) -> None:
    raw, data = published(tmp_path)
    if name == "lint.json":
        (data / name).unlink()
    else:
        (data / name).write_text(
            (data / name).read_text("utf-8").replace('"', '"', 1) + " ", "utf-8"
        )
    assert run_cli("validate", str(data)).returncode == 1
    edit_page(raw)
    assert "not as the last build left it" in one_line(
        run_cli("build", "--raw", str(raw), "--data", str(data))
    )


def test_recovery_leaves_folders_it_did_not_make(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    for name in (".data.new-backup", ".data.old-photos", ".data.old-999999999"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "mine.txt").write_text("mine", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")).returncode == 0
    for name in (".data.new-backup", ".data.old-photos", ".data.old-999999999"):
        assert (tmp_path / name / "mine.txt").read_text("utf-8") == "mine"


def test_a_data_dir_spelled_with_dot_dot_is_the_same_dir(tmp_path: Path) -> None:
    raw, data = published(tmp_path)
    edit_page(raw)
    (data / "sub").mkdir()
    result = run_cli("build", "--raw", str(raw), "--data", str(data / "sub" / ".."))
    assert result.returncode == 1  # data/ now holds "sub": not ours to replace
    (data / "sub").rmdir()
    assert run_cli("build", "--raw", str(raw), "--data", f"{data}/sub/..").returncode == 0
    assert not list(tmp_path.rglob("*.new-*")) and not (data / "sub").exists()


@pytest.mark.parametrize(
    "value",
    ["[]", '{"kind": {"a": 1}, "records": []}'],
)
def test_diff_of_odd_json_is_one_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(value, "utf-8")
    result = run_cli("diff", str(path), str(path))
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr


def test_a_nul_in_a_manifest_file_name_is_one_line(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    entry = json.loads((raw / "sources.json").read_bytes())[0]
    (raw / "sources.json").write_text(json.dumps([{**entry, "file": "a\u0000.md"}]), "utf-8")
    one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))


def test_a_manifest_linked_from_outside_is_refused(tmp_path: Path) -> None:
    outside = frozen_raw(tmp_path / "outside")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(outside / "vod_04_0133.md", raw / "vod_04_0133.md")
    (raw / "sources.json").symlink_to(outside / "sources.json")
    err = one_line(run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")))
    assert "leading out of the raw dir" in err


def test_output_trouble_is_not_a_crash(tmp_path: Path) -> None:
    import subprocess
    import sys

    closed = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m vodspec list >&-"], capture_output=True, text=True
    )
    assert closed.returncode == 141 and "Traceback" not in closed.stderr
    full = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m vodspec list > /dev/full"],
        capture_output=True,
        text=True,
    )
    assert full.returncode in (1, 141) and "Traceback" not in full.stderr
    ascii_only = run_cli("show", str(vodspec.statuses()[0].code), env={"PYTHONIOENCODING": "ascii"})
    assert ascii_only.returncode == 0 and "Traceback" not in ascii_only.stderr


def test_iso_dates_out_of_range_are_not_a_crash() -> None:
    from vodspec.tools.changes import iso_date

    assert iso_date("Fri, 31 Dec 9999 23:59:59 -2359") is None
