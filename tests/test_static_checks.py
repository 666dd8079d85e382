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


def layout_section() -> str:
    page = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    return page.split("```\n", 2)[1]


def test_the_docs_layout_names_every_file_of_the_package() -> None:
    """Each file of vodspec/ is named in the layout (docs/layout.md): under its folder's line (a
    folder's modules are listed by name in its paragraph), top-level ones by file name."""
    layout = layout_section()
    paragraphs: dict[str, str] = {}
    current = ""
    for line in layout.splitlines():
        words = line.split()
        if words and words[0].endswith("/") and line[: len(line) - len(line.lstrip())]:
            current = words[0]
        paragraphs[current] = paragraphs.get(current, "") + " " + line
    package = ROOT / "vodspec"
    files = [
        path
        for path in sorted(package.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(package).parts[0] != "data"  # the wheel's copy of data/
        and (path.name != "__init__.py" or path.parent == package)
    ]
    missing = []
    for path in files:
        folder = path.parent.name + "/"
        if path.parent == package or path.parent == package / "tools":
            if path.name not in layout:
                missing.append(str(path.relative_to(ROOT)))
        elif f" {path.stem}" not in paragraphs.get(folder, "").replace("(", " "):
            missing.append(str(path.relative_to(ROOT)))
    assert files and missing == []
