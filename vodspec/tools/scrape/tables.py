"""Turn the tables of the page's tree (HTML and pipe tables alike) into grids of cells, each
cell a tuple of paragraphs. Spans are checked against the header's width before they are
expanded, so a tiny page cannot grow into a huge grid.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from lxml import etree

from vodspec.errors import CellError, MarkupError
from vodspec.tools.scrape import grammar
from vodspec.tools.scrape.document import (
    BLOCK_TAGS,
    INVISIBLE_TAGS,
    PART_HOMES,
    ROW_GROUP_TAGS,
    TABLE_STRUCTURE,
    Document,
    line_of,
    remove_keeping_tail,
)
from vodspec.tools.scrape.text import normalize

# Larger spans than this are not documentation, and would let a tiny page expand to a huge grid.
MAX_SPAN = 1000
#: Keeps memory bounded whatever the markup (a row of rowspans repeated down a long table).
MAX_GRID_CELLS = 1_000_000
#: Real code tables have up to seven columns.
MAX_COLUMNS = 100


class Cell(NamedTuple):
    """A named tuple: made several times faster than a frozen dataclass, for every cell."""

    paragraphs: tuple[str, ...]
    line: int
    #: A copy made by expanding a rowspan or colspan.
    spanned: bool = False
    #: A copy of the cell to its left (colspan): no new text in the row.
    from_left: bool = False
    #: What codes and reason phrases are read from: the paragraphs, footnote marks out
    #: (``Unauthorized<sup>1</sup>``). A field, not a property: read for every cell a rule
    #: reads; ``Cell.of`` makes a cell without marks.
    words: tuple[str, ...] = ()
    #: 1 for a copy.
    colspan: int = 1
    #: A superscript or subscript whose letters or digits touch those beside it
    #: (``VOD<sup>10053</sup>``, ``Found<sup>1</sup>``): fine in a reason, not in a code.
    glued: bool = False

    @classmethod
    def of(cls, paragraphs: tuple[str, ...], line: int) -> Cell:
        """A cell of these paragraphs, without footnote marks."""
        return cls(paragraphs, line, words=paragraphs)

    @property
    def text(self) -> str:
        return " ".join(self.paragraphs)


class Row(NamedTuple):
    id: str | None
    line: int
    cells: tuple[Cell, ...]

    def from_above(self, index: int) -> bool:
        """Whether the cell at ``index`` is a rowspan's copy of a cell of a row above (itself,
        or a colspan copy of one)."""
        while self.cells[index].from_left:
            index -= 1
        return self.cells[index].spanned


@dataclass(frozen=True)
class Table:
    header_cells: tuple[Cell, ...]
    rows: tuple[Row, ...]
    line: int
    #: A header row of <td> cells may be data, in a table without a header.
    header_th: bool = True
    #: The header row read as data, for a table without a header.
    first_row: Row | None = None
    #: Whether the page writes a rowspan or colspan somewhere.
    spans: bool = True

    @cached_property  # read for every row and column; see Cell.text
    def header(self) -> tuple[str, ...]:
        return tuple(cell.text for cell in self.header_cells)


def html_tables(document: Document) -> list[Table]:
    """Every table with rows, in page order. A table nested in a cell is that cell's text
    only: read as a table of its own too, its rows would be published twice."""
    if document.root is None:
        return []
    # The parse gathered the tables and what their cells hold beyond the common reading:
    # no walk of the page here.
    outer = []
    not_simple: set[etree._Element] = set()
    with_scripts: set[etree._Element] = set()
    for element in document.gathered:
        cells = list(element.iterancestors("td", "th"))
        if element.tag in ("sup", "sub"):
            with_scripts.update(cells)
        elif cells:
            not_simple.update(cells)
            if element.tag == "table":
                _check_nested(element)
        elif element.tag == "table":  # one in a footnote is refused by document._place
            outer.append(element)
    # Where every part is at home, a nested table's own element marks its cell already.
    if not document.parts_at_home:
        for element in outer:
            for part in element.iter("tr", "td", "th"):
                not_simple.update(part.iterancestors("td", "th"))
    kinds = _CellKinds(frozenset(not_simple), frozenset(with_scripts), document.spans)
    tables = (_read_table(element, document.parts_at_home, kinds) for element in outer)
    return [table for table in tables if table is not None]


def _check_nested(table: etree._Element) -> None:
    """Refuse a table nested in a cell (read as the cell's text, in page order) where a
    browser shows something elsewhere than written: text or an element outside its cells
    (before the table), a <caption> after rows (on top), a <tfoot> before rows (at the end)."""
    for part in table.iter(*TABLE_STRUCTURE, "caption"):
        if part.tag == "caption":  # its content is its own: only its place matters
            moved = part.getprevious() is not None
        else:
            moved = bool(part.text and not part.text.isspace()) or any(
                child.tag not in PART_HOMES or (child.tail and not child.tail.isspace())
                for child in part
            )
        if part.tag == "tfoot":
            moved = moved or any(after.tag in PART_HOMES for after in part.itersiblings())
        if moved:
            what = "text" if part.tag in TABLE_STRUCTURE and part.tag != "tfoot" else part.tag
            raise MarkupError(
                f"a table nested in a cell shows {what} elsewhere than it is written (a browser"
                " moves text outside its cells before it, draws a <caption> on top and a"
                " <tfoot> at the end); refused",
                line=line_of(table) or None,
                row=next((_row_id(row, line_of(row)) for row in table.iterancestors("tr")), None),
            )


def _all_th(row: etree._Element) -> bool:
    cells = _cells(row)
    return bool(cells) and all(cell.tag == "th" for cell in cells)


def _rows(
    table: etree._Element, at_home: bool
) -> tuple[list[list[etree._Element]], list[etree._Element], list[etree._Element]]:
    """(body row groups, header rows, the rows of the header's row group under it) as a
    browser shows them: a <tr> wrapped in an <a> or a <div> is refused rather than skipped.
    ``at_home``: see Document.parts_at_home."""
    groups: list[list[etree._Element]] = []
    header: list[etree._Element] = []
    under: list[etree._Element] = []
    footers: list[list[etree._Element]] = []
    placed = 0
    loose: list[etree._Element] | None = None  # a group of <tr>s written straight in <table>
    headed = False
    for child in table:
        if child.tag == "tr":
            if loose is None:
                loose = []
                groups.append(loose)
            loose.append(child)
            placed += 1
            continue
        loose = None
        if child.tag in ROW_GROUP_TAGS:
            group = [row for row in child if row.tag == "tr"]
            placed += len(group)
            # Only the first <thead> heads the table: a browser shows a later one as rows,
            # in place (CSS 2.1, 17.2).
            if child.tag == "thead" and not headed:
                headed = True
                under = _split_head(group, header, groups)
            elif child.tag != "tfoot":
                groups.append(group)
            else:
                footers.append(group)
    if not at_home:
        rows = [row for row in table.iter("tr") if next(row.iterancestors("table")) is table]
        if len(rows) != placed:
            homes = {table, *(child for child in table if child.tag in ROW_GROUP_TAGS)}
            stray = next(row for row in rows if row.getparent() not in homes)
            parent = stray.getparent()
            raise MarkupError(
                f"a table row inside <{parent.tag if parent is not None else '?'}>, not in a"
                " row group; a browser shows it, so it is refused rather than skipped",
                line=line_of(stray),
                row=stray.get("id"),
            )
    return groups + footers, header, under


def _split_head(
    group: list[etree._Element], header: list[etree._Element], groups: list[list[etree._Element]]
) -> list[etree._Element]:
    """A <thead>'s first row and the all-<th> rows under it are the header (状态码 / Status
    Code); from a row holding a <td> or a code (``<th>400</th>``) on, they are data (the rows
    returned)."""
    for index, row in enumerate(group):
        if header and (not _all_th(row) or _holds_a_code(row)):
            groups.append(group[index:])
            return groups[-1]
        header.append(row)
    return []


def _holds_a_code(row: etree._Element) -> bool:
    for cell in _cells(row):
        words = tuple(etree.tostring(cell, method="text", encoding=str).split())
        if words and (grammar.statuses(words[:1]) or grammar.looks_like_code(words[0])):
            return True
    return False


def _read_table(table: etree._Element, at_home: bool, kinds: _CellKinds) -> Table | None:
    groups, header_rows, under = _rows(table, at_home)
    if not header_rows:
        # Without <thead>, the first row is the header (columns.classify may make it data).
        first = next((group for group in groups if group), None)
        if first is None:
            return None
        header_rows = [first.pop(0)]
        # All-<th> rows right under an all-<th> first row are its header too (状态码 / Status).
        while (
            first and _all_th(header_rows[0]) and _all_th(first[0]) and not _holds_a_code(first[0])
        ):
            header_rows.append(first.pop(0))
        under = first
    width = max(sum(_span(cell, "colspan", row) for cell in _cells(row)) for row in header_rows)
    if width > MAX_COLUMNS:
        raise MarkupError(
            f"the table's header spans {width} columns; at most {MAX_COLUMNS} are read",
            line=line_of(header_rows[0]),
            row=header_rows[0].get("id"),
        )
    # The header's spans reach down into the rows of its row group, as in a browser.
    if not any(group is under for group in groups):
        groups.insert(0, under)
    grid = _expand([header_rows + g if g is under else g for g in groups], width, kinds)
    heading = set(header_rows)
    header_grid = [(element, cells) for element, cells in grid if element in heading]
    header = _header(header_grid, width)
    body = []
    for element, cells in grid:
        if element in heading:
            continue
        # A spacer row (empty cells, or none) shows nothing to read; the first cell's text
        # spares most rows the loop.
        if not (cells and cells[0].paragraphs) and _spacer(element, cells):
            continue
        # tuple.__new__, as for cells (see _expand_row): one for every row of the page.
        # Placed: read without line_of's call (lxml-stubs give sourceline no type).
        line: int = element.sourceline or line_of(element)  # type: ignore[assignment]
        row = tuple.__new__(Row, (_row_id(element, line), line, tuple(cells)))
        if len(cells) != width:
            raise CellError(
                f"row has {len(cells)} cell(s); the header has {width}",
                line=row.line,
                row=row.id,
            )
        body.append(row)
    top = header_rows[0]
    return Table(
        header_cells=header,
        rows=tuple(body),
        line=line_of(table),
        header_th=any(_all_th(row) for row in header_rows) or len(header_rows) > 1,
        first_row=Row(
            id=_row_id(top, line_of(top)), line=line_of(top), cells=tuple(header_grid[0][1])
        ),
        spans=kinds.spans,
    )


#: What an empty cell may hold and still show nothing (an <img> or an <input> shows something).
_EMPTY_CELL_TAGS = frozenset({"td", "th", "p", "br"})


def _spacer(row: etree._Element, cells: list[Cell]) -> bool:
    """Whether a row shows nothing: no text in its cells, no element but empty paragraphs."""
    if any(cell.paragraphs for cell in cells):
        return False
    return all(element.tag in _EMPTY_CELL_TAGS for element in row.iterdescendants())


def _row_id(row: etree._Element, line: int) -> str | None:
    """The row's id (the row on ``line``), normalised as the page's text is; an empty one
    names no row."""
    value = row.get("id")
    return (normalize(value, line) or None) if value else None


def _header(grid: list[tuple[etree._Element, list[Cell]]], width: int) -> tuple[Cell, ...]:
    """One header cell per column, stacked header rows (状态码 / Status Code) joined."""
    columns = []
    for index in range(width):
        # Never empty: the widest header row fills every column.
        parts = [cells[index] for _, cells in grid if index < len(cells)]
        text = " ".join(dict.fromkeys(part.text for part in parts if part.text))
        # Without footnote marks (``Code<sup>1</sup>``), as a code cell is read.
        words = " ".join(dict.fromkeys(" ".join(part.words) for part in parts if part.words))
        line = parts[0].line
        columns.append(Cell((text,) if text else (), line, words=(words,) if words else ()))
    return tuple(columns)


def _cells(row: etree._Element) -> list[etree._Element]:
    return [child for child in row if child.tag in ("td", "th")]


def _span(cell: etree._Element, name: str, row: etree._Element) -> int:
    value = cell.get(name)
    if value is None:
        return 1
    raw = value.strip()
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_SPAN:
        raise MarkupError(
            f"{name}={raw!r}; expected a whole number from 1 to {MAX_SPAN}",
            line=line_of(cell),
            row=row.get("id"),
        )
    return int(raw)


@dataclass(frozen=True)
class _CellKinds:
    """The cells that need more than the common reading, found in one pass over the page
    (lxml keeps one Python object per referenced element, so sets find them)."""

    #: Cells holding an element the fast path of _paragraphs does not handle.
    not_simple: frozenset[etree._Element]
    #: Cells holding a <sup> (maybe a footnote mark) or a <sub>.
    with_scripts: frozenset[etree._Element]
    spans: bool = True


def _expand(
    groups: list[list[etree._Element]], width: int, kinds: _CellKinds
) -> list[tuple[etree._Element, list[Cell]]]:
    """Rows as full-width lists of cells, spans copied into place (checked first: no row
    grows wider than the header)."""
    grid = []
    total = 0
    for rows in groups:
        carried: dict[int, tuple[Cell, int]] = {}  # column -> (cell, rows it still covers)
        for row in rows:
            out = _expand_row(row, width, carried, kinds)
            total += len(out)
            if total > MAX_GRID_CELLS:
                raise MarkupError(
                    f"the table expands to more than {MAX_GRID_CELLS:,} cells; not a"
                    " documentation table",
                    line=line_of(row),
                    row=row.get("id"),
                )
            grid.append((row, out))
    return grid


def _expand_row(
    row: etree._Element, width: int, carried: dict[int, tuple[Cell, int]], kinds: _CellKinds
) -> list[Cell]:
    out: list[Cell] = []
    # Looked up once, not per cell.
    not_simple, with_scripts, spans = kinds.not_simple, kinds.with_scripts, kinds.spans
    for element in row:  # not _cells(row): no list made for every row
        if element.tag not in ("td", "th"):
            continue
        if carried and len(out) in carried:  # most cells take no copy from above: no call
            _place_carried(out, carried)
        # Most cells have no span attribute (most pages none): one is read only where written.
        rowspan = colspan = 1
        if spans and (element.get("rowspan") is not None or element.get("colspan") is not None):
            rowspan, colspan = _span(element, "rowspan", row), _span(element, "colspan", row)
        # Placed: read without line_of's call (lxml-stubs give sourceline no type).
        line: int = element.sourceline or line_of(element)  # type: ignore[assignment]
        if len(out) + colspan > width:
            raise CellError(
                f"row has more cells than the header's {width}", line=line, row=row.get("id")
            )
        simple = element not in not_simple
        unmarked, glued = (
            _unmarked_paragraphs(element, line, simple) if element in with_scripts else _PLAIN
        )
        paragraphs = _paragraphs(element, line, simple)
        words = paragraphs if unmarked is None else unmarked
        # tuple.__new__, not Cell(...): the named tuple's own __new__ is a Python function,
        # about three times as slow (0.6 µs against 0.2 µs a cell).
        cell = tuple.__new__(Cell, (paragraphs, line, False, False, words, colspan, glued))
        if colspan == rowspan == 1:  # the common cell: no copies to make
            out.append(cell)
        else:
            _spread(cell, rowspan, out, carried)
    if carried and len(out) in carried:
        _place_carried(out, carried)
    return out


def _spread(
    cell: Cell, rowspan: int, out: list[Cell], carried: dict[int, tuple[Cell, int]]
) -> None:
    """Put a cell with a span in its row, its copies in the columns to its right and, through
    ``carried``, in the rows below."""
    # The cell's copy in the rows below, and one copy for all the columns to its right
    # (a copy each made a hostile table of wide spans take hundreds of megabytes).
    below = cell._replace(spanned=True, colspan=1)
    beside = below._replace(from_left=True)
    for offset in range(cell.colspan):
        copy = beside if offset else below
        if rowspan > 1:
            carried[len(out)] = (copy, rowspan - 1)
        out.append(copy if offset else cell)


def _place_carried(out: list[Cell], carried: dict[int, tuple[Cell, int]]) -> None:
    while len(out) in carried:
        cell, left = carried.pop(len(out))
        if left > 1:
            carried[len(out)] = (cell, left - 1)
        out.append(cell)


#: The longest superscript read as a footnote mark (``Note``, ``[12]``), and a status's
#: length: a superscript written apart that is one (``503``) is read as a value, not a mark.
MAX_MARK, MIN_CODE = 12, 3


def _footnote(sup: etree._Element) -> bool:
    """Whether it is a Markdown footnote's reference as cmark-gfm writes it (its link marked
    data-footnote-ref); a class written by hand in raw HTML is not one."""
    return "footnote-ref" in (sup.get("class") or "") and (
        sup.find(".//a[@data-footnote-ref]") is not None
    )


def _is_mark(sup: etree._Element, cell: etree._Element) -> bool:
    """Short text without spaces, or Markdown's own footnote; but a code or a status written
    apart (``VOD.10053 <sup>VOD.10054</sup>``) is a value, raised, not a mark."""
    if _footnote(sup):
        return True
    text = _inner_text(sup).strip()
    if not 0 < len(text) <= MAX_MARK or any(ch.isspace() for ch in text):
        return False
    before = _text_before(sup, cell)
    apart = not before or before[-1].isspace()
    # A status (503) or a code of parts (VOD.10054); not a word with a digit (Note1, RFC7231).
    value = (len(text) == MIN_CODE and text.isdigit()) or (
        grammar.looks_like_code(text) and any(mark in text for mark in "._-")
    )
    return not (apart and value)


def _breaks(element: etree._Element) -> bool:
    return element.tag in BLOCK_TAGS or element.tag == "br"


def _inner_text(element: etree._Element) -> str:
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _text_before(node: etree._Element, cell: etree._Element) -> str:
    """The text right before ``node`` on its line: through inline markup, which shows
    nothing of its own (``<b>VOD.1005</b><sup>3</sup>``), not past a block or a break."""
    while node is not cell:
        previous = node.getprevious()
        if previous is None:
            parent = node.getparent()
            if parent is None:
                return ""
            if parent.text:  # the parent's own text comes before its first child
                return parent.text
            if parent is cell or _breaks(parent):
                return ""
            node = parent
        elif _breaks(previous):
            return ""
        elif text := previous.tail or _inner_text(previous):
            return text
        else:
            node = previous
    return ""


def _text_after(node: etree._Element, cell: etree._Element) -> str:
    """The text right after ``node`` on its line (see _text_before)."""
    while node is not cell:
        if node.tail:
            return node.tail
        following = node.getnext()
        if following is None:
            parent = node.getparent()
            if parent is None or parent is cell or _breaks(parent):
                return ""
            node = parent
        elif _breaks(following):
            return ""
        elif text := _inner_text(following):
            return text
        else:
            node = following
    return ""


def _glued(raised: etree._Element, cell: etree._Element) -> str | None:
    """Where a superscript or subscript of letters or digits stands so that it reads both as
    part of the value and apart: right after a number (``VOD.1005<sup>3</sup>``: VOD.10053,
    or VOD.1005 and a mark), right before one (``<sup>4</sup>04``), or opening a code's next
    part (``VOD<sup>.10053</sup>``); None where it is clear (``APP.1<sup>*</sup>``)."""
    text = _inner_text(raised).strip()
    if not any(ch.isalnum() for ch in text) or text[0] in "[(（【":
        return None  # a bracket keeps it apart: [1], (a)
    preceding = _text_before(raised, cell)
    following = _text_after(raised, cell)
    if preceding[-1:].isdigit():
        return "right after a number"
    if following[:1].isdigit():
        return "right before a number"
    if preceding[-1:].isalnum() and text[0] in "._-":
        return "continuing a code"
    return None


def _touches(raised: etree._Element, cell: etree._Element) -> bool:
    """Whether the raised text's first or last letter or digit touches one beside it."""
    text = _inner_text(raised)
    return (text[:1].isalnum() and _text_before(raised, cell)[-1:].isalnum()) or (
        text[-1:].isalnum() and _text_after(raised, cell)[:1].isalnum()
    )


