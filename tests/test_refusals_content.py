"""Pages refused, or read exactly, for what they say: tables, cells, markup, text, the service
and the doc id. Each refusal names the file, line, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED, content, frozen_raw, run_cli, scrape_text, write

from vodspec.errors import (
    CellError,
    DuplicateError,
    MarkupError,
    NoTableError,
    ServiceError,
)
from vodspec.tools.manifest import SourceEntry
from vodspec.tools.scrape.pipeline import scrape

ROW_404 = "zh-cn_topic_0170279165_row5782639793230"
ROW_404_TEXT = "所请求的资源不存在。"


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
    with pytest.raises(CellError, match="found an empty cell"):
        scrape_text(seed_text.replace(">404 Not Found</p>", "></p>"))


def test_omitted_end_tags_read_as_a_browser_reads_them(seed_text: str) -> None:
    """HTML lets </td> and </tr> be left out: the parser closes them, nothing is lost."""
    omitted = seed_text.replace("</td>\n</tr>", "</tr>").replace("</p>\n</td>", "</p>")
    assert content(omitted) == content(seed_text)


def test_a_stray_end_tag_that_closes_the_table_early_is_refused(seed_text: str) -> None:
    page = seed_text.replace("</td>\n</tr>", "</td>\n</tr></tbody></table>", 3)
    with pytest.raises(MarkupError, match="outside any table"):
        scrape_text(page)


def test_a_stray_cell_names_no_row_by_its_own_id(seed_text: str) -> None:
    """A refusal names the row an element stands in: a stray cell's own id is no row's."""
    page = seed_text.replace("</table>", '</table>\n<div><td id="c9">400</td></div>', 1)
    with pytest.raises(MarkupError, match="outside any tr") as info:
        scrape_text(page)
    assert info.value.row is None


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
    with pytest.raises(ServiceError, match=r"nothing on the page .*doc id 'ZH-CN_TOPIC_1'"):
        scrape_text(page)


def test_a_page_without_a_doc_id_is_told_so_not_none(seed_text: str) -> None:
    # The refusal said "(doc id None, …)": Python's None in a message to a user.
    page = seed_text.replace('<a name="vod_04_0133"></a>', "").replace("视频点播", "某服务")
    with pytest.raises(ServiceError, match=r"\(no doc id, no service named") as refusal:
        scrape_text(page)
    assert "None" not in str(refusal.value)


def test_markup_never_leaks(seed_text: str) -> None:
    page = seed_text.replace("所请求的资源不存在。", "所请求的<b>资源</b>不存在<!-- c -->&amp;。")
    record = next(r for r in scrape_text(page).records if r.code == 404)  # type: ignore[attr-defined]
    assert record.paragraphs[0] == "所请求的资源不存在&。"


def _listed(doc_id: str) -> SourceEntry:
    """A manifest entry naming the page's doc id."""
    return SourceEntry(
        id="status",
        kind="status_codes",
        service="vod",
        url="https://x/",
        file="page.md",
        doc_id=doc_id,
    )


def test_page_without_a_doc_id_heading(seed_text: str) -> None:
    """No anchor: scrape gives no doc id, or the one the caller (the manifest) names."""
    page = seed_text.replace('<a name="vod_04_0133"></a>', "", 1)
    assert scrape_text(page).source.doc_id is None  # type: ignore[attr-defined]
    named = scrape(page.encode(), file="page.md", listed=_listed("vod_04_0133"))
    assert named.source.doc_id == "vod_04_0133"
    assert {record.doc_id for record in named.records} == {"vod_04_0133"}


def test_doc_ids_of_page_and_manifest_must_agree(seed_text: str) -> None:
    from vodspec.errors import InputError

    with pytest.raises(InputError, match="manifest"):
        scrape(seed_text.encode(), file="page.md", listed=_listed("vod_04_9999"))


@pytest.mark.parametrize("element", ["<script>alert('x')</script>", "<style>p{}</style>"])
def test_script_in_a_cell_is_refused_in_one_line(tmp_path: Path, element: str) -> None:
    """GitHub shows a <script> as text, a browser runs it: the page is refused, not guessed."""
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, f"所请求的{element}资源不存在。")
    result = run_cli("scrape", str(write(tmp_path, "script.md", text.encode())))
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    number = text[: text.index(element)].count("\n") + 1
    assert f"script.md:{number}:" in line and element[:7] in line


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    text = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>\n' + SEED.read_text(
        encoding="utf-8"
    ).replace(ROW_404_TEXT, "所请求的&e;资源不存在。")
    dataset = scrape(text.encode(), file="entity.md")
    assert "TOP-SECRET" not in dataset.model_dump_json()


def test_deep_nesting_is_refused_not_truncated() -> None:
    deep = "<b>" * 5000 + "x" + "</b>" * 5000
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, deep)
    with pytest.raises(MarkupError, match="nested deeper than the HTML parser reads"):
        scrape(text.encode(), file="deep.md")


def test_moderate_nesting_reads(tmp_path: Path) -> None:
    deep = "<span>" * 800 + "深" + "</span>" * 800
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, deep)
    record = next(r for r in scrape(text.encode(), file="deep.md").records if r.code == 404)
    assert record.paragraphs[0] == "深"


def test_entities_zero_width_and_full_width_are_kept_as_text() -> None:
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, "A&amp;B&lt;C&#x4E2D;\u200bＡ１")
    record = next(r for r in scrape(text.encode(), file="t.md").records if r.code == 404)
    assert record.paragraphs[0] == "A&B<C中\u200bＡ１"


def test_formula_like_values_are_reported_and_kept(tmp_path: Path) -> None:
    raw, data = frozen_raw(tmp_path / "raw"), tmp_path / "data"
    page = raw / "vod_04_0133.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("网关超时。", "=HYPERLINK(1)"), encoding="utf-8"
    )
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (
        "status_codes.csv row 19 column description: '=HYPERLINK(1)' starts with '='"
        in result.stderr
    )
    assert b"=HYPERLINK(1)" in (data / "status_codes.csv").read_bytes()


def test_a_page_without_anchors_takes_its_doc_id_from_the_manifest(
    tmp_path: Path, seed_text: str
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.md").write_text(seed_text.replace('<a name="vod_04_0133"></a>', ""), "utf-8")
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
