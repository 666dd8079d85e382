"""VOD's error codes in the package, SDK help that is right, and one vocabulary everywhere.

Semantics are checked on datasets built from fixtures (the frozen seed and a layout page);
the shipped data only for invariants, so a doc update keeps these green.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, PAGE_SHAPES, SEED, run_cli, two_sources

import vodspec
from vodspec.registry import Registry
from vodspec.tools.lint import lint_error_records

exceptions = pytest.importorskip("huaweicloudsdkcore.exceptions.exceptions")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the frozen seed's status codes and a five-column error page."""
    root = tmp_path_factory.mktemp("both")
    raw = two_sources(root / "raw", SEED, PAGE_SHAPES / "errors_five_columns.md")
    assert run_cli("build", "--raw", str(raw), "--data", str(root / "data")).returncode == 0
    return root / "data"


def sdk_error(status: int, code: str = "VST.10002", msg: str = "server text") -> Any:
    kind = exceptions.ClientRequestException if status < 500 else exceptions.ServerResponseException
    return kind(status, exceptions.SdkError("req-9", code, msg))


# The shipped package


def test_the_shipped_error_codes_are_the_published_ones() -> None:
    published = json.loads((DATA / "error_codes.json").read_bytes())["records"]
    assert [r.as_dict() for r in vodspec.error_codes()] == published
    first = published[0]
    assert vodspec.error(first["error_code"])[0].as_dict() == first
    assert vodspec.error(f"  {first['error_code'].lower()} ")[0].error_code == first["error_code"]
    assert vodspec.get_error("NO.SUCH.CODE") == ()
    with pytest.raises(LookupError):
        vodspec.error("NO.SUCH.CODE")


def test_data_dir_names_the_shipped_files() -> None:
    folder = vodspec.data_dir()
    assert (folder / "datapackage.json").is_file() and (folder / "error_codes.csv").is_file()
    version = json.loads((folder / "datapackage.json").read_bytes())["version"]
    assert version == vodspec.data_version() == vodspec.__version__


# One vocabulary


@pytest.mark.parametrize(
    "name", ["status", "get", "statuses", "error", "get_error", "error_codes", "data_version"]
)
def test_module_and_registry_speak_alike(name: str, both: Path) -> None:
    registry = vodspec.open_dataset(both)
    assert callable(getattr(vodspec, name)) and callable(getattr(registry, name))


def test_open_dataset_takes_a_dir_or_a_file_in_it(both: Path) -> None:
    for path in (both, both / "status_codes.json", both / "datapackage.json"):
        assert vodspec.open_dataset(path).statuses() == vodspec.open_dataset(both).statuses()


@pytest.mark.parametrize("query", ["404\tNot Found", " 404  Not   Found ", "not\nfound"])
def test_status_lookups_fold_whitespace(query: str, both: Path) -> None:
    assert vodspec.open_dataset(both).status(query).code == 404


# explain()


def test_explain_gives_records_messages_remedy_and_both_views(both: Path) -> None:
    registry = vodspec.open_dataset(both)
    explanation = vodspec.explain(sdk_error(500, msg="Internal busy"), registry)
    assert explanation.status is not None and explanation.status.code == 500
    assert [(r.error_code, r.http_status) for r in explanation.error_codes] == [("VST.10002", 500)]
    assert explanation.error_msg == "Internal busy"  # the server's words are kept
    assert explanation.page_message == "系统内部错误"
    assert explanation.remedy == "详细操作，请参见： / 操作指南 / 联系技术支持"  # one line
    assert (explanation.vendor_retry, explanation.standard_retry) == ("unspecified", "unspecified")
    line = str(explanation)
    assert "\n" not in line and line.startswith(
        "HTTP 500 Internal Server Error; VST.10002 系统内部错误"
    )
    assert "server: Internal busy" in line and "remedy: 详细操作，请参见： / 操作指南" in line


def test_explain_names_the_source_of_each_view(both: Path) -> None:
    registry = vodspec.open_dataset(both)
    explanation = vodspec.explain(sdk_error(503), registry)
    assert (
        explanation.vendor_retry == "do_not_retry"
        and explanation.vendor_source == "vod_04_0133 503"
    )
    assert explanation.standard_retry == "retry"
    assert explanation.standard_reference is not None
    assert explanation.standard_reference.startswith("RFC 9110, Section 15.6.4")


