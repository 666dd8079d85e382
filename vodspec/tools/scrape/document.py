"""One reading of a page, as GitHub renders it: cmark-gfm to HTML, HTML to one lxml tree.

cmark-gfm (GitHub's own Markdown library, in C) decides what is Markdown structure, raw HTML,
code or comment, with GFM's extensions (tables, strikethrough, autolinks) and its tag filter;
its HTML goes to lxml, and every later step reads that one tree. Nothing reads structure
from the raw text with its own idea of the syntax, so a table inside a code fence or a
comment is code or a comment here too.

Source lines: cmark marks each Markdown block with ``data-sourcepos`` but copies raw HTML
blocks verbatim, unmarked. A raw HTML line is found again in the source, the first
non-blank line after the previous block that ends with it (:func:`line_map`); each table
element then carries its source line, and one that cannot be placed with certainty is
refused. The checks for truncation and loss ask the same parser: once it has read the
whole page, no table may still be open, no row or cell may stand outside a table, and
libxml2 must not have hit its nesting limit (it drops what lies deeper).

No CSS is interpreted: renderers disagree about what a page with hidden content shows
(GitHub drops ``style`` and ``hidden``; a browser applies them), so such a page is refused.
"""

from __future__ import annotations

import bisect
import itertools
import re
import warnings
from dataclasses import dataclass
from typing import cast

from lxml import etree

from vodspec.errors import CellError, MarkupError, TruncatedError, VodspecWarning
from vodspec.tools.scrape.markdown import render_html
from vodspec.tools.scrape.page import HEADINGS
from vodspec.tools.scrape.text import located

#: An element no page uses, put after the page's end (see _open_at_end). Before it, what
#: ends a quoted attribute value or a comment the page may be cut off in, so that the mark
#: is always an element of its own; where the page ends cleanly, that is text, removed.
END_TAG = "vodspec-end-of-page"
END_CLOSERS = "\"'-->"
END_MARK = f"{END_CLOSERS}<{END_TAG}></{END_TAG}>"
#: The attribute cmark writes; a page writing it itself could forge a row's line.
SOURCEPOS = "data-sourcepos"
#: Where the reader keeps a table element's source line (refused in a page, like SOURCEPOS).
LINE_ATTRIBUTE = "data-vodspec-line"
#: Nesting deeper than libxml2's default limit is refused (see _check_parser_log).
MAX_NESTING = 256
#: libxml2 counts an element's line up to this and no further.
MAX_PARSER_LINE = 65535
#: Table structure elements: the end of the page must not fall inside one of them.
TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})
#: What each part's start tag begins with in the source (built once, not per element).
START_TAGS = {name: f"<{name}".encode() for name in TABLE_PARTS}
#: Elements cmark's tag filter escapes: GitHub shows them as text, a browser runs or hides
#: them. Pages that use them are refused rather than read one way or the other.
FILTERED_TAGS = (
    "script",
    "style",
    "iframe",
    "textarea",
    "title",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
)
#: Elements whose text a browser does not show as written (embedded documents, fallbacks,
#: closed widgets): a page holding one is refused.
HIDING_ELEMENTS = (
    "svg",
    "math",
    "object",
    "embed",
    "frame",
    "frameset",
    "template",
    "noscript",
    "details",
    "dialog",
    "select",
    "datalist",
    "canvas",
    "audio",
    "video",
    "link",
    # Hidden wherever it stands (HTML's style sheet: rp { display: none }), not only in <ruby>.
    "rp",
)
#: Elements a browser shows other than as their text is written: struck through (text that
#: reads as current once published), reversed (<bdo>), annotated (<ruby>, <rt>), drawn as a
#: bar (<progress>, <meter>). A page holding one is refused too.
DISGUISING_ELEMENTS = ("del", "s", "strike", "bdo", "ruby", "rt", "progress", "meter")
#: Table parts a browser does not keep inside a cell (it closes the cell, or nests a table
#: whose rows would be read twice): a cell holding one is refused.
TABLE_PARTS_IN_CELLS = ("caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th")
#: A saved HTML document may start with these: its <head> is metadata (title, scripts,
#: styles) that no browser shows, and the fetch step saves such pages.
DOCUMENT_STARTS = ("<!doctype html", "<html", "<head")
#: CSS is not interpreted: a ``style`` is accepted only when each declaration sets one of
#: these properties, which cannot hide or disguise text; any other (display, visibility,
#: opacity, font-size, color, clip, position, overflow, height, text-indent, transform…),
#: and any escape or comment that could spell one (``display:n\6f ne``, ``/**/``), is
#: refused. None of the real pages uses a style at all.
SAFE_CSS = frozenset(
    {
        "text-align",
        "vertical-align",
        "white-space",
        "word-break",
        "word-wrap",
        "overflow-wrap",
        "font-weight",
        "font-style",
        "border",
        "border-collapse",
        "border-width",
        "border-style",
        "border-color",
        "padding",
        "padding-left",
        "padding-right",
        "padding-top",
        "padding-bottom",
    }
)
#: What no plain declaration holds: escapes, comments, at-rules, external resources.
CSS_TRICKS = ("\\", "/*", "@", "url(", "expression", "<", "&")
#: Without one of these attribute words in the folded page (see _folded), or one of these
#: elements in the tree, no element of the rendered page can hide its text (a fast path:
#: bytes' own search, and one walk of the tree in C). ``dir`` is found whatever stands
#: before it and around its ``=`` (``<td\ndir = "rtl">``).
_HIDING_WORDS = (b"hidden", b"style", b"popover")
_DIR_FOLDED = re.compile(rb"dir\s*=")
_HIDING_TAGS = ("font", *HIDING_ELEMENTS, *DISGUISING_ELEMENTS)
#: The filtered tags as cmark escapes them, searched in the folded page (see _folded).
_FILTERED_FOLDED = re.compile(rb"&lt;(?:" + "|".join(FILTERED_TAGS).encode() + rb")")
_FILTERED = re.compile(r"&lt;(" + "|".join(FILTERED_TAGS) + r")[\s/>]", re.IGNORECASE | re.ASCII)
_HIDING_XPATH = etree.XPath(
    "//*[@hidden] | //*[@popover] | //*[@style] | //*[@dir and @dir != 'ltr']"
    " | //font[@color or @size] | "
    + " | ".join(f"//{tag}" for tag in (*HIDING_ELEMENTS, *DISGUISING_ELEMENTS))
)
_PARTS_IN_CELLS_XPATH = etree.XPath(
    " | ".join(f"//td//{tag} | //th//{tag}" for tag in TABLE_PARTS_IN_CELLS)
)
#: CSS words of a <style> that hide text outright (the head of a saved page may hold one;
#: the doc site's own styles set colours and fonts, which hide nothing by themselves).
HIDING_CSS = re.compile(
    r"display|visibility|opacity|font-size|clip|position|content|height|width"
    r"|overflow|indent|transform|hidden|\\|/\*|@import",
    re.IGNORECASE,
)
#: A rendered line that starts with a Markdown block cmark placed: tag, first line, last line.
_PLACED = re.compile(rb'<(\w+) data-sourcepos="(\d+):\d+-(\d+):\d+"')
_SOURCEPOS_BYTES = SOURCEPOS.encode()
#: Markdown blocks that hold no raw HTML block, by the end of the line cmark closes them
#: with: their rendered lines are theirs until that end (or as many lines as they span; a
#: pipe table renders more lines than it spans, and always ends on a "</table>" line).
LEAF_ENDS = {
    b"p": b"</p>",
    **{heading.encode(): f"</{heading}>".encode() for heading in HEADINGS},
    b"pre": b"</code></pre>",
    b"hr": b"",
    b"table": b"</table>",
}
#: Lines cmark writes itself to close a container (never the first line of raw HTML).
RENDERER_LINES = frozenset({"</ul>", "</ol>", "</li>", "</blockquote>"})
#: How many non-blank lines (link definitions, a tight list item's text) may stand between
#: a block and the raw HTML after it before the reader gives up placing it (and refuses).
MAX_SKIPPED_LINES = 64
#: How far above its parsed line an element's start tag may begin (attributes on lines
#: of their own: libxml2 reports the line where the start tag ends).
MAX_TAG_LINES = 50


