"""The reader's rules, each on small invented pages of both kinds (status and error codes).

Every page here is written for the rule it tests (none is a copy of a real page): a page is
read exactly as a browser shows it, or refused with one line naming where.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from conftest import run_cli

from vodspec.errors import (
    CellError,
    MarkupError,
    OddContentWarning,
    VodspecError,
    VodspecWarning,
)
from vodspec.tools.scrape.pipeline import STRICT, scrape

STATUS_HEAD = "<table><thead><tr><th>状态码</th><th>说明</th></tr></thead><tbody>\n"
ERROR_HEAD = (
    "<table><thead><tr><th>状态码</th><th>错误码</th><th>错误信息</th></tr></thead><tbody>\n"
)
TAIL = "</tbody></table>\n"


def page(title: str, *blocks: str) -> bytes:
    return (f"# {title}\n\n" + "\n\n".join(blocks) + "\n").encode()


def status_page(*rows: str, head: str = STATUS_HEAD, extra: str = "") -> bytes:
    return page("状态码", head + "".join(rows) + TAIL, *([extra] if extra else []))


def error_page(*rows: str, head: str = ERROR_HEAD, extra: str = "") -> bytes:
    return page("错误码", head + "".join(rows) + TAIL, *([extra] if extra else []))


def row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>\n"


def read(data: bytes) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return scrape(data, file="p.md", service="any")


def statuses(data: bytes) -> list[tuple[int, str | None, str | None]]:
    return [(r.code, r.reason, r.description) for r in read(data).records]


def errors(data: bytes) -> list[tuple[str, int | None, str | None, str | None]]:
    return [
        (r.error_code, r.http_status, r.http_status_text, r.message) for r in read(data).records
    ]


def refusal(data: bytes) -> VodspecError:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(VodspecError) as info:
            scrape(data, file="p.md", service="any")
    assert "\n" not in str(info.value)
    return info.value


# Rule 3: tables by all their evidence.

PARAMETERS = "|参数|长度上限|\n|--|--|\n|name|256|\n|description|300|\n"


def test_a_parameter_tables_numbers_are_not_statuses() -> None:
    data = status_page(row("404 Not Found", "不存在。"), extra=PARAMETERS)
    assert statuses(data) == [(404, "Not Found", "不存在。")]


def test_a_parameter_tables_numbers_are_not_statuses_on_an_error_page() -> None:
    data = error_page(row("400", "APP.0001", "参数错误"), extra=PARAMETERS)
    assert errors(data) == [("APP.0001", 400, "400", "参数错误")]


def test_an_unnamed_column_of_registered_statuses_is_still_a_status_column() -> None:
    head = "<table><thead><tr><th>项</th><th>说明</th></tr></thead><tbody>\n"
    data = status_page(row("200", "成功。"), row("404", "不存在。"), head=head)
    assert [code for code, _, _ in statuses(data)] == [200, 404]


def _head(*names: str) -> str:
    return "<table><thead><tr>" + "".join(f"<th>{name}</th>" for name in names) + "</tr></thead>\n"


@pytest.mark.parametrize("header", ["响应码及说明", "返回值说明", "Status and meaning"])
def test_a_header_naming_the_codes_and_another_role_is_a_code_column_by_its_cells(
    header: str,
) -> None:
    data = status_page(
        row("201 Created", "已创建。"), row("409 Conflict", "冲突。"), head=_head(header, "含义")
    )
    assert statuses(data) == [(201, "Created", "已创建。"), (409, "Conflict", "冲突。")]


def test_a_status_column_headed_as_a_description_keeps_its_statuses_on_an_error_page() -> None:
    head = _head("响应码说明", "错误码", "错误信息")
    data = error_page(row("503", "APP.7", "忙。"), row("404", "APP.8", "无。"), head=head)
    assert errors(data) == [("APP.7", 503, "503", "忙。"), ("APP.8", 404, "404", "无。")]


def test_an_error_code_column_headed_with_a_description_word_is_read_by_its_cells() -> None:
    data = error_page(
        row("APP.31", "重试。"), row("APP.32", "检查。"), head=_head("错误码含义", "处理措施")
    )
    assert [code for code, *_ in errors(data)] == ["APP.31", "APP.32"]


@pytest.mark.parametrize("header", ["类型", "名称", "Name"])
def test_a_first_column_named_as_phrases_but_holding_statuses_is_the_status_column(
    header: str,
) -> None:
    data = status_page(row("302", "跳转。"), row("503", "繁忙。"), head=_head(header, "含义"))
    assert [code for code, _, _ in statuses(data)] == [302, 503]


@pytest.mark.parametrize("sizes", [("100 GB", "500 GB"), ("200 GB", "300 GB")])
def test_a_first_column_of_types_starting_like_statuses_is_refused_not_guessed(
    sizes: tuple[str, str],
) -> None:
    # 名称/类型 columns are the statuses only with no phrase or their registered one; cells
    # like these could be sizes or statuses with other phrases: neither read nor skipped.
    types = _head("类型", "说明") + row(sizes[0], "小。") + row(sizes[1], "大。") + TAIL
    error = refusal(status_page(row("200 OK", "成功。"), extra=types))
    assert "column '类型' starts each cell as an HTTP status" in str(error)


@pytest.mark.parametrize("header", ["状态码及说明", "Status and description"])
def test_a_code_table_headed_with_a_code_and_a_description_is_read_or_refused(
    header: str,
) -> None:
    # Its only code column: never skipped (cells of a status and its description: refused).
    table = _head(header, "处理建议") + row("<p>400 Bad Request</p><p>参数错误。</p>", "检查。")
    assert "expected a code" in str(
        refusal(status_page(row("200 OK", "成功。"), extra=table + TAIL))
    )


def test_a_description_headed_with_a_status_word_stays_a_description() -> None:
    # Its cells start with three digits, but do not read as statuses.
    head = _head("状态码", "返回值说明")
    data = status_page(row("200 OK", "100个以内的结果。"), row("404", "300秒后过期。"), head=head)
    assert [code for code, _, _ in statuses(data)] == [200, 404]


def test_an_unnamed_column_with_an_unregistered_number_is_not_a_status_column() -> None:
    head = "<table><thead><tr><th>项</th><th>说明</th></tr></thead><tbody>\n"
    data = status_page(row("200", "成功。"), row("256", "上限。"), head=head)
    assert type(refusal(data)).__name__ == "NoTableError"


@pytest.mark.parametrize(
    ("cells", "statuses"),
    [
        (("400", "N/A", "500"), [400, None, 500]),
        (("400", "N/A"), [400, None]),
        (("400", "--", "40"), [400, None, None]),
        (("400", "默认"), [None, None]),  # a word: the column may be anything
        (("400", "256"), [None, None]),  # a number no registered status: values
    ],
)
def test_an_unnamed_column_beside_named_error_codes_is_their_status_column_but_for_odd_cells(
    cells: tuple[str, ...], statuses: list[int | None]
) -> None:
    # One "N/A" in a status column whose header cell is empty made the whole column an
    # unnamed extra: every record published http_status null, with "column 1: 400" in its
    # description, and no warning. The header's 错误码 says the table holds codes.
    head = ERROR_HEAD.replace("<th>状态码</th>", "<th></th>")
    rows = [row(cell, f"APP.{i}", "一") for i, cell in enumerate(cells)]
    dataset = read(error_page(*rows, head=head))
    assert [r.http_status for r in dataset.records] == statuses
    if statuses[0] is not None:
        assert [r.http_status_text for r in dataset.records] == list(cells)
        assert len(dataset.notes) == statuses.count(None)


@pytest.mark.parametrize("other", ["--", "不限"])
def test_a_value_table_with_a_placeholder_row_is_no_status_table(other: str) -> None:
    # 超时（秒） names no role: its 100 and 300 are timeouts, whatever the "--" row says.
    timeouts = (
        "| 超时（秒） | 说明 |\n| --- | --- |\n"
        f"| 100 | 小文件。 |\n| 300 | 默认。 |\n| {other} | 不限。 |\n"
    )
    data = status_page(row("200 OK", "请求正常。"), extra=timeouts)
    assert [code for code, _, _ in statuses(data)] == [200]


@pytest.mark.parametrize(
    "other",
    [
        "| 清晰度 | 码率(kbps) |\n|---|---|\n| 流畅 | 400 |\n| 标清 | 500 |\n",
        "| Key | Value |\n|---|---|\n| a | 200 |\n| b | 404 |\n",
        "<table><tr><td>timeout</td><td>300</td></tr><tr><td>retries</td><td>202</td></tr></table>",
    ],
    ids=["quantity", "key-value", "headerless"],
)
def test_a_value_column_of_another_table_is_never_statuses(other: str) -> None:
    data = status_page(row("200 OK", "请求正常。"), extra=other)
    assert [code for code, _, _ in statuses(data)] == [200]


def test_a_second_thead_row_of_cells_is_a_row() -> None:
    head = (
        "<table><thead><tr><th>状态码</th><th>说明</th></tr>"
        "<tr><td>201 Created</td><td>已创建</td></tr></thead><tbody>\n"
    )
    data = status_page(row("404 Not Found", "不存在。"), head=head)
    assert statuses(data) == [(201, "Created", "已创建"), (404, "Not Found", "不存在。")]


def test_a_second_thead_row_is_a_row_on_an_error_page() -> None:
    head = ERROR_HEAD.replace("</tr></thead>", "</tr>" + row("400", "APP.0002", "二") + "</thead>")
    data = error_page(row("400", "APP.0001", "一"), head=head)
    assert [code for code, *_ in errors(data)] == ["APP.0002", "APP.0001"]


@pytest.mark.parametrize(
    ("make", "second"),
    [
        (error_page, "<tr><th>400</th><th>VOD.10053</th><th>参数非法</th></tr>"),
        (status_page, "<tr><th>201 Created</th><th>已创建。</th></tr>"),
    ],
    ids=["error", "status"],
)
def test_a_thead_row_of_th_cells_that_holds_codes_is_a_row(make: Any, second: str) -> None:
    head = ERROR_HEAD if make is error_page else STATUS_HEAD
    head = head.replace("</tr></thead>", "</tr>" + second + "</thead>")
    cells = ("500", "VOD.2", "m2") if make is error_page else ("404 Not Found", "不存在。")
    dataset = read(make(row(*cells), head=head))
    assert len(dataset.records) == 2


def test_a_table_nested_in_a_cell_is_that_cells_text_not_more_records() -> None:
    inner = "见下表<table><tr><td>500 Internal Server Error</td><td>x</td></tr></table>"
    found = statuses(status_page(row("404 Not Found", inner)))
    assert [code for code, _, _ in found] == [404]
    assert "500 Internal Server Error" in str(found[0][2])


def test_tfoot_rows_are_rows() -> None:
    table = (
        STATUS_HEAD
        + row("404 Not Found", "不存在。")
        + "</tbody><tfoot>"
        + row("500 Internal Server Error", "内部错误。")
        + "</tfoot></table>"
    )
    assert [code for code, _, _ in statuses(page("状态码", table))] == [404, 500]


@pytest.mark.parametrize("rows", [1, 2])
def test_a_table_without_a_header_is_read_whole(rows: int) -> None:
    body = [row("404 Not Found", "不存在。"), row("409 Conflict", "冲突。")][:rows]
    data = page("状态码", "<table>" + "".join(body) + "</table>")
    assert [code for code, _, _ in statuses(data)] == [404, 409][:rows]


def test_an_error_table_without_a_header_is_read_whole() -> None:
    data = page("错误码", "<table>" + row("400", "APP.0001", "一") + "</table>")
    assert [code for code, *_ in errors(data)] == ["APP.0001"]


@pytest.mark.parametrize("attribute", ["colspan", "COLSPAN"])
def test_a_span_across_the_status_and_error_code_columns_is_refused(attribute: str) -> None:
    # Spans are looked at only on a page that writes one, in any case.
    data = error_page(f'<tr><td {attribute}="2">400</td><td>一</td></tr>\n')
    error = refusal(data)
    assert isinstance(error, CellError) and "across roles" in str(error) and error.line == 4


def test_a_span_across_the_code_and_description_is_refused() -> None:
    data = status_page(
        row("404 Not Found", "不存在。"), '<tr><td colspan="2">401 Unauthorized</td></tr>\n'
    )
    error = refusal(data)
    assert "across roles" in str(error) and error.line == 5


# Rule 4: cells read whole by their grammar.


@pytest.mark.parametrize(
    "cell",
    [
        "<p>401 Unauthorized</p><p>402 Payment Required</p>",
        "401 Unauthorized / 402 Payment Required",
        "401 Unauthorized and 402 Payment Required",
        "401 Unauthorized 和 402 Payment Required",
    ],
)
def test_a_status_cell_listing_two_statuses_gives_two_records(cell: str) -> None:
    data = status_page(row(cell, "认证或付费。"))
    assert statuses(data) == [
        (401, "Unauthorized", "认证或付费。"),
        (402, "Payment Required", "认证或付费。"),
    ]


WITH_REMARKS = STATUS_HEAD.replace("<th>说明</th>", "<th>说明</th><th>备注</th>")


@pytest.mark.parametrize(
    ("head", "rows", "description"),
    [
        # The description spans both rows of the code: shown once, read once.
        (
            STATUS_HEAD,
            '<tr><td rowspan="2">404 Not Found</td><td rowspan="2">不存在。</td></tr>\n<tr></tr>\n',
            "不存在。",
        ),
        # A column without a role spans them: its text is not added again for the second row.
        (
            WITH_REMARKS,
            '<tr><td rowspan="2">404 Not Found</td><td>不存在。</td><td rowspan="2">见附录。</td>'
            "</tr>\n<tr><td>已删除。</td></tr>\n",
            "不存在。\n备注: 见附录。\n已删除。",
        ),
    ],
    ids=["description", "column without a role"],
)
def test_a_cell_spanning_down_beside_a_code_spanning_down_is_read_once(
    head: str, rows: str, description: str
) -> None:
    assert statuses(status_page(rows, head=head)) == [(404, "Not Found", description)]


#: What the HTML standard's rendering section shows as a block (a line break before and
#: after), written here apart from the reader's list: <details> and <dialog>, which may hide
#: their content, are refused instead.
SPEC_BLOCKS = [
    "address", "blockquote", "center", "div", "figure", "figcaption", "footer", "form",
    "header", "hr", "legend", "listing", "main", "p", "pre", "search", "article", "aside",
    "h1", "h6", "hgroup", "nav", "section", "dir", "dd", "dl", "dt", "menu", "ol", "ul", "li",
    "summary", "fieldset", "optgroup", "option",
]  # fmt: skip


@pytest.mark.parametrize("tag", SPEC_BLOCKS)
def test_a_block_element_in_a_cell_starts_a_paragraph_as_a_browser_shows_it(tag: str) -> None:
    shown = ["甲", "乙", "丙"] if tag != "hr" else ["甲", "丙"]
    cell = f"甲<{tag}>乙</{tag}>丙" if tag != "hr" else "甲<hr>丙"
    [status] = read(status_page(row("404 Not Found", cell))).records
    assert status.paragraphs == shown
    # In a code cell, what follows the block is no part of the code.
    assert "VOD.10054" not in [
        record.error_code
        for record in _read_or_none(error_page(row("400", f"VOD.100<{tag}>54</{tag}>", "m")))
    ]


def _read_or_none(data: bytes) -> list[Any]:
    try:
        return list(read(data).records)
    except VodspecError:
        return []


@pytest.mark.parametrize("cell", ["400 and 500", "400 和 500", "<p>400</p><p>500</p>", "400/500"])
def test_an_error_rows_statuses_give_one_record_each(cell: str) -> None:
    assert [status for _, status, _, _ in errors(error_page(row(cell, "APP.1", "m")))] == [
        400,
        500,
    ]


@pytest.mark.parametrize("cell", ["APP.20000/APP.20001", "<p>APP.20000</p><p>APP.20001</p>"])
def test_an_error_code_cell_listing_two_codes_gives_two_records(cell: str) -> None:
    assert [code for code, *_ in errors(error_page(row("400", cell, "m")))] == [
        "APP.20000",
        "APP.20001",
    ]


def test_several_codes_of_one_family_are_each_a_record() -> None:
    data = error_page(row("400", "<p>VOD.20000</p><p>VOD.20001</p>", "m"))
    assert [code for code, *_ in errors(data)] == ["VOD.20000", "VOD.20001"]


@pytest.mark.parametrize("cell", ["401 Unauthorized 402", "401 Unauthorized and then", "4O1"])
def test_a_status_cell_with_leftover_text_is_refused(cell: str) -> None:
    data = status_page(row("404 Not Found", "不存在。"), row(cell, "x"))
    assert isinstance(refusal(data), CellError)


def test_an_error_code_cell_with_leftover_text_is_refused() -> None:
    assert isinstance(refusal(error_page(row("400", "APP.1 APP", "m"))), CellError)


@pytest.mark.parametrize(
    "cell",
    [
        "<p>VOD.20000</p><p>deprecated</p>",
        "<p>VOD.20000</p><p>*</p>",
        "VOD.20000<br>(1)",
        "APIG.0101-or-0102",
        "VOD.62&amp;011",
    ],
)
def test_what_is_left_beside_an_error_code_is_no_second_code(cell: str) -> None:
    data = error_page(row("400", cell, "m"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = [code for code, *_ in errors(data)]
        except VodspecError:
            return  # refused: fine
    assert found == [] or all(code.startswith(("VOD.", "APIG.")) for code in found), found
    assert len(found) <= 1 or len({code.split(".")[0] for code in found}) == 1


def test_a_footnote_mark_is_not_part_of_a_reason() -> None:
    data = status_page(row("401 Unauthorized<sup>1</sup>", "未认证。"))
    assert statuses(data) == [(401, "Unauthorized", "未认证。")]


def test_a_footnote_mark_is_not_part_of_an_error_code() -> None:
    assert [code for code, *_ in errors(error_page(row("400", "APP.1<sup>*</sup>", "m")))] == [
        "APP.1"
    ]


@pytest.mark.parametrize("mark", ["a", "Note", "100", "b"])
def test_a_superscript_after_a_reason_is_a_footnote_mark(mark: str) -> None:
    data = status_page(row(f"401 Unauthorized<sup>{mark}</sup>", "未授权。"))
    assert statuses(data)[0][:2] == (401, "Unauthorized")


def test_a_superscript_digit_after_a_code_is_refused_not_guessed() -> None:
    error = refusal(error_page(row("400", "VOD.1005<sup>3</sup>", "m")))
    assert "superscript" in str(error)


@pytest.mark.parametrize(
    ("make", "cell", "where"),
    [
        (status_page, "<sup>5</sup>03 Service Unavailable", "superscript right before"),
        (error_page, "APP<sup>.2001</sup>", "superscript continuing a code"),
        (error_page, "APP.200<sub>1</sub>", "subscript right after"),
        (status_page, "50<sub>3</sub> Service Unavailable", "subscript right after"),
        (status_page, "<sub>5</sub>03", "subscript right before"),
        (error_page, "APP<sub>.2001</sub>", "subscript continuing a code"),
        # through inline markup, which shows nothing of its own
        (error_page, "<b>APP.200</b><sup>1</sup>", "superscript right after"),
        (error_page, "APP.200<span><sup>1</sup></span>", "superscript right after"),
        (error_page, "<span>APP.2001</span><sub>1</sub>", "subscript right after"),
        (status_page, "<sup>5</sup><b>03</b>", "superscript right before"),
        # too long or spaced for a mark: read with the text, glued all the same
        (status_page, "50<sup>3 Service Unavailable</sup>", "superscript right after"),
        (error_page, "APP.200<sup>1111111111111</sup>", "superscript right after"),
    ],
)
def test_a_raised_or_lowered_text_glued_to_a_value_is_refused_not_guessed(
    make: Any, cell: str, where: str
) -> None:
    cells = (cell, "忙。") if make is status_page else ("503", cell, "忙。")
    assert where in str(refusal(make(row(*cells))))


@pytest.mark.parametrize(
    "description",
    [
        "<p>取值1~100</p><p><sup>注1</sup> 超出时报错。</p>",
        "<ul><li>最多 100</li><li><sup>a</sup> 见附录。</li></ul>",
        "请见第3章<br><sub>x</sub> 为变量。",
        "上限为<b>100</b><sup>[1]</sup>个。",
    ],
)
def test_a_mark_on_another_line_or_in_brackets_is_not_glued_to_a_number(description: str) -> None:
    [record] = read(status_page(row("201 Created", description))).records
    assert record.code == 201


@pytest.mark.parametrize("mark", [".2001", "1"])
def test_a_footnote_class_written_by_hand_makes_no_footnote(mark: str) -> None:
    # Only cmark-gfm's own reference (its link marked data-footnote-ref) is a footnote.
    cell = f'APP{"" if mark[0] == "." else ".200"}<sup class="footnote-ref">{mark}</sup>'
    assert "superscript" in str(refusal(error_page(row("400", cell, "m"))))


@pytest.mark.parametrize(
    "cell",
    [
        "VOD<sup>10053</sup>",  # VOD and a mark, or VOD10053?
        "<sup>A</sup>ccessDenied",
        "AccessDenied<sup>1</sup>",
        "VOD.ABC<sub>D1</sub>",
        "<b>VOD</b><sup>10053</sup>",
    ],
)
def test_a_raised_text_touching_an_error_code_is_refused_not_guessed(cell: str) -> None:
    # In a reason it is a mark (Unauthorized<sup>1</sup>); in a code, part of it or not.
    error = refusal(error_page(row("400", cell, "m")))
    assert "touches the code" in str(error)
    assert error.column == "错误码"


@pytest.mark.parametrize("cell", ["VOD.10053 <sup>1</sup>", "AccessDenied<sup>[1]</sup>"])
def test_a_mark_apart_from_an_error_code_is_not_part_of_it(cell: str) -> None:
    [code] = [code for code, *_ in errors(error_page(row("400", cell, "m")))]
    assert code == cell.partition("<")[0].strip()


def test_a_subscript_beside_letters_reads_as_the_page_shows_it() -> None:
    data = status_page(row("201 Created", "H<sub>2</sub>O 已创建。"))
    assert statuses(data) == [(201, "Created", "H2O 已创建。")]


def test_a_markdown_footnote_is_a_mark_not_part_of_the_code() -> None:
    table = "| 状态码 | 错误码 | 错误信息 |\n|---|---|---|\n| 400 | VOD.10053[^1] | 参数非法 |\n"
    data = page("错误码", table, "[^1]: 已废弃。")
    assert [code for code, *_ in errors(data)] == ["VOD.10053"]


@pytest.mark.parametrize(
    ("make", "header", "cells"),
    [
        (
            status_page,
            ("状态码", "说明", "状态码", "说明"),
            ("200 OK", "好。", "404 Not Found", "无。"),
        ),
        (status_page, ("Status Code", "Description") * 2, ("200", "ok", "500", "err")),
        (error_page, ("错误码", "说明", "Error Code", "说明"), ("APP.1", "a", "APP.2", "b")),
        (error_page, ("错误码", "说明", "错误码(续)", "说明"), ("APP.1", "a", "APP.2", "b")),
    ],
)
def test_a_table_split_side_by_side_is_refused_not_glued(
    make: Any, header: tuple[str, ...], cells: tuple[str, ...]
) -> None:
    # The second pair's codes were glued into the first's description ("状态码: 404 …").
    head = (
        "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr></thead><tbody>\n"
    )
    error = refusal(make(row(*cells), head=head))
    assert str(error).startswith(f"p.md:3, column {header[2]}: a second column of codes")


def test_a_column_named_for_statuses_holding_only_error_codes_is_read_as_such() -> None:
    # A first answer to the typos below dropped such a table without a word.
    head = "<table><thead><tr><th>状态码</th><th>错误信息</th></tr></thead><tbody>\n"
    data = error_page(row("400", "APP.1", "m"), extra=head + row("APP.2", "n") + TAIL)
    assert [code for code, *_ in errors(data)] == ["APP.1", "APP.2"]


@pytest.mark.parametrize(
    "cells",
    [
        ("200", "4O4", "5OO"),  # statuses gone wrong: published as error codes 200, 4O4, 5OO
        ("200", "APP.1", "APP.2"),  # a first answer dropped such a table without a word
    ],
)
def test_a_status_column_holding_statuses_and_error_codes_is_refused(
    cells: tuple[str, ...],
) -> None:
    body = "".join(f"| {cell} | 说明。 |\n" for cell in cells)
    error = refusal(page("状态码", "| 状态码 | 说明 |\n| --- | --- |\n" + body))
    assert str(error).startswith("p.md:3, column 状态码: column '状态码' holds an HTTP status")


@pytest.mark.parametrize(
    ("make", "header", "cells"),
    [
        (error_page, ("状态码", "错误码", "旧错误码"), ("400", "APP.1", "APP.9")),
        (status_page, ("状态码", "Status Code", "说明"), ("404", "404 Not Found", "无。")),
        (error_page, ("状态码", "错误码", "错误码"), ("400", "APP.1", "APP.2")),
        (status_page, ("", "", ""), ("200", "OK", "500")),  # no header: a column of numbers
    ],
)
def test_another_column_of_codes_headed_otherwise_is_kept_as_a_column(
    make: Any, header: tuple[str, ...], cells: tuple[str, ...]
) -> None:
    # A mapping to old codes, the code restated in English: a first rule refused them.
    head = (
        "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr></thead><tbody>\n"
    )
    assert len(read(make(row(*cells), head=head)).records) == 1


# Rule 5: a reason column by content.


def test_a_reason_column_is_known_by_its_phrases_whatever_its_header() -> None:
    head = "<table><thead><tr><th>状态码</th><th>返回</th><th>说明</th></tr></thead><tbody>\n"
    data = status_page(
        row("400", "Bad Request", "参数错误。"), row("409", "-", "冲突。"), head=head
    )
    assert statuses(data) == [(400, "Bad Request", "参数错误。"), (409, None, "冲突。")]


def test_a_reason_column_on_an_error_page_is_read_with_its_status() -> None:
    head = (
        "<table><thead><tr><th>状态码</th><th>返回</th><th>错误码</th><th>错误信息</th></tr>"
        "</thead><tbody>\n"
    )
    data = error_page(row("400", "Bad Request", "APP.1", "m"), head=head)
    assert errors(data) == [("APP.1", 400, "400 Bad Request", "m")]


def test_a_column_of_other_words_is_no_reason_column() -> None:
    head = "<table><thead><tr><th>状态码</th><th>返回</th><th>说明</th></tr></thead><tbody>\n"
    data = status_page(row("400", "Client Error", "参数错误。"), head=head)
    [(code, reason, description)] = statuses(data)
    assert (code, reason) == (400, None) and "Client Error" in (description or "")


@pytest.mark.parametrize("header", ["类型", "Type", ""])
def test_a_column_naming_classes_of_codes_is_no_reason_column(header: str) -> None:
    # Half of the cells being their codes' phrases made it one: 404's reason "Client Error".
    head = f"<table><thead><tr><th>状态码</th><th>{header}</th><th>说明</th></tr></thead><tbody>\n"
    rows = [("200", "OK"), ("201", "Created"), ("404", "Client Error"), ("500", "Server Error")]
    data = status_page(*(row(code, word, "说明。") for code, word in rows), head=head)
    assert [reason for _, reason, _ in statuses(data)] == [None] * 4


@pytest.mark.parametrize("header", ["类型", "Name", ""])
@pytest.mark.parametrize("odd", ["Moved Temporarily", "Client Closed Request", "Not Foud"])
def test_a_column_of_phrases_keeps_its_odd_one_as_written(header: str, odd: str) -> None:
    # An older standard's phrase (302), a phrase no standard has, a typo: the column is the
    # reasons all the same, each as written (a stricter rule dropped every reason of it).
    head = f"<table><thead><tr><th>状态码</th><th>{header}</th><th>说明</th></tr></thead><tbody>\n"
    rows = [("200", "OK"), ("400", "Bad Request"), ("404", odd), ("500", "Internal Server Error")]
    data = status_page(*(row(code, word, "说明。") for code, word in rows), head=head)
    assert [reason for _, reason, _ in statuses(data)] == [word for _, word in rows]


# Rule 6: odd but clear content is published, reported, and refused under --strict.


@pytest.mark.parametrize("cell", ["N/A", "--", "***", "NA", "40"])
def test_an_odd_status_cell_on_an_error_page_is_kept_as_written(cell: str) -> None:
    data = error_page(row("400", "APP.1", "一"), row(cell, "APP.2", "二"))
    with pytest.warns(OddContentWarning, match=r"p\.md:5.*published as written"):
        dataset = scrape(data, file="p.md", service="any")
    assert [(r.error_code, r.http_status, r.http_status_text) for r in dataset.records] == [
        ("APP.1", 400, "400"),
        ("APP.2", None, cell),
    ]


@pytest.mark.parametrize("cell", ["N/A", "--", "***", "NA", "40"])
def test_an_odd_code_cell_on_a_status_page_is_a_note(cell: str) -> None:
    data = status_page(row("404 Not Found", "不存在。"), row(cell, "保留。"))
    with pytest.warns(OddContentWarning, match=r"p\.md:5.*not a status code"):
        dataset = scrape(data, file="p.md", service="any")
    assert [r.code for r in dataset.records] == [404]
    assert [(n.line, n.text) for n in dataset.notes] == [(5, f"{cell} | 保留。")]


@pytest.mark.parametrize("cell", ["--", "***", "-", "?", "...", "TBD", "null", "N/A", "无"])
def test_a_placeholder_in_the_error_code_cell_is_a_note_not_a_code(cell: str) -> None:
    # "--", "***", "TBD"… read as codes (any printable ASCII was one) and were published.
    data = error_page(row("400", "APP.1", "一"), row("404", cell, "二"))
    with pytest.warns(OddContentWarning, match=r"p\.md:5.*holds no code; the row is a note"):
        dataset = scrape(data, file="p.md", service="any")
    assert [r.error_code for r in dataset.records] == ["APP.1"]
    assert [(n.line, n.text) for n in dataset.notes] == [(5, f"404 | {cell} | 二")]


@pytest.mark.parametrize(
    "cell",
    ["APP.2*", "APP.2~APP.9", "APP.*", "APP.", "APP.2:", '"APP.2"', "[APP.2]", "(APP.2)", "APP..2"],
)
def test_a_code_with_a_mark_or_a_range_is_refused_not_published(cell: str) -> None:
    error = refusal(error_page(row("400", "APP.1", "一"), row("404", cell, "二")))
    assert str(error).startswith("p.md:5, column 错误码: expected one error code (")
    assert str(error).endswith(f"found {cell!r}")


@pytest.mark.parametrize(("make", "width"), [(status_page, 2), (error_page, 3)])
def test_a_prose_note_written_as_a_row_is_a_note_not_a_record(make: Any, width: int) -> None:
    cells = ("404 Not Found", "不存在。") if width == 2 else ("404", "APP.1", "m")
    note = f'<tr><td colspan="{width}">注：以上为常见情况。</td></tr>\n'
    with pytest.warns(OddContentWarning, match="注：以上为常见情况"):
        dataset = scrape(make(row(*cells), note), file="p.md", service="any")
    assert len(dataset.records) == 1
    (published,) = dataset.notes
    assert "注：以上为常见情况。" in published.text and not published.in_records


@pytest.mark.parametrize(("make", "width"), [(status_page, 2), (error_page, 3)])
@pytest.mark.parametrize("empty_id", ['id=""', 'id="  "'])
def test_an_empty_row_id_names_no_row(make: Any, width: int, empty_id: str) -> None:
    # It was published as source_row "" and, on a note row, an internal error (a note's row
    # is never an empty name).
    cells = ("404 Not Found", "不存在。") if width == 2 else ("404", "APP.1", "m")
    record = row(*cells).replace("<tr>", f"<tr {empty_id}>")
    note = f'<tr {empty_id}><td colspan="{width}">注：以上为常见情况。</td></tr>\n'
    dataset = read(make(record, note))
    assert [r.source_row for r in dataset.records] == [None]
    assert [n.row for n in dataset.notes] == [None]


def test_a_row_id_is_normalised_as_text_is() -> None:
    # A control character made by a character reference reached the JSON's source_row and,
    # in warnings and refusals naming the row, the terminal (an escape sequence).
    record = row("404 Not Found", "不存在。").replace("<tr>", '<tr id="&#27;[31mX&#1;">')
    with pytest.warns(VodspecWarning, match="removed control character U"):
        dataset = scrape(status_page(record), file="p.md", service="any")
    assert [r.source_row for r in dataset.records] == ["[31mX"]


@pytest.mark.parametrize(("row_id", "named"), [("", ""), (" ", ""), ("&#127;x", ", row \\x7fx")])
def test_a_refusal_names_a_row_by_a_printable_id_or_not_at_all(row_id: str, named: str) -> None:
    # An empty id was named ("row :"), a control character reached the terminal.
    bad = f'<tr id="{row_id}"><td rowspan="x">404 Not Found</td><td>不存在。</td></tr>\n'
    message = str(refusal(status_page(bad)))
    assert message.startswith(f"p.md:4{named}: rowspan='x'") and message.isprintable()


@pytest.mark.parametrize(
    ("cells", "first"),
    [
        # A span is read before the cell's text, and before the row's width is checked.
        ('<td>404 Not Found</td><td>不存在。</td><td rowspan="x">a</td>', "rowspan='x'"),
        ('<td>404 Not Found</td><td colspan="2">40<sub>3 F</sub></td>', "row has more cells"),
    ],
)
def test_a_cells_span_is_refused_before_its_text(cells: str, first: str) -> None:
    message = str(refusal(status_page(f"<tr>{cells}</tr>\n")))
    assert message.startswith(f"p.md:4: {first}"), message


@pytest.mark.parametrize(("make", "width"), [(status_page, 2), (error_page, 3)])
@pytest.mark.parametrize("blank", ["", " ", "<p></p>", "&nbsp;"])
@pytest.mark.parametrize("spanned", [True, False])
def test_an_empty_row_shows_nothing_and_gives_nothing(
    make: Any, width: int, blank: str, spanned: bool
) -> None:
    # A spacer row: nothing in it to read, so nothing to refuse (it was refused as a row
    # of codes whose code cell is empty).
    cells = ("404 Not Found", "不存在。") if width == 2 else ("404", "APP.1", "m")
    empty = f'<tr><td colspan="{width}">{blank}</td></tr>\n' if spanned else row(*[blank] * width)

    def shown(data: bytes) -> list[dict[str, Any]]:
        return [r.model_dump(exclude={"source_sha256"}) for r in read(data).records]

    assert shown(make(row(*cells), empty)) == shown(make(row(*cells)))


@pytest.mark.parametrize("shown", ['<img src="x.png" alt="404">', '<input value="404">'])
def test_a_row_of_no_text_that_shows_something_is_refused_not_skipped(shown: str) -> None:
    for data in (
        status_page(row("404 Not Found", "不存在。"), row(shown, "")),
        error_page(row("404", "APP.1", "m"), row("", shown, "")),
    ):
        assert refusal(data).line == 5


def test_a_long_note_is_published_whole_and_named_short() -> None:
    note = "注" * 100_000
    data = status_page(row("404 Not Found", "不存在。"), f'<tr><td colspan="2">{note}</td></tr>\n')
    with pytest.warns(OddContentWarning) as caught:
        dataset = scrape(data, file="p.md", service="any")
    assert [n.text for n in dataset.notes] == [note]
    assert all(len(str(w.message)) < 500 for w in caught)


@pytest.mark.parametrize(
    "data",
    [
        status_page(row("404 Not Found", "不存在。"), row("N/A", "保留。")),
        error_page(row("N/A", "APP.2", "二")),
    ],
    ids=["status", "error"],
)
def test_strict_refuses_odd_content(data: bytes) -> None:
    token = STRICT.set(True)
    try:
        with pytest.raises(CellError, match="refused under --strict") as info:
            scrape(data, file="p.md", service="any")
    finally:
        STRICT.reset(token)
    assert "p.md:" in str(info.value) and info.value.line is not None


def test_scrape_strict_on_the_command_line(tmp_path: Any) -> None:
    path = tmp_path / "p.md"
    path.write_bytes(error_page(row("N/A", "APP.2", "二")))
    loose = run_cli("scrape", str(path), "--service", "any")
    assert loose.returncode == 0 and "warning:" in loose.stderr and "p.md:4" in loose.stderr
    strict = run_cli("scrape", str(path), "--service", "any", "--strict")
    assert strict.returncode == 1 and len(strict.stderr.strip().splitlines()) == 1


def test_lint_reports_an_odd_status_cell(tmp_path: Any) -> None:
    path = tmp_path / "p.md"
    path.write_bytes(error_page(row("N/A", "APP.2", "二")))
    dataset = run_cli("scrape", str(path), "--service", "any")
    (tmp_path / "errors.json").write_text(dataset.stdout, encoding="utf-8")
    lint = run_cli("lint", str(tmp_path / "errors.json"))
    assert "odd-status-cell" in lint.stdout


# Rule 7: retry advice from whole sentences.

RESUBMIT = "客户端可以随时再次提交该请求而无需进行任何更改。"
QUOTED = "注意：“客户端可以随时再次提交该请求而无需进行任何更改”的说法不适用于本接口，不要重试。"


@pytest.mark.parametrize(
    ("paragraph", "retry"),
    [
        (RESUBMIT, "retry_unchanged"),
        ("注意：" + RESUBMIT, "retry_unchanged"),
        (QUOTED, "unspecified"),
        ("不是说，" + RESUBMIT, "unspecified"),
        (RESUBMIT.rstrip("。") + "的情况很少。", "unspecified"),
        ("请求无效，建议直接修改该请求，不要重试该请求。", "do_not_retry"),
    ],
)
def test_retry_advice_comes_from_whole_sentences(paragraph: str, retry: str) -> None:
    data = status_page(row("503 Service Unavailable", f"<p>服务不可用。</p><p>{paragraph}</p>"))
    assert [r.retry.value for r in read(data).records] == [retry]


@pytest.mark.parametrize(
    "paragraph",
    [
        "以下为错误说法，客户端可以随时再次提交该请求而无需进行任何更改。",
        "禁止认为，客户端可以随时再次提交该请求而无需进行任何更改。",
        "以下说法不成立。客户端可以随时再次提交该请求而无需进行任何更改。",
        "客户端可以随时再次提交该请求而无需进行任何更改？",
        "错误示例，<q>客户端可以随时再次提交该请求而无需进行任何更改</q>",
        "<q>客户端可以随时再次提交该请求而无需进行任何更改</q>",
    ],
)
def test_the_resubmit_advice_is_given_only_by_a_paragraph_that_is_it(paragraph: str) -> None:
    data = status_page(row("408 Request Timeout", f"<p>请求超时。</p><p>{paragraph}</p>"))
    assert read(data).records[0].retry == "unspecified"


@pytest.mark.parametrize("between", ["<br>", "</p><p>", "<br><br>"])
@pytest.mark.parametrize(
    ("introduction", "retry"),
    [
        ("下列说法已过时：", "unspecified"),
        ("下列说法已过时︰", "unspecified"),
        ("Old wording:", "unspecified"),
        ("注意：", "retry_unchanged"),  # a label on its own line: the page's own voice
        ("注意︰", "retry_unchanged"),
        ("提示:", "retry_unchanged"),
        ("下列说法已过时∶", "unspecified"),
        ("网关超时。", "retry_unchanged"),
    ],
)
def test_advice_on_a_line_after_an_introduction_is_not_given(
    introduction: str, retry: str, between: str
) -> None:
    cell = f"<p>{introduction}{between}{RESUBMIT}</p>"
    data = status_page(row("504 Gateway Timeout", cell))
    assert read(data).records[0].retry == retry


def test_lint_reports_advice_introduced_on_the_line_before(tmp_path: Any) -> None:
    path = tmp_path / "p.md"
    path.write_bytes(status_page(row("503 Service Unavailable", f"旧文档写道：<br>{RESUBMIT}")))
    dataset = run_cli("scrape", str(path), "--service", "any")
    (tmp_path / "statuses.json").write_text(dataset.stdout, encoding="utf-8")
    lint = run_cli("lint", str(tmp_path / "statuses.json"))
    assert "retry-advice-mentioned-not-given" in lint.stdout


REASON_HEAD = "<table><thead><tr><th>状态码</th><th>原因短语</th></tr></thead><tbody>\n"
CONTRADICTORY = f"<p>建议直接修改该请求，不要重试该请求。</p><p>{RESUBMIT}</p>"


@pytest.mark.parametrize(
    ("invalid", "contradictory", "refused"),
    [
        ("404", "500", "a record needs a reason or a description"),
        ("500", "404", "contradictory retry advice"),
    ],
)
def test_of_two_refused_records_the_lower_code_is_refused(
    invalid: str, contradictory: str, refused: str
) -> None:
    # Records are refused in code order, whatever the check: a record with neither reason
    # nor description (line 4), one giving contradictory advice (line 10).
    data = page(
        "状态码",
        REASON_HEAD + row(invalid, "-") + row("405", "Method Not Allowed") + TAIL,
        STATUS_HEAD + row(contradictory, CONTRADICTORY) + TAIL,
    )
    error = refusal(data)
    assert refused in str(error)
    assert error.line == (4 if invalid < contradictory else 10)


def test_of_two_invalid_records_the_lower_code_is_refused_naming_its_row() -> None:
    reasons = row("500", "-") + row("404", "-") + row("405", "Method Not Allowed")
    data = page("状态码", REASON_HEAD + reasons + TAIL)
    error = refusal(data)
    assert "a record needs a reason or a description" in str(error)
    assert error.line == 5


def test_lint_reports_advice_mentioned_but_not_given(tmp_path: Any) -> None:
    path = tmp_path / "p.md"
    path.write_bytes(status_page(row("503 Service Unavailable", QUOTED)))
    dataset = run_cli("scrape", str(path), "--service", "any")
    (tmp_path / "statuses.json").write_text(dataset.stdout, encoding="utf-8")
    lint = run_cli("lint", str(tmp_path / "statuses.json"))
    assert "retry-advice-mentioned-not-given" in lint.stdout


# Rule 2 and markup: what a browser would show otherwise is refused in one line.


@pytest.mark.parametrize(
    "hiding",
    [
        '<tr style="display:none;display:block"><td>418</td><td>x</td></tr>',
        '<tr style="visibility:visible"><td>418</td><td>x</td></tr>',
        '<tr style="display:/**/none"><td>418</td><td>x</td></tr>',
        '<tr style="display:n\\6f ne"><td>418</td><td>x</td></tr>',
        '<tr class="x"><td>418</td><td>x</td></tr>',
        "<tr><td>409 Conflict</td><td>冲突<iframe>不可见</iframe></td></tr>",
        "<tr><td>409 Conflict</td><td>冲突<svg><desc>不可见</desc></svg></td></tr>",
        "<tr><td>409 Conflict</td><td>冲突<object>不可见</object></td></tr>",
        "<tr><td>409 Conflict</td><td>冲突<span style='color:white'>白</span></td></tr>",
        "<tr><td>409 Conflict</td><td>冲突<span style='font-size:0'>零</span></td></tr>",
        "<tr><td>409 Conflict</td><td><span style='height:0;overflow:hidden'>0</span></td></tr>",
        "<tr><td>409 Conflict</td><td>冲突<span style='text-indent:-9999px'>零</span></td></tr>",
        "<tr><td>409 Conflict</td><td>冲突<font color='white'>白</font></td></tr>",
        "<tr><td>409 Conflict</td><td>冲突<link rel='stylesheet' href='x.css'></td></tr>",
        "<tr><td>409 Conflict</td><td><details><summary>冲突</summary>细节</details></td></tr>",
    ],
)
def test_a_page_that_hides_or_embeds_content_is_refused(hiding: str) -> None:
    extra = "<style>.x{display:none}</style>" if "class" in hiding else ""
    data = status_page(row("404 Not Found", "不存在。"), hiding + "\n", extra=extra)
    error = refusal(data)
    assert isinstance(error, MarkupError) and error.line is not None


def test_a_style_that_cannot_hide_text_is_read() -> None:
    data = status_page('<tr><td style="text-align:left">409 Conflict</td><td>冲突。</td></tr>\n')
    assert statuses(data) == [(409, "Conflict", "冲突。")]


@pytest.mark.parametrize(
    ("record", "char"),
    [
        ("<tr><td\x0b>404 Not Found</td><td>不存在。</td></tr>\n", "U+000B"),
        ('<tr id="a\x9b"><td>404 Not Found</td><td>不存在。</td></tr>\n', "U+009B"),
    ],
)
def test_a_control_character_inside_a_tag_is_refused(record: str, char: str) -> None:
    error = refusal(status_page(record))
    assert isinstance(error, MarkupError) and error.line == 4
    # The message named <td\x0b> whatever the tag and the character were.
    assert f"{char} inside a tag" in str(error) and "<td" not in str(error)


@pytest.mark.parametrize(
    "markup",
    [
        "<tr popover><td>402 Payment Required</td><td>x</td></tr>",
        '<tr><td><bdo dir="rtl">402 Payment Required</bdo></td><td>x</td></tr>',
        "<tr><td>402 Payment Required</td><td><del>旧说明</del></td></tr>",
        "<tr><td>402 Payment Required</td><td><ruby>说明<rp>(</rp></ruby></td></tr>",
        "<tr><td>402 Payment Required</td><td><progress>50</progress></td></tr>",
        "<tr><td>VOD.9348<col>2</td><td>x</td></tr>",
        "<tr><td>402 Payment Required</td><td>资源<rp>不</rp>存在。</td></tr>",
        "<tr><td>4<rp>0</rp>2 Payment Required</td><td>x</td></tr>",
        "<tr><td>402 Payment Required</td><td>说明<rt>注</rt></td></tr>",
        "<tr><td>402 Payment Required</td><td>资源&#x202E;。在存不</td></tr>",
        "<tr><td>402 Payment Required</td><td>资源\u2067。在存不\u2069</td></tr>",
        *(
            f"<tr><td><{tag}>402<{cell}>Payment Required</{cell}></{tag}></td><td>x</td></tr>"
            for tag in ("strong", "em", "code", "sup", "small", "div")
            for cell in ("td", "th")
        ),
        "<tr><td>402 Payment Required</td><td><em>资源<td>不存在</td></em></td></tr>",
    ],
)
def test_markup_a_browser_shows_otherwise_is_refused(markup: str) -> None:
    refusal(status_page(row("200 OK", "请求正常。"), markup))


@pytest.mark.parametrize(
    ("markup", "says"),
    [
        # A slash closes only a void element: a browser keeps <sup/> open over the 1.
        ("<tr><td>VOD.10053<sup/>1</td><td>m</td></tr>", "<sup/>"),
        ("<tr><td>VOD.1005<sub/>3</td><td>m</td></tr>", "<sub/>"),
        ("<tr><td>VOD.10053</td><td/>检查参数</tr>", "<td/>"),
        ("<tr><td>VOD.10053<table/></td><td>m</td></tr>", "<table/>"),
        ('<tr><td>VOD.10053</td><td><span class="x" title="a/>b"/>m</td></tr>', "<span/>"),
        # however the tag is written, and wherever: the page is read as a browser reads it
        # from its start, so a comment or a value before the "/>" hides no tag of its own
        ("<tr><td>VOD.10053<SUP//>1</td><td>m</td></tr>", "<sup/>"),
        ("<tr><td>VOD.10053<sup/x/>1</td><td>m</td></tr>", "<sup/>"),
        ('<tr><td>VOD.10053<sup title="<"/>1</td><td>m</td></tr>', "<sup/>"),
        ("<tr><td>VOD.10053<!-- x --!><sup/>1</td><td>m</td></tr>", "<sup/>"),
        # an unquoted value holds quotes and "<": the tag ends at its "/>" all the same
        ("<tr><td>VOD.1005<sup class=a' />3</td><td>m</td></tr>", "<sup/>"),
        ("<tr><td>VOD.1005<sup title=<<<<<<<<< />3</td><td>m</td></tr>", "<sup/>"),
        # the tag a "/>" ends is the outermost holding it, not one inside its value
        ('<tr><td>VOD.10053</td><td title="<b>"/>m</td></tr>', "<td/>"),
        ("<tr><td>VOD.10053</td><td <br/>m</td></tr>", "<td/>"),
        ("<tr><td>VOD.1005<sup =x/>3</td><td>m</td></tr>", "<sup/>"),
        ("<tr><td>VOD.1005<sup title=" + "<" * 20 + " />3</td><td>m</td></tr>", "<sup/>"),
        # a comment, or another tag's value, around what only looks like a tag holding "/>"
        (
            '<tr><td>VOD.1005<b></b><!-- <i title="-->5<sup/>3<!--">--></td><td>m</td></tr>',
            "<sup/>",
        ),
        ('<tr><td>VOD.1005<sup title="<b></b> <br x="/>3<!--">--></td><td>m</td></tr>', "<sup/>"),
        ('<tr><td>VOD.1005<sup title="<b></b><br "/>3</td><td>m</td></tr>', "<sup/>"),
        ('<tr><td>VOD.1005<!-- <img alt="-->5<sup x="" />3</td><td>m</td></tr>', "<sup/>"),
        ("<tr><td>VOD.1005<!--> <sup/>3</td><td>m</td></tr>", "<sup/>"),
        (
            "<tr><td>VOD.10053</td><td>m</td></tr></tbody></table>\n\n<body class=x' hidden>",
            "hidden attribute",
        ),
        (
            "<tr><td>VOD.10053</td><td>m</td></tr></tbody></table>\n\n<body class=a<b hidden>",
            "hidden attribute",
        ),
        # A browser ends the row at a <col> or <caption>, the table at a <table> in a row.
        ("<tr><td>VOD.10053</td><col><td>m</td></tr>", "<col> inside a <tr>"),
        ("<tr><td>VOD.10053</td><caption>c</caption><td>m</td></tr>", "<caption> inside"),
        ("<tr><td>VOD.10053</td><td>m</td></tr><table><tr><td>x</td></tr></table>", "<table>"),
        (
            "<tr><td>VOD.10053</td><td>m</td></tr><div><table><tr><td>注</td></tr></table></div>",
            "<table> inside a <div> in a <tbody>",
        ),
        # An end tag libxml2 ignores in a cell, a browser may take as closing the cell.
        ("<tr><td>VOD.1</tbody>0053</td><td>m</td></tr>", "with no <"),
        ("<tr><td>VOD.10053</td><td>m</body>x</td></tr>", "content follows </body>"),
        # The attributes of a later <body> or <html> are the page's in a browser.
        ("<tr><td>VOD.10053</td><td>m</td></tr></tbody></table>\n\n<body hidden>", "<body>"),
        ('<tr><td>VOD.10053</td><td>m</td></tr></tbody></table>\n\n<html style="">', "<html>"),
        ('<tr><td>VOD.10053</td><td>m</td></tr></tbody></table>\n\n<body text="white">', "text"),
        ("<tr><td>VOD.10053</td><td>m<body/hidden></td></tr>", "hidden attribute"),
        ('<tr><td>VOD.10053</td><td>m<body data-x="a>" hidden></td></tr>', "hidden attribute"),
        # Raised by CSS as by <sup>; a footnote reference written by hand.
        (
            '<tr><td>VOD.1005<span style="vertical-align:super">3</span></td><td>m</td></tr>',
            "vertical-align",
        ),
        (
            '<tr><td>VOD.10053<sup class="footnote-ref"><a data-footnote-ref>/VOD.10054</a></sup>'
            "</td><td>m</td></tr>",
            "data-footnote-ref",
        ),
        ('<tr bgcolor="black"><td>VOD.10053</td><td>m</td></tr>', "bgcolor"),
        # A right-to-left mark reorders the text around it.
        ("<tr><td>VOD.10053</td><td>请等待 10\u200f/20 秒。</td></tr>", "U+200F"),
        ("<tr><td>VOD.10053</td><td>请等待 10&#x61c;/20 秒。</td></tr>", "U+061C"),
    ],
)
def test_markup_the_parser_reads_otherwise_than_a_browser_is_refused(
    markup: str, says: str
) -> None:
    head = "<table><thead><tr><th>错误码</th><th>错误信息</th></tr></thead><tbody>\n"
    error = refusal(page("错误码", head + markup + "\n" + TAIL))
    assert says in str(error)


@pytest.mark.parametrize(
    "markup",
    [
        "<br/>",  # void elements close themselves
        '<img src="x.png" alt="a"/>',
        "<a href=https://support.huaweicloud.com/>文档</a>",  # an unquoted value's slash
        '<span style="vertical-align:top">参数</span>',
        "<tr><td/>",  # written as text
        "<!-- <sup/> -->",  # in a comment
        '<span title="<sup/>">值</span>',  # in a value
        "<!-- a --!><br/>",
        '<image src="x.png"/>',  # a browser makes it an <img>
        "<basefont/>",
    ],
)
def test_a_slash_that_closes_nothing_differently_is_read(markup: str) -> None:
    markup = markup.replace("<tr><td/>", "&lt;tr&gt;&lt;td/&gt;")
    data = error_page(row("400", "VOD.10053", f"参数{markup}错误"))
    assert [code for code, *_ in errors(data)] == ["VOD.10053"]


def test_a_value_full_of_slashes_is_read() -> None:
    # The page is read once from its start: a "/>" costs nothing of its own (when each
    # looked back for its tag, a page of them took minutes, and was refused past 2,000).
    cell = '<a title="' + "/>" * 300_000 + '">x</a>'
    assert [r.code for r in read(status_page(row("404 Not Found", cell))).records] == [404]


def test_a_stray_end_tag_in_a_cell_is_refused_one_before_the_tables_end_is_read() -> None:
    # No <tbody> written: a browser implies one, and a </tbody> in a cell closes it there.
    table = (
        "<table>\n<tr><th>状态码</th><th>错误码</th><th>错误信息</th></tr>\n"
        "<tr><td>400</td><td>VOD.1</tbody>0053</td><td>请求参数非法</td></tr>\n</table>"
    )
    assert "</tbody> with no <tbody> open" in str(refusal(page("错误码", table)))
    between = table.replace(
        "VOD.1</tbody>0053</td><td>请求参数非法</td></tr>",
        "VOD.10053</td><td>请求参数非法</td></tr></tbody>",
    )
    assert [code for code, *_ in errors(page("错误码", between))] == ["VOD.10053"]


@pytest.mark.parametrize(
    ("make", "cell", "read_as"),
    [
        (status_page, "40<sup>*</sup>4 Not Found", None),  # not 404
        (error_page, "VOD.10053<sup>/</sup>VOD.10054", ["VOD.10053", "VOD.10054"]),
        (error_page, "VOD.100<sup>*</sup>53", None),  # not VOD.10053
    ],
)
def test_a_mark_between_two_letters_or_digits_does_not_join_them(
    make: Any, cell: str, read_as: list[str] | None
) -> None:
    cells = (cell, "说明。") if make is status_page else ("400", cell, "m")
    if read_as is None:
        refusal(make(row(*cells)))
    else:
        assert [code for code, *_ in errors(make(row(*cells)))] == read_as


def test_a_mark_between_two_words_of_a_reason_is_kept_not_glued() -> None:
    assert statuses(status_page(row("404 Not<sup>-</sup>Found", "说明。"))) == [
        (404, "Not-Found", "说明。")
    ]


@pytest.mark.parametrize(
    "head",
    [
        "<tr><th>状态码</th><th>错误码</th><em><th>错误描述</th></em><th>处理措施</th></tr>",
        "<tr><th>状态码</th><th>错误码</th><div><th>错误描述</th></div><th>处理措施</th></tr>",
    ],
)
def test_a_cell_wrapped_in_a_row_is_refused_not_lost(head: str) -> None:
    # libxml2 keeps the <th> in the <em>, out of the row: the header lost a column, and
    # 请求参数非法 went under 处理措施. A browser moves the <em> out and keeps the cell.
    table = (
        f"<table><thead>{head}</thead>\n<tbody><tr id='r1'><td>400</td><td>VOD.10053</td>"
        "<td>请求参数非法。</td><td>检查。</td></tr>\n</tbody></table>"
    )
    assert "<th> inside a <" in str(refusal(page("错误码", table)))


@pytest.mark.parametrize(
    "cell",
    [
        "VOD.1</tbody\n>0053",
        "VOD.1<!-- </td> --></tbody>0053",
        'VOD.1<b title="<tr">x</b></tbody>0053',
    ],
)
def test_a_stray_end_tag_is_refused_however_written(cell: str) -> None:
    table = (
        "<table><tr><th>状态码</th><th>错误码</th><th>错误描述</th></tr>\n"
        f"<tr><td>400</td><td>{cell}</td><td>请求参数非法。</td></tr>\n</table>"
    )
    assert "</tbody> with no <tbody> open" in str(refusal(page("错误码", table)))


def test_text_outside_a_nested_tables_cells_is_refused() -> None:
    # A browser shows 是否存在 before the nested table: 请检查是否存在 / 对象名.
    cell = "请检查<table><tr><td>对象名</td></tr>是否存在</table>"
    assert "elsewhere than it is written" in str(refusal(status_page(row("404 Not Found", cell))))


@pytest.mark.parametrize("cell", ["404 Not Found 和", "404 Not Found /", "404、", "/ 404"])
def test_a_separator_without_a_value_is_refused(cell: str) -> None:
    # Not 404 with the separator dropped: what is left over is a value or a refusal.
    refusal(status_page(row(cell, "资源不存在。")))


@pytest.mark.parametrize(
    "cell",
    [
        "<table><tfoot><tr><td>第二步</td></tr></tfoot><tr><td>第一步</td></tr></table>",
        "<table><tr><td>原因</td></tr><caption>注意</caption></table>",
    ],
)
def test_a_nested_tables_part_drawn_elsewhere_is_refused(cell: str) -> None:
    # Read in page order, 第二步 came before 第一步; a browser draws the <tfoot> last.
    assert "elsewhere than it is written" in str(refusal(status_page(row("404 Not Found", cell))))


def test_a_nested_tables_caption_on_top_is_read_with_its_markup() -> None:
    cell = "见下表<table><caption><b>注意</b>事项</caption><tr><td>a</td></tr></table>"
    assert statuses(status_page(row("404 Not Found", cell))) == [
        (404, "Not Found", "见下表\n注意事项\na")
    ]


def test_content_after_the_first_html_end_is_refused() -> None:
    # libxml2 drops all after the first </html>: the second table's rows were lost.
    table = STATUS_HEAD + row("404 Not Found", "不存在。") + TAIL
    data = page("状态码", table, "</html>", table.replace("404 Not Found", "410 Gone"), "</html>")
    assert "content follows </html>" in str(refusal(data))


@pytest.mark.parametrize("cell", ["VOD.10053 <sup>VOD.10054</sup>", "VOD.10053 <sup>503</sup>"])
def test_a_code_written_apart_in_a_superscript_is_read_not_dropped(cell: str) -> None:
    # A mark is short and glued to what it marks; a code apart is a value, raised: read
    # with the cell (here two codes without a separator: refused), not dropped as a mark.
    assert "VOD.10053 " in str(refusal(error_page(row("400", cell, "m"))))
    marked = error_page(row("400", "VOD.10053 <sup>[1]</sup>", "m"))
    assert [code for code, *_ in errors(marked)] == ["VOD.10053"]


@pytest.mark.parametrize(
    ("cell", "read_as"),
    [
        ("404 / 410 / Not Found", None),  # 404's phrase, or both? The page cannot tell.
        ("400 Bad Request / 404 / Not Found", [(400, "Bad Request"), (404, "Not Found")]),
    ],
)
def test_a_phrase_after_several_bare_codes_is_refused(cell: str, read_as: Any) -> None:
    data = status_page(row(cell, "说明。"))
    if read_as is None:
        refusal(data)
    else:
        assert [(code, reason) for code, reason, _ in statuses(data)] == read_as


def test_a_body_tag_that_never_ends_is_refused() -> None:
    # No ">" after it: its attributes cannot be told, and a browser applies them all.
    data = page("状态码", STATUS_HEAD + row("404 Not Found", "不存在。") + TAIL, "<body hidden")
    assert "attributes that cannot be told" in str(refusal(data))


def test_many_body_tags_are_refused_before_each_is_read() -> None:
    line = "<body " + "data-<body " * 1400 + ">"
    data = page("状态码", STATUS_HEAD + row("404 Not Found", "不存在。") + TAIL, line)
    assert "<body> and <html> tags" in str(refusal(data))


def test_a_second_half_repeating_the_error_codes_columns_is_refused() -> None:
    # The status column shared: VOD.10054 was glued into VOD.10053's description.
    table = "| 状态码 | 错误码 | 错误信息 | 错误码 | 错误信息 |\n|---|---|---|---|---|\n"
    table += "| 400 | VOD.10053 | 非法 | VOD.10054 | 不存在 |"
    assert "a second column of codes" in str(refusal(page("错误码", table)))


def test_a_reason_column_of_causes_on_an_error_page_is_no_status_text() -> None:
    # "Reason" as a cause: http_status_text was "400 Request parameter format is wrong".
    table = "| Status Code | Error Code | Error Message | Reason |\n|---|---|---|---|\n"
    table += "| 400 | VOD.10053 | Invalid parameter | Request parameter format is wrong |"
    [record] = read(page("错误码", table)).records
    assert (record.http_status, record.http_status_text) == (400, "400")
    assert record.description == "Reason: Request parameter format is wrong"


@pytest.mark.parametrize("separator", ["，", "、", "；", "或", "和", "及"])
def test_codes_separated_without_spaces_are_read(separator: str) -> None:
    # The ASCII check ran on the whole cell before the grammar split it: refused.
    statuses_read = statuses(status_page(row(f"400{separator}401", "错误。")))
    assert [code for code, *_ in statuses_read] == [400, 401]
    codes = errors(error_page(row("400", f"VOD.10053{separator}VOD.10054", "m")))
    assert [code for code, *_ in codes] == ["VOD.10053", "VOD.10054"]


@pytest.mark.parametrize("odd", ["N/A", "499"])
def test_a_headerless_table_of_codes_with_an_odd_key_is_refused_not_skipped(odd: str) -> None:
    # A continuation table: VOD.10060 and VOD.10099 were dropped without a word.
    first = "| 状态码 | 错误码 | 错误信息 |\n| --- | --- | --- |\n| 400 | VOD.10053 | 非法 |"
    rest = (
        "<table>\n" + row("403", "VOD.10060", "无权限") + row(odd, "VOD.10099", "关闭") + "</table>"
    )
    assert "a table without a header" in str(refusal(page("错误码", first, "续表：", rest)))


@pytest.mark.parametrize(
    "rows",
    [
        [("cn-north-4", "华北-北京四"), ("ap-southeast-1", "中国-香港")],
        [("360", "流畅"), ("480", "标清"), ("720", "高清"), ("1080", "超清")],
        [("H.264", "视频编码格式"), ("MP4", "封装格式")],
    ],
    ids=["regions", "resolutions", "codecs"],
)
def test_a_headerless_list_beside_a_code_table_is_no_table_of_codes(rows: Any) -> None:
    first = "| 状态码 | 错误码 | 错误信息 |\n| --- | --- | --- |\n| 400 | VOD.10053 | 非法 |"
    listed = "<table>\n" + "".join(row(*cells) for cells in rows) + "</table>"
    assert [code for code, *_ in errors(page("错误码", first, listed))] == ["VOD.10053"]


@pytest.mark.parametrize("mark", ["Note1", "RFC7231"])
def test_a_word_with_a_digit_written_apart_is_still_a_mark(mark: str) -> None:
    data = status_page(row(f"404 Not Found <sup>{mark}</sup>", "说明。"))
    assert statuses(data)[0][:2] == (404, "Not Found")


@pytest.mark.parametrize(
    "table",
    [
        "| 状态码 | 说明 | 状态码 | 说明 | 备注 |\n|---|---|---|---|---|\n"
        "| 200 | 成功 | 400 | 错误 | 无 |",
        "| 状态码 | 说明 | 状态码 |  |\n|---|---|---|---|\n| 200 | 成功 | 400 | 错误 |",
        "| 错误码 | 说明 | 错误码 | 处理措施 |\n|---|---|---|---|\n"
        "| VOD.10053 | 非法 | VOD.10054 | 检查 |",
        "| 状态码 | 错误码 | 错误信息 | Code | Message |\n|---|---|---|---|---|\n"
        "| 400 | VOD.10053 | 非法 | VOD.10054 | 鉴权失败 |",
        "<table><tr><td>200</td><td>成功</td><td>400</td><td>错误</td></tr>"
        "<tr><td>201</td><td>已创建</td><td>404</td><td>不存在</td></tr></table>",
    ],
    ids=["a-trailing-column", "an-empty-header", "another-text-role", "code-message", "no-header"],
)
def test_a_table_split_side_by_side_is_refused_however_its_halves_differ(table: str) -> None:
    # The second half's codes were glued into the first half's descriptions.
    assert "a second column of codes" in str(refusal(page("错误码", table)))


def test_a_column_mapping_old_codes_beside_a_description_is_read() -> None:
    table = (
        "| 状态码 | 错误码 | 旧错误码 | 说明 |\n|---|---|---|---|\n| 400 | APP.1 | APP.9 | 非法 |"
    )
    [record] = read(page("错误码", table)).records
    assert (record.error_code, record.description) == ("APP.1", "非法\n旧错误码: APP.9")


def test_only_the_first_thead_heads_the_table() -> None:
    # A browser shows a later <thead> as rows in place (CSS 2.1, 17.2): merged into the
    # header, its 处理措施 made the 说明 column the remedy. As a row, it has no code.
    table = (
        "<table><thead><tr><th>错误码</th><th>说明</th></tr></thead>\n"
        "<tbody><tr><td>VOD.10053</td><td>参数错误</td></tr></tbody>\n"
        "<thead><tr><th></th><th>处理措施</th></tr></thead>\n</table>"
    )
    assert "found an empty cell" in str(refusal(page("错误码", table)))
    later = table.replace("<th></th><th>处理措施</th>", "<th>VOD.10054</th><th>不存在</th>")
    records = read(page("错误码", later)).records
    assert [(r.error_code, r.description, r.remedy) for r in records] == [
        ("VOD.10053", "参数错误", None),
        ("VOD.10054", "不存在", None),
    ]


def test_a_table_in_a_footnote_is_refused_its_line_unknown() -> None:
    data = page(
        "状态码",
        "视频点播[^1]",
        "[^1]: <table><tr><th>返回值</th><th>说明</th></tr>"
        "<tr><td>500 Internal Server Error</td><td>A</td></tr></table>",
        "<table><tr><th>返回值</th><th>说明</th></tr><tr><td>404 Not Found</td><td>B</td></tr>"
        "</table>",
    )
    error = refusal(data)
    assert "footnote" in str(error) and error.line is None


@pytest.mark.parametrize("space", ["\n", "\t", " ", "\r\n", "/"])
@pytest.mark.parametrize("after", ["", " ", "\n"])
def test_a_hiding_attribute_is_found_whatever_surrounds_it(space: str, after: str) -> None:
    """The attribute is found however the tag separates it: the fast path that skips the
    check on most pages must not skip it on these."""
    for attribute in (f"dir{after}={after}'rtl'", f"STYLE{after}={after}'display:none'"):
        markup = f"<tr><td>402 Payment Required</td><td{space}{attribute}>x y</td></tr>"
        refusal(status_page(row("200 OK", "请求正常。"), markup))


def test_tags_that_only_start_like_a_hiding_one_are_read() -> None:
    cell = "<strong>请求</strong><span>正常</span><sup>1</sup><section>。</section>"
    assert statuses(status_page(row("200 OK", cell)))[0][0] == 200


def test_a_style_in_a_saved_pages_head_that_can_hide_is_refused() -> None:
    html = (
        "<!DOCTYPE html>\n<html><head><style>.x{display:none}</style></head><body>\n"
        "<table><thead><tr><th>返回值</th><th>说明</th></tr></thead><tbody>\n"
        "<tr><td>200 OK</td><td>请求正常。</td></tr>\n"
        '<tr class="x"><td>402 Payment Required</td><td>隐藏行</td></tr>\n'
        "</tbody></table></body></html>\n"
    )
    assert "<style>" in str(refusal(html.encode()))


def test_the_style_of_a_saved_pages_head_that_can_hide_is_named_on_its_line() -> None:
    # A harmless <style> above it was named instead.
    html = (
        "<!DOCTYPE html>\n<html><head>\n<style>.y{color:black}</style>\n"
        "<STYLE>.x{display:none}</STYLE>\n</head><body>\n"
        "<table><thead><tr><th>返回值</th><th>说明</th></tr></thead><tbody>\n"
        "<tr><td>200 OK</td><td>请求正常。</td></tr>\n</tbody></table></body></html>\n"
    )
    found = refusal(html.encode())
    assert "<style>" in str(found) and found.line == 4


@pytest.mark.parametrize("make", [status_page, error_page])
def test_header_rows_of_th_cells_stack_without_a_thead(make: Any) -> None:
    # A browser shows both rows as the header: the second is no row of codes.
    if make is status_page:
        header = [("状态码", "说明"), ("Status", "Description")]
        cells, expected = ("404 Not Found", "不存在。"), [(404, "Not Found", "不存在。")]
        found: Any = statuses
    else:
        header = [("状态码", "错误码", "错误信息"), ("Status", "Code", "Message")]
        cells, expected = ("404", "APP.1", "m"), [("APP.1", 404, "404", "m")]
        found = errors
    head = "<table>" + "".join(
        "<tr>" + "".join(f"<th>{name}</th>" for name in names) + "</tr>\n" for names in header
    )
    assert found(make(row(*cells), head=head)) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "VOD.20000</br>VOD.20001",
        "VOD.20000</p>VOD.20001",
        "<div>VOD.20000</div></p>VOD.20001",
        "VOD.200</div></p></div>01",
        "VOD.200</p\n>01",
    ],
)
def test_an_end_tag_a_browser_turns_into_a_break_is_refused_not_glued(cell: str) -> None:
    assert "no <" in str(refusal(error_page(row("400", cell, "m"))))


def test_source_lines_are_exact_through_markdown_and_html() -> None:
    data = page(
        "状态码",
        "说明文字，\n跨两行 `code\nspan` 的段落。",
        "```\n<table><tr><td>200</td></tr></table>\n```",
        "> 引用",
        STATUS_HEAD + "\n".join(row("40" + str(n) + " X", "y").strip() for n in (0, 4)) + TAIL,
    )
    lines = data.decode().split("\n")
    expected = [number for number, line in enumerate(lines, 1) if "<tr><td>40" in line]
    assert [r.source_line for r in read(data).records] == expected


def test_source_lines_are_exact_for_a_table_ending_a_tight_list_item() -> None:
    # Rows that open with an anchor continue the item's paragraph, and the renderer glues
    # the item's </li> to its last line.
    rows = [f'<a name="r{code}"></a>' + row(f"{code} X", "y").strip() for code in (201, 404, 503)]
    item = "- 见下表。<table><tr><th>状态码</th><th>说明</th></tr>\n  " + "\n  ".join(rows)
    item += "</table>"
    data = page("状态码", item + "\n- 另一项")
    lines = data.decode().split("\n")
    expected = [number for number, line in enumerate(lines, 1) if "<tr><td>" in line]
    assert [r.source_line for r in read(data).records] == expected


@pytest.mark.parametrize("prefix", ["x", "注：", "a "])
def test_a_line_that_only_ends_like_a_row_gives_it_no_line(prefix: str) -> None:
    # A link definition's title is not shown: its lines, ending as the table's do, took
    # the lines of the table written below it.
    table = (STATUS_HEAD + row("404 Not Found", "y") + TAIL).strip()
    title = "\n".join(prefix + line for line in table.split("\n"))
    data = page("状态码", f"[a]: /u '\n{title}\n'\n{table}")
    lines = data.decode().split("\n")
    expected = [number for number, line in enumerate(lines, 1) if line.startswith("<tr><td>")]
    assert [r.source_line for r in read(data).records] == expected


@pytest.mark.parametrize(
    "hostile",
    [
        "> " * 300_000,
        "1. " * 300_000,
        "|a|b|\n|-|-|\n" + "|1|2|\n" * 40_000,
        "<table><tr><th>a</th></tr>" + "<tr><td>200</td></tr>\n" * 30_000 + "</table>\n",
        "a\n" * 120_000,
        "*a " * 210_000,
        "[ " * 210_000,
        "www.a.b " * 210_000,
        "w" * 700_000,
        "|".join("h" * 600) + "\n" + "|".join("-" * 600) + "\n" + "a\n" * 400,
        "[^a]" * 10_001 + "\n\n[^a]: x\n",
        # a heading ends a pipe table and the next starts at once, no blank line between
        "| a |\n|-|\n| x |\n"
        + ("# h\n" + "|".join("h" * 600) + "\n" + "|".join("-" * 600) + "\n" + "x\n" * 200) * 3,
        "<div" + "".join(f" a{i}" for i in range(300)) + ">x</div>\n\n" + "说明。\n\n" * 20_000,
        'a: "b". ' * 200_000,
    ],
    ids=[
        "quotes",
        "lists",
        "pipe-rows",
        "html-rows",
        "lines",
        "stars",
        "brackets",
        "links",
        "w",
        "colons-and-quotes",
        "short-rows-padded-to-a-wide-header",
        "footnote-references",
        "wide-pipe-tables-after-headings",
        "a-tag-of-many-attributes",
    ],
)
def test_hostile_pages_are_refused_before_the_render(hostile: str) -> None:
    """Deep nesting, more rows than any table has, and more lines or inline marks than any
    page has are refused before cmark and lxml hold every level, row or node in memory."""
    error = refusal(page("状态码", hostile))
    assert isinstance(error, MarkupError)
    words = ("nested", "rows", "lines", "marks", "splits text", "cells", "attributes")
    assert any(word in str(error) for word in words), error


def test_attributes_in_a_comment_of_a_long_page_are_no_tags() -> None:
    # A long page is read tag by tag for tags of many attributes: a comment's words are none.
    note = "<!-- TODO: <em " + " ".join(f"word{n}" for n in range(300)) + " -->"
    data = page(
        "状态码", note, STATUS_HEAD + row("404 Not Found", "y") + TAIL, "说明。\n\n" * 12_000
    )
    assert len(data) > 131_072
    assert [r.code for r in read(data).records] == [404]


@pytest.mark.parametrize("lead", ["Codes:&#10;200&#10;OK&#10;and others.", "# 说明&#10;OK"])
def test_line_breaks_written_as_characters_keep_a_table_below_on_its_lines(lead: str) -> None:
    # A paragraph's or a heading's "&#10;" renders as a line no source line holds: looked
    # for, "OK" was found in the table below, whose rows then took a later row's line.
    table = (
        "<table>\n<tr><th>状态码</th><th>说明</th></tr>\n"
        "<tr><td>\n200\n</td><td>\nOK\n</td></tr>\n"
        "<tr><td>\n404\n</td><td>\nNot Found\n</td></tr>\n</table>"
    )
    data = page("状态码", lead, table)
    lines = data.decode().split("\n")
    assert [r.source_line for r in read(data).records] == [
        number for number, line in enumerate(lines, 1) if line == "<tr><td>"
    ]


@pytest.mark.parametrize(
    "heading", ["Status codes\n------------", "状态码\n===", "> 状态码\n> ---"]
)
def test_a_table_right_under_a_setext_heading_keeps_its_lines(heading: str) -> None:
    # cmark ends a setext heading on the line after its underline where a block follows at
    # once: the <table> line was taken for the heading's, and the rows took the lines of a
    # second table below.
    first = (
        "<table>\n<tr><th>状态码</th><th>说明</th></tr>\n<tr><td>200</td><td>x</td></tr>\n</table>"
    )
    second = first.replace("200", "404")
    quoted = heading.startswith(">")
    body = "\n".join("> " + line for line in first.split("\n")) if quoted else first
    data = f"{heading}\n{body}\n\nMore codes\n\n{second}\n".encode()
    lines = data.decode().split("\n")
    assert [r.source_line for r in read(data).records] == [
        number for number, line in enumerate(lines, 1) if "<tr><td>" in line
    ]


def test_a_row_tag_written_over_two_lines_is_placed_or_refused() -> None:
    # libxml2 gives a start tag the line it ends on: alone there, the row is found on the
    # line above; beside another row's <tr> on that line, the line would start fewer rows
    # than it is given, and the page is refused rather than publish a wrong line.
    head = "<table>\n<tr><th>状态码</th><th>说明</th></tr>\n"
    alone = (
        head + '<tr><td>200</td><td>x</td></tr><tr\n id="r2"><td>404</td><td>y</td></tr>\n</table>'
    )
    data = page("状态码", alone)
    lines = data.decode().split("\n")
    assert [r.source_line for r in read(data).records] == [
        number for number, line in enumerate(lines, 1) if "<td>200</td>" in line
    ] * 2
    beside = alone.replace(
        "</tr>\n</table>", '</tr><tr id="r3"><td>500</td><td>z</td></tr>\n</table>'
    )
    error = refusal(page("状态码", beside))
    assert "2 table rows would be given line" in str(error)


@pytest.mark.parametrize("last", ["", "<tr><td>599</td><td>末行。</td></tr>"])
@pytest.mark.parametrize("count", [30, 300])  # a line under 8 KiB, and one over
def test_upper_case_table_tags_on_one_long_line_are_placed(count: int, last: str) -> None:
    # Each tag not found as written on its line sent the page to a search in any case that
    # lower-cased the line again for every element (minutes for a 2 MiB line); a lower-case
    # tag at the line's end made each element's search read the line to it (176 s).
    head = "<TABLE><TR><TH>状态码</TH><TH>说明</TH></TR>"
    rows = "".join(
        f"<TR><TD>{code}</TD><TD>说明{code}。</TD></TR>" for code in range(200, 200 + count)
    )
    table = head + rows + last + "</TABLE>"
    data = page("状态码", table)
    line = data.decode().split("\n").index(table) + 1
    records = read(data).records
    assert len(records) == count + bool(last)
    assert {r.source_line for r in records} == {line}


def test_a_paragraph_of_character_newlines_keeps_the_table_below_on_its_lines() -> None:
    # "&#10;" renders as a line break no source line holds: each such line is looked for
    # in the lines after it, which are decoded once for all the looks.
    filler = "".join(f"x{number}&#10;" for number in range(2_000))
    data = page("状态码", filler + "\n\n" + STATUS_HEAD + row("404 Not Found", "y") + TAIL)
    lines = data.decode().split("\n")
    assert [r.source_line for r in read(data).records] == [
        number for number, line in enumerate(lines, 1) if "404 Not Found" in line
    ]


def test_a_parse_that_fails_is_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    # libxml2 recovers from any markup; out of memory (a page that renders to gigabytes)
    # it raises: a refusal, not a traceback.
    from lxml import etree

    from vodspec.tools.scrape import document

    def failing(*args: object, **kwargs: object) -> None:
        raise etree.XMLSyntaxError("unknown error", 1, 1, 1)

    monkeypatch.setattr(document.etree, "fromstring", failing)
    error = refusal(status_page(row("404 Not Found", "说明。")))
    assert isinstance(error, MarkupError)
    assert "could not read the page" in str(error)


def test_lines_past_65535_stay_exact_in_a_pipe_table() -> None:
    """lxml counts lines up to 65,535: rows further down keep their exact line."""
    filler = "文字\n\n" * 33_000
    table = "|状态码|说明|\n|--|--|\n|404 Not Found|不存在。|\n"
    data = page("状态码", filler + table)
    line = data.decode().split("\n").index("|404 Not Found|不存在。|") + 1
    assert line > 65_535
    assert [r.source_line for r in read(data).records] == [line]


def test_build_strict_refuses_a_note_the_plain_build_publishes(tmp_path: Any) -> None:
    from conftest import SEED, frozen_raw

    raw = frozen_raw(tmp_path / "raw")
    text = SEED.read_text(encoding="utf-8")
    end = text.index("</tbody>")
    note = '<tr><td colspan="2"><p>注：以上为常见状态码。</p></td></tr>\n'
    (raw / "vod_04_0133.md").write_text(text[:end] + note + text[end:], encoding="utf-8")
    line = (text[:end].count("\n")) + 1
    plain = run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "plain"))
    assert plain.returncode == 0, plain.stderr
    assert f"vod_04_0133.md:{line}" in plain.stderr and "warning:" in plain.stderr
    strict = run_cli("build", "--strict", "--raw", str(raw), "--data", str(tmp_path / "strict"))
    assert strict.returncode == 1 and "refused under --strict" in strict.stderr
    assert not (tmp_path / "strict").exists()
    # Published as a note of the dataset, not a record, and listed by lint under its rule.
    dataset = json.loads((tmp_path / "plain" / "status_codes.json").read_bytes())
    (published,) = dataset["notes"]
    assert published["line"] == line and "注：以上为常见状态码。" in published["text"]
    assert not published["in_records"]
    assert all("注：" not in str(record["description"]) for record in dataset["records"])
    lint = json.loads(
        run_cli("lint", str(tmp_path / "plain"), "--json", "--rule", "page-note").stdout
    )
    assert [finding["vendor"] for finding in lint] == [published["text"]]
    lint_file = json.loads((tmp_path / "plain" / "lint.json").read_bytes())
    assert [f for f in lint_file if f["rule"] == "page-note"] == lint
