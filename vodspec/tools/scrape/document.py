"""One reading of a page, as the doc site renders it: Markdown to HTML, HTML to one lxml tree.

markdown-it-py (CommonMark with GFM tables) decides what is Markdown structure, raw HTML,
code or comment; its HTML goes to lxml, and every later step reads that one tree. Nothing
reads structure from the raw text with its own idea of the syntax, so a table inside a code
fence or a comment is code or a comment here too.

The rendered HTML keeps each block on its source line, so lxml's ``sourceline`` is the line
of the Markdown file. The checks for truncation and loss ask the same parser: once it has
read the whole page, no table may still be open (else only the end of input closes it), no
row or cell may stand outside a table, and libxml2 must not have hit its nesting limit (it
drops what lies deeper, silently but for its error log).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from vodspec.errors import CellError, MarkupError, TruncatedError

#: Table structure elements: the end of the page must not fall inside one of them.
TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})
#: Elements whose content the rendered page never shows.
INVISIBLE_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
#: Words without which no element of a page can hide its text.
HIDING_WORDS = ("hidden", "style", *(f"<{tag}" for tag in INVISIBLE_TAGS))
#: CSS declarations that hide an element.
HIDING_STYLES = (("display", "none"), ("visibility", "hidden"), ("visibility", "collapse"))


class _LineKeepingRenderer(RendererHTML):
    """markdown-it's HTML renderer, with every block starting on its source line.

    Block tags get no newline of their own; newlines are added only to bring the output to
    the line the next block starts on, so a rendered element's line is its source line.
    """

    VERBATIM = frozenset({"html_block", "fence", "code_block"})

    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        out: list[str] = []
        line = 0
        for index, token in enumerate(tokens):
            if token.map is not None and token.nesting >= 0 and token.map[0] > line:
                out.append("\n" * (token.map[0] - line))
                line = token.map[0]
            if token.type == "inline":
                assert token.children is not None
                piece = self.renderInline(token.children, options, env)
            elif token.type in self.rules:
                piece = self.rules[token.type](tokens, index, options, env)
            else:
                piece = self.renderToken(tokens, index, options, env)
            if token.block and token.type not in self.VERBATIM and piece.endswith("\n"):
                piece = piece[:-1]
            line += piece.count("\n")
            out.append(piece)
        return "".join(out)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}, renderer_cls=_LineKeepingRenderer)
    return md.enable(["table", "strikethrough"])


_MARKDOWN = _markdown()


@dataclass(frozen=True)
class Document:
    """The page as the doc site shows it: one tree, invisible elements removed."""

    root: etree._Element | None


def render_markdown(text: str) -> str:
    """The page's HTML as the doc site renders it, each block on its source line."""
    _check_line_widths(text)
    tokens = _MARKDOWN.parse(text)
    check_pipe_tables(tokens, text)
    rendered = str(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))
    _check_after_html_end(rendered)
    return rendered


#: More cells than this on one line is no documentation table; each costs markdown-it a few
#: tokens, so the check comes before the parse to keep memory bounded.
MAX_PIPES_PER_LINE = 1000


def _check_line_widths(text: str) -> None:
    if text.count("|") <= MAX_PIPES_PER_LINE:
        return
    for number, line in enumerate(text.split("\n"), 1):
        if line.count("|") > MAX_PIPES_PER_LINE:
            raise MarkupError(
                f"a line with {line.count('|'):,} '|' characters; a table row has at most"
                f" {MAX_PIPES_PER_LINE:,} cells here",
                line=number,
            )


def _check_after_html_end(html: str) -> None:
    """libxml2 drops everything after ``</html>`` (a browser does not): refuse such a page."""
    lowered = html.lower()
    end = lowered.rfind("</html")
    if end < 0:
        return
    close = lowered.find(">", end)
    if close >= 0 and not lowered[close + 1 :].strip():
        return
    raise MarkupError(
        "content follows </html>; the HTML parser would drop it, a browser shows it",
        line=html.count("\n", 0, end) + 1,
    )


