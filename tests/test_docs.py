"""The README and the docs site: the site builds with `mkdocs build --strict`, and every code
block of README.md and docs/*.md runs as shown.

By language (a block of any other language fails test_every_block_is_run_or_says_why):

- ``pycon``: doctests, one session per page, against the shipped data, with ELLIPSIS (``...``
  stands for the page's own text, which a documentation update may change).
- ``python``: executed from the checkout's folder; ``client``, ``request`` and ``log`` are a
  stand-in VOD client (the SDK's real exceptions and invoker), a request and a logger.
- ``sql``: run by DuckDB from the checkout's folder; ``sql`` and ``python`` blocks that read a
  CSV are checked against the column types datapackage.json declares.
- ``sh``: each command line runs in a scratch copy of the checkout (a git repository of its
  own, ``vodspec`` and ``.venv/bin/`` on the path), so that build and commit write nothing
  here. Not run, and said so by NOT_RUN: the commands of a block that starts with
  ``# needs the network`` (fetch, update: their options are parsed instead), the Quick start
  (.ci/run runs it: a test checks the two are the same) and the test suite itself.
- ``console``: ``$ `` lines run as ``sh``; the lines after them are the expected output.
- ``js``: run by Node from the checkout's folder; those importing the npm package run in
  tests/test_npm_package.py, which generates it.
- ``go``, ``r``: not run (NOT_RUN_LANGUAGES says why); a block with no language is text.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT, frozen_raw, package_copy
from docblocks import (
    IMPORTS_THE_NPM_PACKAGE,
    NEEDS_THE_NETWORK,
    PAGES,
    Block,
    all_blocks,
    blocks,
)

#: Languages shown but not run, and why.
NOT_RUN_LANGUAGES = {
    "go": "no Go toolchain on the project's machines",
    "r": "no R on the project's machines",
    "": "text: output, a layout, not a command",
}
RUN_LANGUAGES = ("pycon", "python", "sql", "sh", "console", "js")
#: Shell commands shown but not run here (their first words, after .venv/bin/), and why.
NOT_RUN = {
    ("python", "-m", "pytest"): "the test suite itself: .ci/run runs it",
}
NETWORK_COMMANDS = {"fetch", "update"}  # vodspec's commands that download
#: Exit statuses that are not failures: lint's findings and diff's differences.
MAY_EXIT_1 = {"lint", "diff"}
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_every_block_is_run_or_says_why() -> None:
    languages = {block.language for page in PAGES for block in blocks(page)}
    assert languages <= set(RUN_LANGUAGES) | set(NOT_RUN_LANGUAGES), languages
    assert all_blocks("pycon", "python", "sh", "js")  # the README's examples are found


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    """A broken link, a missing anchor or a page left out of the nav fails the build."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    assert (tmp_path / "index.html").is_file()


def test_the_readme_is_short_and_its_links_lead_somewhere() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [link for link in links if "://" not in link]
    assert local and [link for link in local if not (ROOT / link).exists()] == []
    assert "docs/index.md" in local


# pycon: doctests


def pages_with(language: str) -> list[Path]:
    return [page for page in PAGES if any(b.language == language for b in blocks(page))]


@pytest.mark.parametrize("page", pages_with("pycon"), ids=lambda page: page.name)
def test_pycon_blocks_are_doctests(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=OPTIONS)
    globs: dict[str, Any] = {}
    report = sys.stdout  # not print(): doctest swaps sys.stdout for each example's output
    for block in blocks(page):
        if block.language == "pycon":
            test = parser.get_doctest(block.text, {}, block.name, str(page), block.line)
            test.globs = globs  # one session per page: later blocks use earlier names
            runner.run(test, out=report.write, clear_globs=False)
    assert runner.summarize(verbose=False).failed == 0


# python: executed, with a stand-in VOD client


class StandInClient:
    """A VOD client's two calls that the docs use: the plain call answers 403 with
    VOD.10062; the invoker is the SDK's real SyncInvoker, whose request succeeds."""

    def show_asset_detail(self, request: object) -> object:
        from huaweicloudsdkcore.exceptions import exceptions

        error = exceptions.SdkError("req-1", "VOD.10062", "Asset not exist")
        raise exceptions.ClientRequestException(403, error)

    def show_asset_detail_invoker(self, request: object) -> object:
        from huaweicloudsdkcore.invoker.invoker import SyncInvoker

        return SyncInvoker(self, {})

    def do_http_request(self, **_: object) -> str:
        return "200 OK"


def stand_ins() -> dict[str, Any]:
    import logging

    return {"client": StandInClient(), "request": object(), "log": logging.getLogger("docs")}


