"""The runtime accessor: lookups, immutability, thread safety, and no heavy imports."""

from __future__ import annotations

import http
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

import vodspec
from vodspec import Status, UnknownStatusError


def published() -> dict[str, object]:
    return json.loads((DATA / "status_codes.json").read_bytes())


@pytest.mark.parametrize(
    "query",
    [
        404,
        "404",
        " 404 ",
        "404 Not Found",
        "404 not found",
        "Not Found",
        "not found",
        "NOT_FOUND",
        http.HTTPStatus.NOT_FOUND,
    ],
)
def test_status_accepts_every_spelling(query: object, seed_data: Path) -> None:
    registry = vodspec.open_dataset(seed_data)
    record = registry.status(query)
    assert (record.code, record.reason, record.name) == (404, "Not Found", "NOT_FOUND")


def test_the_module_looks_up_what_the_shipped_data_says() -> None:
    for row in published()["records"]:
        assert vodspec.status(row["code"]).as_dict() == row
        assert vodspec.get(str(row["code"])) == vodspec.status(row["code"])
        if row["reason"]:
            assert vodspec.status(row["reason"].upper()).code == row["code"]


@pytest.mark.parametrize(
    "query", [999, 418, "418", "404 Bad Request", "nothing", "", None, True, 404.0, b"404"]
)
def test_unknown_raises_lookup_error_naming_the_query(query: object, seed_data: Path) -> None:
    registry = vodspec.open_dataset(seed_data)
    with pytest.raises(LookupError) as info:
        registry.status(query)
    assert isinstance(info.value, UnknownStatusError)
    assert repr(query) in str(info.value)
    assert registry.get(query) is None


def test_records_match_the_published_json() -> None:
    data = published()
    assert vodspec.data_version() == data["version"]
    assert [record.as_dict() for record in vodspec.statuses()] == data["records"]


def test_records_are_immutable_and_typed() -> None:
    record = vodspec.statuses()[-1]
    with pytest.raises(AttributeError):
        record.retry = "retry_unchanged"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del record.code
    assert isinstance(record, Status)
    assert isinstance(record.paragraphs, tuple)
    assert hash(record) == hash(vodspec.status(str(record.code)))


def test_iteration_is_sorted_and_complete() -> None:
    codes = [record.code for record in vodspec.statuses()]
    assert codes == sorted(codes) and len(codes) == len(published()["records"])