#: Elements that start a new paragraph inside a cell; inline elements (a, b, span…) do not.
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "dt",
        "dd",
        *HEADINGS,
        "pre",
        "blockquote",
        "table",
        "caption",
        "tr",
        "td",
        "th",
        "ul",
        "ol",
        "dl",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "hr",
    ]
)
#: Elements whose content is never visible text.
INVISIBLE_TAGS = frozenset({"script", "style", "template"})
#: What the table reader asks about besides the table parts: the tables, and what makes a
#: cell more than its text (a block but a paragraph, an invisible element, a line break, a
#: superscript). Rows and cells inside a cell are found otherwise (see Document).
GATHERED_TAGS = frozenset((BLOCK_TAGS - {"p", "tr", "td", "th"}) | INVISIBLE_TAGS | {"br", "sup"})


@dataclass(frozen=True)
class Document:
    """The page as GitHub renders it: one tree, each table element on its source line."""

    root: etree._Element | None
    #: Whether every table part stands right in its home (see _place): then a row
    #: or cell inside a cell always belongs to a table nested there.
    parts_at_home: bool = False
    #: Whether the page writes a rowspan or colspan anywhere (most do not).
    spans: bool = True
    #: The page's elements of GATHERED_TAGS, in page order (found as the parts are placed:
    #: a walk of the tree costs as much as a fifth of the parse).
    gathered: tuple[etree._Element, ...] = ()


#: What no XML text holds, so lxml refuses a text holding it (as the reader sets some): C0
#: controls but tab, newline and CR, and the noncharacters U+FFFE and U+FFFF.
UNHOLDABLE = frozenset([*map(chr, range(0x20)), "\ufffe", "\uffff"]) - frozenset("\t\n\r")


#: A numeric character reference, as the HTML parser reads it (with or without its ";").
_NUMERIC_REFERENCE = re.compile(
    r"&#(?:[xX]0*(?P<hex>[0-9a-fA-F]{1,6})(?![0-9a-fA-F])|0*(?P<decimal>[0-9]{1,7})(?![0-9]))"
)


def _without_unholdable(root: etree._Element, text: str, lines: list[int]) -> None:
    """Remove from the tree's texts and attributes the characters of UNHOLDABLE, right after
    the parse: the reader could not set a text holding one. One warning for each character
    removed, naming its first line in the page, as text.normalize does for other control
    characters. The page's own controls were removed when it was decoded: these come from
    character references (&#27;), U+FFFE and U+FFFF from the page too."""
    removed: dict[str, int] = {}  # each character, and the line its first element starts on
    for element in root.iter():
        values: list[tuple[str, str | None]] = [("text", element.text), ("tail", element.tail)]
        values.extend((str(name), str(value)) for name, value in element.attrib.items())
        for name, value in values:
            if not value or UNHOLDABLE.isdisjoint(value):
                continue
            rendered: int = getattr(element, "sourceline", None) or 0
            start = lines[rendered] if 0 < rendered < len(lines) else 0
            for char in UNHOLDABLE.intersection(value):
                removed.setdefault(char, start)
            kept = "".join(char for char in value if char not in UNHOLDABLE)
            if name in ("text", "tail"):
                setattr(element, name, kept)
            else:
                element.set(name, kept)
    if not removed:
        return
    # Where each is written or referred to in the page: one pass over its references.
    places: dict[str, list[int]] = {}
    for found in _NUMERIC_REFERENCE.finditer(text):
        code = int(found["hex"], 16) if found["hex"] else int(found["decimal"])
        if code <= 0x10FFFF and chr(code) in removed:
            places.setdefault(chr(code), []).append(found.start())
    for char, start in sorted(removed.items()):
        if char in "\ufffe\uffff":
            what = f"noncharacter U+{ord(char):04X}, which no text holds"
        else:  # as text.normalize says it
            what = f"control character U+{ord(char):04X} (from a character reference)"
        line = _first_line(text, places.get(char, []), char, start)
        warnings.warn(VodspecWarning(f"{located(line)}removed {what}"), stacklevel=4)


def _first_line(text: str, references: list[int], char: str, start: int) -> int | None:
    """The line of ``char``'s first place (``references`` or the character written) from
    line ``start`` on, where its element starts (one in a comment or a code span above is
    not it), else its first place anywhere (an element's line is where its start tag ends:
    an attribute's reference may stand above it)."""
    offset = _line_offset(text, start)
    written = [at for at in (text.find(char, offset), text.find(char)) if at >= 0]
    places = sorted({*references, *written})
    at = next((place for place in places if place >= offset), places[0] if places else -1)
    return text.count("\n", 0, at) + 1 if at >= 0 else start or None


#: End tags found in the page itself, in any ASCII case: a position in str.lower()'s copy
#: is not one in the page (U+0130 lower-cases to two characters).
_HTML_END = re.compile("</html", re.IGNORECASE | re.ASCII)
_HEAD_END = re.compile("</head>", re.IGNORECASE | re.ASCII)


def _check_after_html_end(encoded: bytes, folded: bytes) -> None:
    """libxml2 drops everything after ``</html>`` (a browser does not): refuse such a page."""
    if b"</html" not in folded:
        return  # the common case; else the position is found in the text itself
    html = encoded.decode(errors="replace")
    end = list(_HTML_END.finditer(html))[-1].start()  # there: only A-Z fold into "</html"
    close = html.find(">", end)
    if close >= 0 and not html[close + 1 :].strip():
        return
    raise MarkupError(
        "content follows </html>; the HTML parser would drop it, a browser shows it",
        line=html.count("\n", 0, end) + 1,
    )


