"""`vodspec build` harms nothing it does not own, and the accessor never serves a stale snapshot."""

from __future__ import annotations

import compileall
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import edit, frozen_raw, one_line, package_copy, publish_seed, run_cli, run_in_site

from vodspec.errors import PublishError


def raw_dir(folder: Path) -> Path:
    """The frozen seed as the only source, in ``folder/raw``."""
    return frozen_raw(folder / "raw")


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("target", [".", "raw", "", "..", "raw/data", "notes"])
def test_build_refuses_a_folder_it_does_not_own(tmp_path: Path, target: str) -> None:
    work = tmp_path / "work"
    raw_dir(work)
    (work / "notes").mkdir()
    (work / "notes" / "todo.txt").write_text("mine", encoding="utf-8")
    (work / "README").write_text("mine", encoding="utf-8")
    before = listing(tmp_path)
    result = run_cli("build", "--data", target, cwd=work)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("vodspec: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert listing(tmp_path) == before


def test_build_refuses_a_data_dir_with_a_foreign_file(tmp_path: Path) -> None:
    raw = raw_dir(tmp_path)
    data = tmp_path / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    (data / "my-notes.txt").write_text("mine", encoding="utf-8")
    (raw / "vod_04_0133.md").write_text(
        (raw / "vod_04_0133.md").read_text(encoding="utf-8").replace("网关超时。", "网关超时了。"),
        encoding="utf-8",
    )
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 1
    assert "my-notes.txt" in result.stderr and "move them out" in result.stderr
    assert (data / "my-notes.txt").read_text(encoding="utf-8") == "mine"


def test_build_refuses_a_symlinked_data_dir(tmp_path: Path) -> None:
    raw = raw_dir(tmp_path)
    (tmp_path / "real").mkdir()
    (tmp_path / "data").symlink_to(tmp_path / "real")
    result = run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "symbolic link" in result.stderr
    assert (tmp_path / "data").is_symlink() and not any((tmp_path / "real").iterdir())


@pytest.mark.parametrize("state", ["missing", "empty", "published"])
def test_build_publishes_into_a_folder_it_owns(tmp_path: Path, state: str) -> None:
    raw = raw_dir(tmp_path)
    data = tmp_path / "out" / "data"
    if state != "missing":
        data.mkdir(parents=True)
    if state == "published":
        assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (data / "status_codes.json").is_file()


def checkout(tmp_path: Path) -> Path:
    """A copy of the package with raw/ (no data/ yet), where the build writes the snapshot."""
    site = package_copy(tmp_path)
    raw_dir(site)
    return site


def in_site(site: Path, *args: str) -> str:
    result = run_in_site(site, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def validated(data: Path) -> str:
    """`vodspec validate DATA` (its output; it passed), run in this process: validate reads
    only the dir it is given (and its raw/ beside it), as a checkout's would."""
    result = run_cli("validate", str(data))
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_snapshot_rebuilt_within_one_second_with_the_same_size_is_not_served_stale(
    tmp_path: Path,
) -> None:
    site = checkout(tmp_path)
    in_site(site, "-m", "vodspec", "build")
    snapshot = site / "data" / "snapshot.marshal"
    first = snapshot.stat()
    # Python's bytecode caches are checked by mtime and size only: a snapshot served through
    # one (as a generated module was) would be stale after the second build below.
    compileall.compile_dir(site / "vodspec", quiet=1)
    show = "import vodspec; print(vodspec.status(504).description, vodspec.data_version())"
    assert in_site(site, "-c", show).split() == ["网关超时。", "1.0.0"]

    page = site / "raw" / "vod_04_0133.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("网关超时。", "网关超时！"), encoding="utf-8"
    )
    in_site(site, "-m", "vodspec", "build")
    # The second build in the same second, with a snapshot of the same size.
    assert snapshot.stat().st_size == first.st_size
    os.utime(snapshot, ns=(first.st_atime_ns, first.st_mtime_ns))

    assert in_site(site, "-c", show).split() == ["网关超时！", "1.0.1"]
    assert in_site(site, "-m", "vodspec", "show", "504").count("网关超时！") == 1
    assert "ok" in validated(site / "data")


def test_a_replacement_removes_what_a_killed_one_left_and_nothing_else(tmp_path: Path) -> None:
    """fetch replaces raw/ pages one file at a time: a fetch killed between its write and its
    rename leaves a temporary file, which the next replacement of that file removes."""
    from vodspec.tools.publish.atomic import replace_file

    page = tmp_path / "page.md"
    page.write_text("old", encoding="utf-8")
    dead = [".page.md.4194305.tmp", f".page.md.{'9' * 30}.tmp"]  # > pid_max; no such pid
    for name in dead:
        (tmp_path / name).write_text("half a page", encoding="utf-8")
    # What is not ours to remove: the user's, a link, or the write of a process still running.
    (tmp_path / ".page.md.notes.tmp").write_text("mine", encoding="utf-8")
    (tmp_path / f".page.md.{os.getppid()}.tmp").write_text("running", encoding="utf-8")
    (tmp_path / ".page.md.1.tmp").symlink_to(page)
    replace_file(page, b"new")
    assert page.read_bytes() == b"new"
    kept = {".page.md.notes.tmp", f".page.md.{os.getppid()}.tmp", ".page.md.1.tmp"}
    assert {p.name for p in tmp_path.glob(".*")} == kept


def test_a_replacement_of_a_file_named_with_glob_characters_removes_only_its_own(
    tmp_path: Path,
) -> None:
    from vodspec.tools.publish.atomic import replace_file

    page = tmp_path / "p[1].md"
    (tmp_path / ".p[1].md.9999999999.tmp").write_text("half of it", encoding="utf-8")
    (tmp_path / ".p1.md.9999999999.tmp").write_text("another page's", encoding="utf-8")
    replace_file(page, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".p1.md.9999999999.tmp", "p[1].md"]


def test_the_snapshot_follows_a_data_dir_behind_a_link(tmp_path: Path) -> None:
    """data/ may be a link to the real folder: the build, told that folder, keeps the
    snapshot of the checkout's data/ up to date (validate checks it is)."""
    site = checkout(tmp_path)
    real = tmp_path / "real-data"
    (site / "data").symlink_to(real, target_is_directory=True)
    in_site(site, "-m", "vodspec", "build", "--data", str(real))
    show = "import vodspec; print(vodspec.status(504).description)"
    assert in_site(site, "-c", show).split() == ["网关超时。"]
    page = site / "raw" / "vod_04_0133.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("网关超时。", "网关超时！"), encoding="utf-8"
    )
    in_site(site, "-m", "vodspec", "build", "--data", str(real))
    assert in_site(site, "-c", show).split() == ["网关超时！"]
    assert "ok" in validated(site / "data")


