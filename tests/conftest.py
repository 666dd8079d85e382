"""Shared paths and helpers. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import gc
import io
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

# Many tests run vodspec in a subprocess (and pytest-xdist's workers are subprocesses too).
# Where bytecode writing is off (PYTHONDONTWRITEBYTECODE, as on some CI machines), each of
# them would compile the package and the tests anew: they keep Python's usual bytecode
# cache instead (__pycache__, ignored by git).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
# A release's date comes from SOURCE_DATE_EPOCH when set (else the pages' dates, else the
# clock): the tests' builds are reproducible whatever the day (2026-11-30 here).
os.environ.setdefault("SOURCE_DATE_EPOCH", "1795996800")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests are collected, what is loaded by then (modules, the models, the
    parametrized cases) leaves the collector's sight (gc.freeze), and it runs less often:
    the in-process scrapes and validations allocate many small objects, and the default
    thresholds had the collector walk them again and again (about 8% of those tests' time).
    Garbage is still collected, only in larger batches: no test depends on when."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


#: The files whose tests hold a worker for seconds (mypy, which starts with no cache on a
#: clean clone; the wheel; npm ci, node and tsc; the kill sweeps; builds in new interpreters;
#: the docs' shell blocks and mkdocs), in the order they start.
STARTED_FIRST = (
    "test_static_checks.py",
    "test_wheel.py",
    "test_npm_package.py",
    "test_kill.py",
    "test_reproducible.py",
    "test_docs.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests start first: xdist hands each worker a half of this order and an idle
    worker takes tests from the end of a busy one's, so the short tests even out the end of
    the run, where a long one would hold it up (the wheel's build and a cold mypy did)."""

    def start(item: pytest.Item) -> int:
        name = item.path.name
        return STARTED_FIRST.index(name) if name in STARTED_FIRST else len(STARTED_FIRST)

    items.sort(key=start)  # stable: each file's tests keep their order


ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
DATA = ROOT / "data"
#: A frozen copy of the project's seed page: tests read it, never the live raw/ (which a
#: maintainer updates when Huawei edits the page).
SEED = ROOT / "tests" / "fixtures" / "pages" / "seed_vod_04_0133.md"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_file(relative: str) -> Path:
    """A page of ../shared/corpus, or skip the test when the corpus is not there."""
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"../shared/corpus/{relative} is not available")
    return path


