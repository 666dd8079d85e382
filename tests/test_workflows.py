"""The GitHub workflows (.github/workflows): valid by GitHub's schema, no finding by
zizmor's security audit, and saying what the project says (Python versions, commands)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
CI, UPDATE = WORKFLOWS / "ci.yml", WORKFLOWS / "update.yml"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PINNED = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}")


def tool(name: str) -> str:
    """A command of the test extra, beside this Python (or on PATH)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed: pip install -e '.[test]'")
    return found


def load(path: Path) -> Any:
    # YAML 1.2 (ruamel, which check-jsonschema uses): the key `on` stays a string.
    yaml = pytest.importorskip("ruamel.yaml")
    return yaml.YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def steps(workflow: Any) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_the_workflows_match_githubs_schema() -> None:
    command = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    result = subprocess.run(
        [*command, str(CI), str(UPDATE)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_every_action_is_pinned_by_commit() -> None:
    for path in (CI, UPDATE):
        for step in steps(load(path)):
            if "uses" in step:
                assert PINNED.fullmatch(step["uses"]), f"{path.name}: {step['uses']}"


def test_ci_runs_ci_run_on_the_python_versions_pyproject_declares() -> None:
    from packaging.specifiers import SpecifierSet

    workflow = load(CI)
    assert set(workflow["on"]) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    tested = job["strategy"]["matrix"]["python-version"]
    prefix = "Programming Language :: Python :: "
    declared = [
        c.removeprefix(prefix)
        for c in PYPROJECT["project"]["classifiers"]
        if re.fullmatch(re.escape(prefix) + r"3\.\d+", c)
    ]
    assert declared and tested == declared
    requires = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert all(f"{version}.0" in requires for version in tested)
    assert [step["run"] for step in job["steps"] if "run" in step] == [".ci/run"]


def test_update_runs_vodspec_update_and_proposes_its_summary() -> None:
    workflow = load(UPDATE)
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    (run,) = [step for step in steps(workflow) if "vodspec update" in step.get("run", "")]
    assert re.search(r"vodspec update --summary \"\$summary\"", run["run"])
    (propose,) = [s for s in steps(workflow) if "create-pull-request" in s.get("uses", "")]
    assert propose["with"]["body-path"] == f"${{{{ steps.{run['id']}.outputs.summary }}}}"
    assert propose["if"] == f"steps.{run['id']}.outputs.summary != ''"
    assert propose["with"]["branch"]  # one branch: one pull request, updated by later runs


def test_the_workflows_hold_no_credentials_and_least_permissions() -> None:
    for path in (CI, UPDATE):
        workflow = load(path)
        assert workflow["permissions"] == {}
        for step in steps(workflow):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    (job,) = load(CI)["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
