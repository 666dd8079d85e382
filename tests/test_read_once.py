"""A command reads each file of a data dir once (issue 21: "read once")."""

from __future__ import annotations

import builtins
import io
import os
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import frozen_raw, run_cli


def _opens_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The opens for reading of each file in ``folder``, from now on, by any of Python's
    ways to open a file (os.open, open, Path.read_bytes)."""
    counts: Counter[str] = Counter()
    root = os.path.realpath(folder)

    def count(path: Any, writing: bool) -> None:
        if isinstance(path, str | bytes | os.PathLike) and not writing:
            name = os.path.realpath(os.fsdecode(path))
            if os.path.dirname(name) == root:
                counts[os.path.basename(name)] += 1

    def os_open(real: Callable[..., int]) -> Callable[..., int]:
        def opened(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            count(path, bool(flags & (os.O_WRONLY | os.O_RDWR)))
            return real(path, flags, *args, **kwargs)

        return opened

    def file_open(real: Callable[..., Any]) -> Callable[..., Any]:
        def opened(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            count(path, any(letter in mode for letter in "wax+"))
            return real(path, mode, *args, **kwargs)

        return opened

    monkeypatch.setattr(os, "open", os_open(os.open))
    monkeypatch.setattr(builtins, "open", file_open(builtins.open))
    monkeypatch.setattr(io, "open", file_open(io.open))
    return counts


@pytest.mark.parametrize("command", ["build", "validate", "lint"])
def test_an_unchanged_data_dir_is_read_once_per_command(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vodspec.tools.publish.build import build

    raw, data = frozen_raw(tmp_path / "raw"), tmp_path / "data"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build(raw, data)
    files = sorted(path.name for path in data.iterdir())
    counts = _opens_in(data, monkeypatch)
    options = {
        "build": ["--raw", str(raw), "--data", str(data)],
        "validate": [str(data), "--raw", str(raw)],
        "lint": [str(data)],
    }[command]
    result = run_cli(command, *options)
    assert result.returncode in ((0, 1) if command == "lint" else (0,)), result.stderr
    assert command != "build" or result.stdout.startswith("unchanged"), result.stdout
    assert counts, "the command read nothing: the count is broken"
    assert set(counts) <= set(files)
    assert {name: n for name, n in counts.items() if n > 1} == {}, counts
    if command != "lint":  # build and validate check every file
        assert set(counts) == set(files)


def test_open_dataset_reads_each_dataset_once(
    seed_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vodspec

    counts = _opens_in(seed_data, monkeypatch)
    assert vodspec.open_dataset(seed_data).statuses()
    assert counts["status_codes.json"] == 1 and set(counts.values()) == {1}, counts