@pytest.mark.parametrize("status", [408, 425, 429, 502, 503, 504])
def test_the_standard_view_does_not_depend_on_the_page(status: int, both: Path) -> None:
    registry = vodspec.open_dataset(both)  # the seed lists neither 425 nor 429
    condition = functools.partial(vodspec.retry_condition, follow="standard", registry=registry)
    assert condition(None, sdk_error(status)) is True
    assert vodspec.explain(sdk_error(status), registry).standard_retry == "retry"


@pytest.mark.parametrize("name", ["ConnectionException", "RequestTimeoutException"])
def test_network_failures_retry_only_when_idempotent(name: str, both: Path) -> None:
    registry = vodspec.open_dataset(both)
    exc = getattr(exceptions, name)("connection reset")
    for follow in ("vendor", "standard"):
        assert vodspec.retry_condition(None, exc, follow, registry=registry) is False  # type: ignore[arg-type]
        assert vodspec.retry_condition(None, exc, follow, idempotent=True, registry=registry)  # type: ignore[arg-type]
    explanation = vodspec.explain(exc, registry)
    assert explanation.network and "RFC 9110, Section 9.2.2" in str(explanation)


class FakeTransport:
    """The SDK's client seen by its invoker: answers 429, 429, then 200, counting calls."""

    def __init__(self) -> None:
        self.calls = 0

    def do_http_request(self, **_: object) -> str:
        self.calls += 1
        if self.calls <= 2:
            raise sdk_error(429, "APIGW.0308", "The throttling threshold has been reached")
        return "200 OK"


@pytest.mark.parametrize(("follow", "calls"), [("standard", 3), ("vendor", 1)])
def test_the_sdks_real_invoker_retries_429_under_the_standard_view_only(
    follow: str, calls: int, both: Path
) -> None:
    invoker_module = pytest.importorskip("huaweicloudsdkcore.invoker.invoker")
    strategies = pytest.importorskip("huaweicloudsdkcore.retry.backoff_strategy")
    transport = FakeTransport()
    invoker = invoker_module.SyncInvoker(transport, {})
    condition = functools.partial(
        vodspec.retry_condition, follow=follow, registry=vodspec.open_dataset(both)
    )

    class NoDelay(strategies.BackoffStrategy):  # type: ignore[misc]
        def calculate_retry_delay_millis(self, retry_times: int) -> int:
            return 0

    invoker.with_retry(condition, 5, NoDelay())
    if follow == "standard":
        assert invoker.invoke() == "200 OK"
    else:
        with pytest.raises(exceptions.ClientRequestException):
            invoker.invoke()
    assert transport.calls == calls


# The command line


def test_version_names_the_package_and_the_data() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and vodspec.data_version() in result.stdout


def test_list_json_and_filters(both: Path) -> None:
    listed = json.loads(run_cli("list", "--json", "--data", str(both)).stdout)
    assert [r["code"] for r in listed] == [r.code for r in vodspec.open_dataset(both).statuses()]
    errors = json.loads(
        run_cli("list", "--data", str(both), "--category", "server_error", "--json").stdout
    )
    assert {r["code"] // 100 for r in errors} == {5}
    advice = run_cli("list", "--data", str(both), "--retry", "do_not_retry").stdout
    assert "503" in advice and "200" not in advice
    codes = json.loads(run_cli("list", "--errors", "--json", "--data", str(both)).stdout)
    assert {r["error_code"] for r in codes} >= {"VST.10002"}


def test_show_an_error_code_from_another_data_dir(both: Path) -> None:
    shown = run_cli("show", "VST.10002", "--data", str(both))
    assert shown.returncode == 0 and shown.stdout.count("VST.10002") == 2
    assert "请联系华为工程师解决" in shown.stdout
    as_json = json.loads(run_cli("show", "vst.10002", "--json", "--data", str(both)).stdout)
    assert [r["http_status"] for r in as_json] == [400, 500]


def test_global_options_after_the_subcommand_and_no_abbreviations() -> None:
    code = str(vodspec.statuses()[0].code)
    assert run_cli("show", code, "--debug").returncode == 0
    assert run_cli("--debug", "show", code).returncode == 0
    abbreviated = run_cli("show", code, "--jso")
    assert abbreviated.returncode == 2 and "unrecognized arguments: --jso" in abbreviated.stderr


def test_lint_names_an_unregistered_code_plainly(tmp_path: Path) -> None:
    record = {"code": 299, "reason": "Odd", "retry": "unspecified", "description": "x"}
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"kind": "status_codes", "records": [record]}), "utf-8")
    out = run_cli("lint", str(path)).stdout
    assert "unregistered-code" in out and "None" not in out


