"""mypy --strict and ruff (lint and format) are clean: part of the one test command."""

from __future__ import annotations

import ast
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


def _spelled_strings(tree: ast.Module) -> list[ast.Constant]:
    """The string constants of a module but its docstrings and the text of its f-strings."""
    prose = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            prose |= {id(part) for part in node.values}
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            prose.add(id(body[0].value))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose
    ]


def test_each_field_name_of_a_record_is_spelled_in_one_module() -> None:
    """One place to add a field: a module spells a field when one of its string constants
    equals the name of a field of a published record (vodspec.record's tables), whatever it
    means there (a key, a column role, a group of a pattern); docstrings and the text of
    f-strings are prose and do not count. Each field name is spelled in one module only;
    every other module imports its name (CODE, ERROR_CODE, ...) from there."""
    from vodspec.record import ErrorCode, Status

    names = {*Status.FIELDS, *ErrorCode.FIELDS}
    spelled: dict[str, set[str]] = {}
    for path in sorted((ROOT / "vodspec").rglob("*.py")):
        module = str(path.relative_to(ROOT))
        for node in _spelled_strings(ast.parse(path.read_text(encoding="utf-8"))):
            if node.value in names:
                spelled.setdefault(node.value, set()).add(f"{module}:{node.lineno}")
    twice = [
        f"{name} is spelled in {', '.join(sorted(places))}"
        for name, places in sorted(spelled.items())
        if len({place.split(":")[0] for place in places}) > 1
    ]
    assert not twice, "\n".join(twice)


def test_of_the_top_level_modules_only_the_cli_imports_the_build_side() -> None:
    """The runtime (vodspec/*.py) never imports vodspec/tools/; the CLI, which serves both
    sides, does (lazily, inside its commands): docs/layout.md says so."""
    importers = set()
    for path in sorted((ROOT / "vodspec").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):  # from vodspec import tools, too
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            if any(name == "vodspec.tools" or name.startswith("vodspec.tools.") for name in names):
                importers.add(path.name)
    assert importers == {"cli.py"}
