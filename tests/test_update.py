"""`vodspec update` end to end, against an HTTP server on 127.0.0.1 started by the test:
a changed page, an unchanged one (304, or 200 with the same bytes), a page the reader
refuses, a page the build refuses, and no network. Raw and data dirs are tmp copies."""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import SEED, frozen_raw, run_cli
from test_fetch import PROXY_VARIABLES, Handler, serve

from vodspec.cli import EXIT_OK, EXIT_REFUSED, EXIT_UPDATE_DATA_DIR, EXIT_UPDATE_REFUSED
from vodspec.tools.changes import entry_lines

ETAG = '"seed"'
#: An upstream edit of the frozen seed: one record's description changes.
CHANGED = SEED.read_text(encoding="utf-8").replace("网关超时。", "网关超时，请稍后再试。")
#: A page that lost two rows: the build refuses removals unless allowed.
WITHOUT_ROWS = re.sub(
    r"<tr id=\"[^\"]*\"><td[^>]*><p[^>]*>(<a[^>]*></a>)*(407|501) [^<]*</p>.*?</tr>\n",
    "",
    SEED.read_text(encoding="utf-8"),
    flags=re.S,
)


class Upstream(Handler):
    """/page.md answers as the test sets ``page`` (one server per xdist worker; the tests
    of a worker run one after another)."""

    page: ClassVar[str] = "same"

    def do_GET(self) -> None:
        if self.path != "/page.md":
            self.send(404)
        elif Upstream.page == "same":
            if self.headers.get("If-None-Match") == ETAG:
                self.send(304)
            else:
                self.send(200, SEED.read_bytes(), ETag=ETAG)
        elif Upstream.page == "changed":
            self.send(200, CHANGED.encode("utf-8"), ETag='"changed"')
        elif Upstream.page == "unreadable":
            self.send(200, b"<html><body><p>Welcome</p></body></html>", "text/html")
        elif Upstream.page == "without rows":
            self.send(200, WITHOUT_ROWS.encode("utf-8"), ETag='"rows"')


@pytest.fixture(autouse=True)
def no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    yield from serve(Upstream)