def line_map(source: list[bytes], rendered: list[bytes]) -> list[int]:
    """The source line (1-based) of each rendered line; 0 where none can be told. Both are
    UTF-8 lines; a rendered line that is not (GitHub's renderer cut a character in two) is
    refused, at the line it maps to.

    A line cmark placed (``data-sourcepos``) gives its own line, and the lines of a leaf
    block it opens (a paragraph, a code block, a pipe table) follow it. Any other line is
    raw HTML copied verbatim (after the quote or list markers of its container), found
    again in the source from just after the previous block, blank lines skipped; a line
    cmark wrote itself (a container's closing tag) keeps the line before it.
    """
    lines = [0] * (len(rendered) + 1)
    previous = 0
    floor = 0  # index of the first source line raw HTML may still come from
    leaf_end = b""  # the end of the leaf block being rendered, if any
    leaf_lines = 0  # how many more rendered lines that leaf may take
    not_utf8 = 0  # the first rendered line that is not UTF-8, if any
    index = 0  # the rendered line being read is rendered[index - 1], mapped in lines[index]
    while index < len(rendered):
        out = rendered[index]
        index += 1
        if floor < len(source) and out and source[floor] == out and not leaf_end:
            # The common case: the next source line, and most often a long run of them (a
            # raw HTML table), mapped at once rather than line by line (the loop's cost).
            # The page's lines are UTF-8: so are these.
            run = 1 + _same_lines(source, floor + 1, rendered, index)
            lines[index : index + run] = range(floor + 1, floor + run + 1)
            previous, floor = floor + run, floor + run
            index += run - 1
            continue
        try:  # str's idea of whitespace (Unicode's) strips a line, as the page's text
            text = out.decode()
        except UnicodeDecodeError:
            text = out.decode(errors="replace")
            not_utf8 = not_utf8 or index
        # find(), not "in": bytes' "in" raises and clears a TypeError each time (it first
        # asks whether the operand is an integer), a tenth of the reader's time on a page.
        placed = _PLACED.match(out) if out.find(_SOURCEPOS_BYTES, 0, 24) >= 0 else None
        if placed is not None and placed[2] != b"0":  # cmark writes 0:0 for a block it emptied
            first, last = int(placed[2]), int(placed[3])
            previous = first
            lines[index] = first
            if placed[1] in LEAF_ENDS:
                floor = max(floor, last)
                leaf_end, leaf_lines = LEAF_ENDS[placed[1]], last - first
                if placed[1] == b"table":  # a row a line, each cell a line of its own
                    leaf_lines = len(rendered)  # all of them the table's, to its end
                if not leaf_end or out.endswith(leaf_end):
                    leaf_end = b""
            else:  # a container: raw HTML may start on its first line (``> <table>``)
                floor = max(floor, first - 1)
            continue
        if leaf_end:
            previous = min(previous + 1, floor)
            leaf_lines -= 1
            if out.endswith(leaf_end) or leaf_lines <= 0:
                leaf_end = b""
        elif text.strip() and text.strip() not in RENDERER_LINES:
            found = _find_line(source, floor, text.strip())
            if found is not None:
                previous, floor = found + 1, found + 1
        lines[index] = previous
    if not_utf8:
        raise MarkupError(NOT_UTF8, line=lines[not_utf8] or None)
    return lines


def _same_lines(source: list[bytes], start: int, rendered: list[bytes], at: int) -> int:
    """How many rendered lines from ``at`` on are the source lines from ``start`` on, none
    of them blank: each such line the loop of line_map would map to the next source line.

    None of them is a line cmark placed: that line holds ``data-sourcepos``, and a source
    line holding it is refused before the render (_check_source). Lists are compared in C
    (a slice's equality), in steps that double while they match, then halve.
    """
    limit = min(len(rendered) - at, len(source) - start)
    run, step, growing = 0, 16, True
    while step:
        if (
            run + step <= limit
            and rendered[at + run : at + run + step] == source[start + run : start + run + step]
        ):
            run += step
            step = step * 2 if growing else step // 2
        else:
            growing = False
            step //= 2
    if b"" in rendered[at : at + run]:  # a blank line maps to the line before, not the next
        run = rendered.index(b"", at, at + run) - at
    return run


def _find_line(source: list[bytes], start: int, wanted: str) -> int | None:
    """The index of the first source line from ``start`` ending with ``wanted`` (within
    MAX_SKIPPED_LINES non-blank lines), or None."""
    skipped = 0
    for index in range(start, len(source)):
        line = source[index].decode().rstrip()
        if not line:
            continue
        if line.endswith(wanted):
            return index
        skipped += 1
        if skipped > MAX_SKIPPED_LINES:
            return None
    return None


def _folded(encoded: bytes) -> bytes:
    """A text's UTF-8 to look for ASCII words in any case: A-Z lower-cased.

    It finds (and counts) what the text's ``str.lower()`` does of every word the reader
    looks for, several times faster on a long Chinese page: str.lower() maps every
    character through Unicode's tables, while bytes.lower() only changes A-Z. Positions in
    it are bytes, not characters: a check that reports a line goes back to the text. Only
    two characters lower-case into ASCII: U+212A KELVIN SIGN into "k", which no word
    looked for holds, and U+0130 into "i" and a combining dot, which no word has after an
    "i" (tests/test_reader_markup.py holds the words to both).
    """
    return encoded.lower()


#: Container markers (``>``, ``-``, ``1.``) opening a line deeper than the HTML parser
#: reads. Matched from the newline before the line (the page gets one in front): a pattern
#: that starts with a literal is searched for that character at C speed, where ``^`` with
#: MULTILINE is tried at every position. The lookahead (what the first marker starts with)
#: turns most lines away before the repetition is set up, a third of the search's time.
_DEEP_CONTAINERS = re.compile(
    rb"\n(?=[ \t]*[>\-+*0-9])(?:[ \t]*(?:>|[-+*][ \t]|[0-9]{1,9}[.)][ \t])){"
    + str(MAX_NESTING).encode()
    + b"}"
)
#: No documentation table has this many rows (the corpus's largest has a few hundred).
MAX_ROWS = 20_000
#: Pipes in a page: two or three per row of a pipe table, some in text.
MAX_PIPES = 5 * MAX_ROWS
#: More cells than this on one line is no documentation table.
MAX_PIPES_PER_LINE = 1000


def _any_case(word: str) -> bytes:
    """A pattern of ``word`` with its ASCII letters in any case (``[dD][aA]…``)."""
    return b"".join(
        f"[{char.lower()}{char.upper()}]".encode() if char.isalpha() else re.escape(char).encode()
        for char in word
    )


#: The reader's own attributes from their first "-" on, in any case: a page without this
#: writes neither (a pattern that starts with a literal, searched for at memchr's speed,
#: where folding the page to look for the whole words costs several times more).
_READER_ATTRIBUTE_TAILS = re.compile(
    b"-(?:"
    + b"|".join(_any_case(name.partition("-")[2]) for name in (SOURCEPOS, LINE_ATTRIBUTE))
    + b")"
)


