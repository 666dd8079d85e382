"""SIGKILL the build at every write, fsync and rename it makes: data/ stays whole.

A wrapper counts the build's file-system steps and kills the process at step N; after
each kill data/ must hold the old complete dataset or the new complete one, and
`vodspec validate` must pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PAGE_SHAPES, ROOT, SEED, edit, run_cli, two_sources

#: A process that imports the build once, then for each line of its input (a JSON list: the
#: step to kill at, the raw dir, the data dir, the swap's mode) forks a build that counts its
#: file-system steps and SIGKILLs itself at that step; it answers each with two JSON lines:
#: the build's pid when it starts, and when it ends its exit status (negative: the signal),
#: its stdout and its stderr. Forking spares each
#: kill point a new interpreter's import of the build (most of its cost); the killed build is
#: still a process of its own, its writes the kernel's as before.
FORKER = r"""
import builtins, json, os, shutil, signal, sys, tempfile
import vodspec.tools.publish.atomic as atomic
import vodspec.tools.publish.build
from vodspec.cli import main

def build(stop, raw, data, mode):
    steps, swap = [0], [0]
    def step():
        steps[0] += 1
        if steps[0] == stop:
            os.kill(os.getpid(), signal.SIGKILL)
    class Counted:
        def __init__(self, f): self.f = f
        def write(self, data): step(); return self.f.write(data)
        def flush(self): step(); return self.f.flush()
        def fileno(self): return self.f.fileno()
        def __enter__(self): return self
        def __exit__(self, *a): step(); return self.f.__exit__(*a)
    real_open = builtins.open
    def counted_open(file, mode="r", *a, **k):
        handle = real_open(file, mode, *a, **k)
        return Counted(handle) if "w" in mode else handle
    builtins.open = counted_open
    counted = [(os, "open"), (os, "fsync"), (os, "rename"), (os, "replace"), (os, "mkdir")]
    for module, name in [*counted, (shutil, "rmtree")]:
        real = getattr(module, name)
        setattr(module, name, lambda *a, _real=real, **k: (step(), _real(*a, **k))[1])
    real_exchange = atomic._exchange
    def exchange(a, b):
        step()
        swap[0] = steps[0]  # where the swap begins (with two renames, they follow)
        return False if mode == "fallback" else real_exchange(a, b)  # as without renameat2
    atomic._exchange = exchange
    where = ["--data", data] if data else []  # none: the checkout's own data dir
    code = main(["build", "--raw", raw, *where, "--allow-removals"])
    print("STEPS", steps[0], "SWAP", swap[0])
    return code

output = tempfile.mkdtemp()
for line in sys.stdin:
    out, err = os.path.join(output, "out"), os.path.join(output, "err")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with open(out, "w") as sys.stdout, open(err, "w") as sys.stderr:
                code = build(*json.loads(line))
        finally:
            os._exit(code)
    print(json.dumps(pid), flush=True)  # for a kill from outside
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    texts = [open(name, encoding="utf-8").read() for name in (out, err)]
    print(json.dumps([code, *texts]), flush=True)
