"""A corrupted or missing packaged snapshot, or tampered records, give a clear error, never a
wrong answer."""

from __future__ import annotations

import hashlib
import json
import marshal
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, publish_seed, run_cli, run_in_site
from conftest import package_copy as copy_of_package

import vodspec
from vodspec import snapshot
from vodspec.errors import PublishError

SNAPSHOT = DATA / snapshot.SNAPSHOT_NAME


def package_copy(tmp_path: Path, snapshot: bytes | None) -> Path:
    """A checkout (package and data/) whose snapshot is ``snapshot`` (None: missing)."""
    target = copy_of_package(tmp_path, data=True)
    path = target / "data" / "snapshot.marshal"
    if snapshot is None:
        path.unlink()
    else:
        path.write_bytes(snapshot)
    return target


def lookup(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """In a stripped environment: the accessor needs nothing of the maintainer's."""
    return run_in_site(site, *args, env={"PATH": "/usr/bin:/bin"})


def edited(version: int = snapshot.MARSHAL_VERSION, **changes: Callable[[Any], object]) -> bytes:
    """The committed snapshot with some of its entries changed (written in another marshal
    version if asked: 4 writes shared objects by reference)."""
    contents: dict[str, Any] = dict(snapshot.read(str(SNAPSHOT)))
    for key, change in changes.items():
        contents[key] = change(contents[key])
    return snapshot.MAGIC + marshal.dumps(contents, version)


def nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = (value,)
    return value


def shared_nest(depth: int) -> object:
    """Tuples nested ``depth`` deep, each holding the next one twice: in marshal 4, a file of
    some bytes a level; its repr doubles a level (at 40, terabytes)."""
    value: object = "x"
    for _ in range(depth):
        value = (value, value)
    return value


def swap(index: int, value: object) -> Callable[[tuple[object, ...]], tuple[object, ...]]:
    """A row with one value changed."""
    return lambda row: tuple(value if i == index % len(row) else v for i, v in enumerate(row))


def first_row(
    rows: tuple[tuple[object, ...], ...], change: Callable[[tuple[object, ...]], tuple[object, ...]]
) -> tuple[tuple[object, ...], ...]:
    """The rows with the first one changed: whatever the page lists, a lookup loads them all."""
    return (change(rows[0]), *rows[1:])


FIRST_CODE = snapshot.read(str(SNAPSHOT))["status_codes"][0][0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (None, "cannot be loaded (FileNotFoundError"),
        (b"DATA_VERSION = '1.0.0'\n", "cannot be loaded (not a vodspec snapshot)"),
        (SNAPSHOT.read_bytes().ljust(snapshot.MAX_BYTES + 1, b"\0"), "not a vodspec snapshot"),
        (SNAPSHOT.read_bytes()[:-7], "cannot be loaded (EOFError"),
        (snapshot.MAGIC + marshal.dumps(["1.0.0"], 2), "contents are not those"),
        (snapshot.MAGIC + marshal.dumps({"data_version": "1.0.0"}, 2), "contents are not those"),
        (edited(data_version=lambda _: None), "the dataset has no version"),
        (edited(status_codes_fields=lambda f: f[:-1]), "fields do not match"),
        (edited(status_codes=lambda rows: rows[0]), "malformed Status record"),
        (
            edited(status_codes=lambda rows: first_row(rows, lambda r: (str(r[0]), *r[1:]))),
            f"code is '{FIRST_CODE}'",
        ),
        (
            edited(status_codes=lambda rows: first_row(rows, lambda r: (*r, "extra"))),
            "malformed Status record",
        ),
        (edited(data_version=lambda _: ""), "the dataset has no version"),
        (edited(data_version=lambda _: "1.x.0"), "the dataset has no version"),
        *[
            (
                edited(status_codes=lambda rows, i=index, v=value: first_row(rows, swap(i, v))),
                f"{name} is {value!r}",
            )
            for index, name, value in [
                (0, "code", 0),
                (0, "code", 999),
                (0, "code", True),
                (1, "reason", 5),
                (3, "paragraphs", None),
                (3, "paragraphs", ["a list"]),
                (4, "retry", None),
                (4, "retry", "sometimes"),
                (-1, "source_sha256", None),
                (1, "reason", "\ud800Not Found"),
                (1, "reason", "Not \x1b]0;owned\x07Found"),
                (2, "description", "a\x00b"),
                (3, "paragraphs", ("ok", "\x9b2J")),
                (-2, "source_line", 51.0),
            ]
        ],
        (
            edited(status_codes=lambda rows: first_row(rows, swap(0, 10**5000))),
            "code is an int too large to show",
        ),
        (
            edited(status_codes=lambda rows: first_row(rows, swap(3, nested(1500)))),
            "paragraphs is a tuple too large to show",
        ),
        (edited(data_version=lambda _: 10**5000), "found an int too large to show"),
        (  # a small file of shared references that would unfold into gigabytes
            edited(
                4,
                error_codes=lambda rows: tuple(
                    (*r[:7], ("x" * 10_000,) * 1_000, *r[8:]) for r in rows
                ),
            ),
            "contents are not those",
        ),
        (  # a value of shared references, whose repr a refusal would show
            edited(4, status_codes=lambda rows: first_row(rows, swap(3, shared_nest(20)))),
            "contents are not those",
        ),
        (edited(4, data_version=lambda _: shared_nest(20)), "contents are not those"),
        (edited(error_codes=lambda rows: ((5, *rows[0][1:]), *rows[1:])), "error_code is 5"),
    ],
)
def test_broken_snapshot_is_a_clear_error(
    tmp_path: Path, data: bytes | None, expected: str
) -> None:
    site = package_copy(tmp_path, data)
    result = lookup(site, "-c", "import vodspec; print(vodspec.status(404))")
    assert result.returncode != 0 and "PublishError" in result.stderr and expected in result.stderr
    cli = lookup(site, "-m", "vodspec", "show", "404")
    assert cli.returncode == 1 and "Traceback" not in cli.stderr and expected in cli.stderr
    assert "snapshot.marshal" in cli.stderr  # the file refused, whatever is wrong in it
    if "cannot be loaded" in expected:  # `vodspec build` refuses a lost snapshot: restore it
        assert "git checkout -- data" in cli.stderr and "vodspec build" not in cli.stderr