def _check_source(text: str, encoded: bytes) -> None:
    """Refuse, before the render (which would build every row and level in memory), a page
    that forges the reader's attributes, nests deeper than the HTML parser reads, or has
    more pipe-table cells than any documentation table. ``encoded``: the text's UTF-8."""
    if _READER_ATTRIBUTE_TAILS.search(encoded) is not None:
        folded = _folded(encoded)
        for attribute in (SOURCEPOS, LINE_ATTRIBUTE):
            if attribute.encode() in folded:  # its line is found in the text itself
                raise MarkupError(
                    f"the page writes a {attribute} attribute, which the reader uses to"
                    " place rows; refusing rather than trusting it",
                    line=_line_of_word(text, attribute),
                )
    # Searched in the UTF-8 (ASCII markers: a byte is a character here, and a byte
    # string of one byte a character is searched faster than a str of two).
    found = _DEEP_CONTAINERS.search(b"\n" + encoded)
    if found is not None:  # the line starts at found.start() in the page
        raise MarkupError(
            f"a line opens more than {MAX_NESTING} nested quotes or lists; the HTML parser"
            " reads no deeper",
            line=encoded.count(b"\n", 0, found.start()) + 1,
        )
    for mark, followers, find in _RENDERER_LOSSES:  # none of them a letter: no folding
        loss = find(text) if _stands_before(encoded, mark, followers) else None
        if loss is not None:
            at, what = loss
            raise MarkupError(
                f"{what}; refusing rather than publishing what it makes of the page",
                line=text.count("\n", 0, at) + 1,
            )
    pipes = encoded.count(b"|")
    if pipes > MAX_PIPES:
        raise MarkupError(
            f"the page has {pipes:,} '|' characters; at most {MAX_ROWS:,} table rows"
            f" ({MAX_PIPES:,} pipes) are read, far more than any documentation table has"
        )
    if pipes <= MAX_PIPES_PER_LINE:
        return
    for number, line in enumerate(text.split("\n"), 1):
        if line.count("|") > MAX_PIPES_PER_LINE:
            raise MarkupError(
                f"a line with {line.count('|'):,} '|' characters; a table row has at most"
                f" {MAX_PIPES_PER_LINE:,} cells here",
                line=number,
            )


#: What opens a footnote reference for cmark-gfm: ``[^``, the ``^`` escaped or not.
_FOOTNOTE_OPEN = re.compile(r"\[\\?\^")
#: A bracket, or an escaped character (which is neither bracket nor escape).
_BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]]", re.DOTALL)
#: A ``[`` followed by a character reference for ``^``.
_CARET_REFERENCE = re.compile(r"\[(?:&Hat;|&#0*94;|&#[xX]0*5[eE];)")
#: A link reference definition (``[label]: destination``), after any indentation and quote or
#: list markers: its label, its destination (empty when on the next line) and the rest of
#: its line.
_REFERENCE_DEFINITION = re.compile(
    r"^(?:[ \t]*(?:>|[-+*](?=[ \t])|[0-9]{1,9}[.)](?=[ \t])))*[ \t]*"
    r"\[((?:[^\]\\]|\\.){1,999})\]:[ \t]*(\S*)([^\n]*)",
    re.MULTILINE,
)


def _footnote_bracket(text: str) -> tuple[int, str] | None:
    """A footnote-like ``[^…]`` whose ``]`` comes after a line break: GitHub's renderer drops
    part of such text (``x [^a`` / ``b] y`` shows as ``x [^] y``) or cuts a character in
    two; and a ``[\\^…]`` (the ``^`` escaped), which it shows with a ``]`` more on one line
    and cuts like the other across lines. Brackets are matched in each paragraph (escaped
    ones aside), so ``[^a-z]`` closed on its line passes whatever follows; a raw HTML block
    is one paragraph here."""
    offset = 0
    for paragraph in text.split("\n\n"):
        opened = list(_FOOTNOTE_OPEN.finditer(paragraph))
        if opened:
            closing = _closing_brackets(paragraph)
            breaks = [found.start() for found in re.finditer("\n", paragraph)]
            for found in opened:
                close = closing.get(found.start())
                if close is None:
                    continue  # never closed: no footnote reference
                across = bisect.bisect(breaks, found.start()) != bisect.bisect(breaks, close)
                if across:
                    return offset + found.start(), (
                        f"a '{found[0]}' whose ']' comes after a line break: GitHub's"
                        " renderer drops part of such text (write it on one line)"
                    )
                if "\\" in found[0]:
                    return offset + found.start(), (
                        f"a '{found[0]}' closed on its line: GitHub's renderer shows it with one"
                        " ']' more (write '^' unescaped)"
                    )
        offset += len(paragraph) + 2
    return None


def _closing_brackets(paragraph: str) -> dict[int, int]:
    """Where each ``[`` of the paragraph is closed, brackets matched as nested (escaped ones
    aside); a ``[`` never closed is not a key."""
    closing: dict[int, int] = {}
    opened: list[int] = []
    for found in _BRACKET_OR_ESCAPE.finditer(paragraph):
        if found[0] == "[":
            opened.append(found.start())
        elif found[0] == "]" and opened:
            closing[opened.pop()] = found.start()
    return closing


def _caret_reference(text: str) -> tuple[int, str] | None:
    """A ``[`` followed by a character reference for ``^`` (``[&#94;a]``): GitHub's renderer
    reads a footnote label past the end of that character's text, and cuts the rest of the
    page off or shows bytes of its memory."""
    found = _CARET_REFERENCE.search(text)
    if found is None:
        return None
    return found.start(), (
        f"'{found[0]}': GitHub's renderer reads past the text of a '^' written as a character"
        " reference right after '[', cutting the page short (write '^' itself)"
    )


def _open_destination(text: str) -> tuple[int, str] | None:
    """A link reference definition whose destination leaves a ``(`` open (``[a]: /u(``),
    with nothing after it on its line but a title: GitHub's renderer takes it for a
    definition and shows nothing of the line, where CommonMark (and other renderers) show
    it as text. (With other words after it, GitHub shows the line too.)"""
    for found in _REFERENCE_DEFINITION.finditer(text):
        destination, rest = found[2], found[3]
        if not destination:  # on the next line (after the quote markers it repeats)
            end = text.find("\n", found.end() + 1)
            words = text[found.end() + 1 : end if end >= 0 else None].lstrip(" \t>").split(None, 1)
            destination, rest = [*words, "", ""][:2]
        unescaped = re.sub(r"\\.", "", destination)
        if (
            not destination.startswith("<")
            and unescaped.count("(") > unescaped.count(")")
            and rest.strip()[:1] in ("", '"', "'", "(")
        ):
            return found.start(), (
                f"a link reference definition [{found[1]}] whose destination leaves a '('"
                " open: GitHub's renderer hides the line, other renderers show it"
            )
    return None