def run_cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `vodspec ARGS` as a user would, capturing text output and the exit status.

    In this process (the CLI's own main(), with its stdout and stderr captured), which is
    many times faster than a new interpreter; in a subprocess when ``env`` is given, since
    the environment is the point of such a test.
    """
    if env is not None:
        return run_cli_process(*args, cwd=cwd, env=env)
    from vodspec import cli

    out, err = _captured(), _captured()
    before, streams = Path.cwd(), (sys.stdout, sys.stderr)
    os.chdir(cwd)
    sys.stdout, sys.stderr = out, err
    try:
        code = cli.main(list(args))
    except SystemExit as exit_:  # argparse: usage errors, --version, --help
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdout, sys.stderr = streams
        os.chdir(before)
    return subprocess.CompletedProcess(list(args), code, _text(out), _text(err))


def _captured() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


def run_cli_process(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m vodspec ARGS` in a new interpreter, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "vodspec", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=120,
    )


PAGE_SHAPES = ROOT / "tests" / "fixtures" / "page_shapes"


def two_sources(raw: Path, status_page: Path, error_page: Path) -> Path:
    """A raw dir with a status_codes and an error_codes source (s.md, e.md)."""
    raw.mkdir(parents=True, exist_ok=True)
    shutil.copy(status_page, raw / "s.md")
    shutil.copy(error_page, raw / "e.md")
    sources = [
        {
            "id": "s",
            "kind": "status_codes",
            "service": "vod",
            "url": "https://x.invalid/s",
            "file": "s.md",
        },
        {
            "id": "e",
            "kind": "error_codes",
            "service": "vod",
            "url": "https://x.invalid/e",
            "file": "e.md",
        },
    ]
    (raw / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    return raw


def package_copy(folder: Path, data: bool = False) -> Path:
    """``folder/site`` holding a copy of the package: a checkout to build in, run with
    PYTHONPATH=site, whose data/ (and so the snapshot in it) is the copy's own: a copy of
    the committed one with ``data``, else none yet."""
    site = folder / "site"
    shutil.copytree(ROOT / "vodspec", site / "vodspec", ignore=_bytecode_being_written)
    if data:
        shutil.copytree(DATA, site / "data")
    return site


def _bytecode_being_written(folder: str, names: list[str]) -> list[str]:
    """The package's bytecode is copied with it: a new interpreter in the copy would
    otherwise compile every module it imports (tens of ms each start, and tests start
    hundreds). The copies keep their sources' times, so Python checks each .pyc against its
    source as in the checkout. Skipped: a .pyc another process is writing (``NAME.pyc.ID``,
    renamed into place when whole)."""
    if Path(folder).name != "__pycache__":
        return []
    return [name for name in names if not name.endswith(".pyc")]


def run_in_site(
    site: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in a package copy (see package_copy), importing vodspec from it; in
    ``env`` (else this process's environment)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=site,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env={**(os.environ if env is None else env), "PYTHONPATH": str(site)},
    )


def scrape_text(text: str, service: str = "vod") -> Any:
    """The dataset a page's text gives (bytes as UTF-8, named page.md in refusals)."""
    from vodspec.tools.scrape.pipeline import scrape

    return scrape(text.encode("utf-8"), service=service, file="page.md")


def md_page(*tables: str) -> bytes:
    """A Markdown page of a title and ``tables`` (written for the test at hand)."""
    return ("# 状态码\n\n" + "\n\n".join(tables) + "\n").encode()


#: A small status table to put beside the table a test is about.
STATUS_PIPE = "|状态码|说明|\n|--|--|\n|400|参数错误。|\n|404|不存在。|"


def codes(data: bytes) -> list[int]:
    """The codes a page's records give, read for any service, its notes ignored."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [r.code for r in scrape_text(data.decode("utf-8"), service="any").records]


def content(text: str) -> list[dict[str, object]]:
    """The records a page gives, without what depends on its bytes (hash, lines)."""
    return [
        record.model_dump(exclude={"source_sha256", "source_line"})
        for record in scrape_text(text).records
    ]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def one_line_refusal(path: Path, expected: str) -> None:
    """`vodspec scrape PATH` refuses it: exit 1, nothing on stdout, one line naming it."""
    result = run_cli("scrape", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert expected in line and "Traceback" not in result.stderr


def frozen_raw(raw: Path) -> Path:
    """A raw dir holding the frozen seed as its one source (file vod_04_0133.md)."""
    raw.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, raw / "vod_04_0133.md")
    source = {
        "id": "vod_04_0133",
        "kind": "status_codes",
        "service": "vod",
        "url": "https://support.huaweicloud.com/api-vod/vod_04_0133.html",
        "file": "vod_04_0133.md",
    }
    (raw / "sources.json").write_text(json.dumps([source]), encoding="utf-8")
    return raw


@pytest.fixture(scope="session")
def seed_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir built once from the frozen seed (read it, never write it)."""
    from vodspec.tools.publish.build import build

    root = tmp_path_factory.mktemp("seed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build(frozen_raw(root / "raw"), root / "data")
    return root / "data"


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a raw page, as an upstream edit would."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


#: The lookup cases both accessors must answer alike: the Python one (test_lookup_cases.py)
#: and the npm package's (npm/test/lookup_cases.test.mjs), run against ``lookup_data``.
LOOKUP_CASES = ROOT / "tests" / "lookup_cases.json"


@pytest.fixture(scope="session")
def lookup_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data dir tests/lookup_cases.json is written against (read it, never write it):
    the frozen seed with 409 renamed "Not  Found" (so a phrase two codes share is tested),
    and an error-code page that lists VST.10002 under two HTTP statuses."""
    from vodspec.tools.publish.build import build

    root = tmp_path_factory.mktemp("lookup")
    page = root / "status.md"
    page.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    edit(page, "409 Conflict", "409 Not  Found")
    raw = two_sources(root / "raw", page, PAGE_SHAPES / "errors_five_columns.md")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build(raw, root / "data")
    return root / "data"


def one_line(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    """The one line of stderr a refusal gives (``vodspec: ...``), with exit ``code``."""
    assert result.returncode == code, (result.returncode, result.stderr)
    err = result.stderr
    assert "Traceback" not in err and err.startswith("vodspec: ") and err.count("\n") == 1, err
    return err


def publish_seed(folder: Path) -> tuple[Path, Path]:
    """``folder/raw`` holding the frozen seed and ``folder/data`` built from it (writable)."""
    raw, data = frozen_raw(folder / "raw"), folder / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    return raw, data


@pytest.fixture(scope="session")
def seed_and_errors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir built once from the frozen seed and the five-column error page (read it,
    never write it). That page repeats a row exactly: the build reports it, not fatal."""
    root = tmp_path_factory.mktemp("seed_and_errors")
    raw = two_sources(root / "raw", SEED, PAGE_SHAPES / "errors_five_columns.md")
    result = run_cli("build", "--raw", str(raw), "--data", str(root / "data"))
    assert result.returncode == 0, result.stderr
    assert "repeats the row at line 39 exactly" in result.stderr
    return root / "data"