def test_concurrent_first_lookups_load_once() -> None:
    code = (
        "import threading, vodspec\n"
        "import vodspec as v\n"
        "calls = []\n"
        "original = v._read_snapshot\n"
        "def counted():\n"
        "    calls.append(1)\n"
        "    return original()\n"
        "v._read_snapshot = counted\n"
        "barrier = threading.Barrier(32)\n"
        "results = []\n"
        "def worker():\n"
        "    barrier.wait()\n"
        "    results.append(v.statuses()[0].code)\n"
        "threads = [threading.Thread(target=worker) for _ in range(32)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "assert len(set(results)) == 1 and len(results) == 32, results\n"
        "assert len(calls) == 1, calls\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_import_needs_no_scraping_stack() -> None:
    # -S: no site hooks preloading modules, so this sees everything vodspec itself imports.
    code = (
        "import sys; before = set(sys.modules)\n"
        "import vodspec; vodspec.statuses(); vodspec.get(404)\n"
        "new = set(sys.modules) - before\n"
        "heavy = {'bs4', 'lxml', 'pydantic', 'httpx', 'json', 're', 'typing', 'enum',\n"
        "         'threading', 'pathlib', 'collections', 'dataclasses'} & new\n"
        "assert not heavy, heavy\n"
        "build_side = ('vodspec.tools',)\n"
        "assert not any(name.startswith(build_side) for name in new), new\n"
    )
    subprocess.run([sys.executable, "-S", "-c", code], cwd=ROOT, check=True, timeout=60)


def test_threads_racing_the_first_load_get_the_same_records() -> None:
    # A fresh interpreter, so nothing is loaded yet; threads released together, switching
    # as often as the interpreter can; the race run again from unloaded a few times.
    code = (
        "import sys, threading\n"
        "sys.setswitchinterval(1e-6)\n"
        "import vodspec\n"
        "for round in range(8):\n"
        "    assert vodspec._registry is None\n"
        "    barrier, seen = threading.Barrier(16), []\n"
        "    def worker():\n"
        "        barrier.wait()\n"
        "        seen.append(vodspec.statuses())\n"
        "    threads = [threading.Thread(target=worker) for _ in range(16)]\n"
        "    [t.start() for t in threads]; [t.join() for t in threads]\n"
        "    assert len(seen) == 16 and len({id(s) for s in seen}) == 1, round\n"
        "    vodspec._registry = None\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_a_phrase_two_codes_share_names_neither() -> None:
    from vodspec import Registry, Status, UnknownStatusError

    def record(code: int, reason: str) -> Status:
        values = ("x", ("x",), "unspecified", None, None, "unspecified", None, None, None, 1, "0")
        return Status(code, reason, *values)

    registry = Registry("1.0.0", (record(404, "Not Found"), record(409, "Not Found")))
    assert registry.get("not found") is None and registry.get(409) is not None
    with pytest.raises(UnknownStatusError):
        registry.status("Not Found")
    alone = Registry("1.0.0", (record(404, "Not Found"), record(409, "Conflict")))
    assert alone.status("not found").code == 404


# Odd keys: any int, any length of text, bytes where a path goes; never a crash, and a
# refusal quotes only a short excerpt of what it was given.

HUGE = 10**10000  # past Python's int-to-text limit


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: vodspec.status(HUGE), vodspec.UnknownStatusError),
        (lambda: vodspec.status(-(10**5000)), vodspec.UnknownStatusError),
        (lambda: vodspec.status("x" * 10**6), vodspec.UnknownStatusError),
        (lambda: vodspec.status("4" * 10**6), vodspec.UnknownStatusError),
        (lambda: vodspec.error(HUGE), vodspec.UnknownErrorCodeError),
        (lambda: vodspec.error("v" * 10**7), vodspec.UnknownErrorCodeError),
        (lambda: vodspec.error("VOD.NO.SUCH", status=HUGE), vodspec.UnknownErrorCodeError),
        (lambda: vodspec.error(vodspec.error_codes()[0].error_code, status=HUGE), LookupError),
    ],
)
def test_odd_keys_get_the_lookup_error_with_a_short_message(
    call: object, error: type[Exception]
) -> None:
    if not vodspec.error_codes():
        pytest.skip("no error-code dataset is published")
    with pytest.raises(error) as info:
        call()  # type: ignore[operator]
    assert len(str(info.value)) < 200


def test_get_never_raises_on_odd_keys() -> None:
    for query in (HUGE, "x" * 10**6, b"404", 404.0, None, object()):
        assert vodspec.get(query) is None
    assert vodspec.get_error(HUGE) == () and vodspec.get_error("x", status=HUGE) == ()


def test_open_dataset_takes_any_kind_of_path(tmp_path: Path) -> None:
    import os

    for path in (str(DATA), os.fsencode(DATA), DATA):
        assert vodspec.open_dataset(path).data_version() == vodspec.data_version()
    with pytest.raises(vodspec.PublishError):
        vodspec.open_dataset(os.fsencode(tmp_path / "nowhere"))
    with pytest.raises(TypeError, match="takes a path"):
        vodspec.open_dataset(404)  # type: ignore[arg-type]


def test_show_of_a_huge_key_is_one_short_line() -> None:
    from conftest import run_cli

    for key in ("9" * 100_000, "x" * 100_000):
        result = run_cli("show", key)
        assert result.returncode == 1 and result.stderr.count("\n") == 1
        assert len(result.stderr) < 200, result.stderr[:300]


