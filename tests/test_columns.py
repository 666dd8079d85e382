"""Code tables are recognised by content and header together; every column keeps its text."""

from __future__ import annotations

import warnings

import pytest
from conftest import STATUS_PIPE, codes, md_page
from test_unseen_wordings import ERROR_FIVE

from vodspec.errors import CellError, HeaderError, VodspecWarning
from vodspec.tools.scrape.columns import classify, header_key, header_roles
from vodspec.tools.scrape.pipeline import scrape
from vodspec.tools.scrape.tables import Cell, Row, Table


def table(headers: tuple[str, ...], *rows: tuple[str, ...]) -> Table:
    return Table(
        header_cells=tuple(Cell.of((h,), 1) for h in headers),
        rows=tuple(
            Row(id=None, line=n, cells=tuple(Cell.of((text,) if text else (), n) for text in row))
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
    assert header_roles("错误码说明")[0] == "description"
    assert header_roles("Error Message")[0] == "message"


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


def test_small_numbers_in_another_table_are_not_codes() -> None:
    assert codes(md_page(STATUS_PIPE, "|参数|取值|\n|--|--|\n|page|1|\n|size|50|")) == [400, 404]


def test_a_pipe_table_whose_header_reads_as_codes_is_refused_not_read_short() -> None:
    with pytest.raises(HeaderError, match="first row reads as codes"):
        scrape(md_page("|200|成功|\n|--|--|\n|404|不存在|"), file="p.md", service="any")


@pytest.mark.parametrize("mark", ["<sup>1</sup>", "[^1]"])
def test_a_footnote_mark_on_a_header_word_is_no_code(mark: str) -> None:
    errors = f"|HTTP Status|ErrorCode{mark}|Message|\n|--|--|--|\n|400|VOD.10053|参数非法|"
    page = md_page(errors) + "\n[^1]: 见附录。\n".encode()
    (record,) = scrape(page, file="p.md", service="any").records
    assert record.error_code == "VOD.10053"  # type: ignore[union-attr]


def test_an_html_table_without_a_header_reads_every_row() -> None:
    """No <th>, a first row of codes: a browser shows a table without a header; all rows read."""
    table = (
        "<table><tr><td>200 OK</td><td>成功</td></tr>"
        "<tr><td>404 Not Found</td><td>无</td></tr></table>"
    )
    dataset = scrape(md_page(table), file="p.md", service="any")
    assert [(r.code, r.reason, r.description) for r in dataset.records] == [  # type: ignore[union-attr]
        (200, "OK", "成功"),
        (404, "Not Found", "无"),
    ]


def test_a_limits_column_is_not_a_status_table() -> None:
    limits = "|参数|长度上限|说明|\n|--|--|--|\n|name|128|名称|\n|description|256|描述|"
    assert codes(md_page(STATUS_PIPE, limits)) == [400, 404]


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("|状态码|原因短语|说明|", "|404|Not Found|不存在。|", ("Not Found", "不存在。")),
        (
            "|Status Code|Type|Description|",
            "|404|Client Error|不存在。|",
            (None, "不存在。\nType: Client Error"),
        ),
        (
            "|Status Code|Description|",
            "|404|The resource was not found|",
            (None, "The resource was not found"),
        ),
        (
            "|Status Code|Message|Description|",
            "|413|Request Entity Too Large|太大。|",
            ("Request Entity Too Large", "太大。"),
        ),
    ],
)
def test_reason_phrases_are_known_phrases(
    header: str, row: str, expected: tuple[object, ...]
) -> None:
    table = f"{header}\n|--|--|{'--|' * (header.count('|') - 3)}\n{row}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (record,) = scrape(md_page(table), file="p.md", service="any").records  # type: ignore[union-attr]
    assert (record.reason, record.description) == expected  # type: ignore[union-attr]


def test_an_error_info_column_is_the_message_not_the_code() -> None:
    table = "|状态码|Error Info|错误码|\n|--|--|--|\n|400|InvalidParameter|VOD.10053|"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (record,) = scrape(md_page(table), file="p.md", service="any").records
    assert (record.error_code, record.message) == ("VOD.10053", "InvalidParameter")  # type: ignore[union-attr]


def test_a_colspan_copy_is_not_repeated_as_an_extra_column() -> None:
    table = (
        "<table><thead><tr><th>状态码</th><th>说明</th><th>备注</th></tr></thead><tbody>"
        '<tr><td>400</td><td colspan="2">参数错误。</td></tr></tbody></table>'
    )
    (record,) = scrape(md_page(table), file="p.md", service="any").records
    assert record.description == "参数错误。"  # type: ignore[union-attr]