#: Where GitHub's renderer (cmark-gfm) loses text, each found only in a page holding what
#: sets it off (no real page does). Found by comparing its output with commonmark.js and
#: markdown-it on random pages.
_RENDERER_LOSSES = (
    (b"[", b"^\\", _footnote_bracket),
    (b"[", b"&", _caret_reference),
    (b"]", b":", _open_destination),
)


def _stands_before(page: bytes, mark: bytes, followers: bytes) -> bool:
    """Whether ``mark`` (one byte, rare in pages) stands right before a byte of
    ``followers``: its places found at memchr's speed, where a search for each two-byte
    word compares at every byte (a third of a millisecond against seven on the corpus)."""
    at = page.find(mark)
    last = len(page) - 1
    while 0 <= at < last:
        if page[at + 1] in followers:  # a byte's value: bytes' "in" of bytes raises inside
            return True
        at = page.find(mark, at + 1)
    return False


#: U+FFFE or U+FFFF in UTF-8 (see _without_unholdable): one search for both.
_NONCHARACTER = re.compile(rb"\xef\xbf[\xbe\xbf]")
#: Why a page whose rendering is not UTF-8 is refused.
NOT_UTF8 = (
    "the rendered page is not UTF-8 (a lone surrogate in the text, or GitHub's renderer cut a"
    " character in two); refusing rather than guessing what it shows"
)


def _utf8(text: str) -> bytes:
    """The text's UTF-8, or a refusal naming the line of a lone surrogate (only a str given
    to the reader holds one: no UTF-8 page does)."""
    try:
        return text.encode()
    except UnicodeEncodeError as exc:
        raise MarkupError(NOT_UTF8, line=text.count("\n", 0, exc.start) + 1) from None


def read_document(text: str, utf8: bytes | None = None) -> Document:
    """Render and parse the page, refusing what the parser could not read whole. ``utf8``:
    the text's UTF-8, when the caller has it."""
    markdown = _utf8(text) if utf8 is None else utf8
    _check_source(text, markdown)
    encoded = render_html(markdown)  # what the parser reads (see html_parser)
    # The page's lines and the rendered page's are compared as bytes: the rendered page is
    # not decoded (the map checks that each line it did not find in the page is UTF-8).
    source = markdown.split(b"\n")
    lines = line_map(source, encoded.split(b"\n"))
    if encoded.isspace() or not encoded:
        return Document(None)
    folded = _folded(encoded)  # the checks below look for tags in any case
    _check_rows(folded)
    _check_after_html_end(encoded, folded)
    _check_filtered(text, encoded, folded, lines)
    parser = html_parser()
    # The end of the page, marked: an element after it that lands inside a table shows the
    # table was still open when the input ended (only the end of input closed it).
    root = etree.fromstring(_without_empty_anchors(encoded) + END_MARK.encode(), parser)
    _check_parser_log(parser.error_log, lines)
    if root is None:  # only a comment, a doctype…: no element at all
        return Document(None)
    # Only a character reference (or the noncharacter itself) puts one there; "&" is rare
    # in pages, so its places are found at memchr's speed.
    if _stands_before(markdown, b"&", b"#") or _NONCHARACTER.search(encoded) is not None:
        _without_unholdable(root, text, lines)
    still_open = _open_at_end(root)
    if _head_end(encoded, folded):  # metadata: nothing in it is placed or read
        for head in root.iter("head"):
            remove_keeping_tail(head)
    _check_unfiltered(root, lines, source)
    # A Markdown table needs a "|" in the page: most pages have none, found at memchr's speed.
    marked = b"|" in markdown and _MARKED_TABLE in encoded
    at_home, gathered = _place(root, lines, source, marked=marked)
    if not at_home:
        _check_parts_in_cells(root, lines)
    _quote_q(root)
    if still_open is not None:  # only the end of input closed it
        # A comment the page never closes runs to its end (a blank line inside one ends the
        # HTML block: its "-->" is then text), taking the table's end with it.
        cause = "it is cut off"
        if folded.rfind(b"<!--") > folded.rfind(b"-->"):
            cause = (
                "a comment in it is never closed (a blank line inside <!-- … --> ends it in"
                " Markdown), or the page is cut off"
            )
        raise TruncatedError(
            f"the page ends inside a table (opened at line {line_of(still_open)}): {cause}",
            line=line_of(still_open) or None,
        )
    if not at_home:
        _check_stray_rows(root)
    if "|" in text:
        check_pipe_tables(root, source)
    if _may_hide(folded, root):
        _check_hiding(root, lines)
    spans = b"rowspan" in folded or b"colspan" in folded
    return Document(root, at_home, spans=spans, gathered=tuple(gathered))


#: Huawei's pages open each paragraph of a table cell with one or two empty anchors named
#: as the paragraph (``<p id="p12"><a name="p12"></a><a name="p12"></a>400</p>``): a third
#: of the page's elements, none of them shown. They are cut from the HTML the parser reads,
#: which then builds a third less (and the paragraph is read as its text alone). The
#: paragraph keeps its id, the only thing a reader could want of them (a heading's doc id is
#: looked for in it before its anchors); no line break is cut, so lines stay as they were.
_EMPTY_ANCHORS = re.compile(rb'(<p id="([^"<>\n]*)">)(?:<a name="\2"></a>)+')
#: Where the HTML has a single-quoted attribute value holding "<", the pattern could stand
#: in that value, which is text (``<tr id='<p id="x"><a name="x"></a>'>``): nothing is cut.
#: A double-quoted value cannot hold it (it has '"' itself); a comment, whatever it holds,
#: is dropped anyway, and anywhere else the anchors are elements (checked by
#: tests/test_reader_markup.py against the parse of the whole HTML).
_SINGLE_QUOTED_LT = re.compile(rb"=\s*'[^'<]*<")


def _without_empty_anchors(html: bytes) -> bytes:
    """The rendered page without the empty anchors of _EMPTY_ANCHORS."""
    # Most pages have no "'" at all, found at memchr's speed; the others are searched.
    if b"'" in html and _SINGLE_QUOTED_LT.search(html) is not None:
        return html
    # split() returns the text between matches and both groups of each: the paragraph's
    # start tag is kept, its id (the second group) dropped; faster than sub() with a function.
    parts = _EMPTY_ANCHORS.split(html)
    del parts[2::3]
    return b"".join(parts)


def _check_rows(folded: bytes) -> None:
    """Refuse, before the parse builds them, more rows than any documentation table has.
    (Counted in the rendered page: raw HTML rows are one block of text to the renderer, and
    a row in a code block is no row; a pipe table's are capped before the render.)"""
    # A page too short to hold more rows than the cap is not searched for them.
    rows = folded.count(b"<tr") if len(folded) > 3 * MAX_ROWS else 0
    if rows > MAX_ROWS:
        raise MarkupError(
            f"the page has {rows:,} <tr> tags; at most {MAX_ROWS:,} table rows are read, far"
            " more than any documentation table has"
        )