def test_validate_notices_a_snapshot_that_does_not_match_the_data(tmp_path: Path) -> None:
    # validate DIR checks DIR's own snapshot: run in this process (a new interpreter per
    # check would import the models each time, for no more strength).
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    assert run_cli("validate", str(data)).returncode == 0
    for tampered in (
        edited(package_sha256=lambda _: "0" * 64),
        edited(data_version=lambda _: "9.9.9"),
        edited(status_codes=lambda rows: first_row(rows, swap(2, "a valid, other description"))),
        edited(error_codes=lambda rows: rows[1:]),
        edited(status_codes=lambda rows: first_row(rows, swap(-2, float(rows[0][-2])))),
        edited(4),  # the same values, written another way
        SNAPSHOT.read_bytes() + b"GARBAGE",
    ):
        (data / "snapshot.marshal").write_bytes(tampered)
        result = run_cli("validate", str(data))
        assert result.returncode == 1 and "snapshot.marshal" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("field", "value"),
    [("retry", "please_retry"), ("paragraphs", {"a": 1}), ("reason", 7), ("code", True)],
)
def test_open_dataset_refuses_tampered_records(tmp_path: Path, field: str, value: object) -> None:
    _, data = publish_seed(tmp_path)
    dataset = json.loads((data / "status_codes.json").read_bytes())
    dataset["records"][0][field] = value
    (data / "status_codes.json").write_text(json.dumps(dataset), "utf-8")
    with pytest.raises(PublishError, match="not the file the last build wrote"):
        vodspec.open_dataset(data)
    # Resealed as a careful forger would: the record itself is refused.
    reseal(data, "status_codes.json")
    with pytest.raises(PublishError, match=f"record 1: {field} is|not a status-code dataset"):
        vodspec.open_dataset(data)


