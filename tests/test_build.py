"""`vodspec build`: reproduces the committed data/, versions, refuses without touching data/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DATA, RAW, SEED, edit, frozen_raw, run_cli


def tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def copy_raw(tmp_path: Path) -> Path:
    return frozen_raw(tmp_path / "raw")


def test_build_reproduces_committed_data(tmp_path: Path) -> None:
    """Rebuilding from raw/ over a copy of data/ changes nothing: data/ is the build's output."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    result = run_cli("build", "--raw", str(RAW), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("unchanged")
    assert tree(data) == tree(DATA)


def test_first_build_from_scratch(tmp_path: Path) -> None:
    result = run_cli("build", "--raw", str(RAW), "--data", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert "version 1.0.0 (first publication)" in result.stdout
    assert (
        json.loads((tmp_path / "data" / "status_codes.json").read_bytes())["records"]
        == json.loads((DATA / "status_codes.json").read_bytes())["records"]
    )


def test_rebuild_is_unchanged(tmp_path: Path) -> None:
    raw, data = copy_raw(tmp_path), tmp_path / "data"
    run_cli("build", "--raw", str(raw), "--data", str(data))
    before = {p.name: p.stat().st_mtime_ns for p in data.iterdir()}
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 0
    assert result.stdout.startswith("unchanged")
    assert {p.name: p.stat().st_mtime_ns for p in data.iterdir()} == before


def test_refused_source_leaves_data_untouched(tmp_path: Path) -> None:
    raw, data = copy_raw(tmp_path), tmp_path / "data"
    run_cli("build", "--raw", str(raw), "--data", str(data))
    before = tree(data)
    (raw / "vod_04_0133.md").write_bytes(SEED.read_bytes()[:7000])
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 1
    assert "vod_04_0133.md" in result.stderr and "Traceback" not in result.stderr
    assert tree(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "raw"]  # no leftovers, no lock


def test_text_change_is_a_patch(tmp_path: Path) -> None:
    raw, data = copy_raw(tmp_path), tmp_path / "data"
    run_cli("build", "--raw", str(raw), "--data", str(data))
    edit(raw / "vod_04_0133.md", "网关超时。", "网关超时了。")
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 0, result.stderr
    published = json.loads((data / "status_codes.json").read_bytes())
    assert published["version"] == "1.0.1"
    assert published["records"][-1]["paragraphs"] == ["网关超时了。"]
    assert json.loads((data / "datapackage.json").read_bytes())["version"] == "1.0.1"


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "non-empty JSON list"),
        (
            '[{"id": "x", "kind": "status_codes", "service": "vod", "url": "ftp://x",'
            ' "file": "vod_04_0133.md"}]',
            "url",
        ),
        (
            '[{"id": "x", "kind": "status_codes", "service": "vod", "url": "https://x",'
            ' "file": "../x.md"}]',
            "inside the raw dir",
        ),
    ],
)
def test_bad_manifest(tmp_path: Path, manifest: str, message: str) -> None:
    raw = copy_raw(tmp_path)
    (raw / "sources.json").write_text(manifest, encoding="utf-8")
    result = run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data"))
    assert result.returncode == 1
    assert message in result.stderr and "sources.json" in result.stderr
    assert not (tmp_path / "data").exists()


def test_the_shipped_manifest_is_valid_and_its_files_exist() -> None:
    from vodspec.tools.manifest import load_manifest

    for entry in load_manifest(RAW):
        assert (RAW / entry.file).is_file(), entry.file