def test_a_link_loop_where_data_would_be_is_not_a_crash(tmp_path: Path) -> None:
    site = checkout(tmp_path)
    (site / "data").symlink_to(site / "data")
    elsewhere = tmp_path / "elsewhere"
    assert "version 1.0.0" in in_site(site, "-m", "vodspec", "build", "--data", str(elsewhere))
    assert "ok" in validated(elsewhere)
    result = run_cli("validate", "data", cwd=site)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr


# Where the build may publish: never inside the package, a published data dir or raw/.


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("{package}/data", "vodspec package"),
        ("{package}", "vodspec package"),
        ("published/sub", "inside the published data dir"),
        ("raw/sub", "inside the raw dir"),
        ("afile/data", "is a file, not a folder"),
    ],
)
def test_build_refuses_places_it_may_not_own_in_words(
    tmp_path: Path, target: str, why: str
) -> None:
    from vodspec import layout

    work = tmp_path / "work"
    raw = raw_dir(work)
    assert run_cli("build", "--raw", str(raw), "--data", str(work / "published")).returncode == 0
    (work / "afile").write_text("mine", encoding="utf-8")
    before = listing(tmp_path)
    package_before = listing(layout.PACKAGE_DIR)
    data = target.format(package=layout.PACKAGE_DIR)
    result = run_cli("build", "--raw", str(raw), "--data", data, cwd=work)
    assert result.returncode == 1 and why in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert listing(tmp_path) == before and listing(layout.PACKAGE_DIR) == package_before