shutil.rmtree(output)
"""


class Builds:
    """The forking process above, importing vodspec from ``site`` (else the checkout)."""

    def __init__(self, site: Path | None = None) -> None:
        env = os.environ if site is None else {**os.environ, "PYTHONPATH": str(site)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", FORKER],
            cwd=site or ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def start(self, step: int, mode: str, data: Path | None, raw: Path) -> int:
        """Start a build of ``raw`` into ``data`` (None: the default) that kills itself at
        ``step`` (0: never); its pid."""
        assert self.process.stdin is not None
        where = "" if data is None else str(data)
        self.process.stdin.write(json.dumps([step, str(raw), where, mode]) + "\n")
        self.process.stdin.flush()
        pid: int = json.loads(self.line())
        return pid

    def finish(self) -> subprocess.CompletedProcess[str]:
        """The end of the build started last."""
        code, out, err = json.loads(self.line())
        return subprocess.CompletedProcess([], code, out, err)

    def line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the forking process ended"
        return line

    def kill_at(
        self, step: int, mode: str, data: Path | None, raw: Path
    ) -> subprocess.CompletedProcess[str]:
        """A build of ``raw`` into ``data`` killed at ``step`` (0: never)."""
        self.start(step, mode, data, raw)
        return self.finish()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


@pytest.fixture(scope="module")
def builds() -> Iterator[Builds]:
    forker = Builds()
    yield forker
    forker.close()


def tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def states(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """(old data dir, new raw dir, old files, new files)."""
    root = tmp_path_factory.mktemp("kill")
    old_raw, new_raw = root / "old_raw", root / "new_raw"
    for raw in (old_raw, new_raw):
        two_sources(raw, SEED, PAGE_SHAPES / "errors_two_columns.md")
    edit(new_raw / "s.md", "网关超时。", "网关超时了。")
    edit(new_raw / "s.md", ">501 Not Implemented<", ">501 Not Implemented Yet<")
    old_data = root / "old_data"
    assert run_cli("build", "--raw", str(old_raw), "--data", str(old_data)).returncode == 0
    new_data = root / "new_data"
    shutil.copytree(old_data, new_data)
    assert run_cli("build", "--raw", str(new_raw), "--data", str(new_data)).returncode == 0
    return old_data, new_raw, tree(old_data), tree(new_data)


def count_steps(
    builds: Builds,
    mode: str,
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
) -> tuple[int, int]:
    """(the build's steps, the step where its swap begins)."""
    old_data, new_raw, _, new = states
    data = tmp_path / f"count-{mode}" / "data"
    shutil.copytree(old_data, data)
    result = builds.kill_at(0, mode, data, new_raw)
    assert result.returncode == 0, result.stderr
    assert tree(data) == new
    steps, swap = result.stdout.split("STEPS")[1].split("SWAP")
    return int(steps), int(swap)


#: By default every SAMPLE-th kill point is tried, every one around the swap and the last
#: ones; `pytest -m slow` (run by .ci/run) tries every one.
SAMPLE = 16


def kill_points(steps: int, swap: int, every: bool) -> list[int]:
    assert 0 < swap <= steps
    if every:
        return list(range(1, steps + 1))
    around = range(max(1, swap - 1), min(steps, swap + 5) + 1)
    return sorted({*range(1, steps + 1, SAMPLE), *around, *range(max(1, steps - 2), steps + 1)})


def sweep_with_exchange(
    builds: Builds,
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
    every: bool,
) -> None:
    old_data, new_raw, old, new = states
    steps, swap = count_steps(builds, "exchange", states, tmp_path)
    assert steps >= 40
    for step in kill_points(steps, swap, every):
        data = tmp_path / f"x{step}" / "data"
        shutil.copytree(old_data, data)
        result = builds.kill_at(step, "exchange", data, new_raw)
        assert result.returncode == -signal.SIGKILL, (step, result.stderr)
        assert tree(data) in (old, new), step
        assert run_cli("validate", str(data)).returncode == 0, step
        # The next build cleans up whatever the killed one left and finishes the job.
        assert (
            run_cli(
                "build", "--raw", str(new_raw), "--data", str(data), "--allow-removals"
            ).returncode
            == 0
        )
        assert tree(data) == new
        assert [p.name for p in data.parent.iterdir() if p.name != "data"] == []  # no leftovers


def sweep_with_two_renames(
    builds: Builds,
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
    every: bool,
) -> None:
    old_data, new_raw, old, new = states
    steps, swap = count_steps(builds, "fallback", states, tmp_path)
    for step in kill_points(steps, swap, every):
        data = tmp_path / f"f{step}" / "data"
        shutil.copytree(old_data, data)
        assert builds.kill_at(step, "fallback", data, new_raw).returncode == -signal.SIGKILL
        if data.exists():
            assert tree(data) in (old, new), step
        assert (
            run_cli(
                "build", "--raw", str(new_raw), "--data", str(data), "--allow-removals"
            ).returncode
            == 0
        ), step
        assert tree(data) == new


def test_kill_at_sampled_steps_with_exchange(
    builds: Builds,
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
) -> None:
    sweep_with_exchange(builds, states, tmp_path, every=False)


def test_kill_at_sampled_steps_with_two_renames(
    builds: Builds,
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
) -> None:
    sweep_with_two_renames(builds, states, tmp_path, every=False)


@pytest.mark.slow
def test_kill_at_every_step_with_exchange(
    builds: Builds,
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
) -> None:
    sweep_with_exchange(builds, states, tmp_path, every=True)


@pytest.mark.slow
def test_kill_at_every_step_with_two_renames(
    builds: Builds,
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]],
    tmp_path: Path,
) -> None:
    sweep_with_two_renames(builds, states, tmp_path, every=True)


