"""Code tables are recognised by content and header together; every column keeps its text."""

from __future__ import annotations

import pytest
from test_unseen_wordings import ERROR_FIVE

from vodspec.errors import HeaderError
from vodspec.tools.scrape.columns import classify, header_key, header_role
from vodspec.tools.scrape.tables import Cell, Row, Table


def table(headers: tuple[str, ...], *rows: tuple[str, ...]) -> Table:
    return Table(
        header_cells=tuple(Cell((h,), 1) for h in headers),
        rows=tuple(
            Row(id=None, line=n, cells=tuple(Cell((text,) if text else (), n) for text in row))
            for n, row in enumerate(rows, 2)
        ),
        line=1,
    )


STATUS_ROW = ("404 Not Found", "所请求的资源不存在。")
ERROR_ROW_5 = ("400", "VOD.10053", "请求参数非法", "请求参数非法，字段填写错误", "请检查字段")


@pytest.mark.parametrize(
    ("headers", "row", "kind", "roles"),
    [
        (("返回值", "说明"), STATUS_ROW, "status_codes", {"status": 0, "description": 1}),
        (
            ("状态码", "编码", "错误码说明"),
            ("400", "Bad Request", "请求错误"),
            "status_codes",
            {"status": 0, "reason": 1, "description": 2},
        ),
        (
            ("正常返回码", "类型", "说明"),
            ("200", "OK", "操作正常"),
            "status_codes",
            {"status": 0, "reason": 1, "description": 2},
        ),
        (
            ("错误码", "错误提示"),
            ("VOD.10051", "系统问题"),
            "error_codes",
            {"error_code": 0, "message": 1},
        ),
        (
            ("HTTP状态码", "返回值", "说明", "Error Message", "处理措施"),
            ("400", "BMS.0001", "请求数据错误。", "Fail to parse", "请参考"),
            "error_codes",
            {"status": 0, "error_code": 1, "description": 2, "message": 3, "remedy": 4},
        ),
        (
            ("模块", "http状态码", "错误码", "错误说明", "Error Message", "处理措施"),
            ("公共", "400", "VPC.0002", "可用区为空", "Available zone", "请确认"),
            "error_codes",
            {
                "module": 0,
                "status": 1,
                "error_code": 2,
                "description": 3,
                "message": 4,
                "remedy": 5,
            },
        ),
        (
            ("状态码", "错误码", "错误信息"),
            ("400", "111400002", "Project ID的格式无效"),
            "error_codes",
            {"status": 0, "error_code": 1, "message": 2},
        ),
    ],
)
def test_real_page_shapes(
    headers: tuple[str, ...], row: tuple[str, ...], kind: str, roles: dict[str, int]
) -> None:
    found = classify(table(headers, row))
    assert found is not None and found.kind == kind and found.roles == roles
    assert found.extra == ()


# Wordings written for this test, not taken from any page.
UNSEEN_STATUS_HEADERS = [
    ("Status Code", "Description"),
    ("HTTP Status", "Meaning"),
    ("返回码", "含义"),
    ("响应码", "释义"),
    ("状态", "解释"),
    ("Code", "Explanation"),
    ("HTTP 响应状态码", "描述信息"),
    ("Response Code", "Details"),
    ("ＨＴＴＰ状态码", "说明 "),
    ("Return value", "Remarks"),
]


@pytest.mark.parametrize("headers", UNSEEN_STATUS_HEADERS, ids=" | ".join)
def test_unseen_status_wordings(headers: tuple[str, str]) -> None:
    found = classify(table(headers, STATUS_ROW, ("200 OK", "请求正常。")))
    assert found is not None and found.kind == "status_codes"
    assert found.roles["status"] == 0 and found.roles["description"] == 1


@pytest.mark.parametrize("headers", ERROR_FIVE, ids=" | ".join)
def test_unseen_error_wordings(headers: tuple[str, ...]) -> None:
    found = classify(table(headers, ERROR_ROW_5))
    assert found is not None and found.kind == "error_codes"
    assert found.roles == {
        "status": 0,
        "error_code": 1,
        "message": 2,
        "description": 3,
        "remedy": 4,
    }