@pytest.mark.parametrize("change", [list.reverse, lambda records: records.append(records[-1])])
def test_open_dataset_refuses_status_codes_out_of_order_or_twice(
    tmp_path: Path, change: Callable[[list[object]], None]
) -> None:
    # Reversed, they were served so (statuses() is sorted by code); a repeat was refused
    # without naming the file.
    _, data = publish_seed(tmp_path)
    dataset = json.loads((data / "status_codes.json").read_bytes())
    change(dataset["records"])
    (data / "status_codes.json").write_text(json.dumps(dataset), "utf-8")
    reseal(data, "status_codes.json")
    with pytest.raises(PublishError, match=r"status_codes\.json: .*not unique and sorted"):
        vodspec.open_dataset(data)


def test_open_dataset_refuses_a_field_the_schema_does_not_have(tmp_path: Path) -> None:
    _, data = publish_seed(tmp_path)
    dataset = json.loads((data / "status_codes.json").read_bytes())
    dataset["records"][0]["evil"] = 1
    (data / "status_codes.json").write_text(json.dumps(dataset), "utf-8")
    reseal(data, "status_codes.json")
    with pytest.raises(PublishError, match="a field 'evil' its schema does not have"):
        vodspec.open_dataset(data)


def test_open_dataset_refuses_a_link_in_the_data_dir(tmp_path: Path) -> None:
    _, data = publish_seed(tmp_path)
    outside = tmp_path / "outside.json"
    (data / "status_codes.json").rename(outside)
    (data / "status_codes.json").symlink_to(outside)
    with pytest.raises(PublishError, match="a symbolic link"):
        vodspec.open_dataset(data)


def test_open_dataset_refuses_a_dataset_lost_since_the_build(
    tmp_path: Path, seed_and_errors: Path
) -> None:
    # A dir that lost error_codes.json answered that no error-code dataset is published.
    data = tmp_path / "data"
    shutil.copytree(seed_and_errors, data)
    (data / "error_codes.json").unlink()
    with pytest.raises(PublishError, match=r"error_codes\.json: .*missing, though the last build"):
        vodspec.open_dataset(data)


def reseal(data: Path, name: str) -> None:
    """Record the file's new hash in the newest entry of changes.json, as a build would."""
    entries = json.loads((data / "changes.json").read_bytes())
    entries[0]["files"][name] = hashlib.sha256((data / name).read_bytes()).hexdigest()
    (data / "changes.json").write_text(json.dumps(entries), "utf-8")


def test_a_build_publishing_while_a_data_dir_is_read_never_mixes_two_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import edit

    from vodspec import reading
    from vodspec.errors import DataDirReplacedError

    raw, data = publish_seed(tmp_path)
    old = tmp_path / "old"
    shutil.copytree(data, old)
    edit(raw / "vod_04_0133.md", "网关超时。", "网关超时了。")
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    live = tmp_path / "live"
    real_read = reading.read_regular

    def swap_after(reads: int, retired: Path) -> None:
        """``live`` a copy of ``old``, into which ``data`` is published after ``reads`` reads."""
        shutil.copytree(old, live)
        left = [reads]

        def read_then_swap(path: Path, cap: int = reading.MAX_PAGE_BYTES) -> bytes:
            found = real_read(path, cap)
            left[0] -= 1
            if left[0] == 0:  # as a build's swap does: another folder under the same name
                live.rename(retired)
                shutil.copytree(data, live)
            return found

        monkeypatch.setattr(reading, "read_regular", read_then_swap)

    # The first file read of the old publication, the others of the new: read again, whole.
    swap_after(1, tmp_path / "retired-1")
    registry = vodspec.open_dataset(live)
    assert registry.data_version() != vodspec.open_dataset(old).data_version()
    assert registry.status(504).description == "网关超时了。"
    shutil.rmtree(live)
    swap_after(1, tmp_path / "retired-2")
    with pytest.raises(DataDirReplacedError, match="while it was read; read it again"):
        reading.DataDir(live).datasets()
