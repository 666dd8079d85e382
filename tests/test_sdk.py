"""vodspec.explain and vodspec.retry_condition with real huaweicloudsdkcore exceptions."""

from __future__ import annotations

import functools
from pathlib import Path

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


def test_explain_with_error_codes(tmp_path: Path) -> None:
    from conftest import PAGE_SHAPES, SEED, run_cli, two_sources

    from vodspec.sdk import explain

    raw = two_sources(tmp_path / "raw", SEED, PAGE_SHAPES / "errors_five_columns.md")
    assert run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data")).returncode == 0
    registry = vodspec.open_dataset(tmp_path / "data")
    explanation = explain(server_error_with("VST.10002", 500), registry)
    assert [(r.error_code, r.http_status) for r in explanation.error_codes] == [("VST.10002", 500)]
    assert "VST.10002 系统内部错误" in explanation.message
    # Under a status the page does not list it with, all of the code's records are given.
    other = explain(server_error_with("VST.10002", 502), registry)
    assert [r.http_status for r in other.error_codes] == [400, 500]


def server_error_with(code: str, status: int) -> object:
    return exceptions.ServerResponseException(status, exceptions.SdkError("req-44", code, "x"))