def test_an_unknown_column_is_kept_not_refused() -> None:
    found = classify(table(("返回值", "说明", "备注"), (*STATUS_ROW, "仅限V2接口")))
    assert found is not None and found.roles == {"status": 0, "description": 1}
    assert found.extra == (2,)


def test_content_makes_a_code_table_whatever_the_header() -> None:
    found = classify(table(("甲", "乙"), STATUS_ROW, ("500 Internal Server Error", "内部错误")))
    assert found is not None and found.kind == "status_codes"
    assert found.roles == {"status": 0, "description": 1}


def test_error_codes_by_content_beside_statuses() -> None:
    found = classify(table(("HTTP", "X", "Y"), ("400", "ABC.0001", "错误")))
    assert found is not None and found.kind == "error_codes" and found.roles["error_code"] == 1


@pytest.mark.parametrize(
    ("headers", "row"),
    [
        (("参数", "类型", "说明"), ("error_code", "String", "错误码")),
        (("元素名称", "描述"), ("Error", "错误响应消息体")),
        (("参数", "是否必选", "类型", "说明"), ("name", "是", "String", "名称")),
    ],
)
def test_other_tables_are_ignored(headers: tuple[str, ...], row: tuple[str, ...]) -> None:
    assert classify(table(headers, row)) is None


def test_header_keys_ignore_width_case_spacing_and_punctuation() -> None:
    assert header_key("HTTP 状态码 ") == header_key("ｈｔｔｐ状态码") == header_key("http_状态码")
    assert header_role("错误码说明") == "description"
    assert header_role("Error Message") == "message"


def test_a_column_of_standard_phrases_is_the_reason() -> None:
    found = classify(table(("Code", "Status", "Description"), ("404", "Not Found", "不存在")))
    assert found is not None and found.roles == {"status": 0, "reason": 1, "description": 2}


def test_a_type_column_of_other_words_is_kept_not_taken_for_the_reason() -> None:
    found = classify(table(("状态码", "类型", "说明"), ("200", "成功", "请求成功")))
    assert found is not None and found.roles == {"status": 0, "description": 2}
    assert found.extra == (1,)


def test_a_status_tables_only_text_column_is_its_description() -> None:
    found = classify(table(("返回值", "Message"), STATUS_ROW))
    assert found is not None and found.roles == {"status": 0, "description": 1}


@pytest.mark.parametrize(
    ("ids", "kind"),
    [
        (("VOD.10053", "VOD.10054", "VST.10002"), "error_codes"),
        (("AB-1", "cd_22", "E3"), "error_codes"),
        (("VOD.10053", "VOD.10054", "-"), "refused"),
        (("VOD.10053", "VOD.10054", "VOD.10055 (deprecated)"), "refused"),
        (("VOD.10053", "N/A", "VOD.10055 (deprecated)"), "status_codes"),
        (("missing-429", "retry-contradicts-standard", "VOD.10054"), "refused"),
        (("missing-429", "retry-contradicts-standard", "phrase-case"), "status_codes"),
        (("甲", "乙", "丙"), "status_codes"),
    ],
)
def test_a_column_no_header_names_is_the_error_code_column_only_if_all_of_it_reads_so(
    ids: tuple[str, ...], kind: str
) -> None:
    """Beside statuses, under a header that names nothing ("ID", "rule"), a column of ids is
    the error codes when every cell is code-like, and refused when half or more are (an odd
    cell, or ids that only look like codes: no rule can tell which)."""
    rows = [(code, text, "说明") for code, text in zip(("400", "429", "503"), ids, strict=True)]
    grid = table(("code", "ID", "the page says"), *rows)
    if kind == "refused":
        with pytest.raises(HeaderError, match="column 'ID' beside the statuses") as caught:
            classify(grid)
        assert caught.value.line == 1 and caught.value.column == "ID"
        return
    found = classify(grid)
    assert found is not None and found.kind == kind
    if kind == "error_codes":
        assert found.roles["error_code"] == 1 and found.roles["status"] == 0