def test_an_empty_data_path_is_refused_in_words(tmp_path: Path) -> None:
    raw = raw_dir(tmp_path)
    for option in ("--data", "--raw"):
        args = {"--raw": str(raw), "--data": str(tmp_path / "data"), option: ""}
        result = run_cli("build", *(word for pair in args.items() for word in pair))
        assert result.returncode == 1 and f"{option} is an empty path" in result.stderr


# Every failure of the swap says which outcome it left, and leaves no temporary dir.


def published_seed(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """(raw, data, data's files) with the page edited since, so the next build publishes."""
    raw = raw_dir(tmp_path)
    data = tmp_path / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    page = raw / "vod_04_0133.md"
    page.write_text(page.read_text("utf-8").replace("网关超时。", "网关超时了。"), "utf-8")
    return raw, data, before


def only_data_and_raw(tmp_path: Path) -> None:
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "raw"]
    assert run_cli("validate", str(tmp_path / "data")).returncode == 0


def failing(name: str, after: int = 0) -> object:
    """A stand-in that fails with EACCES from its call number ``after`` + 1 on."""
    calls = [0]

    def fail(*args: object, **kwargs: object) -> None:
        calls[0] += 1
        if calls[0] > after:
            raise OSError(13, "Permission denied", name)

    return fail


@pytest.mark.parametrize("step", ["exchange", "second-rename", "mkdir"])
def test_a_failed_swap_leaves_the_old_publication_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    from vodspec.errors import PublishError
    from vodspec.tools.publish import atomic
    from vodspec.tools.publish.build import build

    raw, data, before = published_seed(tmp_path)
    if step == "exchange":
        monkeypatch.setattr(atomic, "_exchange", failing("exchange"))
    elif step == "mkdir":  # e.g. the parent vanished or is read-only
        real_mkdir = atomic.Path.mkdir

        def mkdir(self: Path, *args: object, **kwargs: object) -> None:
            if ".new-" in self.name:
                raise OSError(2, "No such file or directory", str(self))
            real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(atomic.Path, "mkdir", mkdir)
    else:  # no renameat2, and the rename of the new dir into place fails
        real_rename = os.rename
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)

        def rename(a: object, b: object) -> None:
            if ".new-" in str(a):
                raise OSError(13, "Permission denied", str(b))
            real_rename(a, b)  # type: ignore[arg-type]

        monkeypatch.setattr(atomic.os, "rename", rename)
    with pytest.raises(PublishError, match="nothing was changed"):
        build(raw, data)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    only_data_and_raw(tmp_path)


def test_a_failure_after_the_swap_says_the_new_version_is_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vodspec.errors import VodspecWarning
    from vodspec.tools.publish import atomic
    from vodspec.tools.publish.build import build

    raw, data, before = published_seed(tmp_path)
    real_remove = atomic._remove
    # Its first call clears a stale staging dir (there is none); the second, after the swap,
    # removes the old data dir.
    monkeypatch.setattr(atomic, "_remove", failing("the old data dir", after=1))
    with pytest.warns(VodspecWarning, match="is published, but the previous version"):
        report = build(raw, data)
    assert report.outcome == "published" and report.version == "1.0.1"
    assert {p.name: p.read_bytes() for p in data.iterdir()} != before
    assert run_cli("validate", str(data)).returncode == 0
    monkeypatch.setattr(atomic, "_remove", real_remove)
    # The next build removes what this one could not.
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    only_data_and_raw(tmp_path)


# As a user who is not root: the permissions are real, not simulated.


def unprivileged_python() -> tuple[list[str], dict[str, str]]:
    """A command running this Python's vodspec as user nobody, or skip where none can."""
    import pwd
    import subprocess
    import sys
    import sysconfig

    if os.geteuid() != 0:
        pytest.skip("dropping privileges needs root")
    try:
        nobody = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("no user nobody")
    from conftest import ROOT

    # This venv may live where nobody cannot go (/root); the system Python of the same
    # version can run the same packages, given their folder.
    env = {"PYTHONPATH": f"{ROOT}:{sysconfig.get_paths()['purelib']}", "PATH": "/usr/bin:/bin"}
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, f"/usr/bin/python{version}"):
        probe = [python, "-c", "import vodspec.tools.publish.build"]
        try:
            found = subprocess.run(probe, user=nobody, env=env, capture_output=True)
        except OSError:  # not even executable for nobody
            continue
        if found.returncode == 0:
            return [python, "-m", "vodspec"], env
    pytest.skip("no Python that user nobody may run can import vodspec")


