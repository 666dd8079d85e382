"""`vodspec build` harms nothing it does not own, and the accessor never serves a stale snapshot."""

from __future__ import annotations

import compileall
import os
from pathlib import Path

import pytest
from conftest import frozen_raw, package_copy, run_cli, run_in_site


def raw_dir(folder: Path) -> Path:
    """The frozen seed as the only source, in ``folder/raw``."""
    return frozen_raw(folder / "raw")


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("target", [".", "raw", "", "..", "raw/data", "notes"])
def test_build_refuses_a_folder_it_does_not_own(tmp_path: Path, target: str) -> None:
    work = tmp_path / "work"
    raw_dir(work)
    (work / "notes").mkdir()
    (work / "notes" / "todo.txt").write_text("mine", encoding="utf-8")
    (work / "README").write_text("mine", encoding="utf-8")
    before = listing(tmp_path)
    result = run_cli("build", "--data", target, cwd=work)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("vodspec: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert listing(tmp_path) == before


def test_build_refuses_a_data_dir_with_a_foreign_file(tmp_path: Path) -> None:
    raw = raw_dir(tmp_path)
    data = tmp_path / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    (data / "my-notes.txt").write_text("mine", encoding="utf-8")
    (raw / "vod_04_0133.md").write_text(
        (raw / "vod_04_0133.md").read_text(encoding="utf-8").replace("网关超时。", "网关超时了。"),
        encoding="utf-8",
    )
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 1
    assert "my-notes.txt" in result.stderr
    assert (data / "my-notes.txt").read_text(encoding="utf-8") == "mine"


def test_build_refuses_a_symlinked_data_dir(tmp_path: Path) -> None:
    raw = raw_dir(tmp_path)
    (tmp_path / "real").mkdir()
    (tmp_path / "data").symlink_to(tmp_path / "real")
    result = run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "symbolic link" in result.stderr
    assert (tmp_path / "data").is_symlink() and not any((tmp_path / "real").iterdir())


@pytest.mark.parametrize("state", ["missing", "empty", "published"])
def test_build_publishes_into_a_folder_it_owns(tmp_path: Path, state: str) -> None:
    raw = raw_dir(tmp_path)
    data = tmp_path / "out" / "data"
    if state != "missing":
        data.mkdir(parents=True)
    if state == "published":
        assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (data / "status_codes.json").is_file()


def checkout(tmp_path: Path) -> Path:
    """A copy of the package with raw/ (no data/ yet), where the build writes the snapshot."""
    site = package_copy(tmp_path)
    raw_dir(site)
    return site


def in_site(site: Path, *args: str) -> str:
    result = run_in_site(site, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_snapshot_rebuilt_within_one_second_with_the_same_size_is_not_served_stale(
    tmp_path: Path,
) -> None:
    site = checkout(tmp_path)
    in_site(site, "-m", "vodspec", "build")
    snapshot = site / "data" / "snapshot.marshal"
    first = snapshot.stat()
    # Python's bytecode caches are checked by mtime and size only: a snapshot served through
    # one (as a generated module was) would be stale after the second build below.
    compileall.compile_dir(site / "vodspec", quiet=1)
    show = "import vodspec; print(vodspec.status(504).description, vodspec.data_version())"
    assert in_site(site, "-c", show).split() == ["网关超时。", "1.0.0"]

    page = site / "raw" / "vod_04_0133.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("网关超时。", "网关超时！"), encoding="utf-8"
    )
    in_site(site, "-m", "vodspec", "build")
    # The second build in the same second, with a snapshot of the same size.
    assert snapshot.stat().st_size == first.st_size
    os.utime(snapshot, ns=(first.st_atime_ns, first.st_mtime_ns))

    assert in_site(site, "-c", show).split() == ["网关超时！", "1.0.1"]
    assert in_site(site, "-m", "vodspec", "show", "504").count("网关超时！") == 1
    assert "ok" in in_site(site, "-m", "vodspec", "validate")


def test_a_replacement_removes_what_a_killed_one_left_and_nothing_else(tmp_path: Path) -> None:
    """fetch replaces raw/ pages one file at a time: a fetch killed between its write and its
    rename leaves a temporary file, which the next replacement of that file removes."""
    from vodspec.tools.publish.atomic import replace_file

    page = tmp_path / "page.md"
    page.write_text("old", encoding="utf-8")
    dead = [".page.md.4194305.tmp", f".page.md.{'9' * 30}.tmp"]  # > pid_max; no such pid
    for name in dead:
        (tmp_path / name).write_text("half a page", encoding="utf-8")
    # What is not ours to remove: the user's, a link, or the write of a process still running.
    (tmp_path / ".page.md.notes.tmp").write_text("mine", encoding="utf-8")
    (tmp_path / f".page.md.{os.getppid()}.tmp").write_text("running", encoding="utf-8")
    (tmp_path / ".page.md.1.tmp").symlink_to(page)
    replace_file(page, b"new")
    assert page.read_bytes() == b"new"
    kept = {".page.md.notes.tmp", f".page.md.{os.getppid()}.tmp", ".page.md.1.tmp"}
    assert {p.name for p in tmp_path.glob(".*")} == kept


def test_the_snapshot_follows_a_data_dir_behind_a_link(tmp_path: Path) -> None:
    """data/ may be a link to the real folder: the build, told that folder, keeps the
    snapshot of the checkout's data/ up to date (validate checks it is)."""
    site = checkout(tmp_path)
    real = tmp_path / "real-data"
    (site / "data").symlink_to(real, target_is_directory=True)
    in_site(site, "-m", "vodspec", "build", "--data", str(real))
    show = "import vodspec; print(vodspec.status(504).description)"
    assert in_site(site, "-c", show).split() == ["网关超时。"]
    page = site / "raw" / "vod_04_0133.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("网关超时。", "网关超时！"), encoding="utf-8"
    )
    in_site(site, "-m", "vodspec", "build", "--data", str(real))
    assert in_site(site, "-c", show).split() == ["网关超时！"]
    assert "ok" in in_site(site, "-m", "vodspec", "validate")


def test_a_link_loop_where_data_would_be_is_not_a_crash(tmp_path: Path) -> None:
    site = checkout(tmp_path)
    (site / "data").symlink_to(site / "data")
    elsewhere = tmp_path / "elsewhere"
    assert "version 1.0.0" in in_site(site, "-m", "vodspec", "build", "--data", str(elsewhere))
    assert "ok" in in_site(site, "-m", "vodspec", "validate", str(elsewhere))
    result = run_in_site(site, "-m", "vodspec", "validate", "data")
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
