"""The line map: each rendered line of raw HTML goes back to its own source line.

line_map maps a run of raw HTML lines that equal the next source lines all at once; these
cases hold it to what reading one line at a time gives, where such a run stops.
"""

from __future__ import annotations

import pytest

from vodspec.tools.scrape.document import line_map

#: Raw HTML lines, each different from every other (the map reads UTF-8 lines).
CELLS = [f"<td>{number}</td>".encode() for number in range(200)]


def test_raw_html_copied_verbatim_maps_line_for_line() -> None:
    assert line_map(CELLS, CELLS) == list(range(len(CELLS) + 1))


def test_a_blank_line_keeps_the_line_before_it() -> None:
    # A raw HTML block that may hold blank lines (<pre>): the blank one belongs to no line
    # of its own, and the line after it is found again on its own line.
    source = [b"<pre>", b"a", b"", b"b", b"</pre>"]
    assert line_map(source, source) == [0, 1, 2, 2, 4, 5]


@pytest.mark.parametrize("changed", [0, 1, 15, 16, 17, 31, 47, 48, 63, 64, 65, 111, 198])
def test_a_line_not_in_the_source_keeps_the_line_before_it(changed: int) -> None:
    rendered = [*CELLS[:changed], b"<td>not in the source</td>", *CELLS[changed + 1 :]]
    expected = [0, *range(1, changed + 1), changed, *range(changed + 2, len(CELLS) + 1)]
    assert line_map(CELLS, rendered) == expected


@pytest.mark.parametrize("run", [1, 16, 37, 64])
def test_lines_skipped_in_the_source_are_passed_over(run: int) -> None:
    # Link definitions between two raw HTML lines are not rendered.
    source = [*CELLS[:run], b"[a]: /a", b"[b]: /b", *CELLS[run:80]]
    expected = [0, *range(1, run + 1), *range(run + 3, 83)]
    assert line_map(source, CELLS[:80]) == expected


def test_the_map_stops_at_the_end_of_the_source() -> None:
    rendered = [*CELLS[:50], b"", b"<td>after the end</td>"]
    assert line_map(CELLS[:50], rendered) == [*range(51), 50, 50]


def _raw_table(rows: int) -> list[str]:
    return [
        "<table>",
        *(line for n in range(rows) for line in ("<tr>", f"<td>{n}</td>", "</tr>")),
        "</table>",
    ]


@pytest.mark.parametrize("pipe_rows", [1, 2, 5])
@pytest.mark.parametrize("between", [[""], ["", "段落。", ""]])
def test_a_raw_table_after_a_pipe_table_keeps_its_own_lines(
    pipe_rows: int, between: list[str]
) -> None:
    # A pipe table renders several lines a row: past as many as it spans, its "</tr>" lines
    # were looked for in the source and found in the raw table below, whose elements then
    # carried the lines of others (a <td> on its </tr>'s line).
    from vodspec.tools.scrape.document import line_of, read_document

    pipe = ["| a | b |", "|--|--|", *(f"| {n} | x |" for n in range(pipe_rows))]
    source = ["# t", "", *pipe, *between, *_raw_table(3), ""]
    root = read_document("\n".join(source)).root
    assert root is not None
    raw = list(root.iter("table"))[1]
    for element in raw.iter("table", "tr", "td"):
        line = line_of(element)
        assert source[line - 1].startswith(f"<{element.tag}>"), (element.tag, line)
    assert [line_of(cell) for cell in raw.iter("td")] == [
        number for number, line in enumerate(source, 1) if line.startswith("<td>")
    ]


def test_a_rendered_line_that_is_not_utf8_is_refused_at_its_line() -> None:
    # The rendered page is not decoded whole: each line the map does not find in the page
    # (whose lines are UTF-8) is checked, and one cut in the middle of a character refused.
    from vodspec.errors import MarkupError

    source = [*CELLS[:5], "<p>状态码</p>".encode(), *CELLS[5:9]]
    rendered = [*CELLS[:5], b'<p data-sourcepos="6:1-6:14">\xe7\x8a</p>', *CELLS[5:9]]
    with pytest.raises(MarkupError, match="not UTF-8") as refusal:
        line_map(source, rendered)
    assert refusal.value.line == 6


def test_a_raw_row_group_in_a_quote_keeps_its_own_line_beside_a_pipe_table() -> None:
    # A Markdown table's <thead>/<tbody> take their table's line: a raw one right inside a
    # quote took the quote's (line 7 here, where the truth is 9).
    from vodspec.errors import TruncatedError
    from vodspec.tools.scrape.document import read_document

    page = "# t\n\n| a | b |\n|--|--|\n| 1 | 2 |\n\n> x\n>\n> <tbody><tr><td>200 OK</td></tr>\n"
    with pytest.raises(TruncatedError, match="opened at line 9"):
        read_document(page)