def test_a_read_only_data_dir_as_a_user_who_is_not_root() -> None:
    import shutil
    import subprocess
    import tempfile

    command, env = unprivileged_python()
    top = Path(tempfile.mkdtemp(prefix="vodspec-nobody-"))

    def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], user=65534, env=env, capture_output=True, text=True, cwd=top
        )

    try:
        raw, data, before = published_seed(top)
        for path in (top, *top.rglob("*")):
            os.chown(path, 65534, 65534)
        os.chmod(data, 0o555)
        run = as_nobody("build", "--raw", str(raw), "--data", str(data))
        assert run.returncode == 1, run.stdout
        assert "read-only" in run.stderr and "nothing was changed" in run.stderr
        assert {p.name: p.read_bytes() for p in data.iterdir()} == before
        assert sorted(p.name for p in top.iterdir()) == ["data", "raw"]
        validate = as_nobody("validate", str(data))
        assert validate.returncode == 0, validate.stderr
        # Made writable again, the same user's build publishes and tidies up.
        os.chmod(data, 0o755)
        again = as_nobody("build", "--raw", str(raw), "--data", str(data))
        assert again.returncode == 0 and "1.0.1" in again.stdout, again.stderr
        assert sorted(p.name for p in top.iterdir()) == ["data", "raw"]
    finally:
        shutil.rmtree(top)


def test_a_folder_the_user_cannot_write_is_named_as_the_trouble() -> None:
    """The lock and the staging dir live beside the data dir: the folder holding it is
    named, not the lock file the user never asked for."""
    import shutil
    import subprocess
    import tempfile

    command, env = unprivileged_python()
    top = Path(tempfile.mkdtemp(prefix="vodspec-nobody-"))
    try:
        raw = frozen_raw(top / "raw")
        folder = top / "locked"
        folder.mkdir()
        for path in (top, *top.rglob("*")):
            os.chown(path, 65534, 65534)
        os.chmod(folder, 0o555)
        args = ["build", "--raw", str(raw), "--data", str(folder / "data")]
        run = subprocess.run(
            [*command, *args], user=65534, env=env, capture_output=True, text=True, cwd=top
        )
        assert run.returncode == 1, run.stdout
        line = one_line(run)
        assert line.startswith(f"vodspec: {folder}: cannot publish into {folder / 'data'}"), line
        assert "this folder cannot be written" in line and "nothing was changed" in line
        assert ".lock" not in line
        assert list(folder.iterdir()) == []
    finally:
        shutil.rmtree(top)


def test_a_data_path_through_a_link_is_judged_where_it_leads(tmp_path: Path) -> None:
    """'link/../data/sub' is where the system goes (beside the link's target), not what the
    text says once '..' is dropped: the build judges and publishes the same place."""
    work = tmp_path / "work"
    raw = raw_dir(work)
    assert run_cli("build", "--raw", str(raw), "--data", str(work / "data")).returncode == 0
    (work / "elsewhere").mkdir()
    (work / "elsewhere" / "inner").mkdir()
    (work / "link").symlink_to(work / "elsewhere" / "inner")
    before = listing(work / "data")
    # link/.. is work/elsewhere: the dir is work/elsewhere/data, not work/data/...
    result = run_cli("build", "--raw", str(raw), "--data", "link/../data", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "elsewhere" / "data" / "status_codes.json").is_file()
    assert listing(work / "data") == before
    # A link into the published data dir: link/../sub lies inside it, whatever the text.
    (work / "link").unlink()
    (work / "link").symlink_to(work / "elsewhere" / "data" / "inner", target_is_directory=True)
    refused = run_cli("build", "--raw", str(raw), "--data", "link/../sub", cwd=work)
    assert refused.returncode == 1 and "inside the published data dir" in refused.stderr


@pytest.mark.parametrize(
    "mine",
    # A folder under a published name is the user's too (only files are vodspec's).
    ["notes.txt", "error_codes.json/mine.txt"],
)
def test_what_appears_during_a_build_is_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mine: str
) -> None:
    from vodspec.errors import PublishError
    from vodspec.tools.publish import atomic
    from vodspec.tools.publish.build import build

    raw, data, before = published_seed(tmp_path)
    real_swap = atomic._swap

    def swap_after_the_user_wrote(staging: Path, data_dir: Path) -> Path | None:
        (data_dir / mine).parent.mkdir(exist_ok=True)  # while it ran
        (data_dir / mine).write_text("mine", encoding="utf-8")
        return real_swap(staging, data_dir)

    monkeypatch.setattr(atomic, "_swap", swap_after_the_user_wrote)
    name = mine.split("/")[0]
    with pytest.raises(
        PublishError, match=rf"appeared in the data dir.*{re.escape(name)}.*nothing"
    ):
        build(raw, data)
    assert (data / mine).read_text(encoding="utf-8") == "mine"
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.name != name} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "raw"]


SIGNALLED = r"""
import os, signal, sys
from vodspec.errors import PublishError
import vodspec.tools.publish.atomic as atomic
real = atomic.write_file
def write_file(path, data):
    if path.name == "status_codes.json":
        os.kill(os.getpid(), signal.SIGTERM)  # in the middle of writing the new dir
    real(path, data)
atomic.write_file = write_file
from vodspec.cli import main
sys.exit(main(["build", "--raw", sys.argv[1], "--data", sys.argv[2]]))
"""


def build_with(script: str, raw: Path, data: Path) -> subprocess.CompletedProcess[str]:
    """A build run by ``script`` (which patches a step, then calls the CLI's main)."""
    return subprocess.run(
        [sys.executable, "-c", script, str(raw), str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sigterm_while_publishing_finishes_the_publication_and_says_so(tmp_path: Path) -> None:
    raw, data, before = published_seed(tmp_path)
    result = build_with(SIGNALLED, raw, data)
    assert result.returncode == 130, result.stderr
    assert "interrupted" in result.stderr and "is published" in result.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} != before
    only_data_and_raw(tmp_path)


def test_sigint_before_publishing_says_the_data_was_not_changed(tmp_path: Path) -> None:
    raw, data, before = published_seed(tmp_path)
    script = SIGNALLED.replace(
        "atomic.write_file = write_file",
        "import vodspec.tools.publish.build as build\n"
        "scrape = build.scrape_source\n"
        "def interrupted(*args):\n"
        "    os.kill(os.getpid(), signal.SIGINT)  # while the pages are read\n"
        "    return scrape(*args)\n"
        "build.scrape_source = interrupted",
    )
    result = build_with(script, raw, data)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == f"vodspec: interrupted ({data} was not changed)"
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    only_data_and_raw(tmp_path)


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_signal_the_build_was_started_ignoring_stays_ignored(tmp_path: Path, name: str) -> None:
    """``trap '' INT`` (or a script's background job): the signal does not end the build."""
    raw, data, before = published_seed(tmp_path)
    script = SIGNALLED.replace("signal.SIGTERM", f"signal.{name}").replace(
        "from vodspec.cli import main",
        f"signal.signal(signal.{name}, signal.SIG_IGN)\nfrom vodspec.cli import main",
    )
    result = build_with(script, raw, data)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"published {data} version"), result.stdout
    assert {p.name: p.read_bytes() for p in data.iterdir()} != before
    only_data_and_raw(tmp_path)


def test_a_refused_build_leaves_no_folders_it_made(tmp_path: Path) -> None:
    raw = raw_dir(tmp_path)
    (raw / "vod_04_0133.md").write_text("no table here", encoding="utf-8")
    target = tmp_path / "new" / "a" / "b" / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(target)).returncode == 1
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("command", ["validate", "show 404 --data", "lint", "diff data"])
def test_an_over_long_path_is_one_short_line(tmp_path: Path, command: str) -> None:
    long = str(tmp_path / ("x" * 300))
    result = run_cli(*command.split(), long)
    assert result.returncode in (1, 2), result.stderr
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 600, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_data_path_with_a_control_character_is_refused(tmp_path: Path) -> None:
    raw = raw_dir(tmp_path)
    result = run_cli("build", "--raw", str(raw), "--data", "data\n", cwd=tmp_path)
    assert result.returncode == 1 and "control character" in result.stderr
    assert not (tmp_path / "data\n").exists()


