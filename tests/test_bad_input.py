"""Each kind of bad input is refused with its own error, naming where and what was expected."""

from __future__ import annotations

import pytest

from vodspec.errors import (
    CellError,
    DuplicateError,
    EncodingError,
    MarkupError,
    NoTableError,
    ServiceError,
    TooLargeError,
    TruncatedError,
)
from vodspec.layout import MAX_PAGE_BYTES
from vodspec.tools.scrape.pipeline import scrape

ROW_404 = "zh-cn_topic_0170279165_row5782639793230"


def scrape_text(text: str, service: str = "vod") -> object:
    return scrape(text.encode("utf-8"), service=service, file="page.md")


def content(text: str) -> list[dict[str, object]]:
    """The records a page gives, without what depends on its bytes (hash, lines)."""
    return [
        record.model_dump(exclude={"source_sha256", "source_line"})
        for record in scrape_text(text).records  # type: ignore[attr-defined]
    ]


def test_no_table(seed_text: str) -> None:
    intro = seed_text[: seed_text.index("<table")]
    with pytest.raises(NoTableError, match="no status-code or error-code table"):
        scrape_text(intro)


def test_only_other_tables_is_no_status_table(seed_text: str) -> None:
    start, end = seed_text.index("<table"), seed_text.index("</table>") + len("</table>")
    parameters = "| 参数 | 类型 | 说明 |\n| --- | --- | --- |\n| error_code | String | 错误码 |\n"
    with pytest.raises(NoTableError):
        scrape_text(seed_text[:start] + parameters + seed_text[end:])


def test_an_unknown_header_is_read_not_refused(seed_text: str) -> None:
    """The status column is known by its cells; the other column is the description."""
    renamed = seed_text.replace(">返回值</p>", ">Ｘ</p>").replace(">说明</p>", ">注释</p>")
    assert content(renamed) == content(seed_text)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("404", "NNN Reason Phrase"),
        ("Not Found", "NNN Reason Phrase"),
        ("４０４ Not Found", r"U\+FF14 FULLWIDTH DIGIT FOUR"),  # full-width digits
        ("404  Not Found", "NNN Reason Phrase"),  # is collapsed to one space: must still work
        ("999 Not Found", "outside 100-599"),
        ("040 Not Found", "outside 100-599"),
        ("404 未找到", "NNN Reason Phrase"),
    ],
)
def test_bad_status_cell(seed_text: str, cell: str, expected: str) -> None:
    page = seed_text.replace(">404 Not Found</p>", f">{cell}</p>")
    if cell == "404  Not Found":
        assert any(r.code == 404 for r in scrape_text(page).records)  # type: ignore[attr-defined]
        return
    with pytest.raises(CellError, match=expected) as info:
        scrape_text(page)
    assert info.value.row == ROW_404
    assert info.value.column == "返回值"
    assert info.value.line == 51


def test_duplicate_code(seed_text: str) -> None:
    with pytest.raises(DuplicateError, match="404 is listed twice") as info:
        scrape_text(seed_text.replace(">405 Method Not Allowed</p>", ">404 Method Not Allowed</p>"))
    assert info.value.row == "zh-cn_topic_0170279165_row2485259393230"


def test_empty_description_cell(seed_text: str) -> None:
    page = seed_text.replace("所请求的资源不存在。", "").replace(
        '<p id="p798218432205"><a name="p798218432205"></a><a name="p798218432205"></a>'
        "建议直接修改该请求，不要重试该请求。</p>",
        "",
    )
    with pytest.raises(CellError, match="empty") as info:
        scrape_text(page)
    assert (info.value.row, info.value.column) == (ROW_404, "说明")


def test_empty_status_cell(seed_text: str) -> None:
    with pytest.raises(CellError, match="found 0"):
        scrape_text(seed_text.replace(">404 Not Found</p>", "></p>"))


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_file(seed_text: str, cut: float) -> None:
    with pytest.raises(TruncatedError, match=r"cut off|ends inside"):
        scrape_text(seed_text[: int(len(seed_text) * cut)])


def test_truncated_just_before_the_closing_tag(seed_text: str) -> None:
    with pytest.raises(TruncatedError):
        scrape_text(seed_text.rstrip()[: -len("</table>")])


def test_omitted_end_tags_read_as_a_browser_reads_them(seed_text: str) -> None:
    """HTML lets </td> and </tr> be left out: the parser closes them, nothing is lost."""
    omitted = seed_text.replace("</td>\n</tr>", "</tr>").replace("</p>\n</td>", "</p>")
    assert content(omitted) == content(seed_text)


def test_a_stray_end_tag_that_closes_the_table_early_is_refused(seed_text: str) -> None:
    page = seed_text.replace("</td>\n</tr>", "</td>\n</tr></tbody></table>", 3)
    with pytest.raises(MarkupError, match="outside any table"):
        scrape_text(page)


def test_non_utf8_bytes(seed_text: str) -> None:
    with pytest.raises(EncodingError, match=r"not UTF-8.*GB18030"):
        scrape(seed_text.encode("gb18030"), file="page.md")


def test_random_bytes() -> None:
    with pytest.raises(EncodingError):
        scrape(bytes(range(256)) * 4, file="page.md")


def test_too_large() -> None:
    with pytest.raises(TooLargeError, match="cap"):
        scrape(b" " * (MAX_PAGE_BYTES + 1), file="page.md")


def test_bom_crlf_and_mixed_endings_read_the_same(seed_text: str) -> None:
    plain = scrape_text(seed_text).records  # type: ignore[attr-defined]
    crlf = seed_text.replace("\n", "\r\n")
    mixed = "".join(
        line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(seed_text.split("\n"))
    )
    for variant in (b"\xef\xbb\xbf" + seed_text.encode(), crlf.encode(), mixed.encode()):
        records = scrape(variant, file="page.md").records
        assert [r.model_dump(exclude={"source_sha256"}) for r in records] == [
            r.model_dump(exclude={"source_sha256"}) for r in plain
        ]


def test_other_service_is_refused(seed_text: str) -> None:
    live = seed_text.replace("视频点播", "视频直播").replace("vod_04_0133", "live_03_0021")
    with pytest.raises(ServiceError, match="live page"):
        scrape_text(live)
    assert scrape_text(live, service="any").source.service == "live"  # type: ignore[attr-defined]
    assert scrape_text(live, service="live").source.service == "live"  # type: ignore[attr-defined]


def test_doc_id_and_intro_must_not_disagree(seed_text: str) -> None:
    with pytest.raises(ServiceError):
        scrape_text(seed_text.replace("视频点播", "视频直播"))


def test_neutral_doc_id_with_vod_intro_is_accepted(seed_text: str) -> None:
    page = seed_text.replace("vod_04_0133", "ZH-CN_TOPIC_0171455008")
    assert scrape_text(page).source.service == "vod"  # type: ignore[attr-defined]


def test_no_service_signal_is_refused(seed_text: str) -> None:
    page = seed_text.replace("vod_04_0133", "ZH-CN_TOPIC_1").replace("视频点播", "某服务")
    with pytest.raises(ServiceError, match="nothing on the page"):
        scrape_text(page)


def test_markup_never_leaks(seed_text: str) -> None:
    page = seed_text.replace(
        "所请求的资源不存在。", "所请求的<b>资源</b>不存在<script>alert(1)</script>&amp;。"
    )
    record = next(r for r in scrape_text(page).records if r.code == 404)  # type: ignore[attr-defined]
    assert record.paragraphs[0] == "所请求的资源不存在&。"


def test_declared_charset_is_named_in_the_refusal(seed_text: str) -> None:
    page = ('<meta charset="gbk">\n' + seed_text).encode("gbk")
    with pytest.raises(EncodingError, match="declares charset=gbk"):
        scrape(page, file="page.md")


def test_page_without_a_doc_id_heading(seed_text: str) -> None:
    """No anchor: scrape gives no doc id, or the one the caller (the manifest) names."""
    page = seed_text.replace('<a name="vod_04_0133"></a>', "", 1)
    assert scrape_text(page).source.doc_id is None  # type: ignore[attr-defined]
    named = scrape(page.encode(), file="page.md", doc_id="vod_04_0133")
    assert named.source.doc_id == "vod_04_0133"
    assert {record.doc_id for record in named.records} == {"vod_04_0133"}


def test_doc_ids_of_page_and_manifest_must_agree(seed_text: str) -> None:
    from vodspec.errors import InputError

    with pytest.raises(InputError, match="manifest"):
        scrape(seed_text.encode(), file="page.md", doc_id="vod_04_9999")
