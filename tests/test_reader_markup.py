"""What the rendered page shows is what is read: hidden, commented, fenced, nested or
malformed markup gives no records the page does not show, and is refused where a browser
would show something other than what the parser reads.

Most pages below are the frozen seed (tests/fixtures/pages) with one change; each must give
exactly the seed's records, or be refused with one of vodspec's own errors. The last ones are
small invented pages.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import PAGE_SHAPES, SEED, STATUS_PIPE, codes, md_page

from vodspec.errors import CellError, MarkupError, TruncatedError, VodspecError, VodspecWarning
from vodspec.tools.publish.render import render_json
from vodspec.tools.scrape.document import read_document
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


def scrape_warned(page: str, service: str = "vod") -> tuple[Any, list[str]]:
    """The page's dataset and the messages of vodspec's warnings, in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = scrape(page.encode(), file="page.md", service=service)
    return dataset, [str(w.message) for w in caught if issubclass(w.category, VodspecWarning)]


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


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads Linux's /proc")
def test_reading_pages_again_and_again_keeps_memory_flat() -> None:
    # cmarkgfm's own wrapper freed neither the Markdown tree nor the rendered HTML: about
    # 40 MB lost over these reads of a 100 kB page.
    page = SEED_TEXT + "\n" + "<p>" + "说明文字 " * 20_000 + "</p>\n"
    read_document(page)  # the first read sets up what later ones reuse
    before = _resident_bytes()
    for _ in range(100):
        read_document(page)
    assert _resident_bytes() - before < 8_000_000


class _Unexported:  # a library whose attributes are all missing, as a Windows build's may be
    pass


def _unloadable(path: str) -> object:
    raise OSError(f"cannot load {path}")


@pytest.mark.parametrize("library", [lambda path: _Unexported(), _unloadable])
def test_a_cmark_build_that_exports_no_free_functions_reads_pages_the_same(
    monkeypatch: pytest.MonkeyPatch, library: Any
) -> None:
    from vodspec.tools.scrape import markdown

    monkeypatch.setattr(markdown.ctypes, "CDLL", library)
    free_tree, free_html = markdown._freeing()
    assert free_tree is markdown._keep is free_html
    monkeypatch.setattr(markdown, "_FREE_TREE", free_tree)
    monkeypatch.setattr(markdown, "_FREE_HTML", free_html)
    assert records(SEED_TEXT) == SEED_RECORDS


#: A cmark-gfm module whose library finds none of the extensions, put in place of the real
#: one before the reader's binding is imported.
_NO_EXTENSIONS = """
import sys, types
import cmarkgfm, cmarkgfm.cmark
real = cmarkgfm._cmark
lib = types.SimpleNamespace(
    cmark_gfm_core_extensions_ensure_registered=lambda: None,
    cmark_find_syntax_extension=lambda name: real.ffi.NULL,
)
cmarkgfm._cmark = sys.modules["cmarkgfm._cmark"] = types.SimpleNamespace(
    lib=lib, ffi=real.ffi, __file__=real.__file__
)
try:
    import vodspec.tools.scrape.markdown
except ImportError as exc:
    print(exc)
"""