#: A cell without superscripts or subscripts: no marks, nothing glued.
_PLAIN: tuple[None, bool] = (None, False)


def _unmarked_paragraphs(
    cell: etree._Element, line: int, simple: bool
) -> tuple[tuple[str, ...] | None, bool]:
    """The paragraphs without footnote marks (None if there are none), and whether a raised
    text touches the text beside it (see Cell.glued)."""
    marked = glued = False
    # A subscript, or a superscript too long to be a mark, is read with the text: glued to a
    # value, it reads as part of it and apart (40<sup>3 Forbidden</sup>).
    for raised in cell.iter("sub", "sup"):
        if raised.tag == "sup" and _is_mark(raised, cell):
            marked = True
            continue
        where = _glued(raised, cell)
        if where is not None:
            name = "subscript" if raised.tag == "sub" else "superscript"
            raise MarkupError(
                f"a {name} {where}: part of the value or not? (write it apart from the value)",
                line=line,
            )
        glued = glued or _touches(raised, cell)
    if not marked:
        return None, glued
    bare = copy.deepcopy(cell)
    for sup in list(bare.iter("sup")):
        if not _is_mark(sup, bare):
            continue
        if not _footnote(sup):  # Markdown's own footnote is a mark wherever it stands
            where = _glued(sup, bare)
            if where is not None:
                raise MarkupError(
                    f"a superscript {where}: a footnote mark, or part of the value? (write"
                    " the mark after a space, or as a Markdown footnote)",
                    line=line,
                )
            glued = glued or _touches(sup, bare)
        if _text_before(sup, bare)[-1:].isalnum() and _text_after(sup, bare)[:1].isalnum():
            continue  # between two letters or digits: out, it would join them (40<sup>*</sup>4)
        remove_keeping_tail(sup)
    return _paragraphs(bare, line, simple), glued


def _paragraphs(cell: etree._Element, line: int, simple: bool) -> tuple[str, ...]:
    """The visible text of a cell as paragraphs; a cell without blocks is one. ``simple``
    cells (text alone, or <p>s of inline markup) are read at C speed, the others walked.
    One function, not two: it runs for every cell."""
    if not simple:
        return _walked_paragraphs(cell, line)
    text = cell.text
    # isspace(), not strip(): the same test (both use Unicode's whitespace) without a copy.
    if text and not text.isspace():
        if len(cell):
            return _walked_paragraphs(cell, line)  # text beside elements: a <p> starts one
        paragraph = normalize(text, line)
        return (paragraph,) if paragraph else ()
    paragraphs = []
    # A cell of one child (most) is read without an iterator: lxml makes one in about three
    # times the time it takes to fetch the child.
    for child in (cell[0],) if len(cell) == 1 else cell:
        tail = child.tail
        if child.tag != "p" or (tail and not tail.isspace()):
            return _walked_paragraphs(cell, line)
        # A <p> of plain text (some are) is its .text; one holding inline markup is serialised.
        raw = (
            etree.tostring(child, method="text", encoding=str, with_tail=False)
            if len(child)
            else child.text or ""
        )
        text = normalize(raw, line)
        if text:
            paragraphs.append(text)
    return tuple(paragraphs)


def _walked_paragraphs(cell: etree._Element, line: int) -> tuple[str, ...]:
    """Any cell, walked: a block element starts a paragraph, invisible ones are skipped."""
    paragraphs: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        text = normalize("".join(pending), line)
        pending.clear()
        if text:
            paragraphs.append(text)

    # iterwalk, not recursion: deeply nested markup must not exhaust the stack.
    walker = etree.iterwalk(cell, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in INVISIBLE_TAGS:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS or tag == "br":  # a line break shows as one
                flush()
            if element.text:
                pending.append(element.text)
        else:
            if element is cell:
                break
            if tag in BLOCK_TAGS:
                flush()
            if element.tail:
                pending.append(element.tail)
    flush()
    return tuple(paragraphs)
