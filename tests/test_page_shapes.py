"""One fixture per page shape the pages have used, with the records each must give."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from conftest import PAGE_SHAPES

from vodspec.errors import CellError, ClassOnlyError, MarkupError, VodspecWarning
from vodspec.tools.scrape.pipeline import scrape

PROVENANCE = {
    "doc_id",
    "source_sha256",
    "category",
    "description",
    "source_line",
    "standard_phrase",
    "standard_reference",
    "standard_retry",
    "standard_retry_reference",
}


def records(name: str, service: str = "vod") -> list[dict[str, Any]]:
    dataset = scrape(PAGE_SHAPES / name, service=service)
    return [record.model_dump(mode="json", exclude=PROVENANCE) for record in dataset.records]


def status(
    code: int,
    reason: str | None,
    paragraphs: list[str],
    retry: str = "unspecified",
    row: str | None = None,
) -> dict[str, Any]:
    return {
        "code": code,
        "reason": reason,
        "paragraphs": paragraphs,
        "retry": retry,
        "source_row": row,
    }


def error(
    code: str,
    http: int | None,
    http_text: str | None,
    message: str | None,
    description: str | None = None,
    remedy: str | None = None,
    module: str | None = None,
    placeholders: tuple[str, ...] = (),
    row: str | None = None,
) -> dict[str, Any]:
    return {
        "error_code": code,
        "http_status": http,
        "http_status_text": http_text,
        "message": message,
        "remedy": remedy,
        "module": module,
        "placeholders": list(placeholders),
        "source_row": row,
        "description": description,
    }


def error_records(name: str, service: str = "vod") -> list[dict[str, Any]]:
    dataset = scrape(PAGE_SHAPES / name, service=service)
    return [
        record.model_dump(mode="json", exclude=PROVENANCE - {"description"})
        for record in dataset.records
    ]


def test_split_html_tables_in_list_items_with_bare_success_codes() -> None:
    assert records("status_split_html.md") == [
        status(200, None, ["请求成功。"], row="r1"),
        status(204, "No Content", ["删除成功。"], row="r2"),
        status(
            404,
            "Not Found",
            ["资源不存在。", "建议直接修改该请求，不要重试该请求。"],
            "do_not_retry",
            "r4",
        ),
    ]


def test_pipe_table_with_br_markdown_and_escaped_pipe() -> None:
    assert records("status_pipe.md") == [
        status(200, "OK", ["请求正常。"]),
        status(
            408,
            "Request Timeout",
            ["服务器等候请求时发生超时。", "客户端可以随时再次提交该请求而无需进行任何更改。"],
            "retry_unchanged",
        ),
        status(503, "Service Unavailable", ["见服务状态：maintenance | 维护中。"]),
    ]


def test_code_reason_description_columns() -> None:
    assert records("status_code_reason_description.md") == [
        status(204, "NoContent", ["请求完全成功，同时HTTP响应不包含响应体。"]),
        status(
            429,
            "Too Many Requests",
            ["请求过多。", "客户端可以随时再次提交该请求而无需进行任何更改。"],
            "retry_unchanged",
        ),
    ]


def test_code_description_columns_reason_only_when_a_phrase() -> None:
    assert records("status_code_description.md") == [
        status(200, "OK", ["OK"]),
        status(202, None, ["接受成功。"]),
        status(500, "Internal Server Error", ["Internal Server Error"]),
    ]


def test_rowspan_code_becomes_one_record_with_every_cause() -> None:
    assert records("status_rowspan.md") == [
        status(400, "Bad Request", ["参数错误。", "请求体过大。"], row="a"),
        status(401, "Unauthorized", ["认证失败。"], row="c"),
    ]


def test_a_span_written_in_capitals_spans_too(tmp_path: Any) -> None:
    # The reader looks for span attributes only on pages that write one, in any case.
    page = (PAGE_SHAPES / "status_rowspan.md").read_text("utf-8")
    assert 'rowspan="2"' in page
    (tmp_path / "page.md").write_text(page.replace('rowspan="2"', 'ROWSPAN="2"'), "utf-8")
    expected = records("status_rowspan.md")
    dataset = scrape(tmp_path / "page.md")
    assert [r.model_dump(mode="json", exclude=PROVENANCE) for r in dataset.records] == expected


def test_class_only_page_is_refused() -> None:
    with pytest.raises(ClassOnlyError, match="2xx"):
        scrape(PAGE_SHAPES / "status_classes_only.md")


def test_two_column_error_table() -> None:
    assert error_records("errors_two_columns.md") == [
        error("VOD.10053", None, None, "Invalid parameter {0}.", placeholders=("{0}",), row="e1"),
        error(
            "VOD.10054",
            None,
            None,
            "Asset %s not found, reason: %s.",
            placeholders=("%s",),
            row="e2",
        ),
    ]


def test_five_column_error_table_same_code_two_statuses_and_exact_repeat() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = error_records("errors_five_columns.md")
    assert got == [
        error(
            "VST.10002",
            400,
            "400",
            "系统内部错误",
            "系统内部一般性错误",
            "请联系华为工程师解决",
            row="x1",
        ),
        error(
            "VST.10002",
            500,
            "500",
            "系统内部错误",
            "系统内部一般性错误",
            "详细操作，请参见：\n操作指南\n联系技术支持",
            row="x2",
        ),
        error(
            "VOD.10062",
            403,
            "403",
            "Policy doesn't allow <x:x:x> to be performed",
            "权限不足",
            "请检查权限",
            row="x3",
        ),
    ]
    assert [str(w.message) for w in caught if issubclass(w.category, VodspecWarning)] == [
        f"{PAGE_SHAPES / 'errors_five_columns.md'}:50: row VOD.10062 repeats the row at line 39"
        " exactly; kept once"
    ]


def test_module_rowspan_and_several_statuses_in_one_cell() -> None:
    assert error_records("errors_module_rowspan.md", "vpc") == [
        error(
            "VPC.0201",
            400,
            "400/500",
            "Subnet {subnet_id} is invalid.",
            "子网参数错误",
            "请检查参数。",
            "子网",
            ("{subnet_id}",),
            "m1",
        ),
        error(
            "VPC.0201",
            500,
            "400/500",
            "Subnet {subnet_id} is invalid.",
            "子网参数错误",
            "请检查参数。",
            "子网",
            ("{subnet_id}",),
            "m1",
        ),
        error(
            "VPC.0202",
            404,
            "404",
            "Subnet not found.",
            "子网不存在",
            "请确认子网存在。",
            "子网",
            row="m2",
        ),
        error(
            "VPC.0301", 409, "409", "Quota exceeded.", "配额不足", "请申请配额。", "配额", row="m3"
        ),
    ]


def test_parameter_tables_before_the_error_table_are_ignored() -> None:
    assert error_records("errors_params_first.md", "dcs") == [
        error("111400002", 400, "400", "Invalid {0} parameter.", placeholders=("{0}",)),
    ]


def test_pipe_error_table() -> None:
    assert error_records("errors_pipe.md", "bms") == [
        error(
            "BMS.0001",
            400,
            "400",
            "Fail to parse request, reason: %s.",
            "请求数据错误。",
            "请参考返回的Error Message信息检查请求体。\n或者联系技术支持。",
            placeholders=("%s",),
        ),
        error(
            "BMS.0002",
            404,
            "404 Not Found",
            "Server [%s] not found.",
            "未找到。",
            "见文档。",
            placeholders=("%s",),
        ),
    ]


def test_merge_conflict_markers_are_refused_naming_the_row() -> None:
    with pytest.raises(MarkupError, match="merge-conflict") as info:
        scrape(PAGE_SHAPES / "refused_conflict.md")
    assert (info.value.line, info.value.row) == (11, "c1")


def test_row_width_mismatch_is_refused() -> None:
    with pytest.raises(CellError, match=r"2 cell\(s\); the header has 3") as info:
        scrape(PAGE_SHAPES / "refused_width.md")
    assert info.value.row == "w1"


def test_a_column_without_a_role_is_kept_under_its_header() -> None:
    (record,) = scrape(PAGE_SHAPES / "errors_extra_column.md").records
    assert record.model_dump(include={"error_code", "message", "description"}) == {
        "error_code": "VOD.1",
        "message": "Bad.",
        "description": "备注: 无",
    }


def test_kind_is_detected_and_can_be_demanded() -> None:
    assert scrape(PAGE_SHAPES / "errors_two_columns.md").kind == "error_codes"
    assert scrape(PAGE_SHAPES / "status_pipe.md").kind == "status_codes"
    from vodspec.errors import WrongKindError

    with pytest.raises(WrongKindError):
        scrape(PAGE_SHAPES / "status_pipe.md", kind="error_codes")
