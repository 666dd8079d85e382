"""mypy --strict and ruff (lint and format) are clean: part of the one test command."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_strict() -> None:
    pytest.importorskip("mypy")
    result = run("mypy")  # strict, on the package: see [tool.mypy] in pyproject.toml
    assert result.returncode == 0, result.stdout


def test_ruff_check() -> None:
    pytest.importorskip("ruff")
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout


def test_ruff_format() -> None:
    pytest.importorskip("ruff")
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout
