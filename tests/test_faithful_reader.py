"""What the rendered page shows is what is read: every case of issue "A faithful reader".

Each page below is the frozen seed (tests/fixtures/pages) with one change; it must give
exactly the seed's records, or be refused with one of vodspec's own errors.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PAGE_SHAPES, SEED, run_cli

from vodspec.errors import CellError, MarkupError, TruncatedError, VodspecError, VodspecWarning
from vodspec.tools.publish.render import render_json
from vodspec.tools.scrape.pipeline import scrape

SEED_TEXT = SEED.read_text("utf-8")
ROW_404 = "所请求的资源不存在。"
ROW_504 = "网关超时。"
RETRY_UNCHANGED = "客户端可以随时再次提交该请求而无需进行任何更改。"
FAKE_PIPE = "| 返回值 | 说明 |\n| --- | --- |\n| 418 I'm a teapot | 假 |\n"
FAKE_HTML = (
    "<table><thead><tr><th>返回值</th><th>说明</th></tr></thead>\n"
    "<tbody><tr><td>418 I'm a teapot</td><td>假</td></tr></tbody></table>\n"
)


def records(text: str) -> list[dict[str, object]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = scrape(text.encode("utf-8"), file="page.md")
    return [r.model_dump(exclude={"source_sha256", "source_line"}) for r in dataset.records]


SEED_RECORDS = records(SEED_TEXT)


@contextlib.contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a guard, not a speed target: those live in bench/)."""

    def expire(*_: object) -> None:
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "hidden_table",
    [
        f"<!--\n{FAKE_PIPE}-->\n",
        f"```\n{FAKE_PIPE}```\n",
        "".join(f"    {line}\n" for line in FAKE_PIPE.splitlines()),
        f"```html\n{FAKE_HTML}```\n",
    ],
    ids=["comment", "fence", "indented", "html-in-fence"],
)
def test_tables_the_page_does_not_show_give_no_records(hidden_table: str) -> None:
    assert records(SEED_TEXT + "\n\n" + hidden_table) == SEED_RECORDS


@pytest.mark.parametrize(
    ("hiding", "says"),
    [
        (f"<script>\n{FAKE_PIPE}</script>\n", "<script>"),
        (f"<div hidden>\n\n{FAKE_HTML}\n</div>\n", "hidden attribute"),
        (f'<div style="display:none">\n{FAKE_HTML}</div>\n', "display:none"),
        (f"<noscript>\n{FAKE_HTML}</noscript>\n", "<noscript>"),
    ],
    ids=["script", "hidden", "display-none", "noscript"],
)
def test_tables_a_page_hides_are_refused(hiding: str, says: str) -> None:
    """Renderers disagree about what hidden content shows: no CSS is read, the page refused."""
    with pytest.raises(MarkupError, match=re.escape(says)) as info:
        records(SEED_TEXT + "\n\n" + hiding)
    assert info.value.line is not None


@pytest.mark.parametrize(
    "trick",
    ["<!--></p></td></tr></tbody></table>-->", "<![CDATA[x></p></td></tr></tbody></table>]]>"],
)
def test_a_comment_the_parser_ends_early_is_refused_not_read_short(trick: str) -> None:
    end = SEED_TEXT.index("</tr>\n", SEED_TEXT.index(ROW_404)) + len("</tr>\n")
    page = SEED_TEXT[:end] + trick + "\n" + SEED_TEXT[end:]
    assert page != SEED_TEXT
    # Refused for the row left outside any table, or first for the </p> the comment's early
    # end leaves with no <p> open: either way, not read short.
    with pytest.raises(MarkupError, match=r"outside any table|with no <p> open"):
        records(page)


def test_a_cell_nested_past_the_parser_limit_is_refused() -> None:
    deep = "网关超" + "<b><i>" * 1250 + "x" + "</i></b>" * 1250 + "时。"
    with pytest.raises(MarkupError, match="nested deeper"):
        records(SEED_TEXT.replace(ROW_504, deep))