# SIGKILL at random moments, in a checkout: the data dir, what the accessor serves and
# `vodspec validate` always agree on one version. The builds are forked from a process that
# imported vodspec from the checkout, so every moment falls in the build's own work (not in
# an interpreter's start); what the accessor serves is read by a new interpreter. validate
# checks the checkout's data dir from this process (the build has ended: the dir no longer
# changes), which spares each kill a new interpreter's import of the models.

CHECK = """
import json, vodspec
version = json.load(open("data/datapackage.json"))["version"]
served = (vodspec.data_version(), vodspec.status(504).description)
print(json.dumps({"data": version, "served": served}))
"""


def random_kills(
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, kills: int
) -> None:
    import json
    import random
    import time

    from conftest import package_copy, run_in_site

    old_data, new_raw, old, new = states
    site = package_copy(tmp_path)
    data = site / "data"  # where `vodspec build` publishes, run in the checkout
    expected = {
        json.loads(files["datapackage.json"])["version"]: files["status_codes.json"]
        for files in (old, new)
    }
    builds = Builds(site)
    shutil.copytree(old_data, data)
    started = time.monotonic()
    assert builds.kill_at(0, "exchange", None, new_raw).returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(20261130)  # the same moments on every run, spread over the build
    for kill in range(kills):
        shutil.rmtree(data)
        shutil.copytree(old_data, data)
        pid = builds.start(0, "exchange", None, new_raw)
        time.sleep(rng.uniform(0, duration * 1.1))
        with contextlib.suppress(ProcessLookupError):  # ended already: the forker reaps it
            os.kill(pid, signal.SIGKILL)
        assert builds.finish().returncode in (0, -signal.SIGKILL)
        assert tree(data) in (old, new), kill
        result = run_in_site(site, "-c", CHECK)
        assert result.returncode == 0, (kill, result.stderr)
        found = json.loads(result.stdout)
        validated = run_cli("validate", str(data))
        assert validated.returncode == 0, (kill, validated.stderr)
        assert found["served"][0] == found["data"] and found["data"] in expected, (kill, found)
        served = json.loads(expected[found["data"]])["records"]
        assert found["served"][1] == next(r for r in served if r["code"] == 504)["description"]
    builds.close()
    leftovers = [p.name for p in site.iterdir() if p.name not in ("vodspec", "data")]
    assert all(name.startswith(".data.") for name in leftovers), leftovers


#: Kills at random moments: a sample in the default run, a few hundred under -m slow.
RANDOM_KILLS, RANDOM_KILLS_SLOW = 4, 240


def test_random_kills_never_split_data_and_accessor(
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path
) -> None:
    random_kills(states, tmp_path, RANDOM_KILLS)


@pytest.mark.slow
def test_hundreds_of_random_kills_never_split_data_and_accessor(
    states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path
) -> None:
    random_kills(states, tmp_path, RANDOM_KILLS_SLOW)
