"""Shared measuring: instructions under callgrind when valgrind is there, else median times."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

HAVE_VALGRIND = shutil.which("valgrind") is not None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def instructions(command: Sequence[str]) -> int:
    """Instructions the command executes (callgrind: deterministic on these machines)."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    match = re.search(r"Collected : (\d+)", result.stderr)
    assert match is not None, result.stderr
    return int(match[1])


def median_seconds(commands: Sequence[Sequence[str]], rounds: int = 41) -> list[float]:
    """Median wall time of each command, run interleaved so drift hits all alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(rounds):
        for index, command in enumerate(commands):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, env=_env(), check=True)
            times[index].append(time.perf_counter() - started)
    return [statistics.median(t) for t in times]


def compare(commands: Sequence[Sequence[str]]) -> tuple[str, list[float]]:
    """(unit, cost of each command) by the best method available."""
    if HAVE_VALGRIND:
        return "instructions", [float(instructions(c)) for c in commands]
    return "seconds (median)", median_seconds(commands)


def python() -> str:
    return sys.executable