@pytest.mark.parametrize("block", all_blocks("python"), ids=lambda block: block.name)
def test_python_blocks_run(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    if "huaweicloudsdkcore" in block.text:
        pytest.importorskip("huaweicloudsdkcore")
    if "pandas" in block.text:
        pytest.importorskip("pandas")
    monkeypatch.chdir(ROOT)
    namespace = stand_ins()
    exec(compile(block.text, block.name, "exec"), namespace)
    frames = {name: value for name, value in namespace.items() if name in declared_fields()}
    for name, frame in frames.items():
        assert_pandas_types(frame, name)
    assert bool(frames) == (".csv" in block.text), "a recipe names its frame as its resource"


# The CSV recipes (DuckDB, pandas): the types datapackage.json declares


def declared_fields() -> dict[str, list[dict[str, Any]]]:
    """Each CSV resource's fields, by resource name (the CSV's stem)."""
    package = json.loads((DATA / "datapackage.json").read_bytes())
    return {
        resource["name"]: resource["schema"]["fields"]
        for resource in package["resources"]
        if resource.get("format") == "csv"
    }


def expected_rows(name: str) -> list[dict[str, Any]]:
    """The JSON records as the CSV holds them: lists joined by a space, empty ones null."""
    records = json.loads((DATA / f"{name}.json").read_bytes())["records"]
    fields = [field["name"] for field in declared_fields()[name]]
    joined = [
        {
            key: (" ".join(value) or None) if isinstance(value, list) else value
            for key, value in record.items()
        }
        for record in records
    ]
    return [{field: row[field] for field in fields} for row in joined]


DUCKDB_TYPES = {"integer": {"INTEGER", "BIGINT"}, "string": {"VARCHAR"}}
PANDAS_TYPES = {"integer": {"Int64"}, "string": {"string"}}


def assert_pandas_types(frame: Any, name: str) -> None:
    fields = declared_fields()[name]
    assert list(frame.columns) == [field["name"] for field in fields]
    for field in fields:
        assert str(frame[field["name"]].dtype) in PANDAS_TYPES[field["type"]], field
    rows = [
        {key: (None if value is None or value != value else value) for key, value in row.items()}
        for row in frame.astype(object).where(frame.notna(), None).to_dict("records")
    ]
    assert rows == expected_rows(name)


@pytest.mark.parametrize("block", all_blocks("sql"), ids=lambda block: block.name)
def test_sql_blocks_give_the_declared_types(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    duckdb = pytest.importorskip("duckdb")
    monkeypatch.chdir(ROOT)
    (name,) = set(re.findall(r"data/(\w+)\.csv", block.text))
    relation = duckdb.sql(block.text)
    fields = declared_fields()[name]
    assert relation.columns == [field["name"] for field in fields]
    for field, column_type in zip(fields, relation.types, strict=True):
        assert str(column_type) in DUCKDB_TYPES[field["type"]], (field, column_type)
    rows = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    assert rows == expected_rows(name)


def test_the_recipes_cover_every_csv() -> None:
    for language in ("sql", "python"):
        read = {n for b in all_blocks(language) for n in re.findall(r"data/(\w+)\.csv", b.text)}
        assert read == set(declared_fields()), language


# sh and console: in a scratch copy of the checkout


def ci_commands() -> list[str]:
    """The command lines of .ci/run after its `rm -rf .venv`: the Quick start."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return lines[lines.index("rm -rf .venv") + 1 :]


def test_the_quick_start_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("\n## Quick start\n", 1)[1]
    (first, *_) = [b for b in blocks(ROOT / "README.md") if b.language == "sh"]
    assert first.text in quick_start and first.text.splitlines() == ci_commands()


def words_of(line: str) -> list[str]:
    """The command's words, a program in .venv/bin/ named as itself."""
    words = shlex.split(line, comments=True)
    if words:
        words[0] = words[0].removeprefix(".venv/bin/")
    return words


def why_not_run(block: Block, line: str) -> str | None:
    """Why the tests cannot run this command line, or None: they run it."""
    words = words_of(line)
    if line in ci_commands():
        return "the Quick start: .ci/run runs it"
    for prefix, reason in NOT_RUN.items():
        if tuple(words[: len(prefix)]) == prefix:
            return reason
    network = words[:1] == ["vodspec"] and words[1:2] and words[1] in NETWORK_COMMANDS
    marked = block.text.startswith(NEEDS_THE_NETWORK + "\n")
    assert bool(network) == marked, f"{block.name}: {line!r}: mark exactly the network blocks"
    return "needs the network" if network else None


def scratch_checkout(folder: Path, block: Block) -> Path:
    """A copy of the checkout to run a block in: its own git repository, with `vodspec` and
    `.venv/bin/{vodspec,python}` running this interpreter on the copy's package.

    A block that commits plays a maintainer's update: the copy starts from the frozen seed,
    built and committed, and the page then changes as Huawei might edit it."""
    site = package_copy(folder)
    maintains = "git commit" in block.text
    if maintains:
        frozen_raw(site / "raw")
    else:
        shutil.copytree(ROOT / "raw", site / "raw")
        shutil.copytree(DATA, site / "data")
    bin_ = site / ".venv" / "bin"
    bin_.mkdir(parents=True)
    for name, command in (("vodspec", "-m vodspec "), ("python", "")):
        (bin_ / name).write_text(f'#!/bin/sh\nexec {sys.executable} {command}"$@"\n')
        (bin_ / name).chmod(0o755)
    (site / ".gitignore").write_text(".venv/\n__pycache__/\n")
    git(site, "init", "-q")
    if maintains:
        assert run_line(site, "vodspec build").returncode == 0
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "as published")
    if maintains:
        page = site / "raw" / "vod_04_0133.md"
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("网关超时。", "网关超时，请稍后重试。"), encoding="utf-8")
    return site