# Lint rules for error codes


def error_record(
    code: str, status: int, message: str, description: str, remedy: str
) -> dict[str, Any]:
    return {
        "error_code": code,
        "http_status": status,
        "message": message,
        "description": description,
        "remedy": remedy,
    }


def test_error_lint_rules() -> None:
    records = [
        error_record("VOD.1", 403, "系统错误", "系统错误", "系统错误"),
        error_record("VOD.1", 500, "系统错误", "系统内部错误", "请重试"),
        error_record("VOD.2", 418, "茶壶", "茶壶", "换个壶"),
    ]
    statuses = [{"code": 403}, {"code": 500}]
    found = {(f.code, f.rule) for f in lint_error_records(records, statuses)}
    assert found == {
        ("VOD.1", "error-code-without-remedy"),
        ("VOD.1", "error-code-under-several-statuses"),
        (418, "error-status-not-on-status-page"),
    }


def test_published_lint_covers_the_error_codes(both: Path) -> None:
    findings = json.loads((both / "lint.json").read_bytes())
    assert ("VST.10002", "error-code-under-several-statuses") in {
        (f["code"], f["rule"]) for f in findings
    }
    assert isinstance(vodspec.open_dataset(both), Registry)


# Found by an adversarial review of the error codes and the SDK help


def test_records_and_explanations_copy_and_pickle_by_value(both: Path) -> None:
    import copy
    import pickle

    registry = vodspec.open_dataset(both)
    for value in (registry.status(404), registry.error("VST.10002")[0]):
        assert pickle.loads(pickle.dumps(value)) == value and copy.deepcopy(value) == value
    explanation = vodspec.explain(sdk_error(500), registry)
    assert str(pickle.loads(pickle.dumps(explanation))) == str(explanation)
    assert str(copy.copy(explanation)) == str(explanation)


def test_explain_keeps_fields_the_sdk_passes_as_numbers_or_objects(both: Path) -> None:
    import http

    class Odd(Exception):
        def __init__(self) -> None:
            self.status_code = http.HTTPStatus(503)
            self.error_code = 10053
            self.error_msg = {"detail": "bad"}
            self.request_id = None

    explanation = vodspec.explain(Odd(), vodspec.open_dataset(both))
    assert explanation.status_code == 503 and explanation.error_code == "10053"
    assert explanation.error_msg == '{"detail": "bad"}'


def test_a_huge_server_message_is_cut_and_a_fallback_code_dropped(both: Path) -> None:
    page = "<html>" + "x" * 100_000 + "</html>"
    explanation = vodspec.explain(sdk_error(502, "502", page), vodspec.open_dataset(both))
    line = str(explanation)
    assert len(line) < 1000 and "; 502;" not in line and explanation.error_code is None


def test_a_subclass_of_a_network_exception_is_one(both: Path) -> None:
    class MyConnection(exceptions.ConnectionException):  # type: ignore[misc]
        pass

    registry = vodspec.open_dataset(both)
    assert vodspec.retry_condition(None, MyConnection("x"), idempotent=True, registry=registry)
    assert vodspec.retry_condition(None, MyConnection("x"), registry=registry) is False


def test_error_lookups_take_a_status_as_status_does(both: Path) -> None:
    registry = vodspec.open_dataset(both)
    assert registry.error("VST.10002", status="500") == registry.error("VST.10002", status=500)
    assert registry.get_error("VST.10002", True) == ()


def test_lint_refuses_malformed_records_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"kind": "status_codes", "records": [{"code": 404, "reason": 5}]}))
    result = run_cli("lint", str(path))
    assert result.returncode == 1 and result.stderr.count("\n") == 1


def test_the_first_explain_stays_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys; before = set(sys.modules)\n"
        "import vodspec; vodspec.explain(Exception()); vodspec.error_codes()\n"
        "heavy = {'typing', 'enum', 're', 'pathlib', 'bs4', 'lxml', 'pydantic'}\n"
        "assert not heavy & (set(sys.modules) - before), heavy & set(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-S", "-c", code], check=True, timeout=60)