def test_the_data_dirs_mode_is_kept_and_a_read_only_one_is_refused_even_for_root(
    tmp_path: Path,
) -> None:
    raw, data, _ = published_seed(tmp_path)
    os.chmod(data, 0o2750)
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    assert oct(data.stat().st_mode & 0o7777) == oct(0o2750)
    page = raw / "vod_04_0133.md"
    page.write_text(page.read_text("utf-8").replace("网关超时了。", "网关超时啦。"), "utf-8")
    os.chmod(data, 0o555)
    try:
        result = run_cli("build", "--raw", str(raw), "--data", str(data))
        assert result.returncode == 1 and "read-only" in result.stderr
    finally:
        os.chmod(data, 0o755)


LATE_SIGNAL = r"""
import os, signal, sys
import vodspec.tools.publish.build as build
real = build.publish_dir
def publish_dir(data_dir, files):
    real(data_dir, files)
    os.kill(os.getpid(), signal.SIGTERM)  # just after the swap, outside its own care
build.publish_dir = publish_dir
from vodspec.cli import main
sys.exit(main(["build", "--raw", sys.argv[1], "--data", sys.argv[2]]))
"""


def test_a_signal_just_after_publishing_says_it_published(tmp_path: Path) -> None:
    raw, data, _ = published_seed(tmp_path)
    result = build_with(LATE_SIGNAL, raw, data)
    assert result.returncode == 130
    assert "is published as version 1.0.1" in result.stderr, result.stderr


def test_an_impossible_data_dir_is_one_line(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    line = one_line(run_cli("build", "--raw", str(raw), "--data", "/proc/vodspec-data"))
    assert "cannot publish into /proc/vodspec-data" in line and "nothing was changed" in line


def test_a_full_disk_leaves_data_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vodspec.tools.publish import atomic
    from vodspec.tools.publish.build import build

    raw, data = publish_seed(tmp_path)
    edit(raw / "vod_04_0133.md", "网关超时。", "网关超时了。")
    before = {p.name: p.read_bytes() for p in data.iterdir()}

    def full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(atomic, "write_file", full)
    with pytest.raises(PublishError, match="No space left on device"):
        build(raw, data)
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "raw"]


def test_recovery_leaves_folders_it_did_not_make(tmp_path: Path) -> None:
    raw = frozen_raw(tmp_path / "raw")
    for name in (".data.new-backup", ".data.old-photos", ".data.old-999999999"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "mine.txt").write_text("mine", "utf-8")
    assert run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")).returncode == 0
    for name in (".data.new-backup", ".data.old-photos", ".data.old-999999999"):
        assert (tmp_path / name / "mine.txt").read_text("utf-8") == "mine"


def test_a_data_dir_spelled_with_dot_dot_is_the_same_dir(tmp_path: Path) -> None:
    raw, data = publish_seed(tmp_path)
    edit(raw / "vod_04_0133.md", "网关超时。", "网关超时了。")
    (data / "sub").mkdir()
    result = run_cli("build", "--raw", str(raw), "--data", str(data / "sub" / ".."))
    assert result.returncode == 1  # data/ now holds "sub": not ours to replace
    (data / "sub").rmdir()
    assert run_cli("build", "--raw", str(raw), "--data", f"{data}/sub/..").returncode == 0
    assert not list(tmp_path.rglob("*.new-*")) and not (data / "sub").exists()


def test_recovery_takes_only_its_own_leftovers_whatever_the_data_dirs_name(tmp_path: Path) -> None:
    """A data dir named with glob characters ("d[a]ta") cleans up its own killed builds and
    never takes another data dir's: the retired copy of data/ is not moved into it."""
    from vodspec.tools.publish.build import build

    raw, data = publish_seed(tmp_path)
    data.rename(tmp_path / ".data.old-999999999")  # a two-rename swap of data/, killed
    (tmp_path / ".d[a]ta.new-999999999").mkdir()  # a killed build of d[a]ta's staging
    (tmp_path / ".d[a]ta.new-999999999" / "lint.json").write_text("{}", "utf-8")
    assert build(raw, tmp_path / "d[a]ta").outcome == "published"
    assert (tmp_path / ".data.old-999999999" / "changes.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".data.old-999999999", "d[a]ta", "raw"]
