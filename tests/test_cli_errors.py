"""The CLI's error contract: refusals exit 1, internal errors exit 3, both one line; a closed
or full output is no crash and never turns findings into success."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SEED, publish_seed, run_cli

import vodspec

BOOM = (
    "import sys, vodspec.tools.scrape.pipeline as s\n"
    "def boom(*a, **k): raise ZeroDivisionError('kaboom')\n"
    "s.scrape = boom\n"
    "from vodspec.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BOOM, *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_internal_error_is_one_line_exit_3() -> None:
    result = run("scrape", str(SEED))
    assert result.returncode == 3
    (line,) = result.stderr.splitlines()
    assert "internal error: ZeroDivisionError: kaboom" in line and "report" in line


def test_debug_shows_the_traceback() -> None:
    result = run("--debug", "scrape", str(SEED))
    assert result.returncode != 0 and "Traceback" in result.stderr and "kaboom" in result.stderr


def test_error_classes_share_one_base() -> None:
    """Every exception class defined anywhere in the package is a VodspecError."""
    import importlib
    import pkgutil

    import vodspec
    from vodspec import errors

    classes = []
    for module in pkgutil.walk_packages(vodspec.__path__, "vodspec."):
        if module.name == "vodspec.__main__":
            continue
        namespace = vars(importlib.import_module(module.name))
        classes += [
            c
            for c in namespace.values()
            if isinstance(c, type)
            and c.__module__ == module.name
            and issubclass(c, Exception)
            and not issubclass(c, Warning)
        ]
    assert len(classes) > 15  # errors.py, the schema checker's, …
    assert all(issubclass(c, errors.VodspecError) for c in classes), classes
    error = errors.CellError("bad", file="f.md", line=3, row="r1", column="返回值")
    assert str(error) == "f.md:3, row r1, column 返回值: bad"
    assert str(errors.VodspecError("two\nlines")) == "two lines"


def test_a_closed_pipe_never_turns_findings_into_success(tmp_path: Path) -> None:
    import subprocess
    import sys

    _, data = publish_seed(tmp_path)
    command = f"{sys.executable} -m vodspec lint {data} | head -c 1 >/dev/null"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True)
    assert result.returncode != 0


def test_output_trouble_is_not_a_crash(tmp_path: Path) -> None:
    import subprocess
    import sys

    closed = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m vodspec list >&-"], capture_output=True, text=True
    )
    assert closed.returncode == 141 and "Traceback" not in closed.stderr
    full = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m vodspec list > /dev/full"],
        capture_output=True,
        text=True,
    )
    assert full.returncode in (1, 141) and "Traceback" not in full.stderr
    ascii_only = run_cli("show", str(vodspec.statuses()[0].code), env={"PYTHONIOENCODING": "ascii"})
    assert ascii_only.returncode == 0 and "Traceback" not in ascii_only.stderr


@pytest.mark.parametrize(
    "command",
    [
        "validate {file}",
        "validate {empty}",
        "lint {empty}",
        "lint {text}",
        "diff {empty} {empty}",
        "show 404 --data {empty}",
        "build --raw {file} --data {tmp}/d",
        "build --raw {empty} --data {tmp}/d",
        "fetch --raw {empty}",
    ],
)
def test_a_path_of_the_wrong_kind_is_refused_saying_what_was_expected(
    tmp_path: Path, command: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    words = command.format(
        file=DATA / "status_codes.json", empty=empty, text=text, tmp=tmp_path
    ).split()
    result = run_cli(*words)
    assert result.returncode in (1, 2) and result.stderr.count("\n") == 1, result.stderr
    assert "expected" in result.stderr, result.stderr


def test_a_stray_file_given_as_the_data_dir_is_named_as_given(tmp_path: Path) -> None:
    # The refusal named the folder the file is in (".: no status_codes.json").
    stray = tmp_path / "bin.dat"
    stray.write_bytes(b"\x00\x01")
    result = run_cli("show", "404", "--data", str(stray))
    assert result.returncode == 1
    assert result.stderr.startswith(f"vodspec: {stray}: no status_codes.json beside it;")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["show", "404", "--data", "{missing}"], "a published data dir"),
        (["validate", "{missing}"], "a published data dir"),
        (["build", "--raw", "{missing}", "--data", "{tmp}/data"], "the raw dir"),
    ],
)
def test_a_folder_that_does_not_exist_is_said_so(
    tmp_path: Path, words: list[str], expected: str
) -> None:
    missing = tmp_path / "nosuch"
    result = run_cli(*(word.format(missing=missing, tmp=tmp_path) for word in words))
    assert result.returncode == 1
    assert result.stderr == f"vodspec: {missing}: no such folder; expected {expected}" + (
        " (its pages and sources.json)\n" if expected == "the raw dir" else "\n"
    )
    assert sorted(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "words",
    [["show", "404", "--data", ""], ["list", "--data", ""], ["validate", ""], ["lint", ""]],
)
def test_an_empty_path_is_refused_not_taken_for_the_shipped_data(words: list[str]) -> None:
    # `--data "$DIR"` (or `lint "$DIR"`) with DIR unset answered from the shipped dataset.
    result = run_cli(*words)
    assert result.returncode == 1 and result.stdout == "", result.stdout
    assert "empty path" in result.stderr or "the path is empty" in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_validate_of_a_device_says_it_is_no_folder() -> None:
    result = run_cli("validate", "/dev/null")
    assert (
        result.returncode == 1 and "/dev/null: not a folder; expected a data dir" in result.stderr
    )


def test_a_signal_while_the_arguments_are_parsed_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # SIGTERM (made a KeyboardInterrupt) while argparse was still being imported printed a
    # traceback: parsing ran outside the command's handlers.
    from vodspec import cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_parser", interrupted)
    assert cli.main(["validate"]) == 130
    assert capsys.readouterr().err == "vodspec: interrupted\n"


def test_bytes_that_are_not_utf8_are_shown_as_those_bytes(tmp_path: Path) -> None:
    # Python reads a stray byte of argv as a surrogate: the message showed '\udcff'.
    code = run_cli("show", "caf\udce9")
    assert code.returncode == 1
    assert code.stderr == "vodspec: no VOD status code or error code matches 'caf\\xe9'\n"
    missing = tmp_path / "d\udcffta"
    folder = run_cli("show", "404", "--data", str(missing))
    assert folder.stderr.startswith(f"vodspec: {tmp_path}/d\\xffta: no such folder"), folder
