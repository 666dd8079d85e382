"""vodspec.explain and vodspec.retry_condition with real huaweicloudsdkcore exceptions and the
SDK's own retrying invoker, on the shipped data and on a dataset with error codes."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

import vodspec

exceptions = pytest.importorskip("huaweicloudsdkcore.exceptions.exceptions")


def client_error(
    status: int, code: str = "VOD.10053", message: str = "Invalid parameter"
) -> object:
    return exceptions.ClientRequestException(status, exceptions.SdkError("req-42", code, message))


def server_error(status: int) -> object:
    return exceptions.ServerResponseException(
        status, exceptions.SdkError("req-43", "VOD.10051", "busy")
    )


def test_explain_a_real_404() -> None:
    explanation = vodspec.explain(client_error(404))
    assert explanation.status is not None and explanation.status.reason == "Not Found"
    assert (explanation.status_code, explanation.error_code, explanation.request_id) == (
        404,
        "VOD.10053",
        "req-42",
    )
    assert explanation.vendor_retry == "do_not_retry"
    assert explanation.standard_retry == "unspecified"
    assert explanation.status.standard_reference == "RFC 9110, Section 15.5.5"
    assert explanation.standard_reference is None  # no reason to retry a 404
    line = str(explanation)
    assert line.startswith("HTTP 404 Not Found; VOD.10053")
    assert "server: Invalid parameter" in line and line.endswith("request req-42")
    assert "VOD says: do not retry; fix the request" in line
    assert "\n" not in explanation.message


def test_explain_shows_both_views_when_they_disagree() -> None:
    explanation = vodspec.explain(server_error(503))
    assert (explanation.vendor_retry, explanation.standard_retry) == ("do_not_retry", "retry")
    assert (
        "VOD says: do not retry" in explanation.message
        and "RFC 9110, Section 15.6.4" in explanation.message
    )


def test_an_explanation_is_immutable() -> None:
    explanation = vodspec.explain(client_error(404))
    with pytest.raises(AttributeError):
        explanation.message = "edited"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del explanation.message  # type: ignore[misc]
    assert str(explanation).startswith("HTTP 404")


def test_unknown_status_and_plain_exceptions() -> None:
    class Plain(Exception):
        status_code, error_code, error_msg, request_id = 418, None, "teapot", None

    explanation = vodspec.explain(Plain())
    assert explanation.status is None and "not on VOD's status-code page" in explanation.message
    assert "teapot" in explanation.message
    assert vodspec.explain(ValueError("x")).message.startswith("no HTTP status")


@pytest.mark.parametrize("value", [None, 404, "VOD.10062", object()])
def test_explain_takes_only_exceptions(value: object) -> None:
    with pytest.raises(TypeError, match="takes an exception"):
        vodspec.explain(value)  # type: ignore[arg-type]


def test_retry_condition_follows_the_vendor_by_default() -> None:
    assert vodspec.retry_condition(None, server_error(503)) is False  # VOD: do not retry
    assert vodspec.retry_condition(None, client_error(408)) is True  # VOD: resubmit unchanged
    assert vodspec.retry_condition(None, None) is False  # no exception, nothing to retry
    standard = functools.partial(vodspec.retry_condition, follow="standard")
    assert standard(None, server_error(503)) is True and standard(None, client_error(404)) is False
    with pytest.raises(ValueError):
        vodspec.retry_condition(None, server_error(503), follow="maybe")


def test_explain_with_error_codes(seed_and_errors: Path) -> None:
    from vodspec.sdk import explain

    registry = vodspec.open_dataset(seed_and_errors)
    explanation = explain(server_error_with("VST.10002", 500), registry)
    assert [(r.error_code, r.http_status) for r in explanation.error_codes] == [("VST.10002", 500)]
    assert "VST.10002 系统内部错误" in explanation.message
    # Under a status the page does not list it with, all of the code's records are given.
    other = explain(server_error_with("VST.10002", 502), registry)
    assert [r.http_status for r in other.error_codes] == [400, 500]


def server_error_with(code: str, status: int) -> object:
    return exceptions.ServerResponseException(status, exceptions.SdkError("req-44", code, "x"))


def sdk_error(status: int, code: str = "VST.10002", msg: str = "server text") -> Any:
    kind = exceptions.ClientRequestException if status < 500 else exceptions.ServerResponseException
    return kind(status, exceptions.SdkError("req-9", code, msg))


def test_explain_gives_records_messages_remedy_and_both_views(seed_and_errors: Path) -> None:
    registry = vodspec.open_dataset(seed_and_errors)
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


def test_explain_names_the_source_of_each_view(seed_and_errors: Path) -> None:
    registry = vodspec.open_dataset(seed_and_errors)
    explanation = vodspec.explain(sdk_error(503), registry)
    assert (
        explanation.vendor_retry == "do_not_retry"
        and explanation.vendor_source == "vod_04_0133 503"
    )
    assert explanation.standard_retry == "retry"
    assert explanation.standard_reference is not None
    assert explanation.standard_reference.startswith("RFC 9110, Section 15.6.4")


@pytest.mark.parametrize("status", [408, 425, 429, 502, 503, 504])
def test_the_standard_view_does_not_depend_on_the_page(status: int, seed_and_errors: Path) -> None:
    registry = vodspec.open_dataset(seed_and_errors)  # the seed lists neither 425 nor 429
    condition = functools.partial(vodspec.retry_condition, follow="standard", registry=registry)
    assert condition(None, sdk_error(status)) is True
    assert vodspec.explain(sdk_error(status), registry).standard_retry == "retry"


@pytest.mark.parametrize("name", ["ConnectionException", "RequestTimeoutException"])
def test_network_failures_retry_only_when_idempotent(name: str, seed_and_errors: Path) -> None:
    registry = vodspec.open_dataset(seed_and_errors)
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
    follow: str, calls: int, seed_and_errors: Path
) -> None:
    invoker_module = pytest.importorskip("huaweicloudsdkcore.invoker.invoker")
    strategies = pytest.importorskip("huaweicloudsdkcore.retry.backoff_strategy")
    transport = FakeTransport()
    invoker = invoker_module.SyncInvoker(transport, {})
    condition = functools.partial(
        vodspec.retry_condition, follow=follow, registry=vodspec.open_dataset(seed_and_errors)
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


def test_records_and_explanations_copy_and_pickle_by_value(seed_and_errors: Path) -> None:
    import copy
    import pickle

    registry = vodspec.open_dataset(seed_and_errors)
    for value in (registry.status(404), registry.error("VST.10002")[0]):
        assert pickle.loads(pickle.dumps(value)) == value and copy.deepcopy(value) == value
    explanation = vodspec.explain(sdk_error(500), registry)
    assert str(pickle.loads(pickle.dumps(explanation))) == str(explanation)
    assert str(copy.copy(explanation)) == str(explanation)


def test_explain_keeps_fields_the_sdk_passes_as_numbers_or_objects(seed_and_errors: Path) -> None:
    import http

    class Odd(Exception):
        def __init__(self) -> None:
            self.status_code = http.HTTPStatus(503)
            self.error_code = 10053
            self.error_msg = {"detail": "bad"}
            self.request_id = None

    explanation = vodspec.explain(Odd(), vodspec.open_dataset(seed_and_errors))
    assert explanation.status_code == 503 and explanation.error_code == "10053"
    assert explanation.error_msg == '{"detail": "bad"}'


def test_a_huge_server_message_is_cut_and_a_fallback_code_dropped(seed_and_errors: Path) -> None:
    page = "<html>" + "x" * 100_000 + "</html>"
    explanation = vodspec.explain(
        sdk_error(502, "502", page), vodspec.open_dataset(seed_and_errors)
    )
    line = str(explanation)
    assert len(line) < 1000 and "; 502;" not in line and explanation.error_code is None


def test_a_subclass_of_a_network_exception_is_one(seed_and_errors: Path) -> None:
    class MyConnection(exceptions.ConnectionException):  # type: ignore[misc]
        pass

    registry = vodspec.open_dataset(seed_and_errors)
    assert vodspec.retry_condition(None, MyConnection("x"), idempotent=True, registry=registry)
    assert vodspec.retry_condition(None, MyConnection("x"), registry=registry) is False


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


def test_help_and_dir_show_the_names_loaded_on_first_use() -> None:
    import pydoc

    names = dir(vodspec)
    assert {"explain", "retry_condition", "__version__"} <= set(names)
    assert not {"TYPE_CHECKING", "annotations"} & set(names)
    shown = pydoc.render_doc(vodspec, renderer=pydoc.plaintext)
    assert "explain(" in shown and "retry_condition(" in shown