def test_a_cmark_build_lacking_an_extension_is_refused_at_import() -> None:
    # Attaching the missing one would crash the interpreter; cmarkgfm's wrapper raised too.
    done = subprocess.run(
        [sys.executable, "-c", _NO_EXTENSIONS], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "lacks one of the extensions" in done.stdout


def test_one_page_is_rendered_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # cmark-gfm's extensions share one table of special characters between parsers: two
    # renders at once (cffi lets threads run) can miss a strikethrough or an autolink.
    from vodspec.tools.scrape import markdown

    held = []
    render = markdown._render

    def watched(data: bytes, *extensions: Any) -> bytes:
        held.append(markdown._RENDERING.locked())
        return render(data, *extensions)

    monkeypatch.setattr(markdown, "_render", watched)
    assert records(SEED_TEXT) == SEED_RECORDS
    assert held == [True]


@pytest.mark.parametrize(
    "bracket",
    ["[^a\n错误。[]\n请请请retry later]", "[^\n中文[]\nbbbb]", "[^a\nb]"],
    ids=["cut-on-a-boundary", "cut-in-a-character", "short"],
)
def test_a_footnote_bracket_across_lines_is_refused_not_published_cut(bracket: str) -> None:
    # cmark-gfm drops part of it ("x [^a\nb] y" renders "x [^] y"), or cuts a character
    # in two; the page is refused at the bracket's line.
    page = SEED_TEXT.replace(ROW_504, "网关超时。\n\n参数" + bracket + "\n\n")
    line = page[: page.index("[^")].count("\n") + 1
    with pytest.raises(
        MarkupError, match=rf":{line}: a '\[\^' whose '\]' comes after a line break"
    ):
        records(page)


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("x [\\^a\nb] y", r"'\[\\\^' whose '\]' comes after a line"),
        ("x [&#94;a] y", r"'\[&#94;': GitHub's renderer reads past"),
        ("x [&#X5E;a] y", r"'\[&#X5E;': GitHub's renderer reads past"),
        ("![&Hat;a](u)", r"'\[&Hat;': GitHub's renderer reads past"),
        ("x [\\^a] y", r"'\[\\\^' closed on its line: GitHub's renderer shows it with one"),
        ("[a]: /u(", r"definition \[a\] whose destination leaves a '\(' open"),
        ("> [a]:\n> (/u", r"definition \[a\] whose destination leaves a '\(' open"),
        ("1.  注意\n\n    [注意]: /u(", r"definition \[注意\] whose destination leaves"),
        ("[a\nb]: /u( 'title'", r"definition \[a b\] whose destination leaves"),
    ],
)
def test_what_githubs_renderer_loses_is_refused_at_its_line(written: str, says: str) -> None:
    # cmark-gfm cuts the rest of the page off, shows bytes of its memory, or hides the line
    # (other renderers show the text).
    page = SEED_TEXT + "\n" + written + "\n\n后记。\n"
    line = SEED_TEXT.count("\n") + 2 + written[: written.index("[")].count("\n")
    with pytest.raises(MarkupError, match=rf":{line}: [^:]*{says}"):
        records(page)


@pytest.mark.parametrize(
    "written",
    [
        "[a]: /u(b)",
        "[a]: </u(>",
        "[a]: /u\\(",
        "[注意]: 请勿删除(包括 子目录)",  # words after it: GitHub shows the line
        "取值为 [^a-z] 之一\n见 [1]",  # a pattern closed on its line
        "<p>不能包含[^\\/:*?]</p>\n<p>见[1]</p>",
    ],
)
def test_what_githubs_renderer_shows_whole_is_read(written: str) -> None:
    assert records(SEED_TEXT + "\n" + written + "\n") == SEED_RECORDS


def test_a_footnote_on_one_line_is_still_read() -> None:
    page = SEED_TEXT.replace(ROW_504, "网关超时[^1]。") + "\n[^1]: 见附录。\n"
    assert [record.code for record in scrape(page.encode(), file="p.md").records] == [
        record.code for record in scrape(SEED_TEXT.encode(), file="p.md").records
    ]


def test_a_lone_surrogate_given_to_the_reader_is_refused() -> None:
    with pytest.raises(MarkupError, match="not UTF-8"):
        read_document(SEED_TEXT + "\ud800")


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


def test_blank_lines_below_a_footnote_block_cost_linear_time() -> None:
    # A footnote's block is rendered at the page's end, its lines long passed: each of them
    # was looked for again across every blank line below (minutes here, hours on 2 MiB).
    footnote = "[^1]: 注\n\n    <div>\n" + "    a\n" * 10_000 + "    </div>\n\n见[^1]。\n\n"
    with at_most(20):
        assert records(footnote + SEED_TEXT + "\n" * 80_000) == SEED_RECORDS


def test_lines_no_source_line_is_are_looked_for_in_linear_time() -> None:
    # A tight list item's line breaks written "&#10;" render to lines no source line is:
    # each was looked for in the lines below it, whose run of digits (container markers?)
    # was read again for each (15 s here, half a minute on 2 MiB).
    item = "- " + "1" * 1000 + "x" + "&#10;1" * 160 + "\n"
    with at_most(8):
        assert records(SEED_TEXT + "\n" + item * 500) == SEED_RECORDS


def test_a_page_of_brackets_is_searched_for_link_definitions_in_linear_time() -> None:
    # A link label holds no unescaped bracket: each "[" was tried as a label's start across
    # the next 999 characters (27 s here, a minute on 2 MiB).
    from vodspec.tools.scrape.document import _open_destination

    with at_most(10):
        assert _open_destination("[\n" * 500_000 + "[a]: /u") is None


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
    dataset, messages = scrape_warned(page)
    published = render_json(dataset).decode("utf-8")
    assert "\x1b" not in published and "\\u001b" not in published and "\x7f" not in published
    assert dataset.records[-1].description == "网关[31m超时。"
    assert any("U+001B" in m for m in messages) and any("U+007F" in m for m in messages)


@pytest.mark.parametrize(
    ("written", "where"),
    [
        # cmark-gfm writes these two, made by a reference in Markdown, as bytes no UTF-8 holds
        ("&#xFFFE;", "markdown"),
        ("&#65535;", "markdown"),
        ("\ufffe", "markdown"),
        ("&#xfffe", "html"),
        # What the reader sets again in the tree: a text beside a footnote mark, a quotation,
        # the last text of a page whose block is never closed.
        ("&#x1B;<sup>1</sup>&#1;", "html"),
        ("<q>&#27;</q>", "html"),
        ("&#x0000001b;", "end"),
        ("&#xFFFF;", "end"),
    ],
)
def test_characters_no_text_holds_are_removed_with_a_warning_naming_the_line(
    written: str, where: str
) -> None:
    """U+FFFE, U+FFFF and C0 controls made by character references were internal errors:
    cmark-gfm's output did not decode, or lxml refused a text the reader set."""
    row = f"<tr><td>404 Not Found</td><td>不{written}存在。</td></tr>"
    if where == "markdown":
        page = (
            f"# 状态码\n\n| 状态码 | 说明 |\n| --- | --- |\n| 404 Not Found | 不{written}存在。 |\n"
        )
    else:
        page = f"# 状态码\n\n<table><tr><th>状态码</th><th>说明</th></tr>\n{row}\n</table>\n"
    if where == "end":
        page = page.replace("不" + written, "不") + f"\n<div>x{written}"
    line = {"markdown": 5, "html": 4, "end": 7}[where]
    dataset, messages = scrape_warned(page, service="any")
    description = dataset.records[0].description
    assert description.startswith("不") and description.endswith("存在。")
    assert not {"\ufffe", "\uffff", "\x1b", "\x01"} & set(description)
    assert messages and all(m.startswith(f"page.md:{line}: removed ") for m in messages)


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


def test_the_page_cut_inside_the_table_is_refused() -> None:
    with pytest.raises(TruncatedError, match="cut off"):
        records(SEED_TEXT[: SEED_TEXT.index(ROW_504)])


def test_refusals_are_the_packages_own_errors() -> None:
    with pytest.raises(VodspecError):
        records("<table><tr><th>返回值</th><th>说明</th></tr><tr><td>404 Not Found</td>")


# Invented pages: markup around or after the tables.


@pytest.mark.parametrize("page", ["<!-- x -->\n", "<!DOCTYPE html>\n", "<?pi x?>\n"])
def test_a_page_of_only_a_comment_is_no_table(page: str) -> None:
    from vodspec.errors import NoTableError

    with pytest.raises(NoTableError):
        scrape(page.encode(), file="p.md")


@pytest.mark.parametrize(
    "declaration",
    [
        '<?xml version="1.0" encoding="latin1"?>',
        '<meta charset="gbk">',
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
    ],
)
def test_a_page_declaring_another_encoding_is_still_read_as_utf8(declaration: str) -> None:
    # The page's bytes are UTF-8 (vodspec reads nothing else): a declaration inside must
    # neither change how the text reads nor stop the parser (an XML declaration did).
    page = declaration.encode() + b"\n\n" + SEED_TEXT.encode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = scrape(page, file="p.md")
    found = [r.model_dump(exclude={"source_sha256", "source_line"}) for r in dataset.records]
    assert found == SEED_RECORDS


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


@pytest.mark.parametrize("end", ["</html>", "</body>"])
def test_content_after_the_page_end_is_refused_at_its_source_line(end: str) -> None:
    # The line was counted in the rendered page, where the pipe table above takes more
    # lines than it does in the source.
    page = md_page(STATUS_PIPE, end, "尾巴")
    with pytest.raises(MarkupError, match=f"follows {end}") as refusal:
        scrape(page, file="p.md")
    assert refusal.value.line == page.decode().split("\n").index(end) + 1


@pytest.mark.parametrize("errors", [0, 99, 100, 500])
def test_a_stray_end_tag_behind_many_harmless_errors_is_still_refused(errors: int) -> None:
    # libxml2 reports a hundred markup errors of a page and drops the rest unsaid: a stray
    # </p> (a browser shows a break, the parser glues the text) must not hide behind them.
    table = (
        "<table><tr><th>状态码</th><th>说明</th></tr>\n"
        f"<tr><td>200 OK</td><td>{'</span>' * errors}请求</p>成功。</td></tr></table>"
    )
    with pytest.raises(MarkupError, match=r"</p> with no <p> open|as many as the HTML parser"):
        scrape(md_page(table), file="p.md", service="any")


def test_a_filtered_tag_after_a_saved_pages_head_is_found_whatever_the_title_holds() -> None:
    # U+0130 lower-cases to two characters: the end of the head was looked for in a
    # lower-cased copy and its position, used in the page, fell past the <textarea>.
    page = (
        "<!DOCTYPE html>\n<html>\n<head>\n<title>" + "\u0130" * 12 + "</title>\n"
        "</head><textarea>x</textarea>\n<body>\n\n" + md_page(STATUS_PIPE).decode()
    )
    with pytest.raises(MarkupError, match="<textarea>"):
        scrape(page.encode(), file="p.md", service="any")


@pytest.mark.parametrize(
    ("markup", "what"),
    [
        ('<p data-sourcepos="1:1-1:1">x</p>', "data-sourcepos attribute"),
        ("<SCRIPT>x</SCRIPT>", "<script> element"),
    ],
)
def test_a_refusal_names_the_line_even_after_text_that_lower_cases_longer(
    markup: str, what: str
) -> None:
    # U+0130 lower-cases to two characters: a position found in text.lower() and counted in
    # the text named a line further down than the markup stands on.
    # ſ (U+017F) and ı (U+0131) match s and i in Unicode's case folding, not in a tag's.
    look_alikes = markup.lower().replace("s", "\u017f").replace("i", "\u0131")
    page = "# 状态码\n\n" + "\u0130" * 40 + look_alikes + "\n\n" * 5 + markup + "\n\n" + STATUS_PIPE
    line = page.split("\n").index(markup) + 1
    with pytest.raises(MarkupError, match=what) as refusal:
        scrape(page.encode(), file="p.md", service="any")
    assert refusal.value.line == line


def test_a_filtered_tag_is_named_on_its_line_not_where_a_code_span_writes_it() -> None:
    page = "# 状态码\n\n写法 `<script>` 是文本。\n\n段落\n\n<SCRIPT>x</SCRIPT>\n\n" + STATUS_PIPE
    with pytest.raises(MarkupError, match="<script> element") as refusal:
        scrape(page.encode(), file="p.md", service="any")
    assert refusal.value.line == 7


@pytest.mark.parametrize(
    "written",
    [
        "写法 `<script src=x>` 是文本。",
        '```html\n<style type="text/css">\n```',
        "写法 &lt;textarea rows=2&gt; 是文本。",
        "    <iframe src=x>",
    ],
    ids=["code-span", "fenced-code", "reference", "indented-code"],
)
def test_a_filtered_tag_written_as_text_is_read_as_text(written: str) -> None:
    # Escaped as text, "<script src=x>" renders as the tag filter's escape of a raw tag does
    # ("&lt;script "): the page was refused as holding a <script> element.
    page = md_page(written, STATUS_PIPE)
    assert codes(page) == [400, 404]
    with pytest.raises(MarkupError, match="<script> element") as refusal:
        codes(page + b"\n<script src=x></script>\n")
    assert refusal.value.line == page.count(b"\n") + 2


def test_the_doc_id_is_the_title_headings_not_a_sections() -> None:
    page = md_page(STATUS_PIPE, '### 参考<a name="ref"></a>\n\n见上表。')
    assert scrape(page, file="p.md", service="any").source.doc_id is None


@pytest.mark.parametrize("before", [0, 40])
def test_the_title_is_the_first_h1_however_far_down_a_section_heading_above(before: int) -> None:
    """The first <h1> names the page, wherever it stands after a section heading and any
    number of paragraphs; without one, the first heading of any level does."""
    section = '## 背景<a name="sec"></a>\n\n' + "段落。\n\n" * before
    page = f'{section}# 状态码<a name="vod_04_0133"></a>\n\n{STATUS_PIPE}\n'.encode()
    dataset = scrape(page, file="p.md", service="any")
    assert (dataset.source.title, dataset.source.doc_id) == ("状态码", "vod_04_0133")
    untitled = scrape(page.replace("# 状态码".encode(), b"text"), file="p.md", service="any")
    assert (untitled.source.title, untitled.source.doc_id) == ("背景", "sec")


def test_many_hidden_siblings_cost_linear_time() -> None:
    hidden = "<p>" + "<i hidden></i>xxxxxxxx" * 60_000 + "</p>"
    with at_most(30), pytest.raises(MarkupError, match="hidden attribute"):
        codes(md_page(STATUS_PIPE, hidden))


#: Every word the reader looks for in the folded page (read_document's bytes.lower()).
FOLDED_WORDS = [
    "<tr",
    "</html",
    "</head>",
    "rowspan",
    "colspan",
    "dir",
    "<!--",
    "-->",
    "data-sourcepos",
    "data-vodspec-line",
]


def _words_looked_for() -> list[str]:
    from vodspec.tools.scrape import document

    return [
        *FOLDED_WORDS,
        *(word.pattern.decode() for word in document._HIDING_WORDS),
        *(f"&lt;{tag}" for tag in document.FILTERED_TAGS),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "<TR><Tr><tR><tr>",
        "DATA-SourcePos 錯誤 <Dir> ROWSPAN",
        "<T\u0130tle> h\u0130dden d\u0130r x\u0130<tr \u212a",
        "状态码\u0130data-vodspec-line\u212a &LT;SCRIPT &lt;\u0130frame",
    ],
)
def test_the_folded_page_finds_what_lower_case_finds(text: str) -> None:
    # The reader looks for words in bytes with A-Z lower-cased instead of str.lower()'s copy
    # (faster): each word must be found, and counted, exactly as str.lower() would.
    folded = text.encode().lower()
    for word in _words_looked_for():
        assert (word.encode() in folded) == (word in text.lower()), word
        assert folded.count(word.encode()) == text.lower().count(word), word


def test_no_word_looked_for_could_be_made_by_a_character_lower_casing_into_ascii() -> None:
    # U+212A lower-cases into "k", U+0130 into "i" and a combining dot: a word with a "k",
    # or ending in "i", would be found by str.lower() where the folded page misses it.
    for word in _words_looked_for():
        assert "k" not in word and not word.endswith("i"), word


def test_a_comment_left_open_by_a_blank_line_is_named_as_a_cause() -> None:
    # The refusal said only "it is cut off": the page was whole, a comment took its end.
    page = SEED_TEXT.replace(
        "</tbody>", "<!-- 以下暂不发布\n\n<tr><td>x</td></tr>\n\n-->\n</tbody>", 1
    )
    with pytest.raises(TruncatedError, match="a comment in it is never closed"):
        records(page)


def test_a_removed_control_character_is_named_on_its_own_line() -> None:
    # Named at the first "&#27;" of the page: a comment or a code span above it was taken.
    page = (
        "# 状态码\n\n<!-- &#27; -->\n\n`&#27;`\n\n| 状态码 | 说明 |\n| --- | --- |\n"
        "| 404 Not Found | 不&#27;存在。 |\n"
    )
    _, messages = scrape_warned(page, service="any")
    assert messages == ["page.md:9: removed control character U+001B (from a character reference)"]


def test_a_control_character_in_an_attribute_above_its_tags_end_is_named_on_its_line() -> None:
    # The element's line is where its start tag ends: the search from there found nothing,
    # and the warning named a line with no reference on it.
    page = (
        "# 状态码\n\n<table><tr><th>状态码</th><th>说明</th></tr>\n<tr><td>404 Not Found</td><td\n"
        ' title="x&#27;y"\n>不存在。</td></tr></table>\n'
    )
    _, messages = scrape_warned(page, service="any")
    assert [m.partition(": ")[0] for m in messages] == ["page.md:5"]


# What nothing reads, cut before the checks and the parse (document._without_unread).

#: The cell attributes the cut takes.
UNREAD_ATTRIBUTES = ("valign", "width", "headers")


def _shown(root: Any) -> list[tuple[str, list[tuple[str, str]], str]]:
    """What the reader can read of a tree: each element but <a> (inline, shown as its text)
    in page order, with its attributes but the unread ones and its text, empty name-only
    anchors removed."""
    from lxml import etree

    from vodspec.tools.scrape.document import remove_keeping_tail

    for anchor in list(root.iter("a")):
        if set(anchor.attrib) == {"name"} and not anchor.text and not len(anchor):
            remove_keeping_tail(anchor)
    return [
        (
            str(element.tag),
            sorted((k, v) for k, v in element.attrib.items() if k not in UNREAD_ATTRIBUTES),
            etree.tostring(element, method="text", encoding=str, with_tail=False),
        )
        for element in root.iter()
        if isinstance(element.tag, str) and element.tag != "a"
    ]


@pytest.mark.parametrize(
    "shape",
    [
        '<p id="X"><a name="X"></a><a name="X"></a>TEXT</p>',
        '<td class="c" valign="top" width="9%" headers="h 1">TEXT</td>',
        '<th class="c" headers="h">TEXT</th>',
    ],
)
def test_the_cut_changes_nothing_the_reader_reads_whatever_is_around(shape: str) -> None:
    # Random markup around a paragraph or a cell of Huawei's shape: quotes, comments,
    # processing instructions, tags left open; the tree parsed after the cut must be the
    # tree parsed whole, less what was cut. (Without the single-quote check, about one page
    # in forty here had an attribute value cut; a cut of the cell's class too changed the
    # tree where the cell stands in a double-quoted value.)
    import random

    from lxml import etree

    from vodspec.tools.scrape.document import _without_unread, html_parser

    pieces = [
        '<p id="X">', '<a name="X"></a>', "TEXT", '"', "'", "<", ">", "=", "<td title=",
        '<td title="', "<td title='", "<!--", "-->", "<![CDATA[", "]]>", "<?x ", "</td ",
        "<table><tr><td>", "</td></tr></table>", " ", "\n", "<b>", "</b>", '<a href="y">',
        "</a>", "<p>", '<p id="Y">', "<!DOCTYPE ", "<tr id='", "x", "<td", '<a name="X">',
        "</p>", "&", "<br>", '<td class="c"', ' valign="top"', ' headers="h">', "<tr id=",
        '<tr id="', "<tr ",
    ]  # fmt: skip
    draw = random.Random(17)
    cut_somewhere = False
    for _ in range(3000):
        before = "".join(draw.choice(pieces) for _ in range(draw.randint(1, 10)))
        after = "".join(draw.choice(pieces) for _ in range(draw.randint(0, 5)))
        html = f"<table><tr>{before}{shape}{after}</tr></table>".encode()
        whole = etree.fromstring(html, html_parser())
        cut = _without_unread(html)
        cut_somewhere = cut_somewhere or cut != html
        assert _shown(etree.fromstring(cut, html_parser())) == _shown(whole), html
    assert cut_somewhere


#: The lines cmark gives a block, less its columns (the cut in the source moves these).
_SOURCEPOS_LINES = re.compile(rb'(data-sourcepos="\d+):\d+-(\d+):\d+"')


def _cut_both_ways(text: str) -> tuple[bytes, bytes, bool]:
    """The HTML the reader parses (the cut in the source, or rendered) and the cut of the
    page rendered whole, cmark's columns left out of both; and whether the source was cut."""
    from vodspec.tools.scrape.document import _rendered, _without_unread
    from vodspec.tools.scrape.markdown import render_html

    _, html, cut = _rendered(text.encode())
    read = html if cut else _without_unread(html)
    whole = _without_unread(render_html(text.encode()))
    return (
        _SOURCEPOS_LINES.sub(rb"\1-\2", read),
        _SOURCEPOS_LINES.sub(rb"\1-\2", whole),
        cut,
    )


@pytest.mark.parametrize(
    "text",
    [
        # Labels that only the cut would make the same (two anchors against one; any case).
        '[a][<p id="X"><a name="X"></a><a name="X"></a>]\n\n[<p id="X"><a name="X"></a>]: /u\n',
        '[a][<P ID="X"><a name="X"></a>]\n\n[<p id="X"><a name="X"></a>]: /u\n',
        # In code, and in a single-quoted value opened in a quote block's HTML, lines above.
        '<p id="Y"><a name="Y"></a>y</p>\n\n`<p id="X"><a name="X"></a>`\n',
        '<p id="Y"><a name="Y"></a>y</p>\n\n> <tr id=\n> \'<p id="X"><a name="X"></a>\'>\n',
        # An escaped pipe in a pipe table is a pipe in the id and its anchors' names alike.
        '<p id="Y"><a name="Y"></a>y</p>\n\n| a | b |\n| - | - |\n'
        '| <p id="a\\|b"><a name="a\\|b"></a>c | d |\n',
        # A link's target once cut: "<p id="x">" then ")" (written, the anchor ends it).
        '[a](<p id="x"><a name="x"></a>)\n',
        '![a](<p id="x"><a name="x"></a> "t")\n',
        # A pipe in a cut anchor's name: the header line would lose a cell, and the table.
        'x <p id="a|b"><a name="a|b"></a>\n|-|-|-|\n',
        # Link definitions: one only once cut (hidden), labels only then alike; in quotes,
        # lists and indented too.
        'x\n\n[a]: <p id="x"><a name="x"></a>\n',
        '> - [a]: <p id="x"><a name="x"></a>\n',
        '1. x\n\n   [a]: <p id="x"><a name="x"></a>\n',
        '\ufeff[a]: <p id="x"><a name="x"></a>\n"t"\n',
        # How much GitHub's renderer loses after a "[^" closed past a line break depends on
        # the bytes before it.
        '[^<b title="]">\nx <p id="x"><a name="x"></a>]',
        '[^<b title="]">\nx <td class="c" headers="h">]',
        '[b][\\<p id="x"><a name="x"></a>]\n\n[\\<p id="x">]: /u\n',
        '[b][<p id="x"><a name="x"></a>]\n\n[^f]: [<p id="x">]: /u\n',
    ],
)
def test_the_cut_in_the_source_is_the_cut_of_the_rendered_page(text: str) -> None:
    read, whole, _ = _cut_both_ways(text)
    assert read == whole


def test_a_page_reads_alike_where_the_cut_is_made_in_the_source_or_not() -> None:
    # The reader's own attribute written in a value the cut takes: refused as before, on a
    # page cut in the source as on one with a link definition (cut rendered).
    page = SEED_TEXT.replace('headers="mcps1.2.3.1.1 "', 'headers="data-sourcepos"', 1)
    assert page != SEED_TEXT
    for text in (page, page + "\n[a]: /u\n"):
        with pytest.raises(MarkupError, match="writes a data-sourcepos attribute"):
            records(text)


def test_what_the_renderer_loses_is_looked_for_in_the_page_as_written() -> None:
    # Cut in the source, an anchor's name took a "]" with it: the footnote-like "[^a" then
    # seemed closed after a line break, and a page GitHub renders whole was refused.
    page = (
        "| 返回值 | 说明 |\n| - | - |\n| 200 OK | 请求正常。 |\n\n"
        '[^a [ <p id="]"><a name="]"></a>\n] z\n'
    )
    dataset, _ = scrape_warned(page, service="any")
    assert [record.code for record in dataset.records] == [200]


def test_the_cut_in_the_source_is_the_cut_of_the_rendered_page_wherever_it_stands() -> None:
    # Cut in the source (document._rendered), the unread markup must leave the HTML and the
    # line map the cut of the rendered page leaves, wherever it stands: in code, a title, a
    # link label, a pipe table, after a backslash, in a single-quoted value opened lines
    # above; or the page is cut rendered. (Without the check of the HTML for the cut shown
    # as text, code spans here showed the cut; without the one for "]:", a link label
    # matched its definition only once cut; without the single-quote check, a value opened
    # in a quote block's HTML swallowed a cut.)
    import random

    from vodspec.tools.scrape.document import _rendered, line_map
    from vodspec.tools.scrape.markdown import render_html

    pieces = [
        '<p id="X">', '<a name="X"></a>', '<a name="Y"></a>', "TEXT", " ", "#", "!", "*", "_",
        '<td class="c" valign="top" width="9%" headers="h">', '<th class="c" headers="h">',
        "`", "```\n", "~~~\n", "    ", "\t", "\\", "|", "\\|", "| a | b |\n| - | - |\n", "[", "]",
        "]:", "[x]: /u ", "[^1]", "[^1]: ", "(", ")", '"', "'", "&#39;", "=", "<", ">", "&lt;",
        "&#60;", "\n", "\n\n", "> ", "\n> ", "=\n> '", "- ", "\n- ", "1. ", "\n1) ", "\n  ",
        "\n    ", "---\n", "<!--", "<!-- ", "-->", "<![CDATA[", "]]>", "<?", "?>", "<table>",
        "</table>", "<table>\n<tr><td>", "<tr>", "<td>", "</td>", "<pre>", "</pre>",
        "<textarea>", "<div a='", "<tr id='", "<td title=", '<x a="', '<a href="',
        "www.x.com/", "<http://x/", "[a](<", "](<", "![a](", "](", '<p id="|">',
        '\n[<p id="X">]: /u\n', '[a][<p id="X">', "[^<p id=\"X\">", "]: ", "\n[a]: <",
        "\n> [", "\n- [", "\n   [", "[a]: ",
        '<a name="|"></a>', "|-|-|-|\n", "| - | - | - |\n",
    ]  # fmt: skip
    draw = random.Random(34)
    cut_in_source = 0
    for _ in range(20_000):
        text = "".join(draw.choice(pieces) for _ in range(draw.randint(1, 25)))
        page = text.encode()
        try:
            source, html, cut = _rendered(page)
        except VodspecError:  # refused before the render: nothing to compare
            continue
        if not cut:
            continue
        cut_in_source += 1
        read, whole, _ = _cut_both_ways(text)
        assert read == whole, text
        mapped = line_map(source.split(b"\n"), html.split(b"\n"))
        assert mapped == line_map(page.split(b"\n"), render_html(page).split(b"\n")), text
    assert cut_in_source > 500


@pytest.mark.parametrize("equals", ["=", "= ", "=\t", " =\n"])
def test_a_row_id_holding_the_anchors_is_published_as_written(equals: str) -> None:
    # In a single-quoted attribute the anchors are text, not elements: nothing is cut, with
    # spaces around its "=" too.
    written = '<p id="x"><a name="x"></a>'
    page = SEED_TEXT.replace('<tr id="row67486913112">', f"<tr id{equals}'{written}'>", 1)
    dataset, _ = scrape_warned(page)
    assert written in [record.source_row for record in dataset.records]


def test_a_paragraph_without_its_anchors_reads_as_with_them() -> None:
    # The seed's cells are all of Huawei's shape; written without the anchors, or with
    # other text beside them, the records are the same.
    bare = re.sub(r'(<p id="([^"]*)">)(?:<a name="\2"></a>)+', r"\1", SEED_TEXT)
    assert bare != SEED_TEXT
    assert records(bare) == SEED_RECORDS


@pytest.mark.parametrize(
    "attribute", ["data-sourcepos", "DATA-SOURCEPOS", "Data-SourcePos", "data-VODSPEC-line"]
)
def test_the_readers_own_attributes_are_refused_in_any_case(attribute: str) -> None:
    page = SEED_TEXT.replace('<tr id="row67486913112">', f'<tr {attribute}="1:1-1:1">', 1)
    with pytest.raises(MarkupError, match=f"writes a {attribute.lower()} attribute") as refusal:
        records(page)
    assert (
        refusal.value.line
        == SEED_TEXT.split("\n").index(
            next(line for line in SEED_TEXT.split("\n") if 'id="row67486913112"' in line)
        )
        + 1
    )


@pytest.mark.parametrize("tag", ["<tr>", "<TR>"])
def test_more_rows_than_any_table_has_are_refused_before_the_parse(tag: str) -> None:
    page = SEED_TEXT + "\n<table>\n" + f"{tag}<td>x</td></tr>\n" * 20_001 + "</table>\n"
    says = r"20,0\d\d <tr> tags; at most 20,000 table rows"
    with at_most(60), pytest.raises(MarkupError, match=says):
        records(page)


def test_rows_written_in_a_code_block_are_no_rows() -> None:
    # What GitHub shows as code is text: only rows the parser would build are counted.
    page = SEED_TEXT + "\n```html\n" + "<tr><td>x</td></tr>\n" * 20_001 + "```\n"
    with at_most(60):
        assert records(page) == SEED_RECORDS


@pytest.mark.parametrize(
    "tag",
    [
        "textarea",
        "xmp",
        "title",
        "iframe",
        "noembed",
        "noframes",
        "plaintext",
        "script",
        "style",
        "TEXTAREA",
    ],
)
def test_a_filtered_tag_the_tag_filter_lets_through_is_refused_at_its_line(tag: str) -> None:
    # cmark-gfm's tag filter escapes "<textarea" only before a space, ">" or "/>": written
    # "<textarea/x>", the element reached the parser, which read its content as text (the
    # anchors inside it then cut as markup), and a hidden <iframe>'s text was published.
    cell = f"<{tag}/x>500 Internal Server Error</{tag}>"
    page = SEED_TEXT.replace(ROW_504, ROW_504 + cell, 1)
    line = next(number for number, text in enumerate(page.split("\n"), 1) if cell in text)
    with pytest.raises(MarkupError, match=f"a <{tag.lower()}> element written so") as refusal:
        records(page)
    assert refusal.value.line == line


def test_a_filtered_tag_in_the_title_is_refused_unless_it_is_text() -> None:
    # "<xmp/x>" is no inline HTML to cmark: text, escaped, shown as written (it was refused
    # as an element, being escaped as the tag filter escapes one); "<xmp>" is raw, filtered.
    written = '# <xmp/x><p id="d"><a name="d"></a>状态码</xmp/x>'
    page = SEED_TEXT.replace("# 状态码", written, 1)
    assert page != SEED_TEXT
    assert [record["code"] for record in records(page)] == [r["code"] for r in SEED_RECORDS]
    with pytest.raises(MarkupError, match="a <xmp> element"):
        records(page.replace(written, written.replace("/x>", ">"), 1))


@pytest.mark.parametrize("name", ["text", "tail"])
def test_an_attribute_named_text_or_tail_never_replaces_what_the_page_shows(name: str) -> None:
    # Its value, once the control character was taken out, became the element's own text.
    page = (
        "# 状态码\n\n<table><tr><th>状态码</th><th>说明</th></tr>\n<tr><td>404 Not Found</td>"
        f'<td>不<span {name}="&#27;隐藏">存</span>在。</td></tr></table>\n'
    )
    dataset, messages = scrape_warned(page, service="any")
    (record,) = dataset.records
    assert record.description == "不存在。"
    assert [m.partition(": ")[2] for m in messages] == [
        "removed control character U+001B (from a character reference)"
    ]