def test_digit_strings_too_long_for_an_int_are_no_status() -> None:
    if not vodspec.error_codes():
        pytest.skip("no error-code dataset is published")
    code = vodspec.error_codes()[0].error_code
    assert vodspec.get_error(code, status="9" * 5000) == ()
    with pytest.raises(vodspec.UnknownErrorCodeError):
        vodspec.error(code, status="9" * 5000)


def test_explain_takes_numbers_too_large_to_write() -> None:
    class Odd(Exception):
        status_code = 10**10000
        error_code = 10**10000
        error_msg = None

    explanation = vodspec.explain(Odd())
    assert explanation.status is None
    assert vodspec.retry_condition(None, Odd()) is False


def test_open_dataset_refuses_an_empty_path() -> None:
    for path in ("", b"", " "):
        with pytest.raises(vodspec.PublishError, match="empty"):
            vodspec.open_dataset(path)


def test_data_dir_names_the_shipped_files() -> None:
    folder = vodspec.data_dir()
    assert (folder / "datapackage.json").is_file() and (folder / "error_codes.csv").is_file()
    version = json.loads((folder / "datapackage.json").read_bytes())["version"]
    assert version == vodspec.data_version() == vodspec.__version__


@pytest.mark.parametrize(
    "name", ["status", "get", "statuses", "error", "get_error", "error_codes", "data_version"]
)
def test_module_and_registry_speak_alike(name: str, seed_and_errors: Path) -> None:
    registry = vodspec.open_dataset(seed_and_errors)
    assert callable(getattr(vodspec, name)) and callable(getattr(registry, name))


def test_open_dataset_takes_a_dir_or_a_file_in_it(seed_and_errors: Path) -> None:
    for path in (
        seed_and_errors,
        seed_and_errors / "status_codes.json",
        seed_and_errors / "datapackage.json",
    ):
        assert (
            vodspec.open_dataset(path).statuses()
            == vodspec.open_dataset(seed_and_errors).statuses()
        )


@pytest.mark.parametrize("query", ["404\tNot Found", " 404  Not   Found ", "not\nfound"])
def test_status_lookups_fold_whitespace(query: str, seed_and_errors: Path) -> None:
    assert vodspec.open_dataset(seed_and_errors).status(query).code == 404


def test_a_registered_status_vod_does_not_list_is_named_so() -> None:
    from vodspec.standard import standard_phrase

    missing = next(
        code for code in range(100, 600) if standard_phrase(code) and vodspec.get(code) is None
    )
    with pytest.raises(vodspec.UnknownStatusError) as info:
        vodspec.status(missing)
    assert f"{missing} {standard_phrase(missing)} is a registered HTTP status" in str(info.value)
    with pytest.raises(vodspec.UnknownStatusError) as other:
        vodspec.status(599)
    assert "registered" not in str(other.value)


@pytest.mark.parametrize("written", ["0{code}", " 0{code} ", "{code} No Such Phrase"])
def test_a_listed_status_written_otherwise_is_named_as_listed(written: str) -> None:
    """A query that starts with a listed code's number is told what the page lists under it,
    never that the page does not list it."""
    listed = vodspec.statuses()[0]
    with pytest.raises(vodspec.UnknownStatusError) as info:
        vodspec.status(written.format(code=listed.code))
    message = str(info.value)
    assert f"lists {listed.code} {listed.reason or 'without'}" in message
    assert "does not list" not in message


def test_records_sort_by_code() -> None:
    statuses = list(vodspec.statuses())
    assert sorted(reversed(statuses)) == sorted(statuses, key=lambda r: r.code)
    assert min(statuses).code == min(record.code for record in statuses)
    errors = list(vodspec.error_codes())
    if errors:
        expected = sorted(errors, key=lambda r: (r.error_code, r.http_status or -1, r.source_line))
        assert sorted(errors) == expected
        with pytest.raises(TypeError):
            _ = statuses[0] < errors[0]  # type: ignore[operator]


def test_a_registry_says_what_it_holds() -> None:
    registry = vodspec.open_dataset(DATA)
    text = repr(registry)
    assert registry.data_version() in text and f"{len(registry.statuses())} status codes" in text