@pytest.mark.parametrize("size", [700_000, 2_000_000])
def test_huge_colspans_are_refused_before_they_are_expanded(size: int) -> None:
    row = '<tr><td colspan="1000"><p>x</p></td></tr>\n'
    table = "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n"
    page = (
        SEED_TEXT
        + "\n"
        + table
        + row * ((size - len(SEED_TEXT)) // len(row))
        + "</tbody></table>\n"
    )
    # Refused either for the row wider than its header or, on the 2 MB page, for more rows
    # than any documentation table has, before anything is expanded.
    with at_most(60), pytest.raises((CellError, MarkupError), match=r"more cells|table rows"):
        records(page)


@pytest.mark.parametrize(
    "tail",
    [
        "#" + " " * 5000 + "\n",
        "| a | b |\n|" + " " * 50000 + "\n",
        "```\n" + "<h1>" * 40000 + "\n```\n",
    ],
    ids=["heading-spaces", "delimiter-spaces", "fenced-headings"],
)
def test_inputs_that_made_regexes_backtrack_read_in_linear_time(tail: str) -> None:
    with at_most(30):
        assert records(SEED_TEXT + "\n" + tail) == SEED_RECORDS


@pytest.mark.parametrize(
    "hidden",
    [
        f"<span hidden>{RETRY_UNCHANGED}</span>",
        f'<span style="display: none !important">{RETRY_UNCHANGED}</span>',
        f"<noscript>{RETRY_UNCHANGED}</noscript>",
    ],
)
def test_hidden_text_is_refused_not_read_as_retry_advice(hidden: str) -> None:
    page = SEED_TEXT.replace(ROW_504, ROW_504 + hidden)
    with pytest.raises(MarkupError, match="refused"):
        records(page)


def test_hidden_rows_are_refused() -> None:
    fake = "<tr hidden><td><p>418 I'm a teapot</p></td><td><p>假</p></td></tr>\n"
    page = SEED_TEXT.replace("<tbody>", "<tbody>" + fake, 1)
    with pytest.raises(MarkupError, match="<tr> with the hidden attribute"):
        records(page)


def test_control_characters_made_by_entities_are_removed_and_reported() -> None:
    page = SEED_TEXT.replace(ROW_504, "网关&#27;[31m超时&#127;。")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = scrape(page.encode(), file="page.md")
    published = render_json(dataset).decode("utf-8")
    assert "\x1b" not in published and "\\u001b" not in published and "\x7f" not in published
    assert dataset.records[-1].description == "网关[31m超时。"
    messages = [str(w.message) for w in caught if issubclass(w.category, VodspecWarning)]
    assert any("U+001B" in m for m in messages) and any("U+007F" in m for m in messages)


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("VOD.10053\u200b", "U+200B ZERO WIDTH SPACE"),
        ("V\u041eD.10053", "U+041E CYRILLIC CAPITAL LETTER O"),
        ("VOD.1005\uff13", "U+FF13 FULLWIDTH DIGIT THREE"),
    ],
)
def test_look_alike_error_codes_are_refused_naming_the_character(code: str, named: str) -> None:
    page = (PAGE_SHAPES / "errors_two_columns.md").read_text(encoding="utf-8")
    with pytest.raises(CellError) as info:
        scrape(page.replace("VOD.10053", code).encode(), file="page.md")
    assert named in str(info.value) and info.value.row == "e1"


def test_a_setext_underline_is_not_a_merge_conflict() -> None:
    page = SEED_TEXT.replace("<table", "表的说明\n=======\n\n<table", 1)
    assert records(page) == SEED_RECORDS


def test_a_real_merge_conflict_is_still_refused() -> None:
    with pytest.raises(MarkupError, match="merge-conflict"):
        scrape(PAGE_SHAPES / "refused_conflict.md")


