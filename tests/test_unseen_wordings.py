"""Header wordings written for these tests (taken from no page) read exactly as the originals.

For each page shape the scraper supports, every header cell of the page is reworded (Chinese
and English, other characters' widths, extra words) and the records must not change.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from conftest import PAGE_SHAPES, SEED

from vodspec.tools.scrape.decode import decode
from vodspec.tools.scrape.pipeline import read_tables, scrape

STATUS_TWO = [
    ("HTTP Status Code", "Description"),
    ("响应状态码", "含义"),
    ("Return Code", "Meaning"),
    ("状态", "解释说明"),
    ("ＨＴＴＰ　返回码", "Notes"),
    ("Code", "详细描述"),
]
STATUS_THREE = [
    ("Status Code", "Reason Phrase", "Description"),
    ("HTTP状态码", "状态名称", "含义"),
    ("Code", "Name", "Meaning"),
    ("响应码", "类型", "解释"),
    ("Status", "Phrase", "Remarks"),
]
ERROR_TWO = [
    ("Error Code", "Error Message"),
    ("错误代码", "提示信息"),
    ("Code", "Message"),
    ("错误编码", "报错内容"),
    ("error_code", "Error Msg"),
]
ERROR_THREE = [
    ("Status Code", "Error Code", "Error Message"),
    ("HTTP返回码", "错误代码", "提示信息"),
    ("HTTP", "Code", "Msg"),
    ("响应状态", "错误编号", "错误消息"),
    ("Status", "ErrorCode", "Message"),
]
ERROR_FIVE = [
    ("Status Code", "Error Code", "Error Message", "Description", "Solution"),
    ("HTTP状态", "错误代码", "提示信息", "含义", "处理方法"),
    ("HTTP Status", "Code", "Message", "Meaning", "Suggestion"),
    ("返回状态码", "错误编码", "错误消息", "错误原因", "解决办法"),
    ("http code", "error_code", "error_msg", "Details", "How to fix"),
]
ERROR_PIPE = [
    ("Status Code", "Error Code", "Description", "Error Message", "Solution"),
    ("HTTP状态", "错误码", "含义", "提示信息", "处理方法"),
    ("http", "code", "meaning", "message", "action"),
    ("响应码", "返回码", "解释", "错误消息", "解决办法"),
    ("Status", "Return Code", "Details", "Msg", "Handling"),
]
ERROR_MODULE = [
    ("Module", "HTTP Status", "Error Code", "Description", "Message", "Solution"),
    ("所属模块", "HTTP返回码", "错误代码", "错误描述", "英文提示", "处理建议"),
    ("组件", "Status Code", "Code", "含义", "Error Msg", "How to Fix"),
    ("模块名称", "状态码", "错误编码", "说明", "消息", "修复建议"),
    ("Component", "Response Code", "ErrorCode", "Meaning", "Msg", "Remedy"),
]

#: page -> rewordings, each a header per table (a table not listed keeps its header).
LAYOUT_WORDINGS: dict[str, list[list[tuple[str, ...] | None]]] = {
    "seed": [[w] for w in STATUS_TWO],
    "status_pipe.md": [[w] for w in STATUS_TWO],
    "status_rowspan.md": [[w] for w in STATUS_TWO],
    "status_split_html.md": [[w, w] for w in STATUS_TWO],
    "status_code_reason_description.md": [[w] for w in STATUS_THREE],
    "status_code_description.md": [
        [("Success Code", "Description"), ("Error Code", "Description")],
        [("成功状态码", "说明"), ("失败状态码", "说明")],
        [("Normal Status", "Meaning"), ("Abnormal Status", "Meaning")],
        [("正常响应码", "含义"), ("异常响应码", "含义")],
        [("Code", "Text"), ("Code", "Text")],
    ],
    "errors_two_columns.md": [[w] for w in ERROR_TWO],
    "errors_params_first.md": [[None, w] for w in ERROR_THREE],
    "errors_five_columns.md": [[w] for w in ERROR_FIVE],
    "errors_pipe.md": [[w] for w in ERROR_PIPE],
    "errors_module_rowspan.md": [[w] for w in ERROR_MODULE],
}


def page_path(name: str) -> Path:
    return SEED if name == "seed" else PAGE_SHAPES / name


def reword(text: str, headers: list[tuple[str, ...] | None]) -> str:
    """The page with each table's header cells replaced, in their own source lines."""
    lines = text.split("\n")
    tables = read_tables(decode(text.encode()))
    assert len(tables) == len(headers)
    for table, new in zip(tables, headers, strict=True):
        if new is None:
            continue
        assert len(new) == len(table.header)
        after: dict[int, int] = {}  # line -> where the last replacement on it ended
        for cell, replacement in zip(table.header_cells, new, strict=True):
            index = cell.line - 1
            start = lines[index].index(cell.text, after.get(index, 0))
            lines[index] = (
                lines[index][:start] + replacement + lines[index][start + len(cell.text) :]
            )
            after[index] = start + len(replacement)
    return "\n".join(lines)


def content(data: bytes, service: str) -> list[dict[str, object]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = scrape(data, service=service, file="page.md")
    return [record.model_dump(exclude={"source_sha256"}) for record in dataset.records]


CASES = [
    (name, number, headers)
    for name, wordings in LAYOUT_WORDINGS.items()
    for number, headers in enumerate(wordings, 1)
]


@pytest.mark.parametrize(("name", "number", "headers"), CASES, ids=lambda v: str(v)[:40])
def test_reworded_headers_read_exactly(
    name: str, number: int, headers: list[tuple[str, ...] | None]
) -> None:
    text = page_path(name).read_text(encoding="utf-8")
    reworded = reword(text, headers)
    assert reworded != text
    assert content(reworded.encode(), "any") == content(text.encode(), "any")


def test_every_layout_has_five_wordings() -> None:
    assert all(len(wordings) >= 5 for wordings in LAYOUT_WORDINGS.values())


def test_a_second_table_with_an_unknown_header_is_read_in_full() -> None:
    """The split page's second table is headed with words no rule knows: its rows count."""
    path = PAGE_SHAPES / "status_split_html.md"
    text = path.read_text(encoding="utf-8")
    reworded = reword(text, [None, ("甲栏", "乙栏")])
    original = content(text.encode(), "any")
    assert content(reworded.encode(), "any") == original
    assert len(original) == 3


SEED_WORDINGS = [
    ("Status Code", "Description"),
    ("返回码", "含义"),
    ("HTTP状态码", "描述"),
    ("Response Status", "Explanation"),
    ("状态码", "释义"),
    ("HTTP Code", "Meaning"),
    ("响应码", "说明信息"),
    ("Return Value", "Details"),
    ("返回状态", "解释"),
    ("Code", "Remark"),
]


@pytest.mark.parametrize("wording", SEED_WORDINGS, ids=" | ".join)
def test_plain_header_wordings_of_the_seed_all_read(
    wording: tuple[str, str], seed_text: str
) -> None:
    page = seed_text.replace(">返回值</p>", f">{wording[0]}</p>").replace(
        ">说明</p>", f">{wording[1]}</p>"
    )
    assert content(page.encode(), "vod") == content(seed_text.encode(), "vod")
