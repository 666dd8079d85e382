"""The wheel, installed in a fresh venv without extras, carries a working accessor and data."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SEED


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh venv holding only the vodspec wheel (built from the sdist).

    Built once per run: pytest-xdist's workers each run some of these tests, and share the
    folder above their own temporary ones; the first to take the lock builds, the others
    wait for it and use what it built.
    """
    pytest.importorskip("hatchling")
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    work = shared / "wheel"
    with open(shared / "wheel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (work / "done").exists():
            shutil.rmtree(work, ignore_errors=True)  # what a failed attempt left
            build_and_install(work)
            (work / "done").touch()
    return work / "venv" / "bin" / "python"


def build_and_install(work: Path) -> None:
    # `python -m build` makes the sdist, then the wheel from it: both must be complete.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--outdir",
            str(work / "dist"),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    version = json.loads((DATA / "datapackage.json").read_bytes())["version"]
    # The distribution's version is the data version: a data release is a new wheel.
    (wheel,) = (work / "dist").glob(f"vodspec-{version}-*.whl")
    assert len(list((work / "dist").glob(f"vodspec-{version}.tar.gz"))) == 1
    # No pip inside the venv (ensurepip alone takes seconds): this pip installs into it.
    venv.create(work / "venv", with_pip=False)
    python = work / "venv" / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run(
        [*pip, "install", "--no-index", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )


def run(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Run outside the checkout so that only the installed package can be imported.
    return subprocess.run(
        [str(python), *args], cwd=python.parent, capture_output=True, text=True, timeout=120
    )


def test_accessor_from_the_wheel(installed: Path) -> None:
    code = (
        "import sys, vodspec\n"
        "assert vodspec.__file__.find('site-packages') > 0, vodspec.__file__\n"
        "record = vodspec.statuses()[0]\n"
        "assert vodspec.status(record.code) is record\n"
        "assert not {'bs4', 'lxml', 'pydantic', 'httpx'} & set(sys.modules)\n"
        "assert vodspec.__version__ == vodspec.data_version()\n"
        "for error in vodspec.error_codes():\n"
        "    assert error in vodspec.error(error.error_code)\n"
        "print(vodspec.data_version(), len(vodspec.statuses()))\n"
    )
    result = run(installed, "-c", code)
    assert result.returncode == 0, result.stderr
    dataset = json.loads((DATA / "status_codes.json").read_bytes())
    assert result.stdout.split() == [dataset["version"], str(len(dataset["records"]))]
    errors = json.loads((DATA / "error_codes.json").read_bytes())["records"]
    shown = run(installed.parent / "vodspec", "show", errors[0]["error_code"])
    assert shown.returncode == 0 and errors[0]["error_code"] in shown.stdout


def test_wheel_ships_the_dataset_and_py_typed(installed: Path) -> None:
    code = (
        "import vodspec, pathlib; p = pathlib.Path(vodspec.__file__).parent\n"
        "print(sorted(x.name for x in (p / 'data').iterdir()))\n"
        "print((p / 'py.typed').exists())\n"
    )
    result = run(installed, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(sorted(p.name for p in DATA.iterdir())), "True"]


def test_cli_without_the_scrape_extra(installed: Path) -> None:
    vodspec = installed.parent / "vodspec"
    first = json.loads((DATA / "status_codes.json").read_bytes())["records"][0]
    shown = run(vodspec, "show", str(first["code"]))
    assert shown.returncode == 0 and shown.stdout.startswith(str(first["code"]))
    assert run(vodspec, "list").returncode == 0
    assert run(vodspec, "diff", str(ROOT / "data"), str(ROOT / "data")).returncode == 0
    # scrape reads pages with the scraper, validate loads the datasets through the pydantic
    # models and fetch downloads with httpx: each says what to install (and fetch downloads
    # nothing: there is no raw dir there).
    for command in (
        ["scrape", str(SEED)],
        ["validate"],
        ["fetch", "--raw", str(installed.parent / "no-raw-dir")],
    ):
        refused = run(vodspec, *command)
        assert refused.returncode == 2, (command, refused.stderr)
        assert "pip install 'WHEEL[scrape]'" in refused.stderr, command
        assert "vodspec[scrape]" not in refused.stderr, command  # not on PyPI: no such name
        assert "Traceback" not in refused.stderr, command


def test_the_sdist_and_the_wheel_carry_the_licence_texts(installed: Path) -> None:
    dist = installed.parent.parent.parent / "dist"
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert "vodspec/data/LICENSE.md" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith(".dist-info/licenses/data/LICENSE.md") for n in names)
    assert b"License-Expression: Apache-2.0 AND LicenseRef-huaweicloudDocs-vod" in metadata
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "data/LICENSE.md"} <= members
