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


def run_the_update_step(tmp_path: Path, exit_code: int, summary: str) -> tuple[int, str]:
    """update.yml's "Fetch and build" step in bash, with a stand-in `vodspec` that writes
    ``summary`` (when not empty), says "why" on stderr and exits ``exit_code``: the step's
    exit status and what it wrote to $GITHUB_OUTPUT."""
    (run,) = [step for step in steps(load(UPDATE)) if "vodspec update" in step.get("run", "")]
    stand_in = tmp_path / ".venv" / "bin" / "vodspec"
    stand_in.parent.mkdir(parents=True)
    written = f'printf %s {summary!r} > "$3"' if summary else ":"
    stand_in.write_text(f"#!/bin/sh\n{written}\necho why >&2\nexit {exit_code}\n")
    stand_in.chmod(0o755)
    output = tmp_path / "output"
    output.touch()
    env = {"PATH": "/usr/bin:/bin", "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(output)}
    result = subprocess.run(
        ["bash", "-e", "-c", run["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    return result.returncode, output.read_text()


@pytest.mark.parametrize(
    ("exit_code", "summary", "status", "outputs"),
    [
        (0, "the body", 0, {"summary"}),  # published: the pull request
        (0, "", 0, set()),  # unchanged: nothing
        (1, "", 1, set()),  # a download failed: the job fails, no issue
        (5, "", 5, set()),  # the data dir: the job fails, no issue
        (4, "", 0, {"refused", "reason"}),  # refused: the `refused` job reports it
    ],
)
def test_the_update_step_hands_each_outcome_on(
    tmp_path: Path, exit_code: int, summary: str, status: int, outputs: set[str]
) -> None:
    code, written = run_the_update_step(tmp_path, exit_code, summary)
    assert code == status
    names = {
        line.split("=")[0].split("<<")[0]
        for line in written.splitlines()
        if "=" in line or "<<" in line
    }
    assert names == outputs
    if "refused" in outputs:
        assert "refused=true" in written and "why" in written


def test_a_refusal_opens_an_issue_from_a_job_that_may_do_nothing_else() -> None:
    workflow = load(UPDATE)
    jobs = workflow["jobs"]
    update, refused = jobs["update"], jobs["refused"]
    assert "issues" not in update["permissions"]
    assert refused["permissions"] == {"issues": "write"}
    assert refused["needs"] == "update" and "needs.update.outputs.refused" in refused["if"]
    assert update["outputs"]["refused"] == "${{ steps.update.outputs.refused }}"
    (step,) = refused["steps"]
    assert "uses" not in step  # no third-party code where the token can write issues
    assert "gh issue create" in step["run"] and "gh issue comment" in step["run"]
    assert step["run"].rstrip().endswith("exit 4")  # and the run fails
    assert "${{" not in step["run"]  # the reason reaches the script as a variable only


@pytest.mark.parametrize(("open_issue", "command"), [("", "create"), ("7", "comment 7")])
def test_the_refused_job_opens_one_issue_or_comments_on_it(
    tmp_path: Path, open_issue: str, command: str
) -> None:
    """Its script, with a stand-in `gh` that finds ``open_issue`` (none: "") and logs calls."""
    (step,) = load(UPDATE)["jobs"]["refused"]["steps"]
    log = tmp_path / "gh.log"
    gh = tmp_path / "gh"
    gh.write_text(
        f'#!/bin/sh\necho "$1 $2 $3" >> {log}\n'
        f'[ "$1 $2" = "issue list" ] && echo "{open_issue}"\nexit 0\n'
    )
    gh.chmod(0o755)
    reason = "vodspec: upstream changed and vodspec refuses it: `x` $(touch pwned)"
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "REASON": reason, "RUN_URL": "https://run"}
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 4 and reason in result.stderr
    calls = log.read_text().splitlines()
    assert calls[0].startswith("issue list") and calls[1].startswith(f"issue {command}")
    assert not (tmp_path / "pwned").exists()


def test_the_update_job_installs_only_wheels() -> None:
    (install,) = [s for s in steps(load(UPDATE)) if "pip install" in s.get("run", "")]
    assert "--only-binary ':all:'" in install["run"]


def test_the_workflows_hold_no_credentials_and_least_permissions() -> None:
    for path in (CI, UPDATE):
        workflow = load(path)
        assert workflow["permissions"] == {}
        for step in steps(workflow):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    (job,) = load(CI)["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