def html_parser() -> etree.HTMLParser:
    """A parser for one rendered page (one per page: it keeps that page's error log)."""
    # huge_tree lifts libxml2's 256-level nesting limit (deeper pages are refused, see
    # _check_parser_log); no_network: the parser never fetches anything; collect_ids=False: no
    # table of ids is built (nothing looks an element up by id), a third of the parse's
    # time on the corpus. The page is given as UTF-8 bytes, which it reads faster than a
    # str, and whatever encoding the page declares inside is not followed.
    return etree.HTMLParser(
        encoding="utf-8",
        huge_tree=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _start(source: list[bytes], position: str) -> tuple[int, int]:
    """The (line, byte column) where a ``data-sourcepos`` starts.

    cmark-gfm counts a table's header row from the start of the paragraph it was read
    out of (``<a name="t"></a>`` on the line above): a column past the end of its line
    runs on into the next lines.
    """
    start = position.partition("-")[0]
    line_text, _, column_text = start.partition(":")
    line, column = int(line_text), int(column_text)
    while 0 < line < len(source) and column - 1 > len(source[line - 1]):
        column -= len(source[line - 1]) + 1
        line += 1
    return line, column


def _row_position(element: etree._Element, position: str) -> str:
    """A Markdown row's position is its first cell's: cmark may start a header row's own
    on the line above it (the paragraph it was read out of)."""
    if element.tag != "tr":
        return position
    first = next(iter(element), None)
    cell = first.get(SOURCEPOS) if first is not None else None
    return cell or position


#: Where each table part belongs. A part right inside one of its homes is neither stray
#: nor right inside a cell: the chain from it up to its table holds table parts only.
PART_HOMES = {
    "tr": ("table", "thead", "tbody", "tfoot"),
    "td": ("tr",),
    "th": ("tr",),
    **dict.fromkeys(("thead", "tbody", "tfoot", "caption", "colgroup"), ("table",)),
    "col": ("table", "colgroup"),
}


#: How cmark starts a Markdown table: a page without one has no table part carrying
#: SOURCEPOS (one written in the page itself is refused, see _check_source).
_MARKED_TABLE = f"<table {SOURCEPOS}=".encode()


def _place(
    root: etree._Element, lines: list[int], source: list[bytes], marked: bool
) -> tuple[bool, list[etree._Element]]:
    """Give every table element its source line, or refuse the page; return whether every
    table part stands right inside one of its homes (see PART_HOMES), which spares most
    pages the exact checks for parts in cells and stray rows (an XPath each, far slower),
    and the page's elements of GATHERED_TAGS, met on the way.

    A Markdown table's parts carry cmark's ``data-sourcepos``; a raw HTML one is placed
    through the line map, and its start tag must be found on (or just above) that line.
    ``marked``: the page has a Markdown table (else no part is looked at for the mark).
    """
    at_home = True
    gathered = []
    # The last row met, kept alive: its cells' getparent() returns this very object, whose
    # tag is then known without building the string again (most parts are such cells).
    row = None
    for element in root.iter("table", *PART_HOMES, *GATHERED_TAGS):
        name = element.tag  # read once: each access builds a new string in lxml
        if name in GATHERED_TAGS:
            gathered.append(element)
            if name != "table" and name not in PART_HOMES:
                continue  # gathered only: no table part
        parent = element.getparent()
        if parent is None:
            parent_tag = ""
        elif parent is row:
            parent_tag = "tr"
        else:
            parent_tag = parent.tag
        if name != "table" and parent_tag not in PART_HOMES[name]:
            at_home = False
        if name == "tr":
            row = element
        if name not in TABLE_PARTS:
            continue  # <caption>, <colgroup>, <col>: no line is read from them
        position = element.get(SOURCEPOS) if marked else None
        if position is None and marked and name in ("thead", "tbody") and parent_tag == "table":
            # A Markdown table's row groups are unmarked: they stand where their table does
            # (a raw one inside a quote or a list item is no Markdown table's).
            position = parent.get(SOURCEPOS) if parent is not None else None
        if position is not None:
            if name in ("td", "th") and parent is not None and parent.get(SOURCEPOS):
                _set_line(element, line_of(parent))  # a pipe-table row is one source line
                continue
            _set_line(element, _start(source, _row_position(element, position))[0])
            continue
        rendered: int = getattr(element, "sourceline", None) or 0
        if rendered >= MAX_PARSER_LINE:
            raise MarkupError(
                f"a <{name}> beyond line {MAX_PARSER_LINE:,} of the rendered page, where"
                " the HTML parser stops counting lines; its source line cannot be told",
                row=_row_id(element),
            )
        line = lines[rendered] if 0 < rendered < len(lines) else 0
        tag = START_TAGS[name]
        # The common case: the start tag on its line (find(): see line_map).
        if line and source[line - 1].find(tag) >= 0:
            if line < MAX_PARSER_LINE - 1:  # _set_line's common case, without the call
                setattr(element, "sourceline", line)  # noqa: B010
            else:
                _set_line(element, line)
            continue
        found = next(
            (
                number
                for number in range(line, max(line - MAX_TAG_LINES, 0), -1)
                if source[number - 1].lower().find(tag) >= 0
            ),
            None,
        )
        if found is None:
            raise MarkupError(
                f"cannot tell which source line holds a <{name}> (rendered line"
                f" {rendered}); refusing rather than publishing a wrong line",
                line=line or None,
                row=_row_id(element),
            )
        _set_line(element, found)
    return at_home, gathered


def _set_line(element: etree._Element, line: int) -> None:
    """Record a table element's source line: in lxml's sourceline, which stops at 65,535;
    a line from there on is kept in an attribute too."""
    # lxml lets sourceline be set; its stubs do not say so. At its limit libxml2 guesses
    # the line from the text around: such an element's sourceline is cleared instead.
    if line < MAX_PARSER_LINE - 1:
        setattr(element, "sourceline", line)  # noqa: B010
        return
    setattr(element, "sourceline", 0)  # noqa: B010
    element.set(LINE_ATTRIBUTE, str(line))


def _head_end(encoded: bytes, folded: bytes) -> int:
    """Where the <head> of a saved HTML document ends in the rendered page (0 if none), in
    characters of the page decoded."""
    # The page's first 4,096 characters (16 KiB hold them) tell a saved document; the
    # search for its head's end runs only then.
    lowered = encoded[: 4 * 4096].decode(errors="replace")[:4096].lower().lstrip()
    if not lowered.startswith(DOCUMENT_STARTS) or b"</head>" not in folded:
        return 0
    rendered = encoded.decode(errors="replace")
    end = _HEAD_END.search(rendered)
    return end.start() if end is not None else 0


def _check_filtered(text: str, encoded: bytes, folded: bytes, lines: list[int]) -> None:
    """Refuse <script>, <style>, <iframe>…: GitHub shows them as text, a browser does not.

    A saved HTML document's <head> is the exception: its title, scripts and styles are
    metadata, shown by no renderer as part of the page (the reader drops the head).
    """
    # The common case: no "&l" at the places of "&" (rare in pages), or no escaped tag there.
    if not _stands_before(folded, b"&", b"l") or _FILTERED_FOLDED.search(folded) is None:
        return
    rendered = encoded.decode(errors="replace")
    head_end = _head_end(encoded, folded)
    _check_head_styles(text, rendered[:head_end].lower())
    found = _FILTERED.search(rendered, head_end)
    if found is None:
        return
    tag = found[1].lower()
    # The tag filter rewrote the tag's line, so the line map gives the block before it at
    # the latest: the tag is the first one from there (one in a code span above is text).
    after = lines[rendered.count("\n", 0, found.start()) + 1]
    raise MarkupError(
        f"a <{tag}> element: GitHub shows it as text, a browser runs or hides it; refusing"
        " rather than choosing what the page shows",
        line=_line_of_word(text, f"<{tag}", after),
    )


def _check_unfiltered(root: etree._Element, lines: list[int], source: list[bytes]) -> None:
    """Refuse a filtered tag the tag filter let through (``<textarea/x>``: it escapes only
    a name followed by a space, ">" or "/>"): libxml2 reads what follows as its text, a
    browser runs, hides or boxes it, GitHub's sanitiser drops it. Escaped, such a tag is
    text, not an element: any element of that name is one that slipped through. (lxml
    answers at once when no element or attribute of these names is in the page.)"""
    found = next(root.iter(*FILTERED_TAGS), None)
    if found is None:
        return
    # libxml2 may count such an element's line a line or so off: its tag, on the source
    # line nearest the mapped one.
    mapped = _source_line(found, lines) or 1
    tag = f"<{found.tag}".encode()
    near = [
        number
        for number in range(
            max(mapped - MAX_TAG_LINES, 1), min(mapped + MAX_TAG_LINES, len(source)) + 1
        )
        if source[number - 1].lower().find(tag) >= 0
    ]
    raise MarkupError(
        f"a <{found.tag}> element written so that GitHub's tag filter lets it through: a"
        " browser runs or hides it, or shows its markup as text; refusing rather than"
        " choosing what the page shows",
        line=min(near, key=lambda number: abs(number - mapped), default=mapped),
    )


def _line_offset(text: str, line: int) -> int:
    """Where line ``line`` (1-based; 0 and 1 alike) starts in ``text``."""
    return sum(len(before) + 1 for before in text.split("\n")[: max(line - 1, 0)])


def _line_of_word(text: str, word: str, first_line: int = 1, skip: int = 0) -> int | None:
    """The line of the first ``word`` in ``text`` from ``first_line`` on (``skip`` of them
    passed over), in ASCII case as a browser reads tags (ſ is no s, ı no i). Searched in the
    text itself: a position in ``text.lower()`` is not one in the text (U+0130 lower-cases
    to two characters), so its line would be wrong."""
    start = _line_offset(text, first_line)
    pattern = re.compile(re.escape(word), re.IGNORECASE | re.ASCII)
    found = next(itertools.islice(pattern.finditer(text, start), skip, None), None)
    if found is None:
        return None if first_line <= 1 else _line_of_word(text, word, skip=skip)
    return text.count("\n", 0, found.start()) + 1


def remove_keeping_tail(element: etree._Element) -> None:
    """Remove an element from the tree; the text after it stays where it was."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (element.tail or "")
    else:
        parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)


def _may_hide(folded: bytes, root: etree._Element) -> bool:
    """Whether the page (folded, see _folded; and its tree) has any element or attribute
    that hides text (a fast path only)."""
    return (
        any(word in folded for word in _HIDING_WORDS)
        or (b"dir" in folded and _DIR_FOLDED.search(folded) is not None)
        or next(root.iter(*_HIDING_TAGS), None) is not None
    )


def _check_hiding(root: etree._Element, lines: list[int]) -> None:
    """Refuse the first element that hides or embeds content, saying what hides what."""
    # The expression selects elements only: lxml's stubs cannot tell.
    for element in cast("list[etree._Element]", _HIDING_XPATH(root)):
        what = f"<{element.tag}>"
        style = element.get("style")
        if element.tag in HIDING_ELEMENTS:
            reason = f"a {what} element, whose content a browser does not show as text"
        elif element.tag in DISGUISING_ELEMENTS:
            reason = f"a {what} element, whose text a browser shows other than as written"
        elif element.get("hidden") is not None or element.get("popover") is not None:
            attribute = "hidden" if element.get("hidden") is not None else "popover"
            reason = f"a {what} with the {attribute} attribute hides its content"
        elif element.get("dir") not in (None, "ltr"):
            reason = f"a {what} with dir={element.get('dir')!r} shows its text reordered"
        elif style is not None and not _harmless_style(style):
            reason = f"a {what} with style={style!r} may hide or disguise its content"
        elif element.tag == "font" and (element.get("color") or element.get("size")):
            reason = f"a {what} with a color or size may hide or disguise its content"
        else:
            continue
        raise MarkupError(
            f"{reason}; renderers disagree about what such a page shows, so it is refused",
            line=_source_line(element, lines),
            row=_row_id(element),
        )


def _check_head_styles(text: str, head: str) -> None:
    """A saved page's head is metadata, but its <style> applies to the body: one that can
    hide text (display, visibility, color…) is refused, as a style attribute would be.
    (``head``: the rendered head, lower-cased, where the tag filter escaped <style>.)"""
    at = head.find("&lt;style")
    while at >= 0:
        end = head.find("&lt;/style", at)
        if HIDING_CSS.search(head, at + len("&lt;style"), end if end >= 0 else len(head)):
            raise MarkupError(
                "a <style> in the page's head may hide or disguise content in its body;"
                " renderers disagree about what such a page shows, so it is refused",
                line=_line_of_word(text, "<style", skip=head.count("&lt;style", 0, at)),
            )
        at = head.find("&lt;style", at + 1)


def _row_id(element: etree._Element) -> str | None:
    """The id of the table row an element is or stands in, to name it in a refusal."""
    row = element if element.tag == "tr" else next(element.iterancestors("tr"), None)
    return None if row is None else row.get("id")


def _check_parts_in_cells(root: etree._Element, lines: list[int]) -> None:
    """Refuse a table part right inside a cell (<col>, <caption>, <tr>…, not within a table
    nested there): a browser closes the cell at it, so the row does not show as written."""
    for element in cast("list[etree._Element]", _PARTS_IN_CELLS_XPATH(root)):
        cell = next(element.iterancestors("td", "th"))
        table = next(element.iterancestors("table"), None)
        if table is None or cell in table.iterancestors():
            continue  # a part of a table nested in the cell
        raise MarkupError(
            f"a <{element.tag}> right inside a table cell: a browser closes the cell there,"
            " so the row does not show as written; refused",
            line=_source_line(element, lines),
            row=_row_id(element),
        )


def _quote_q(root: etree._Element) -> None:
    """<q> text gets the quotation marks a browser shows around it: a quoted sentence is
    not the page's own."""
    for quote in root.iter("q"):
        quote.text = "“" + (quote.text or "")
        if len(quote):
            last = quote[-1]
            last.tail = (last.tail or "") + "”"
        else:
            quote.text += "”"


def _harmless_style(style: str) -> bool:
    """Whether every declaration of a ``style`` sets a property that cannot hide text."""
    lowered = style.lower()
    if any(trick in lowered for trick in CSS_TRICKS):
        return False
    for declaration in lowered.split(";"):
        name, colon, _ = declaration.partition(":")
        if not declaration.strip():
            continue
        if not colon or name.strip() not in SAFE_CSS:
            return False
    return True


def _source_line(element: etree._Element, lines: list[int]) -> int | None:
    """Any element's source line: cmark's mark, else its rendered line through the map."""
    if element.tag in TABLE_PARTS:
        return line_of(element) or None  # already placed
    position = element.get(SOURCEPOS)
    if position is not None:
        return int(position.partition(":")[0])
    rendered: int = getattr(element, "sourceline", None) or 0  # lxml's stubs leave it untyped
    return (lines[rendered] if 0 < rendered < len(lines) else 0) or None


def line_of(element: etree._Element) -> int:
    """A table element's line in the source, once placed; else the line the HTML parser
    read it on (0 when it does not know it)."""
    line: int | None = getattr(element, "sourceline", None)  # lxml's stubs leave it untyped
    return line or int(element.get(LINE_ATTRIBUTE) or 0)


#: End tags with no element open that a browser turns into elements (HTML5: ``</br>`` is a
#: line break, a stray ``</p>`` an empty paragraph) while the HTML parser drops them: the
#: text on both sides would be glued into one value.
BROWSER_MADE = ("Unexpected end tag : p", "Unexpected end tag : br")


#: libxml2 reports this many errors of a page and drops the rest without a word.
PARSER_ERROR_LIMIT = 100


def _check_parser_log(log: etree._ListErrorLog, lines: list[int]) -> None:
    """Refuse what the parser's error log shows it read other than a browser: a stray
    </p> or </br>, nesting past its limit, or more errors than it reports (a page could
    hide either behind a hundred harmless ones)."""
    for entry in log:
        line = lines[entry.line] if 0 < entry.line < len(lines) else 0
        if entry.message.strip() in BROWSER_MADE:
            tag = entry.message.rsplit(":", 1)[1].strip()
            raise MarkupError(
                f"a </{tag}> with no <{tag}> open: a browser shows a break there, the HTML"
                " parser glues the text on both sides; refusing rather than choosing",
                line=line or None,
            )
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            raise MarkupError(
                "markup nested deeper than the HTML parser reads (it drops what lies below);"
                " refusing rather than publishing part of the page",
                line=line or None,
            )
    if len(log) >= PARSER_ERROR_LIMIT:
        last = log[len(log) - 1].line
        raise MarkupError(
            f"{len(log)} markup errors, as many as the HTML parser reports: what follows"
            " them (a stray </p>, nesting past its limit) could not be checked; refusing"
            " rather than trusting what it did not say",
            line=(lines[last] if 0 < last < len(lines) else 0) or None,
        )


def _open_at_end(root: etree._Element) -> etree._Element | None:
    """The outermost table element the end-of-page mark fell into (then removed), if any.

    What the parser has not closed when the input ends, it closes because the input ended:
    lxml would "repair" a page cut off inside a table into a shorter one.
    """
    last = root  # the mark is the last element in page order: found down the last children
    while len(last):
        last = last[-1]
    # Elsewhere only if the parser moved it: then searched for (the page's own come first).
    mark = last if last.tag == END_TAG else next(reversed(list(root.iter(END_TAG))), None)
    if mark is None:
        return None
    outer = None
    for ancestor in mark.iterancestors(*TABLE_PARTS):
        outer = ancestor
    previous, parent = mark.getprevious(), mark.getparent()
    if previous is not None and (previous.tail or "").endswith(END_CLOSERS):
        previous.tail = (previous.tail or "")[: -len(END_CLOSERS)]
    elif previous is None and parent is not None and (parent.text or "").endswith(END_CLOSERS):
        parent.text = (parent.text or "")[: -len(END_CLOSERS)]
    remove_keeping_tail(mark)
    return outer


#: Rows outside a table, cells outside a row: what an early end tag leaves behind.
_STRAY = etree.XPath(
    "//tr[not(ancestor::table)] | //td[not(ancestor::tr)] | //th[not(ancestor::tr)]"
)


def _check_stray_rows(root: etree._Element) -> None:
    """A row or cell outside a table: an end tag (or a comment's end) closed the table early."""
    stray = cast("list[etree._Element]", _STRAY(root))
    if stray:
        element = stray[0]
        container = "table" if element.tag == "tr" else "tr"
        raise MarkupError(
            f"a <{element.tag}> outside any {container}: the table was closed before it"
            " (a stray end tag, or a comment or CDATA section ending early?)",
            line=line_of(element) or None,
            row=_row_id(element),
        )


#: A pipe-table row's cells: split at pipes not escaped with a backslash.
_PIPE = re.compile(r"(?<!\\)\|")


def check_pipe_tables(root: etree._Element, source: list[bytes]) -> None:
    """Refuse pipe-table rows that GFM would silently pad, cut or end the table at.

    cmark-gfm (like GitHub) fills a short row with empty cells and drops extra ones; a row
    written with a different number of cells than the header, or the last row of a file
    cut off without its final newline, is refused instead.
    """
    for table in root.iter("table"):
        if table.get(SOURCEPOS) is None:
            continue
        rows = [row for row in table.iter("tr") if row.get(SOURCEPOS) is not None]
        if not rows:
            continue
        header = _pipe_cells(source, rows[0])
        for row in rows[1:]:
            cells = _pipe_cells(source, row)
            if cells != header:
                raise CellError(
                    f"pipe-table row has {cells} cell(s); the header has {header}",
                    line=line_of(row),
                )
        last = line_of(rows[-1])
        if last == len(source) and source[last - 1].strip():
            raise TruncatedError(
                "the file ends inside a pipe table without a final newline: it looks cut off",
                line=last,
            )


def _pipe_cells(source: list[bytes], row: etree._Element) -> int:
    """How many cells a pipe-table row has in the source, from its first cell (in bytes,
    as cmark counts columns; the pipe before the first cell included)."""
    line, first = _start(source, _row_position(row, row.get(SOURCEPOS) or ""))
    data = source[line - 1]
    if first >= 2 and data[first - 2 : first - 1] == b"|":
        first -= 1
    rest = data[first - 1 :].decode(errors="replace").strip()  # the row from its first cell
    columns = _PIPE.split(rest)
    if columns and not columns[0].strip() and rest.startswith("|"):
        columns.pop(0)
    if columns and not columns[-1].strip() and rest.endswith("|") and not rest.endswith("\\|"):
        columns.pop()
    return len(columns)