def environment(site: Path) -> dict[str, str]:
    bin_ = site / ".venv" / "bin"
    identity = {
        f"GIT_{who}_{what}": value
        for who in ("AUTHOR", "COMMITTER")
        for what, value in (("NAME", "docs"), ("EMAIL", "docs@example.invalid"))
    }
    return {
        **os.environ,
        **identity,
        "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(site),
        "GIT_CONFIG_GLOBAL": os.devnull,
    }


def git(site: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=site, check=True, env=environment(site), timeout=60)


def run_line(site: Path, line: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f"set -eo pipefail\n{line}"],
        cwd=site,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env=environment(site),
    )


def assert_ran(line: str, result: subprocess.CompletedProcess[str]) -> None:
    words = words_of(line)
    while "|" in words:  # a pipeline exits as its last command does (if the others succeed)
        words = words_of(shlex.join(words[words.index("|") + 1 :]))
    allowed = {0, 1} if words[:1] == ["vodspec"] and words[1] in MAY_EXIT_1 else {0}
    assert result.returncode in allowed and "Traceback" not in result.stderr, (
        line,
        result.returncode,
        result.stdout[-2000:],
        result.stderr[-2000:],
    )


def command_lines(text: str) -> list[str]:
    """The block's commands: lines joined where they end with a backslash; comments dropped."""
    joined = text.replace("\\\n", " ")
    return [line for line in joined.splitlines() if words_of(line)]


@pytest.mark.parametrize("block", all_blocks("sh"), ids=lambda block: block.name)
def test_sh_blocks_run(block: Block, tmp_path: Path) -> None:
    from vodspec.cli import _parser

    lines = command_lines(block.text)
    assert lines
    runnable = [line for line in lines if why_not_run(block, line) is None]
    for line in lines:
        if why_not_run(block, line) == "needs the network":
            _parser().parse_args(words_of(line)[1:])  # the options exist; it is not run
    if runnable:
        site = scratch_checkout(tmp_path, block)
        for line in runnable:
            assert_ran(line, run_line(site, line))
        if "git commit" in block.text:  # the maintainer's update was published and committed
            log = run_line(site, "git log --format=%s")
            assert log.stdout.splitlines()[1:] == ["as published"], log.stdout


@pytest.mark.parametrize("block", all_blocks("console"), ids=lambda block: block.name)
def test_console_blocks_print_what_they_show(block: Block, tmp_path: Path) -> None:
    site = scratch_checkout(tmp_path, block)
    checker = doctest.OutputChecker()
    parts = re.split(r"^\$ (.*)\n", block.text, flags=re.MULTILINE)
    assert parts[0] == "" and len(parts) > 1
    for line, want in zip(parts[1::2], parts[2::2], strict=True):
        result = run_line(site, line)
        assert_ran(line, result)
        assert checker.check_output(want, result.stdout, OPTIONS), (line, result.stdout)


# js: Node, from the checkout's folder


@pytest.mark.parametrize(
    "block",
    # Those that import the npm package run in tests/test_npm_package.py, which generates it.
    [block for block in all_blocks("js") if not IMPORTS_THE_NPM_PACKAGE.search(block.text)],
    ids=lambda block: block.name,
)
def test_js_blocks_run(block: Block) -> None:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed")
        pytest.skip("node is not installed")
    command = [node, "--input-type=module", "-e", block.text]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