def read_document(text: str) -> Document:
    """Render and parse the page, refusing what the parser could not read whole."""
    rendered = render_markdown(text)
    if not rendered.strip():
        return Document(None)
    # huge_tree lifts libxml2's 256-level nesting limit (deeper pages are refused below);
    # no_network: the parser never fetches anything.
    parser = etree.HTMLPullParser(
        events=("start", "end"),
        tag=TABLE_PARTS,
        huge_tree=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    parser.feed(rendered)
    _check_depth(parser.feed_error_log)
    _check_end(parser.read_events())
    root = parser.close()
    if root is None:  # only a comment, a doctype…: no element at all
        return Document(None)
    _check_stray_rows(root)
    if _may_hide(rendered):
        remove_invisible(root)
    return Document(root)


def _may_hide(html: str) -> bool:
    """Whether the page has any element or attribute that hides text (a fast path only)."""
    lowered = html.lower()
    return any(word in lowered for word in HIDING_WORDS)


def line_of(element: etree._Element) -> int:
    """The element's line in the source (0 when the parser does not know it)."""
    return int(getattr(element, "sourceline", None) or 0)


def _check_depth(log: etree._ListErrorLog) -> None:
    for entry in log:
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            raise MarkupError(
                "markup nested deeper than the HTML parser reads (it drops what lies below);"
                " refusing rather than publishing part of the page",
                line=entry.line or None,
            )


def _check_end(events: Iterator[tuple[str, object]]) -> None:
    """Refuse a page whose end falls inside a table: only the end of input closed it.

    The parser has read all the page; what it has not closed yet, it would close because
    the input ended. lxml would "repair" a page cut off inside a table into a shorter one.
    """
    open_parts: list[etree._Element] = []
    for event, element in events:
        if not isinstance(element, etree._Element) or element.tag not in TABLE_PARTS:
            continue
        if event == "start":
            open_parts.append(element)
        elif open_parts:
            open_parts.pop()
    if open_parts:
        table = open_parts[0]
        raise TruncatedError(
            f"the page ends inside a table (opened at line {line_of(table)}): it is cut off",
            line=line_of(table) or None,
        )


#: Rows outside a table, cells outside a row: what an early end tag leaves behind.
_STRAY = etree.XPath(
    "//tr[not(ancestor::table)] | //td[not(ancestor::tr)] | //th[not(ancestor::tr)]"
)


def _check_stray_rows(root: etree._Element) -> None:
    """A row or cell outside a table: an end tag (or a comment's end) closed the table early."""
    stray = _STRAY(root)
    if isinstance(stray, list) and stray and isinstance(stray[0], etree._Element):
        element = stray[0]
        container = "table" if element.tag == "tr" else "tr"
        raise MarkupError(
            f"a <{element.tag}> outside any {container}: the table was closed before it"
            " (a stray end tag, or a comment or CDATA section ending early?)",
            line=line_of(element) or None,
            row=element.get("id"),
        )


def _hidden(element: etree._Element) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    if not style:
        return False
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        value = value.replace("!important", "")
        if (name.strip().lower(), value.strip().lower()) in HIDING_STYLES:
            return True
    return False


def remove_invisible(root: etree._Element) -> None:
    """Remove what the rendered page does not show, keeping the text that follows it.

    Parent by parent, in one pass over the children, so that many hidden siblings cost
    linear time (joining each tail onto a growing string would be quadratic).
    """
    doomed = {
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and element is not root
        and (element.tag in INVISIBLE_TAGS or _hidden(element))
    }
    parents = {parent for element in doomed if (parent := element.getparent()) is not None}
    for parent in parents:
        _remove_children(parent, doomed)


def _remove_children(parent: etree._Element, doomed: set[etree._Element]) -> None:
    kept: etree._Element | None = None  # the last child that stays
    pieces: list[str] = []  # text that now follows ``kept`` (or starts ``parent``)

    def flush() -> None:
        if not pieces:
            return
        if kept is None:
            parent.text = (parent.text or "") + "".join(pieces)
        else:
            kept.tail = (kept.tail or "") + "".join(pieces)
        pieces.clear()

    for child in list(parent):
        if child in doomed:
            pieces.append(child.tail or "")
            parent.remove(child)
        else:
            flush()
            kept = child
    flush()


def check_pipe_tables(tokens: Sequence[Token], text: str) -> None:
    """Refuse pipe-table rows that GFM would silently pad, cut or end the table at.

    markdown-it (like GitHub) fills a short row with empty cells and drops extra ones; a row
    written with a different number of cells than the header, or the last row of a file cut
    off without its final newline, is refused instead.
    """
    lines = text.split("\n")
    quote_depth = list_depth = 0
    header_line, header_cells = -1, 0
    for token in tokens:
        if token.type == "thead_open" and token.map is not None:
            header_line = token.map[0]
        elif token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "tr_open" and token.map is not None:
            number = token.map[0]
            cells = _pipe_cells(lines[number], quote_depth, list_depth)
            if number == header_line:
                header_cells = cells
            elif cells != header_cells:
                raise CellError(
                    f"pipe-table row has {cells} cells; the header has {header_cells}",
                    line=number + 1,
                )
            if number == len(lines) - 1 and lines[number].strip():
                raise TruncatedError(
                    "the file ends inside a pipe table without a final newline: it looks cut off",
                    line=number + 1,
                )


def _without_list_marker(text: str) -> str:
    """``- |a|b|`` -> ``|a|b|``: a bullet or ordered-list marker and its space removed."""
    if text[:2] in ("- ", "* ", "+ "):
        return text[2:].strip()
    digits = len(text) - len(text.lstrip("0123456789"))
    if 0 < digits <= 9 and text[digits : digits + 2] in (". ", ") "):
        return text[digits + 2 :].strip()
    return text


def _pipe_cells(line: str, quote_depth: int, list_depth: int) -> int:
    """How many cells markdown-it's own splitter finds on a pipe-table line, once the line
    is stripped of the quote and list markers of the blocks holding the table."""
    text = line.strip()
    for _ in range(quote_depth + list_depth):
        text = text.removeprefix(">").strip()
        if list_depth:
            text = _without_list_marker(text)
    columns = escapedSplit(text)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return len(columns)