def test_a_page_without_anchors_takes_its_doc_id_from_the_manifest(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.md").write_text(SEED_TEXT.replace('<a name="vod_04_0133"></a>', ""), "utf-8")
    entry = {
        "id": "status",
        "kind": "status_codes",
        "service": "vod",
        "url": "https://x.invalid/vod_04_0133.html",
        "file": "page.md",
    }
    (raw / "sources.json").write_text(json.dumps([entry]), encoding="utf-8")
    refused = run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data"))
    assert refused.returncode == 1 and '"doc_id"' in refused.stderr
    (raw / "sources.json").write_text(json.dumps([{**entry, "doc_id": "vod_04_0133"}]), "utf-8")
    built = run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data"))
    assert built.returncode == 0, built.stderr
    published = json.loads((tmp_path / "data" / "status_codes.json").read_bytes())
    assert {r["doc_id"] for r in published["records"]} == {"vod_04_0133"}


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
def test_plain_header_wordings_of_the_seed_all_read(wording: tuple[str, str]) -> None:
    page = SEED_TEXT.replace(">返回值</p>", f">{wording[0]}</p>").replace(
        ">说明</p>", f">{wording[1]}</p>"
    )
    assert records(page) == SEED_RECORDS


def test_the_page_cut_inside_the_table_is_refused() -> None:
    with pytest.raises(TruncatedError, match="cut off"):
        records(SEED_TEXT[: SEED_TEXT.index(ROW_504)])


def test_refusals_are_the_packages_own_errors() -> None:
    with pytest.raises(VodspecError):
        records("<table><tr><th>返回值</th><th>说明</th></tr><tr><td>404 Not Found</td>")


# Found by an adversarial review of the reader: each was a crash or silently wrong.


def md_page(*tables: str) -> bytes:
    return ("# 状态码\n\n" + "\n\n".join(tables) + "\n").encode()


STATUS_PIPE = "|状态码|说明|\n|--|--|\n|400|参数错误。|\n|404|不存在。|"


def codes(data: bytes) -> list[int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [r.code for r in scrape(data, file="p.md", service="any").records]  # type: ignore[union-attr]


def test_small_numbers_in_another_table_are_not_codes() -> None:
    assert codes(md_page(STATUS_PIPE, "|参数|取值|\n|--|--|\n|page|1|\n|size|50|")) == [400, 404]


@pytest.mark.parametrize("page", ["<!-- x -->\n", "<!DOCTYPE html>\n", "<?pi x?>\n"])
def test_a_page_of_only_a_comment_is_no_table(page: str) -> None:
    from vodspec.errors import NoTableError

    with pytest.raises(NoTableError):
        scrape(page.encode(), file="p.md")


def test_a_pipe_table_whose_header_reads_as_codes_is_refused_not_read_short() -> None:
    from vodspec.errors import HeaderError

    with pytest.raises(HeaderError, match="first row reads as codes"):
        scrape(md_page("|200|成功|\n|--|--|\n|404|不存在|"), file="p.md", service="any")


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


def test_a_row_wrapped_in_another_element_is_refused() -> None:
    table = (
        "<table><thead><tr><th>状态码</th><th>说明</th></tr></thead><tbody>"
        "<a name='r1'><tr><td>400</td><td>a</td></tr></a><tr><td>404</td><td>b</td></tr>"
        "</tbody></table>"
    )
    with pytest.raises(MarkupError, match="not in a row group"):
        scrape(md_page(STATUS_PIPE, table), file="p.md", service="any")


def test_content_after_the_html_end_tag_is_refused() -> None:
    with pytest.raises(MarkupError, match="follows </html>"):
        scrape(md_page(STATUS_PIPE, "</html>", "|状态码|说明|\n|--|--|\n|500|c|"), file="p.md")


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


def test_the_doc_id_is_the_title_headings_not_a_sections() -> None:
    page = md_page(STATUS_PIPE, '### 参考<a name="ref"></a>\n\n见上表。')
    assert scrape(page, file="p.md", service="any").source.doc_id is None


def test_a_colspan_copy_is_not_repeated_as_an_extra_column() -> None:
    table = (
        "<table><thead><tr><th>状态码</th><th>说明</th><th>备注</th></tr></thead><tbody>"
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


def test_many_hidden_siblings_cost_linear_time() -> None:
    hidden = "<p>" + "<i hidden></i>xxxxxxxx" * 60_000 + "</p>"
    with at_most(30), pytest.raises(MarkupError, match="hidden attribute"):
        codes(md_page(STATUS_PIPE, hidden))


@pytest.mark.parametrize(
    "text",
    [
        "<TR><Tr><tR><tr>",
        "DATA-SourcePos 錯誤 <LINK>",
        "<lin\u212a> hid\u0130 x\u0130<tr",  # the two characters that lower-case into ASCII
        "状态码\u0130data-vodspec-line\u212a",
    ],
)
def test_the_folded_page_finds_what_lower_case_finds(text: str) -> None:
    # The reader looks for tags in bytes with A-Z lower-cased instead of str.lower()'s copy
    # (faster): each word must be found, and counted, exactly as str.lower() would.
    from vodspec.tools.scrape.document import _folded

    for word in ("<tr", "<link", "data-sourcepos", "data-vodspec-line", "hid", "k"):
        assert (word.encode() in _folded(text)) == (word in text.lower())
        assert _folded(text).count(word.encode()) == text.lower().count(word)


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