def test_a_cell_spanning_from_a_column_without_a_role_into_the_description_is_read_once() -> None:
    table = (
        "<table><thead><tr><th>状态码</th><th>备注</th><th>说明</th></tr></thead><tbody>"
        '<tr><td>400</td><td colspan="2">参数错误。</td></tr></tbody></table>'
    )
    (record,) = scrape(md_page(table), file="p.md", service="any").records
    assert record.description == "参数错误。"  # type: ignore[union-attr]


def test_a_rowspan_stops_at_the_end_of_its_row_group() -> None:
    table = (
        "<table><thead><tr><th>状态码</th><th>说明</th></tr></thead>"
        '<tbody><tr><td>400</td><td rowspan="3">a</td></tr></tbody>'
        "<tbody><tr><td>404</td><td>b</td></tr></tbody></table>"
    )
    records = scrape(md_page(table), file="p.md", service="any").records
    assert [r.description for r in records] == ["a", "b"]  # type: ignore[union-attr]


def test_a_first_rows_rowspan_reaches_down_into_its_row_group() -> None:
    # No header: the first row is data, its status spanning the row below too.
    table = (
        '<table><tr><td rowspan="2">400</td><td>VOD.10001</td></tr>'
        "<tr><td>VOD.10002</td></tr></table>"
    )
    records = scrape(md_page(table), file="p.md", service="any").records
    assert [(r.error_code, r.http_status) for r in records] == [  # type: ignore[union-attr]
        ("VOD.10001", 400),
        ("VOD.10002", 400),
    ]


@pytest.mark.parametrize("head", ["", "<thead>"])
def test_a_header_cell_spanning_down_pushes_the_row_under_it_aside(head: str) -> None:
    # A browser shows 404 under 说明, and 不存在 in a column of no header.
    table = (
        f'<table>{head}<tr><th rowspan="2">状态码</th><th>说明</th></tr>'
        "<tr><td>404</td><td>不存在。</td></tr></table>"
    )
    with pytest.raises(CellError, match="more cells than the header's 2"):
        scrape(md_page(table), file="p.md", service="any")


def test_a_pipe_table_in_a_list_item_reads() -> None:
    page = "# 状态码\n\n- |状态码|说明|\n  |--|--|\n  |404|不存在|\n".encode()
    assert codes(page) == [404]


@pytest.mark.parametrize("cell", ["<p>400</p><p>Bad Request</p>", "400, 500", "400 或 500"])
def test_error_status_cells_as_pages_write_them(cell: str) -> None:
    table = (
        "<table><thead><tr><th>状态码</th><th>错误码</th><th>错误信息</th></tr></thead><tbody>"
        f"<tr><td>{cell}</td><td>VOD.1</td><td>m</td></tr></tbody></table>"
    )
    records = scrape(md_page(table), file="p.md", service="any").records
    assert [r.http_status for r in records][:1] == [400]  # type: ignore[union-attr]


def test_two_header_rows_are_joined_and_a_footer_note_is_a_note() -> None:
    table = (
        "<table><thead><tr><th>状态码</th><th>说明</th></tr><tr><th>Status Code</th>"
        "<th>Description</th></tr></thead><tbody><tr><td>404</td><td>不存在</td></tr></tbody>"
        '<tfoot><tr><td colspan="2">注：以上为常见状态码。</td></tr></tfoot></table>'
    )
    with pytest.warns(VodspecWarning, match="注：以上为常见状态码"):
        dataset = scrape(md_page(table), file="p.md", service="any")
    assert [r.code for r in dataset.records] == [404]  # type: ignore[union-attr]


def test_block_markup_and_marks_in_some_cells_only() -> None:
    # Which cells need the full reading is found once per table: a cell with block markup
    # or a footnote mark next to plain ones is still read whole, the plain ones too.
    table = (
        "<table><thead><tr><th>状态码</th><th>说明</th></tr></thead><tbody>"
        "<tr><td><p>400 Bad Request</p></td><td><p>请求错误</p></td></tr>"
        "<tr><td>401 Unauthorized<sup>1</sup></td><td><div>未认证</div><div>请登录</div></td></tr>"
        "<tr><td><p>403 Forbidden</p></td><td><p>禁止<br>访问</p></td></tr>"
        "</tbody></table>"
    )
    records = scrape(md_page(table), file="p.md", service="any").records
    assert [(r.code, r.reason, r.paragraphs) for r in records] == [  # type: ignore[union-attr]
        (400, "Bad Request", ["请求错误"]),
        (401, "Unauthorized", ["未认证", "请登录"]),
        (403, "Forbidden", ["禁止", "访问"]),
    ]