@pytest.fixture(scope="module")
def published(upstream: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/ (the frozen seed, fetched from the server) and the data/ built from it."""
    root = tmp_path_factory.mktemp("published")
    raw = frozen_raw(root / "raw")
    manifest = json.loads((raw / "sources.json").read_bytes())
    manifest[0]["url"] = f"{upstream}/page.md"
    (raw / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert run_cli("build", "--raw", str(raw), "--data", str(root / "data")).returncode == 0
    return root


def checkout(published: Path, tmp_path: Path, page: str) -> tuple[Path, Path]:
    """Copies of the published raw/ and data/, with upstream serving ``page``."""
    Upstream.page = page
    shutil.copytree(published, tmp_path, dirs_exist_ok=True)
    return tmp_path / "raw", tmp_path / "data"


def update(raw: Path, data: Path, summary: Path) -> tuple[int, str, str]:
    result = run_cli("update", "--raw", str(raw), "--data", str(data), "--summary", str(summary))
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_changed_page_is_published_and_summarised(published: Path, tmp_path: Path) -> None:
    raw, data = checkout(published, tmp_path, "changed")
    before = json.loads((data / "datapackage.json").read_bytes())["version"]
    summary = tmp_path / "summary.md"
    code, out, err = update(raw, data, summary)
    assert code == EXIT_OK, err
    assert (raw / "vod_04_0133.md").read_text(encoding="utf-8") == CHANGED
    version = json.loads((data / "datapackage.json").read_bytes())["version"]
    entry = json.loads((data / "changes.json").read_bytes())[0]
    assert version != before and entry["version"] == version
    text = summary.read_text(encoding="utf-8")
    assert f"**{version}** ({entry['bump']} bump)" in text
    assert f"{version} ({entry['bump']}); summary in {summary}" in out
    # The version's changelog entry, as data/CHANGELOG.md has it.
    section = "\n".join(entry_lines(entry))
    assert section in text and section in (data / "CHANGELOG.md").read_text(encoding="utf-8")
    # The counts of changes by dataset.
    for dataset in {change["dataset"] for change in entry["changes"]}:
        counts = [
            sum(c["dataset"] == dataset and c["kind"] == kind for c in entry["changes"])
            for kind in ("added", "removed", "changed")
        ]
        assert f"| {dataset} | {' | '.join(map(str, counts))} |" in text
    assert run_cli("validate", str(data), "--raw", str(raw)).returncode == 0


def test_an_unchanged_page_writes_nothing(published: Path, tmp_path: Path) -> None:
    raw, data = checkout(published, tmp_path, "same")
    before = contents(data)
    summary = tmp_path / "summary.md"
    code, out, _ = update(raw, data, summary)  # 200 with the bytes raw/ already has
    assert (code, out.splitlines()[0]) == (EXIT_OK, "vod_04_0133: unchanged")
    assert json.loads((raw / "sources.json").read_bytes())[0]["etag"] == ETAG
    code, out, _ = update(raw, data, summary)  # a conditional GET now: 304
    assert (code, out.splitlines()[0]) == (EXIT_OK, "vod_04_0133: unchanged")
    assert "no summary written" in out
    assert not summary.exists() and contents(data) == before


def test_a_page_the_reader_refuses_exits_4_and_changes_nothing(
    published: Path, tmp_path: Path
) -> None:
    raw, data = checkout(published, tmp_path, "unreadable")
    before_raw, before_data = contents(raw), contents(data)
    summary = tmp_path / "summary.md"
    code, out, err = update(raw, data, summary)
    assert code == EXIT_UPDATE_REFUSED and out == ""
    (line,) = err.splitlines()
    assert "upstream changed and vodspec refuses it: vod_04_0133:" in line
    assert not summary.exists()
    assert (contents(raw), contents(data)) == (before_raw, before_data)


def test_a_page_the_build_refuses_exits_4_and_leaves_data_alone(
    published: Path, tmp_path: Path
) -> None:
    raw, data = checkout(published, tmp_path, "without rows")
    before = contents(data)
    summary = tmp_path / "summary.md"
    code, _, err = update(raw, data, summary)
    assert code == EXIT_UPDATE_REFUSED
    (line,) = [line for line in err.splitlines() if "warning" not in line]
    assert "the build refused upstream's pages" in line and "would remove 2 record(s)" in line
    assert not summary.exists() and contents(data) == before


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_no_network_is_one_line_and_exit_1(published: Path, tmp_path: Path) -> None:
    raw, data = checkout(published, tmp_path, "same")
    manifest = json.loads((raw / "sources.json").read_bytes())
    manifest[0]["url"] = f"http://127.0.0.1:{closed_port()}/page.md"
    (raw / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")
    before_raw, before_data = contents(raw), contents(data)
    summary = tmp_path / "summary.md"
    code, out, err = update(raw, data, summary)
    assert code == EXIT_REFUSED and out == ""
    (line,) = err.splitlines()
    assert line.startswith("vodspec: nothing was built: vod_04_0133: cannot fetch upstream:")
    assert "Connection refused" in line or "refused" in line
    assert not summary.exists()
    assert (contents(raw), contents(data)) == (before_raw, before_data)


def in_no_folder(raw: Path) -> None:
    manifest = json.loads((raw / "sources.json").read_bytes())
    manifest[0]["file"] = "pages/vod_04_0133.md"
    (raw / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")


def over_the_cap(raw: Path) -> None:
    (raw / "vod_04_0133.md").write_bytes(b"x" * 3_000_000)


@pytest.mark.parametrize(
    ("problem", "said"),
    [(in_no_folder, "there is no folder"), (over_the_cap, "the cap is")],
    ids=["a file in no folder", "a page over the size cap"],
)
def test_a_raw_dir_fetch_refuses_is_exit_1_before_fetching_and_named(
    published: Path, tmp_path: Path, problem: Any, said: str
) -> None:
    """A local problem, not upstream's: nothing is downloaded, and the message says what."""
    raw, data = checkout(published, tmp_path, "changed")
    problem(raw)
    before = contents(raw), contents(data)
    code, out, err = update(raw, data, tmp_path / "summary.md")
    assert code == EXIT_REFUSED and out == ""
    (line,) = err.splitlines()
    assert said in line and "upstream" not in line, line
    assert (contents(raw), contents(data)) == before


def test_a_raw_dir_that_cannot_be_written_is_not_called_upstreams(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vodspec.tools.fetch

    def refuse(path: Path, data: bytes) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(vodspec.tools.fetch, "replace_file", refuse)
    raw, data = checkout(published, tmp_path, "changed")
    before = contents(raw), contents(data)
    code, out, err = update(raw, data, tmp_path / "summary.md")
    assert code == EXIT_REFUSED and out == ""
    (line,) = err.splitlines()
    assert "nothing was built" in line and "upstream" not in line, line
    assert "vod_04_0133.md: cannot write the page: Permission denied" in line
    assert (contents(raw), contents(data)) == before


def test_a_manifest_the_build_refuses_is_not_called_upstreams(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fetch takes no page its manifest entry refuses: the build's refusal of the manifest
    (edited once the pages were fetched) is the raw dir's, exit 1, not 4."""
    import vodspec.tools.update
    from vodspec.tools.fetch import Fetched, fetch_each

    def fetch_then_edit(raw_dir: Path, ids: list[str]) -> list[tuple[str, Fetched | Any]]:
        results = list(fetch_each(raw_dir, ids))
        (raw_dir / "sources.json").write_text("[]", encoding="utf-8")
        return results

    monkeypatch.setattr(vodspec.tools.update, "fetch_each", fetch_then_edit)
    raw, data = checkout(published, tmp_path, "changed")
    before = contents(data)
    code, out, err = update(raw, data, tmp_path / "summary.md")
    assert code == EXIT_REFUSED and out == ""
    (line,) = err.splitlines()
    assert "sources.json: expected a non-empty JSON list" in line and "upstream" not in line
    assert contents(data) == before


@pytest.mark.parametrize("where", ["missing/summary.md", "."])
def test_a_summary_path_that_cannot_be_a_file_is_refused_before_fetching(
    published: Path, tmp_path: Path, where: str
) -> None:
    raw, data = checkout(published, tmp_path, "changed")
    before = contents(raw)
    code, out, err = update(raw, data, tmp_path / where)
    assert code == EXIT_REFUSED and out == ""
    (line,) = err.splitlines()
    assert "expected a file in an existing directory" in line
    assert contents(raw) == before


def test_a_first_publication_says_so(published: Path, tmp_path: Path) -> None:
    raw, data = checkout(published, tmp_path, "same")
    shutil.rmtree(data)
    code, out, err = update(raw, data, tmp_path / "summary.md")
    assert code == EXIT_OK, err
    assert "(its first publication); summary in" in out and "None" not in out


def everything(folder: Path) -> dict[str, bytes | str]:
    """Each file's bytes and each link's target under ``folder``."""
    return {
        str(path): f"-> {path.readlink()}" if path.is_symlink() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_symlink() or path.is_file()
    }


def summary_places(tmp_path: Path) -> dict[str, Path]:
    """Summary paths `update` must refuse before fetching, whatever upstream says."""
    outside = tmp_path / "outside.md"
    outside.write_text("someone's notes\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(outside)
    return {
        "a dataset": tmp_path / "data" / "status_codes.json",
        "a new file in the data dir": tmp_path / "data" / "SUMMARY.md",
        "the data dir through a link": tmp_path / "via" / "status_codes.json",
        "a file in the raw dir": tmp_path / "raw" / "notes.md",
        "a link": link,
        "a name too long to make": tmp_path / ("s" * 300),
    }


PLACES = [
    "a dataset",
    "a new file in the data dir",
    "the data dir through a link",
    "a file in the raw dir",
    "a link",
    "a name too long to make",
]


@pytest.mark.parametrize("place", PLACES)
def test_a_summary_path_update_must_not_write_is_refused_before_fetching(
    published: Path, tmp_path: Path, place: str
) -> None:
    raw, data = checkout(published, tmp_path, "changed")
    (tmp_path / "via").symlink_to(data)
    summary = summary_places(tmp_path)[place]
    before = everything(tmp_path)
    code, out, err = update(raw, data, summary)
    assert code == EXIT_REFUSED and out == ""
    (line,) = err.splitlines()
    assert "nothing was fetched" in line or "name a" in line, line
    assert everything(tmp_path) == before


DATA_DIR_STATES = {
    "a record edited by hand": lambda data: (data / "status_codes.json").write_bytes(
        (data / "status_codes.json").read_bytes().replace(b"Not Found", b"Not Here")
    ),
    "a stray file": lambda data: (data / "notes.txt").write_text("mine", encoding="utf-8"),
    "a file lost": lambda data: (data / "status_codes.csv").unlink(),
}


@pytest.mark.parametrize("state", DATA_DIR_STATES.values(), ids=DATA_DIR_STATES.keys())
@pytest.mark.parametrize("page", ["same", "changed"])
def test_a_data_dir_in_the_wrong_state_is_exit_5_before_fetching(
    published: Path, tmp_path: Path, state: Any, page: str
) -> None:
    raw, data = checkout(published, tmp_path, page)
    state(data)
    before = contents(raw), contents(data)
    summary = tmp_path / "summary.md"
    code, out, err = update(raw, data, summary)
    assert code == EXIT_UPDATE_DATA_DIR and out == ""
    (line,) = err.splitlines()
    assert "nothing was fetched" in line and "upstream" not in line, line
    assert (contents(raw), contents(data)) == before and not summary.exists()


def test_a_build_holding_the_lock_is_retryable_not_a_refusal(
    published: Path, tmp_path: Path
) -> None:
    raw, data = checkout(published, tmp_path, "changed")
    before = contents(data)
    with (tmp_path / ".data.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, err = update(raw, data, tmp_path / "summary.md")
    assert code == EXIT_REFUSED
    (line,) = [line for line in err.splitlines() if "warning" not in line]
    assert "another vodspec build is publishing" in line and "try again" in line
    assert "upstream" not in line and contents(data) == before
    code, _, err = update(raw, data, tmp_path / "summary.md")  # the next run publishes it
    assert code == EXIT_OK, err


def test_a_build_publishing_during_the_check_is_retryable_not_a_broken_data_dir(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vodspec import reading
    from vodspec.errors import DataDirReplacedError
    from vodspec.tools.update import update as update_in_process

    raw, data = checkout(published, tmp_path, "changed")
    real_read = reading.read_regular
    retired = tmp_path / "retired"

    def read_then_swap(path: Path, cap: int = reading.MAX_PAGE_BYTES) -> bytes:
        found = real_read(path, cap)
        if not retired.exists():  # as another build's swap: a new folder under the name
            data.rename(retired)
            shutil.copytree(retired, data)
        return found

    monkeypatch.setattr(reading, "read_regular", read_then_swap)
    # Not DataDirStateError (exit 5, "restore the data dir"): exit 1, try again.
    with pytest.raises(DataDirReplacedError, match="read it again"):
        update_in_process(raw, data)


def test_a_summary_of_an_earlier_run_is_not_taken_for_this_ones(
    published: Path, tmp_path: Path
) -> None:
    raw, data = checkout(published, tmp_path, "same")
    summary = tmp_path / "summary.md"
    summary.write_text("an earlier run's summary\n", encoding="utf-8")
    code, out, _ = update(raw, data, summary)
    assert code == EXIT_OK
    assert f"no summary written ({summary} is not from this run)" in out
    assert summary.read_text(encoding="utf-8") == "an earlier run's summary\n"


def test_without_a_summary_file_the_summary_is_printed(published: Path, tmp_path: Path) -> None:
    raw, data = checkout(published, tmp_path, "changed")
    result = run_cli("update", "--raw", str(raw), "--data", str(data))
    assert result.returncode == EXIT_OK, result.stderr
    version = json.loads((data / "datapackage.json").read_bytes())["version"]
    assert "its summary:" in result.stdout and f"**{version}**" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "raw"]
