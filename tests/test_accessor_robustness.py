"""A corrupted or missing packaged snapshot gives a clear error, never a wrong answer."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from conftest import package_copy as copy_of_package


def package_copy(tmp_path: Path, snapshot: str | None) -> Path:
    target = copy_of_package(tmp_path)
    path = target / "vodspec" / "_snapshot.py"
    if snapshot is None:
        path.unlink()
    else:
        path.write_text(snapshot, encoding="utf-8")
    return target


def lookup(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    ("snapshot", "expected"),
    [
        (None, "cannot be loaded (ImportError"),
        ("DATA_VERSION = '1.0.0'\nSTATUS_CODES = (((\n", "cannot be loaded (SyntaxError"),
        ("raise RuntimeError('disk')\n", "cannot be loaded (RuntimeError"),
        ("DATA_VERSION = '1.0.0'\n", "fields do not match"),
        (
            (ROOT / "vodspec" / "_snapshot.py")
            .read_text(encoding="utf-8")
            .replace("(404, 'Not Found',", "('404', 'Not Found',"),
            "status code that is not an integer",
        ),
        (
            (ROOT / "vodspec" / "_snapshot.py")
            .read_text(encoding="utf-8")
            .replace("(404, 'Not Found',", "(404, 'Not Found', 'extra',"),
            "malformed Status record",
        ),
    ],
)
def test_broken_snapshot_is_a_clear_error(
    tmp_path: Path, snapshot: str | None, expected: str
) -> None:
    site = package_copy(tmp_path, snapshot)
    result = lookup(site, "-c", "import vodspec; print(vodspec.status(404))")
    assert result.returncode != 0 and "PublishError" in result.stderr and expected in result.stderr
    cli = lookup(site, "-m", "vodspec", "show", "404")
    assert cli.returncode == 1 and "Traceback" not in cli.stderr and expected in cli.stderr


def test_validate_notices_a_snapshot_that_does_not_match_the_data(tmp_path: Path) -> None:
    site = package_copy(tmp_path, (ROOT / "vodspec" / "_snapshot.py").read_text(encoding="utf-8"))
    shutil.copytree(ROOT / "data", site / "data")  # a checkout: data/ beside the package
    assert lookup(site, "-m", "vodspec", "validate", "data").returncode == 0
    snapshot = site / "vodspec" / "_snapshot.py"
    text = snapshot.read_text(encoding="utf-8")
    snapshot.write_text(
        text.replace("PACKAGE_SHA256 = '", "PACKAGE_SHA256 = '0", 1), encoding="utf-8"
    )
    result = lookup(site, "-m", "vodspec", "validate", "data")
    assert result.returncode == 1 and "was not generated from" in result.stderr
