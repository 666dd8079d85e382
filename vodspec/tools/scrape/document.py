"""One reading of a page, as GitHub renders it: cmark-gfm to HTML, HTML to one lxml tree.

Every later step reads that tree, never the raw text with its own idea of the syntax. Each
table element gets its source line (:func:`line_map`) or the page is refused, as is one the
parser could not read whole or whose hidden content renderers would show differently.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from lxml import etree

from vodspec.errors import CellError, MarkupError, TruncatedError, VodspecWarning
from vodspec.tools.scrape.markdown import render_html
from vodspec.tools.scrape.page import HEADINGS
from vodspec.tools.scrape.text import located

#: Put after the page's end (see _open_at_end), behind what ends a value or comment left open
#: (the "x" first: a page cut right after an attribute's "=" took the quote for its value's
#: start, and the mark went into the value, lost with the cut tag).
END_TAG = "vodspec-end-of-page"
END_CLOSERS = "x\"'-->"
END_MARK = f"{END_CLOSERS}<{END_TAG}></{END_TAG}>"
#: The attribute cmark writes; a page writing it itself could forge a row's line.
SOURCEPOS = "data-sourcepos"
#: Where the reader keeps a table element's source line (refused in a page, like SOURCEPOS).
LINE_ATTRIBUTE = "data-vodspec-line"
#: libxml2's default nesting limit: deeper nesting is refused.
MAX_NESTING = 256
#: libxml2 counts an element's line up to this and no further.
MAX_PARSER_LINE = 65535
TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th"})
START_TAGS = {name: f"<{name}".encode() for name in TABLE_PARTS}
#: Elements cmark's tag filter escapes: GitHub shows them as text, a browser runs or hides them.
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
#: Elements whose text a browser does not show as written (embedded, fallbacks, widgets;
#: <rp> wherever it stands, not only in <ruby>: HTML's style sheet hides it).
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
    "rp",
)
#: Elements a browser shows other than as written: struck through, reversed, annotated, a bar.
DISGUISING_ELEMENTS = ("del", "s", "strike", "bdo", "ruby", "rt", "progress", "meter")
#: The elements without an end tag (and ``<image>``, an ``<img>`` to a browser): only they
#: close themselves (``<br/>``). A browser reads the slash of any other (``<sup/>``) as
#: nothing, the element open over what follows, where libxml2 closes it at once.
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta"}
    | {"param", "source", "track", "wbr", "basefont", "bgsound", "image"}
)
#: A <body> or <html> tag's attributes a page may write (a browser gives a later such tag's
#: attributes to the page's own, where libxml2 drops them: any other could hide the page).
PAGE_TAG_ATTRIBUTES = frozenset({"lang", "class", "id", "xmlns"})
#: How a saved HTML document starts (the fetch step saves some): no browser shows its <head>.
DOCUMENT_STARTS = ("<!doctype html", "<html", "<head")
#: The only properties a ``style`` may set: they cannot hide or disguise text.
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
        *(f"border-{part}" for part in ("collapse", "width", "style", "color")),
        "padding",
        *(f"padding-{side}" for side in ("left", "right", "top", "bottom")),
    }
)
#: The values of vertical-align that place a cell's content, not raise or lower text.
CELL_ALIGNMENTS = frozenset({"top", "middle", "bottom", "baseline"})
#: What could spell another property (``display:n\6f ne``), or load one.
CSS_TRICKS = ("\\", "/*", "@", "url(", "expression", "<", "&")
#: A fast path: without these words in the folded page, or these elements, nothing hides.
#: Each a pattern of its own: the regex engine finds a short word in bytes in two thirds of
#: the time bytes' own search takes (half, for "/>"), several words in one pattern in twice.
_HIDING_WORDS = tuple(
    re.compile(word) for word in (rb"hidden", rb"style", rb"popover", rb"bgcolor")
)
_DIR_FOLDED = re.compile(rb"dir\s*=")
_HIDING_TAGS = ("font", *HIDING_ELEMENTS, *DISGUISING_ELEMENTS)
_FILTERED_FOLDED = re.compile(rb"&lt;(?:" + "|".join(FILTERED_TAGS).encode() + rb")")
_FILTERED = re.compile(r"&lt;(" + "|".join(FILTERED_TAGS) + r")[\s/>]", re.IGNORECASE | re.ASCII)
#: A filtered tag as the filter finds one (cmark-gfm's is_tag), in a page rendered without it.
_RAW_FILTERED = re.compile(
    r"<(" + "|".join(FILTERED_TAGS) + r")(?:\s|/?>)", re.IGNORECASE | re.ASCII
)
_HIDING_XPATH = etree.XPath(
    "//*[@hidden] | //*[@popover] | //*[@style] | //*[@bgcolor] | //*[@dir and @dir != 'ltr']"
    " | //font[@color or @size] | "
    + " | ".join(f"//{tag}" for tag in (*HIDING_ELEMENTS, *DISGUISING_ELEMENTS))
)
#: CSS in a saved page's <style> that hides text (its colours and fonts alone do not).
HIDING_CSS = re.compile(
    r"display|visibility|opacity|font-size|clip|position|content|height|width"
    r"|overflow|indent|transform|hidden|\\|/\*|@import",
    re.IGNORECASE,
)
#: A rendered line that starts with a Markdown block cmark placed: tag, first line, last line.
_PLACED = re.compile(rb'<(\w+) data-sourcepos="(\d+):\d+-(\d+):\d+"')
_SOURCEPOS_BYTES = SOURCEPOS.encode()
#: Markdown blocks that hold no raw HTML, by the end of the line cmark closes them with.
LEAF_ENDS = {
    b"p": b"</p>",
    **{heading.encode(): f"</{heading}>".encode() for heading in HEADINGS},
    b"pre": b"</code></pre>",
    b"hr": b"",
    b"table": b"</table>",
}
#: Leaves whose rendered lines may outnumber their source lines, each of them their own to
#: the end tag cmark closes them with at a line's end: a table's rows, and a paragraph's or
#: a heading's line breaks written as characters (``&#10;``), which no source line holds
#: and which, looked for, were found in a table below, taking its lines.
_LEAVES_TO_THEIR_END = frozenset({b"table", b"p", *(heading.encode() for heading in HEADINGS)})
RENDERER_LINES = frozenset({"</ul>", "</ol>", "</li>", "</blockquote>"})
#: The headings a setext underline makes, and the underline (in quotes or a list maybe).
_SETEXT_LEVELS = (b"h1", b"h2")
_SETEXT_UNDERLINE = re.compile(rb"[ \t>]*(?:=+|-+)[ \t]*")
#: Non-blank lines (link definitions…) that may stand between a block and raw HTML after it.
MAX_SKIPPED_LINES = 64
#: How far above its parsed line (where it ends) a start tag may begin, or be looked for.
MAX_TAG_LINES = 50
#: Elements that start a new paragraph inside a cell; inline elements (a, b, span…) do not:
#: what the HTML standard's rendering section (its user-agent style sheet) shows as a block.
BLOCK_TAGS = frozenset(
    [
        # flow content
        *("address", "blockquote", "center", "dialog", "div", "figure", "figcaption"),
        *("footer", "form", "header", "hr", "legend", "listing", "main", "p", "plaintext"),
        *("pre", "search", "xmp"),
        # sections and headings, lists, details, form controls, tables
        *("article", "aside", *HEADINGS, "hgroup", "nav", "section"),
        *("dir", "dd", "dl", "dt", "menu", "ol", "ul", "li"),
        *("details", "summary"),
        *("fieldset", "optgroup", "option"),
        *("table", "caption", "tr", "td", "th"),
    ]
)
INVISIBLE_TAGS = frozenset({"script", "style", "template"})
#: What the table reader asks about besides table parts: tables, and what makes a cell more
#: than its text.
GATHERED_TAGS = frozenset(
    (BLOCK_TAGS - {"p", "tr", "td", "th"}) | INVISIBLE_TAGS | {"br", "sup", "sub"}
)


@dataclass(frozen=True)
class Document:
    """The page as GitHub renders it: one tree, each table element on its source line."""

    root: etree._Element | None
    #: Whether every table part stands right in its home (see _place).
    parts_at_home: bool = False
    #: Whether the page writes a rowspan or colspan anywhere.
    spans: bool = True
    #: The page's elements of GATHERED_TAGS, met while placing the parts (a walk of the tree
    #: costs a fifth of the parse).
    gathered: tuple[etree._Element, ...] = ()


#: What lxml refuses to set in a text.
UNHOLDABLE = frozenset([*map(chr, range(0x20)), "\ufffe", "\uffff"]) - frozenset("\t\n\r")
#: A numeric character reference, with or without its ";" as the HTML parser reads it.
_NUMERIC_REFERENCE = re.compile(
    r"&#(?:[xX]0*(?P<hex>[0-9a-fA-F]{1,6})(?![0-9a-fA-F])|0*(?P<decimal>[0-9]{1,7})(?![0-9]))"
)


def _mapped(lines: list[int], rendered: int) -> int:
    """The source line of a rendered line, else 0."""
    return lines[rendered] if 0 < rendered < len(lines) else 0


def _without_unholdable(root: etree._Element, text: str, lines: list[int]) -> None:
    """Remove UNHOLDABLE's characters from the parsed tree (the reader could not set a text
    holding one), warning once for each at its first line, as text.normalize does."""
    removed: dict[str, int] = {}  # each character, and the line its first element starts on
    for element in root.iter():
        # An attribute may be named "text" or "tail" too: which of the two a name is, is kept.
        values: list[tuple[bool, str, str | None]] = [
            (False, "text", element.text),
            (False, "tail", element.tail),
        ]
        values.extend((True, str(name), str(value)) for name, value in element.attrib.items())
        for attribute, name, value in values:
            if not value or UNHOLDABLE.isdisjoint(value):
                continue
            start = _mapped(lines, getattr(element, "sourceline", None) or 0)
            for char in UNHOLDABLE.intersection(value):
                removed.setdefault(char, start)
            kept = "".join(char for char in value if char not in UNHOLDABLE)
            if attribute:
                element.set(name, kept)
            else:
                setattr(element, name, kept)
    if not removed:
        return
    places: dict[str, list[int]] = {}  # where each is referred to, in one pass
    for found in _NUMERIC_REFERENCE.finditer(text):
        code = int(found["hex"], 16) if found["hex"] else int(found["decimal"])
        if code <= 0x10FFFF and chr(code) in removed:
            places.setdefault(chr(code), []).append(found.start())
    for char, start in sorted(removed.items()):
        if char in "\ufffe\uffff":
            what = f"noncharacter U+{ord(char):04X}, which no text holds"
        else:  # as text.normalize says it
            what = f"control character U+{ord(char):04X} (from a character reference)"
        # Its first place from its element's line on, else anywhere (an attribute may stand
        # above the line where its start tag ends).
        offset = _line_offset(text, start)
        written = [at for at in (text.find(char, offset), text.find(char)) if at >= 0]
        every = sorted({*places.get(char, []), *written})
        at = next((place for place in every if place >= offset), every[0] if every else -1)
        line = text.count("\n", 0, at) + 1 if at >= 0 else start or None
        warnings.warn(VodspecWarning(f"{located(line)}removed {what}"), stacklevel=4)


#: Searched in the page itself: U+0130 lower-cases to two characters, shifting positions.
_HTML_END = re.compile("</html", re.IGNORECASE | re.ASCII)
_HEAD_END = re.compile("</head>", re.IGNORECASE | re.ASCII)


#: The tags written in a saved page, not in a Markdown one: a page without them is spared
#: the checks of what follows </body> and </html> and of <body>'s attributes.
_PAGE_TAG_WORDS = (b"body", b"html")
#: Each a start or end tag found from its name (rare in pages), not from each "<" (a try at
#: every tag of the page).
_PAGE_TAG_NAMES = tuple(
    re.compile(rb"%s(?:(?<=<%s)|(?<=</%s))\b" % (name, name, name)) for name in _PAGE_TAG_WORDS
)
_PAGE_TAG_STARTS = re.compile(rb"<(?:%s)(?=[\s/>])" % b"|".join(_PAGE_TAG_WORDS))
#: What may follow ``</body>``: libxml2 closes every element there (a table, a cell), a
#: browser ignores it.
_BODY_END = re.compile(rb"</body[^>]*>(?:\s|</html[^>]*>)*")


def _check_after_html_end(encoded: bytes, folded: bytes, lines: list[int]) -> None:
    """libxml2 drops everything after ``</html>`` and closes every element at ``</body>``
    (a browser does neither): refuse a page with content after either, at its source line."""
    body_end = folded.find(b"</body")
    if body_end >= 0:
        after = _BODY_END.match(folded, body_end)
        if after is None or after.end() < len(folded):
            raise MarkupError(
                "content follows </body>; the HTML parser closes every element there (a"
                " table, a cell), a browser ignores it",
                line=_mapped(lines, folded.count(b"\n", 0, body_end) + 1) or None,
            )
    if b"</html" not in folded:
        return
    html = encoded.decode(errors="replace")
    # The first: libxml2 drops all after it, another </html> too (even one in a comment).
    end = next(_HTML_END.finditer(html)).start()  # there: only A-Z fold into "</html"
    close = html.find(">", end)
    if close >= 0 and not html[close + 1 :].strip():
        return
    raise MarkupError(
        "content follows </html>; the HTML parser would drop it, a browser shows it",
        line=_mapped(lines, html.count("\n", 0, end) + 1) or None,
    )


#: An attribute as HTML's tokenizer reads one, after the spaces and stray slashes before it:
#: a name (its first character may be "="), maybe "=" and a value, quoted or not (an
#: unquoted one holds quotes, "<" and "/", up to a space or ">"; a quote opening a value
#: opens a quoted one, and one never closed leaves the tag unclosed: no match). Possessive:
#: a value never gives a character back to a pattern.
_ATTRIBUTE = (
    rb"""(?:\s++|/(?!>))*+([^\s/>][^\s/>=]*+)"""
    rb"""(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|(?!["'])[^\s>]*+)|(?!\s*+=))"""
)
_ATTRIBUTE_AT = re.compile(_ATTRIBUTE)
#: A tag's attributes and the spaces and stray slashes after them, to its "/>" or ">".
_TAG_BODY = rb"(?:" + _ATTRIBUTE + rb")*+(?:\s++|/(?!>))*+"
#: A start tag: its name, its attributes, and the "/" of a "/>".
_START_TAG = re.compile(rb"<(?P<name>[a-z][^\s/>]*+)" + _TAG_BODY + rb"(?P<slash>/?)>")
#: How far a <body> or <html> tag is read for its attributes: no documentation tag is longer.
MAX_TAG_BYTES = 16_384
#: More <body> and <html> tags than a page has (each is read to its end, up to 16 KiB).
MAX_PAGE_TAGS = 8
#: Elements whose content HTML's tokenizer reads as text up to their end tag (GitHub's tag
#: filter escapes most; the rest are refused later, but their text holds no tag till then).
RAW_TEXT_TAGS = frozenset({*FILTERED_TAGS, "noscript"})
#: libxml2 compares each attribute of a tag with all those before it: a tag of 260,000
#: attributes took 72 s to parse, 40,000 took 1.4 s, 20,000 0.36 s. No documentation tag has
#: 256; a page this short (its markup cut) holds no tag of more than about 33,000, a
#: second, and is not read for them (the corpus's longest is under half as long).
MAX_ATTRIBUTES = 256
MAX_UNCOUNTED_PAGE = 131_072
#: A start tag's attributes, up to MAX_ATTRIBUTES: a tag with more is no quiet one.
_QUIET_TAG_BODY = rb"(?:" + _ATTRIBUTE + rb"){0,%d}+(?:\s++|/(?!>))*+" % MAX_ATTRIBUTES
#: A run of what HTML's tokenizer reads without a question for _check_start_tags, read in C
#: to the next start tag of another than a void element that ends in "/>", or opens raw
#: text, or has more than MAX_ATTRIBUTES attributes, or to what runs to the page's end (an
#: unclosed comment or tag): text, a comment (ended as a browser ends one: "-->", "--!>",
#: or at once by "<!-->" and "<!--->"), a doctype, processing instruction or other "<!" (to
#: the first ">"), an end tag (its attributes read as a start tag's), a void element's start
#: tag, any other start tag not ending in "/>", and a "<" that starts none of them.
_QUIET_RUN = re.compile(
    rb"(?:[^<]++"
    rb"|<!--(?:-?>|.*?--!?>)"
    rb"|<(?:!(?!--)|\?)[^>]*+>"
    rb"|</(?:[a-z][^\s/>]*+" + _TAG_BODY + rb"/?>|>|[^a-z>][^>]*+>)"
    rb"|<(?:" + "|".join(sorted(VOID_TAGS)).encode() + rb")(?=[\s/>])" + _QUIET_TAG_BODY + rb"/?>"
    rb"|<(?!(?:"
    + "|".join(sorted(RAW_TEXT_TAGS)).encode()
    + rb")[\s/>])[a-z][^\s/>]*+"
    + _QUIET_TAG_BODY
    + rb">"
    rb"|<(?![a-z!?/])"
    rb")*+",
    re.DOTALL,
)
_MANY_ATTRIBUTES = re.compile(
    rb"<[a-z][^\s/>]*+(?:" + _ATTRIBUTE + rb"){%d}" % (MAX_ATTRIBUTES + 1)
)
_SLASH_END = re.compile(rb"/>")  # see _HIDING_WORDS


def _check_start_tags(folded: bytes, lines: list[int]) -> None:
    """Refuse ``<sup/>``, ``<td/>`` (the parser closes the element, a browser keeps it open)
    and, on a page longer than MAX_UNCOUNTED_PAGE, a start tag of more than MAX_ATTRIBUTES
    attributes. The page is read from its start as a browser's tokenizer reads it, so that
    a "/>" or attributes in a comment, in an attribute value or in text are told from a
    tag's (each guess from what stands near a "/>" was fooled by a comment or a value)."""
    counted = len(folded) > MAX_UNCOUNTED_PAGE
    if not counted and _SLASH_END.search(folded) is None:  # most pages: no "/>", or <br />
        return
    position = 0
    while True:
        run = _QUIET_RUN.match(folded, position)  # always a match, maybe empty
        position = run.end() if run else position
        if position == len(folded):
            return
        tag = _START_TAG.match(folded, position)
        if tag is None:
            return  # an unclosed comment or tag: nothing after it is markup
        if counted and _MANY_ATTRIBUTES.match(folded, position) is not None:
            raise MarkupError(
                f"a start tag with more than {MAX_ATTRIBUTES} attributes; the HTML parser"
                " takes time that grows with their square, and no documentation tag has so"
                " many",
                line=_mapped(lines, folded.count(b"\n", 0, position) + 1) or None,
            )
        name = tag["name"].decode(errors="replace")
        if tag["slash"] and name not in VOID_TAGS:
            raise MarkupError(
                f"<{name}/>: a browser ignores the slash of any element but a void one"
                " (<br/>) and keeps it open over what follows, the HTML parser closes it at"
                f" once; refusing rather than choosing (write <{name}></{name}>)",
                line=_mapped(lines, folded.count(b"\n", 0, tag.end()) + 1) or None,
            )
        position = tag.end()
        if name in RAW_TEXT_TAGS:  # its text up to its end tag is no markup
            end = re.compile(rb"</%s[\s/>]" % re.escape(tag["name"])).search(folded, position)
            if end is None:
                return
            position = end.start()


def _check_page_tags(folded: bytes, lines: list[int]) -> None:
    """Refuse a <body> or <html> tag with an attribute that could hide the page: a browser
    applies it wherever the tag stands (``<body hidden>`` after the table hides the table).
    Every one the page writes, in a comment or a value too (refused rather than told apart:
    no page needs one there). Run where _PAGE_TAG_NAMES finds one."""
    tags = list(_PAGE_TAG_STARTS.finditer(folded))
    if len(tags) > MAX_PAGE_TAGS:
        raise MarkupError(
            f"the page has {len(tags):,} <body> and <html> tags; a saved page has one each"
        )
    for start in tags:
        tag = _START_TAG.match(folded, start.start(), start.start() + MAX_TAG_BYTES)
        names = []
        if tag is not None:  # its attributes follow each other, from its name to its end
            attributes = _ATTRIBUTE_AT.finditer(folded, tag.end("name"), tag.end())
            names = [attribute[1].decode(errors="replace") for attribute in attributes]
        hiding = [
            name
            for name in names
            if name not in PAGE_TAG_ATTRIBUTES and not name.startswith(("data-", "xmlns:"))
        ]
        if tag is None or hiding:
            what = f"the {hiding[0]} attribute" if hiding else "attributes that cannot be told"
            raise MarkupError(
                f"a {start[0].decode()}> with {what}: a browser applies it to the whole page"
                " wherever the tag stands (it may hide it), the HTML parser keeps only the"
                " first such tag's; refused",
                line=_mapped(lines, folded.count(b"\n", 0, start.start()) + 1) or None,
            )


def line_map(source: list[bytes], rendered: list[bytes]) -> list[int]:
    """The source line (1-based) of each rendered line, 0 where none can be told (one that
    is not UTF-8 is refused). A line cmark placed (``data-sourcepos``) gives its own line,
    and a leaf block's next lines follow it; any other is raw HTML, found again in the
    source after the previous block, or a line cmark wrote itself (the line before)."""
    lines = [0] * (len(rendered) + 1)
    previous = 0
    floor = 0  # index of the first source line raw HTML may still come from
    leaf_end = b""  # the end of the leaf block being rendered, if any
    leaf_lines = 0  # how many more rendered lines that leaf may take
    not_utf8 = 0  # the first rendered line that is not UTF-8, if any
    non_blank: list[int] | None = None  # see _find_line
    # Source lines decoded and right-stripped, each once, with the length of the container
    # markers they open with: a paragraph of ``&#10;`` renders to lines no source line is,
    # each looked for in the same lines after it (a minute on a 2 MiB page when each look
    # decoded them again, half a minute when each read a line's long run of digits again).
    decoded = functools.cache(lambda index: _marked_line(source[index]))
    index = 0  # the rendered line being read is rendered[index - 1], mapped in lines[index]
    while index < len(rendered):
        out = rendered[index]
        index += 1
        if floor < len(source) and out and source[floor] == out and not leaf_end:
            # The common case, often a long run (a raw HTML table): mapped at once.
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
        # find(), not "in": bytes' "in" raises and clears a TypeError inside each time.
        placed = _PLACED.match(out) if out.find(_SOURCEPOS_BYTES, 0, 24) >= 0 else None
        if placed is not None and placed[2] != b"0":  # cmark writes 0:0 for a block it emptied
            first = previous = lines[index] = int(placed[2])
            block = placed[1]
            if block not in LEAF_ENDS:  # a container (a quote, a list, a table's rows and
                floor = max(floor, first - 1)  # cells): raw HTML may start on its first line
                continue  # (``> <table>``)
            last = int(placed[3])
            # cmark ends a setext heading on the line after its underline where a block
            # follows at once (``<table>`` right under ``-----``): that line is not its.
            if (
                block in _SETEXT_LEVELS
                and first < last <= len(source)
                and not _SETEXT_UNDERLINE.fullmatch(source[last - 1])
            ):
                last -= 1
            floor = max(floor, last)
            leaf_end, leaf_lines = LEAF_ENDS[block], last - first
            if block in _LEAVES_TO_THEIR_END:  # more lines than it spans, to its end
                leaf_lines = len(rendered)
            if not leaf_end or out.endswith(leaf_end):
                leaf_end = b""
            continue
        if leaf_end:
            previous = min(previous + 1, floor)
            leaf_lines -= 1
            if out.endswith(leaf_end) or leaf_lines <= 0:
                leaf_end = b""
        elif (wanted := text.strip()) and wanted not in RENDERER_LINES:
            if non_blank is None:  # most pages never look a line up
                non_blank = [number for number, line in enumerate(source) if line.decode().strip()]
            found = _find_line(decoded, floor, wanted, non_blank)
            if found is None and wanted.endswith("</li>"):  # a tight list item's end, glued
                found = _find_line(decoded, floor, wanted.removesuffix("</li>"), non_blank)
            if found is not None:
                previous, floor = found + 1, found + 1
        lines[index] = previous
    if not_utf8:
        raise MarkupError(NOT_UTF8, line=lines[not_utf8] or None)
    return lines


def _same_lines(source: list[bytes], start: int, rendered: list[bytes], at: int) -> int:
    """How many rendered lines from ``at`` on are the non-blank source lines from ``start``
    on (none placed by cmark: _check_source refuses a page writing SOURCEPOS), compared as
    slices in C, in steps that double while they match, then halve."""
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


#: What may stand before raw HTML on its source line: the markers of the blockquotes and
#: list items holding it (``> - <table>``), not text (a link definition's title, unshown).
_CONTAINER_MARKERS = re.compile(r"[ \t>*+\-0-9.)]*")


def _marked_line(line: bytes) -> tuple[str, int]:
    """A source line decoded and right-stripped, and the length of the container markers
    (or indentation) it opens with."""
    text = line.decode().rstrip()
    markers = _CONTAINER_MARKERS.match(text)
    return text, markers.end() if markers else 0


def _find_line(
    source: Callable[[int], tuple[str, int]], start: int, wanted: str, non_blank: list[int]
) -> int | None:
    """The index of the first source line from ``start`` that is ``wanted`` after container
    markers, past at most MAX_SKIPPED_LINES non-blank others, or None. ``source``: a source
    line and its markers' length (see _marked_line); ``non_blank``: the indexes of the
    source's non-blank lines (a walk over the blank ones, at each call, took hours on a page
    of blank lines)."""
    first = bisect.bisect_left(non_blank, start)
    for index in non_blank[first : first + MAX_SKIPPED_LINES + 1]:
        line, markers = source(index)
        if line.endswith(wanted) and len(line) - len(wanted) <= markers:
            return index
    return None


#: Container markers opening a line deeper than the parser reads: the leading literal is
#: searched for at C speed (``^`` is tried everywhere), the lookahead turns lines away early.
_DEEP_CONTAINERS = re.compile(
    rb"\n(?=[ \t]*[>\-+*0-9])(?:[ \t]*(?:>|[-+*][ \t]|[0-9]{1,9}[.)][ \t])){%d}" % MAX_NESTING
)
#: No documentation table has this many rows (the corpus's largest has a few hundred).
MAX_ROWS = 20_000
MAX_PIPES = 5 * MAX_ROWS
MAX_PIPES_PER_LINE = 1000
#: GitHub's renderer holds a few hundred bytes for each line and each inline mark or link (a
#: page of a million ``a`` lines or ``*`` took 500 MB): a cap on both bounds it. The corpus's
#: largest page has under 3,000 lines and 2,200 marks (75 a KB: Huawei's ids hold "_", so a
#: page of theirs near the 2 MiB cap would have 150,000); lxml counts lines to 65,535: a
#: pipe table past that is still read (cmark gives its lines), an HTML table part refused.
MAX_LINES = 100_000
MAX_MARKS = 200_000
INLINE_MARKS = b"[]*_~`!\\@"
#: What starts a link without a mark (``www.a.b``, ``https://a.b``; ``a@b.c`` has its "@").
AUTOLINK_MARKS = (b"www.", b"://")
_MARKS_SHOWN = " ".join([*map(chr, INLINE_MARKS), *(mark.decode() for mark in AUTOLINK_MARKS)])
#: The other characters at which the renderer ends a text node in a paragraph (autolinks'
#: "w" and ":", "<", "&", smart punctuation's "." and quotes): about 190 bytes each, a 2 MiB
#: paragraph of "w" took 400 MB. Counted in HTML blocks too, where they cost nothing: the
#: corpus's pages hold at most one in six of their bytes (a page of Huawei's near the 2 MiB
#: cap, 350,000).
TEXT_STOPS = b"w:<.&\"'"
MAX_TEXT_STOPS = 600_000
#: A footnote reference (``[^a]``) renders to a link, and a link back in its note: about
#: 5 KB each in the renderer and the tree (a page of 99,000 took 490 MB). Counted as "[^",
#: in code too; the corpus's pages have none.
MAX_FOOTNOTE_MARKS = 10_000
#: The reader's own attributes from their first "-": a leading literal is found at C speed.
_READER_ATTRIBUTE_TAILS = re.compile(
    b"-(?:"
    + b"|".join(re.escape(name.partition("-")[2].encode()) for name in (SOURCEPOS, LINE_ATTRIBUTE))
    + b")",
    re.IGNORECASE,
)


#: What cmark-gfm writes on a footnote reference (tables.py's _footnote trusts it).
_FOOTNOTE_REFERENCE = re.compile(rb"data-footnote-ref", re.IGNORECASE)


def _check_count(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise MarkupError(
            f"the page has {count:,} {what}; at most {limit:,} are read, far more than any"
            " documentation page has"
        )


def _check_source(encoded: bytes, written: bytes | None = None) -> None:
    """Refuse, before the render builds it all in memory, a page (UTF-8) that forges the
    reader's attributes, nests too deep, loses text in the renderer, or holds more of what
    the renderer builds a node for (lines, marks, text stops, footnote marks, pipe-table
    cells) than any documentation page. Its text is decoded only where a check reads it.
    ``written``: the page as written, when ``encoded`` is its cut (see _rendered): the
    reader's attributes and losses are looked for as written (in what the cut takes too, so
    a page reads alike cut or not), the sizes counted in what is rendered."""
    page = encoded if written is None else written
    if _READER_ATTRIBUTE_TAILS.search(page) is not None:
        folded = page.lower()
        for attribute in (SOURCEPOS, LINE_ATTRIBUTE):
            if attribute.encode() in folded:
                raise MarkupError(
                    f"the page writes a {attribute} attribute, which the reader uses to"
                    " place rows; refusing rather than trusting it",
                    line=_line_of_word(page.decode(), attribute),
                )
    found = _DEEP_CONTAINERS.search(b"\n" + encoded)
    if found is not None:
        raise MarkupError(
            f"a line opens more than {MAX_NESTING} nested quotes or lists; the HTML parser"
            " reads no deeper",
            line=encoded.count(b"\n", 0, found.start()) + 1,
        )
    for mark, followers, find in _RENDERER_LOSSES:  # none of them a letter: no folding
        if not _stands_before(page, mark, followers):
            continue
        text = page.decode()
        loss = find(text)
        if loss is not None:
            at, what = loss
            raise MarkupError(
                f"{what}; refusing rather than publishing what it makes of the page",
                line=text.count("\n", 0, at) + 1,
            )
    # A page of n bytes holds at most n + 1 lines, n marks and n stops: each is counted only
    # where the page could pass its cap; autolinks, a search each, only where a third of the
    # bytes could make up the rest (each takes three bytes or more).
    if len(encoded) + 1 > MAX_LINES:
        _check_count(encoded.count(b"\n") + 1, MAX_LINES, "lines")
    if len(encoded) > MAX_MARKS:
        marks = len(encoded) - len(encoded.translate(None, INLINE_MARKS))
        if marks + len(encoded) // 3 > MAX_MARKS:
            marks += sum(map(encoded.count, AUTOLINK_MARKS))
        _check_count(marks, MAX_MARKS, f"Markdown marks ({_MARKS_SHOWN})")
    if len(encoded) > 2 * MAX_FOOTNOTE_MARKS and _stands_before(encoded, b"[", b"^"):
        footnotes = encoded.count(b"[^")
        _check_count(footnotes, MAX_FOOTNOTE_MARKS, "footnote marks ('[^')")
    if len(encoded) > MAX_TEXT_STOPS:
        stops = len(encoded) - len(encoded.translate(None, TEXT_STOPS))
        shown = " ".join(map(chr, TEXT_STOPS))
        _check_count(stops, MAX_TEXT_STOPS, f"characters where the renderer splits text ({shown})")
    pipes = encoded.count(b"|")
    if pipes > MAX_PIPES:
        raise MarkupError(
            f"the page has {pipes:,} '|' characters; at most {MAX_ROWS:,} table rows"
            f" ({MAX_PIPES:,} pipes) are read, far more than any documentation table has"
        )
    if pipes:
        _check_pipe_cells(encoded)
    if pipes <= MAX_PIPES_PER_LINE:
        return
    for number, line in enumerate(encoded.decode().split("\n"), 1):
        if line.count("|") > MAX_PIPES_PER_LINE:
            raise MarkupError(
                f"a line with {line.count('|'):,} '|' characters; a table row has at most"
                f" {MAX_PIPES_PER_LINE:,} cells here",
                line=number,
            )


#: A pipe table's delimiter row (``| --- | :-: |``), holding a "|" (hyphens alone are a
#: rule or a heading's underline), in quotes or indented in a list maybe. Possessive: a
#: hostile line is read once.
_DELIMITER_ROW = re.compile(
    rb"^(?=[^\n]*\|)(?:[ \t]*+>)*+[ \t]*+\|?[ \t]*+:?-++:?[ \t]*+(?:\|[ \t]*+:?-++:?[ \t]*+)*+"
    rb"\|?[ \t]*+$",
    re.MULTILINE,
)
_BLANK_LINE = re.compile(rb"\n[ \t]*+(?:\n|\Z)")
#: GitHub's renderer pads each row of a pipe table to its header's width: a row of one
#: character under a header of 600 columns is 600 cells, a few hundred bytes each (a 33 KB
#: page took 3 GB). A table read whole has about a cell per "|" (two, at most): the page's
#: cap on pipes caps its cells.
MAX_PIPE_CELLS = 2 * MAX_PIPES


def _check_pipe_cells(encoded: bytes) -> None:
    """Refuse a page whose pipe tables the renderer would fill to more cells than the cap,
    counting as a table's rows every line from its delimiter row to a blank one or to the
    next table's delimiter row (a heading can end a table and another start at once)."""
    cells = 0
    row = _DELIMITER_ROW.search(encoded)
    while row is not None:
        following = _DELIMITER_ROW.search(encoded, row.end())
        end = following.start() if following is not None else len(encoded)
        blank = _BLANK_LINE.search(encoded, row.end(), end)
        end = blank.start() if blank is not None else end
        columns = row[0].lstrip(b" \t>").strip().strip(b"|").count(b"|") + 1
        cells += columns * (encoded.count(b"\n", row.end(), end) + 2)  # and the header
        if cells > MAX_PIPE_CELLS:
            raise MarkupError(
                f"pipe tables that GitHub's renderer fills to more than {MAX_PIPE_CELLS:,}"
                " cells (it pads every row, each line up to a blank one, to its header's"
                f" width: here {columns:,} columns); far more than any documentation table has",
                line=encoded.count(b"\n", 0, row.start()) + 1,
            )
        row = following


#: What opens a footnote reference for cmark-gfm, the ``^`` escaped or not.
_FOOTNOTE_OPEN = re.compile(r"\[\\?\^")
_BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]]", re.DOTALL)
_CARET_REFERENCE = re.compile(r"\[(?:&Hat;|&#0*94;|&#[xX]0*5[eE];)")
#: What may stand before a block on its line: indentation, quote and list markers.
_CONTAINER_PREFIX = r"(?:[ \t]*(?:>|[-+*](?=[ \t])|[0-9]{1,9}[.)](?=[ \t])))*[ \t]*"
#: A link reference definition after any container markers: label, destination, rest of line
#: (a label holds no unescaped bracket: each try stops at the next one, not 999 characters on).
#: Each from the line break before it (searched in the page after one more): a pattern
#: from "^" is tried at every character, from "\n" only at line starts (five times faster).
_REFERENCE_DEFINITION = re.compile(
    r"\n" + _CONTAINER_PREFIX + r"\[((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*(\S*)([^\n]*)"
)


def _footnote_bracket(text: str) -> tuple[int, str] | None:
    """A footnote-like ``[^…]`` whose ``]`` comes after a line break, or a ``[\\^…]``: GitHub's
    renderer loses part of either. Brackets are matched in each paragraph."""
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
                if bisect.bisect(breaks, found.start()) != bisect.bisect(breaks, close):
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
    """Where each ``[`` of the paragraph is closed (escaped brackets aside), if it is."""
    closing: dict[int, int] = {}
    opened: list[int] = []
    for found in _BRACKET_OR_ESCAPE.finditer(paragraph):
        if found[0] == "[":
            opened.append(found.start())
        elif found[0] == "]" and opened:
            closing[opened.pop()] = found.start()
    return closing


def _caret_reference(text: str) -> tuple[int, str] | None:
    """A ``[`` followed by a character reference for ``^``: GitHub's renderer cuts the page."""
    found = _CARET_REFERENCE.search(text)
    if found is None:
        return None
    return found.start(), (
        f"'{found[0]}': GitHub's renderer reads past the text of a '^' written as a character"
        " reference right after '[', cutting the page short (write '^' itself)"
    )


def _open_destination(text: str) -> tuple[int, str] | None:
    """A link reference definition whose destination leaves a ``(`` open, with at most a
    title after it: GitHub's renderer hides the line, CommonMark shows it."""
    # A match starts at the break before its line: in ``lines`` where its line starts in text.
    lines = "\n" + text
    for found in _REFERENCE_DEFINITION.finditer(lines):
        destination, rest = found[2], found[3]
        if not destination:  # on the next line (after the quote markers it repeats)
            end = lines.find("\n", found.end() + 1)
            words = lines[found.end() + 1 : end if end >= 0 else None].lstrip(" \t>").split(None, 1)
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


#: Where GitHub's renderer loses text, each looked for only in a page holding what sets it off.
_RENDERER_LOSSES = (
    (b"[", b"^\\", _footnote_bracket),
    (b"[", b"&", _caret_reference),
    (b"]", b":", _open_destination),
)


def _stands_before(page: bytes, mark: bytes, followers: bytes) -> bool:
    """Whether ``mark`` (one byte, rare in pages) stands right before a byte of
    ``followers``: found at memchr's speed, twenty times faster than a search for words."""
    at = page.find(mark)
    last = len(page) - 1
    while 0 <= at < last:
        if page[at + 1] in followers:  # a byte's value: bytes' "in" of bytes raises inside
            return True
        at = page.find(mark, at + 1)
    return False


#: U+FFFE or U+FFFF in UTF-8.
_NONCHARACTER = re.compile(rb"\xef\xbf[\xbe\xbf]")
NOT_UTF8 = (
    "the rendered page is not UTF-8 (a lone surrogate in the text, or GitHub's renderer cut a"
    " character in two); refusing rather than guessing what it shows"
)


def read_document(text: str, utf8: bytes | None = None) -> Document:
    """Render and parse the page (``utf8``: its UTF-8, if the caller has it), or refuse it."""
    markdown = utf8
    if markdown is None:
        try:  # only a str given to the reader can hold a lone surrogate
            markdown = text.encode()
        except UnicodeEncodeError as exc:
            raise MarkupError(NOT_UTF8, line=text.count("\n", 0, exc.start) + 1) from None
    markdown, encoded, cut = _rendered(markdown)
    # Compared as bytes, undecoded: line_map checks the rendered lines it decodes.
    source = markdown.split(b"\n")
    lines = line_map(source, encoded.split(b"\n"))
    if encoded.isspace() or not encoded:
        return Document(None)
    if not cut:  # mapped whole, as the source was read: cut now
        encoded = _without_unread(encoded)
    # Where the checks find words in any case: on a Chinese page several times faster than
    # str.lower(), the same words (tests/test_reader_markup.py checks); positions in bytes.
    folded = encoded.lower()
    # Before the parse builds them; counted rendered, as a row in a code block is no row.
    rows = folded.count(b"<tr") if folded.count(b"<") > MAX_ROWS else 0  # "<": a faster count
    if rows > MAX_ROWS:
        raise MarkupError(
            f"the page has {rows:,} <tr> tags; at most {MAX_ROWS:,} table rows are read, far"
            " more than any documentation table has"
        )
    if any(tag.search(folded) is not None for tag in _PAGE_TAG_NAMES):  # most pages lack them
        _check_after_html_end(encoded, folded, lines)
        _check_page_tags(folded, lines)
    # Rendered, found at memchr's speed: GitHub's own footnotes, or one written by hand.
    if b"data-footnote-ref" in folded and _FOOTNOTE_REFERENCE.search(markdown) is not None:
        raise MarkupError(
            "the page writes a data-footnote-ref attribute, which marks GitHub's own footnote"
            " references (dropped from codes and phrases); refusing rather than trusting it",
            line=_line_of_word(text, "data-footnote-ref"),
        )
    _check_start_tags(folded, lines)
    head_end = _head_end(encoded, folded)
    _check_filtered(text, markdown, encoded, folded, lines, head_end)
    parser = html_parser()
    # The mark landing inside a table shows the table was still open when the input ended.
    try:
        root = etree.fromstring(encoded + END_MARK.encode(), parser)
    except etree.LxmlError as exc:  # libxml2 recovers from any markup: out of memory, say
        raise MarkupError(f"the HTML parser could not read the page ({exc})") from None
    _check_parser_log(parser.error_log, lines, folded)
    if root is None:  # only a comment, a doctype…: no element at all
        return Document(None)
    # Only a character reference, or a noncharacter itself, puts one there.
    if _stands_before(markdown, b"&", b"#") or _NONCHARACTER.search(encoded) is not None:
        _without_unholdable(root, text, lines)
    still_open = _open_at_end(root)
    if head_end:  # metadata: nothing in it is placed or read
        for head in root.iter("head"):
            remove_keeping_tail(head)
    _check_unfiltered(root, lines, source)
    # A Markdown table needs a "|", found at memchr's speed.
    marked = b"|" in markdown and _MARKED_TABLE in encoded
    at_home, gathered = _place(root, lines, source, marked=marked)
    if not at_home:
        _check_parts_in_cells(root, lines)
    _quote_q(root)
    if still_open is not None:
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
        _check_homes(root, lines)
    if "|" in text:
        check_pipe_tables(root, source)
    _check_hiding(root, lines, folded)
    spans = b"rowspan" in folded or b"colspan" in folded
    return Document(root, at_home, spans=spans, gathered=tuple(gathered))


#: Huawei's pages open each paragraph of a cell with empty anchors named as it, a third of
#: the elements, and give each cell attributes nothing reads (valign, width, headers): both
#: cut, the page is half as long. The cut keeps what comes first, quotes and all (the
#: paragraph's id, the cell's class): wherever a match stands (a tag, a comment, or text
#: in another tag's double-quoted value, which the kept quote closes), what it takes is
#: then whole attributes of a tag, nothing reads them, or empty anchors after a tag's end.
#: A character of an id the cut reads: no quote (its value ends), no "<" or ">" and no
#: line break (the cut stays inside one tag's line).
_ID_CHARACTER = rb'[^"<>\n]'
_EMPTY_ANCHORS = re.compile(rb'(<p id="(%s*)">)(?:<a name="\2"></a>)+' % _ID_CHARACTER)
_UNREAD_VALUE = rb'"[\w.%: -]*"'
_UNREAD_CELL_ATTRIBUTES = re.compile(
    rb"(<t[dh] class=%s)(?: valign=\"top\")?(?: width=%s)? headers=%s(?=>)" % ((_UNREAD_VALUE,) * 3)
)
#: Only a single-quoted attribute value can hold them as text: such a page is cut nowhere.
_SINGLE_QUOTED_LT = re.compile(rb"=\s*'[^'<]*<")
#: What such a value opens with: a "'" right after "=" or a space, looked for first (from
#: each "=" of a page, a try each, the search above takes several times as long).
_VALUE_QUOTE = re.compile(rb"'(?<=[=\s]')")


#: What the cut leaves of its markup where the renderer shows it as text, escaped.
_CUT_SHOWN = re.compile(rb"&lt;(?:p id|t[dh] class)=&quot;")
#: What it leaves as a link's target, percent-encoded (``href="p%20id=%22x%22"``).
_CUT_LINKED = re.compile(rb"%20(?:id|class)=%22")
#: Where a link or footnote definition may start: a line opening with "[" after quote and
#: list markers or indentation (searched from each line break, in the page after one more),
#: or after a byte-order mark, which the renderer skips at the page's start.
_DEFINITION_START = re.compile(rb"\n(?:\xef\xbb\xbf)?" + _CONTAINER_PREFIX.encode() + rb"\[")
#: An anchor's name holding a "|", which the cut would take with it.
_PIPE_IN_ANCHOR = re.compile(rb'<a name="%s*?\|' % _ID_CHARACTER)


def _rendered(markdown: bytes) -> tuple[bytes, bytes, bool]:
    """The source the renderer read (checked first), its HTML, and whether the markup
    nothing reads (see _without_unread) was cut from both: in the source, where that is the
    same cut, the render, the checks and the line map take half the bytes.

    Raw HTML is rendered byte for byte (a pipe table reads ``\\|`` as ``|`` in an id and its
    anchors' names alike). Elsewhere the markup does not stand as written, and the cut
    would show: where the renderer shows it as text (escaped: in code, a title, after a
    backslash) or as a link's target (``[a](<p id="x"><a name="x"></a>)`` is a link once
    cut), found so in the HTML, or where a single-quoted value could hold it, the page is
    rendered again whole and cut rendered. So is a page where the cut would take a "|" (a
    pipe table's row would lose a cell) or that may hold a link definition (a label is
    compared with its definition's as written, in any case, and ``[a]: <p id="x">`` is a
    definition, hidden, once cut).
    """
    if not (
        _may_define(markdown)
        # Where GitHub's renderer loses text (_RENDERER_LOSSES) how much it loses depends on
        # the bytes before: such a page is rendered as written.
        or _stands_before(markdown, b"[", b"^\\&")
        or (b"|" in markdown and _PIPE_IN_ANCHOR.search(markdown) is not None)
    ):
        cut = _without_unread(markdown)
        if len(cut) < len(markdown):
            _check_source(cut, written=markdown)
            encoded = render_html(cut)
            if (
                _CUT_SHOWN.search(encoded) is None
                and _CUT_LINKED.search(encoded) is None
                and not _single_quoted_lt(encoded)
            ):
                return cut, encoded, True
    _check_source(markdown)
    return markdown, render_html(markdown), False


def _may_define(markdown: bytes) -> bool:
    """Whether the page may hold a link or footnote definition: a "]:", and a line that
    opens with "[" (where a label starts). The cut changes no line's start: a page without
    such a line holds no definition, cut or not."""
    return (
        _stands_before(markdown, b"]", b":")
        and _DEFINITION_START.search(b"\n" + markdown) is not None
    )


def _single_quoted_lt(html: bytes) -> bool:
    # Most pages have no "'" at all, found at memchr's speed.
    return (
        b"'" in html
        and _VALUE_QUOTE.search(html) is not None
        and _SINGLE_QUOTED_LT.search(html) is not None
    )


def _without_unread(html: bytes) -> bytes:
    """The rendered page less the empty anchors and unread cell attributes of Huawei's
    markup: the same tree to every reader but for them, and the same lines."""
    if _single_quoted_lt(html):
        return html
    # split() gives the text between matches and the groups: faster than sub() with a function.
    parts = _EMPTY_ANCHORS.split(html)
    del parts[2::3]
    return b"".join(_UNREAD_CELL_ATTRIBUTES.split(b"".join(parts)))


def html_parser() -> etree.HTMLParser:
    """A parser for one rendered page (one per page: it keeps that page's error log)."""
    # huge_tree: _check_parser_log refuses deep pages; collect_ids=False: a third faster.
    return etree.HTMLParser(
        encoding="utf-8",
        huge_tree=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _start(source: list[bytes], element: etree._Element, position: str) -> tuple[int, int]:
    """The (line, byte column) where a Markdown element at ``position`` starts. cmark may
    start a header row on the line above (its paragraph's), so a row's is its first cell's,
    and a column past its line's end runs on into the next lines."""
    if element.tag == "tr" and len(element):
        position = element[0].get(SOURCEPOS) or position
    line_text, _, column_text = position.partition("-")[0].partition(":")
    line, column = int(line_text), int(column_text)
    while 0 < line < len(source) and column - 1 > len(source[line - 1]):
        column -= len(source[line - 1]) + 1
        line += 1
    return line, column


#: Where each table part belongs: right inside one, it is neither stray nor in a cell. A
#: browser keeps none inside a cell (it closes the cell, or nests a table there).
#: Row groups: a rowspan never reaches past its group, as browsers clamp it.
ROW_GROUP_TAGS = ("thead", "tbody", "tfoot")
PART_HOMES = {
    "tr": ("table", "thead", "tbody", "tfoot"),
    "td": ("tr",),
    "th": ("tr",),
    **dict.fromkeys((*ROW_GROUP_TAGS, "caption", "colgroup"), ("table",)),
    "col": ("table", "colgroup"),
}
#: The table parts that hold other parts, not content: a table part in one of them that is
#: not its home (``<col>`` between two cells), or a table, ends the row or the table there
#: in a browser, where libxml2 keeps it in place.
TABLE_STRUCTURE = ("table", "thead", "tbody", "tfoot", "tr", "colgroup")
_PARTS_IN_CELLS_XPATH = etree.XPath(" | ".join(f"//td//{tag} | //th//{tag}" for tag in PART_HOMES))
_MARKED_TABLE = f"<table {SOURCEPOS}=".encode()


def _place(
    root: etree._Element, lines: list[int], source: list[bytes], marked: bool
) -> tuple[bool, list[etree._Element]]:
    """Give every table element its source line, or refuse the page. Return whether every
    part stands right in a home (sparing most pages the slower exact checks) and the
    elements of GATHERED_TAGS. A raw HTML part's start tag is found on its mapped line."""
    at_home = True
    gathered = []
    # The last row met: its cells' parent is this very object, its tag known without lxml.
    row = None
    pipe_row = 0  # the line of that row, if a pipe table's
    # Tags are searched as written until one is not found so, then with each line searched
    # once a tag (_TagLines); on a page with a long line from the start (a search reads up to
    # its tag: each element of such a line read it again).
    tag_lines = _TagLines(source) if max(map(len, source)) > MAX_SEARCHED_LINE else None
    rows_on: dict[int, int] = {}  # raw HTML rows given each line (see _check_rows_on_lines)
    fast = not marked  # no Markdown table: a raw HTML cell's line is its mapped line
    counted = min(len(lines), MAX_PARSER_LINE)  # past it, the slow path refuses the page
    for element in root.iter("table", *PART_HOMES, *GATHERED_TAGS):
        name = element.tag  # read once: each access builds a new string in lxml
        if fast and (name == "td" or name == "th") and tag_lines is None:
            # Most elements: a cell right in the last row met, its tag on its mapped line.
            at: int = getattr(element, "sourceline", None) or 0  # lxml's stubs leave it untyped
            line = lines[at] if 0 < at < counted else 0
            if (
                line
                and line < MAX_PARSER_LINE - 1
                and element.getparent() is row
                and source[line - 1].find(START_TAGS[name]) >= 0
            ):
                setattr(element, "sourceline", line)  # noqa: B010
                continue
        if (
            pipe_row
            and (name == "td" or name == "th")
            and element.getparent() is row
            and element.get(SOURCEPOS) is not None
        ):
            _set_line(element, pipe_row)  # a pipe table's cell: its row's one source line
            continue
        if name in GATHERED_TAGS:
            gathered.append(element)
            if name != "table" and name not in PART_HOMES:
                continue
        parent = element.getparent()
        if parent is None:
            parent_tag = ""
        elif parent is row:
            parent_tag = "tr"
        else:
            parent_tag = parent.tag
        if name != "table":
            if parent_tag not in PART_HOMES[name]:
                at_home = False
        else:
            if parent_tag not in CELL_TAGS and _in_structure(element):  # see _check_homes
                at_home = False
            if any(part.get("data-footnotes") is not None for part in element.iterancestors()):
                raise MarkupError(
                    "a table in a footnote: it is shown with the footnotes at the page's end,"
                    " away from where it is written, and its source line cannot be told;"
                    " refused",
                )
        if name == "tr":
            row, pipe_row = element, 0
        if name not in TABLE_PARTS:
            continue  # <caption>, <colgroup>, <col>: no line is read from them
        position = element.get(SOURCEPOS) if marked else None
        if position is None and marked and name in ("thead", "tbody") and parent_tag == "table":
            # A Markdown table's row groups are unmarked.
            position = parent.get(SOURCEPOS) if parent is not None else None
        if position is not None:
            if name in ("td", "th") and parent is not None and parent.get(SOURCEPOS):
                _set_line(element, line_of(parent))  # a pipe-table row is one source line
                continue
            line = _start(source, element, position)[0]
            _set_line(element, line)
            if name == "tr":
                pipe_row = line  # its cells' line
            continue
        rendered: int = getattr(element, "sourceline", None) or 0
        if rendered >= MAX_PARSER_LINE:
            raise MarkupError(
                f"a <{name}> beyond line {MAX_PARSER_LINE:,} of the rendered page, where"
                " the HTML parser stops counting lines; its source line cannot be told",
                row=_row_id(element),
            )
        line = lines[rendered] if 0 < rendered < len(lines) else 0  # _mapped, without the call
        if not (line and tag_lines is None and source[line - 1].find(START_TAGS[name]) >= 0):
            if tag_lines is None:
                tag_lines = _TagLines(source)
            if not (line and tag_lines[line, START_TAGS[name]]):
                found = _nearest_tag(tag_lines, START_TAGS[name], line, MAX_TAG_LINES - 1, 0)
                if found is None:
                    raise MarkupError(
                        f"cannot tell which source line holds a <{name}> (rendered line"
                        f" {rendered}); refusing rather than publishing a wrong line",
                        line=line or None,
                        row=_row_id(element),
                    )
                line = found
        if line < MAX_PARSER_LINE - 1:  # _set_line's common case, without the call
            setattr(element, "sourceline", line)  # noqa: B010
        else:
            _set_line(element, line)
        if name == "tr":
            rows_on[line] = rows_on.get(line, 0) + 1
    _check_rows_on_lines(rows_on, source)
    return at_home, gathered


#: A row's start tag, its name ending the line or followed by what ends a tag name.
_ROW_START = re.compile(rb"<tr(?![^\s/>])", re.IGNORECASE)


def _check_rows_on_lines(rows_on: dict[int, int], source: list[bytes]) -> None:
    """Refuse a line given more rows than it starts: libxml2 gives a start tag the line it
    ends on, so a ``<tr`` written over two lines, with another row's ``<tr`` on its second
    line, took that line, and its row a wrong one."""
    for line, rows in rows_on.items():
        if rows > 1 and len(_ROW_START.findall(source[line - 1])) < rows:
            raise MarkupError(
                f"{rows} table rows would be given line {line}, which starts fewer: a <tr>"
                " start tag written over two lines is given the line it ends on; refusing"
                " rather than publishing a wrong line (write each <tr ...> on one line)",
                line=line,
            )


#: The corpus's longest line is under 600 bytes.
MAX_SEARCHED_LINE = 8_192


class _TagLines(dict[tuple[int, bytes], bool]):
    """Whether a source line (1-based) holds a tag, in any case: each line lower-cased and
    searched once a tag (a failed search reads the whole line: upper-case tags on one long
    line, lowered and searched for every element, took minutes on a 2 MiB page)."""

    def __init__(self, source: list[bytes]) -> None:
        super().__init__()
        self.source = source
        self._lowered: dict[int, bytes] = {}

    def __missing__(self, key: tuple[int, bytes]) -> bool:
        number, tag = key
        lowered = self._lowered.get(number)
        if lowered is None:
            lowered = self._lowered[number] = self.source[number - 1].lower()
        self[key] = held = lowered.find(tag) >= 0
        return held


def _nearest_tag(lines: _TagLines, tag: bytes, line: int, above: int, below: int) -> int | None:
    """The source line from ``above`` lines above ``line`` to ``below`` lines below it that
    holds ``tag``, the nearest to ``line``."""
    holding = [
        number
        for number in range(max(line - above, 1), min(line + below, len(lines.source)) + 1)
        if lines[number, tag]
    ]
    return min(holding, key=lambda number: abs(number - line), default=None)


def _set_line(element: etree._Element, line: int) -> None:
    """Record a table element's source line: past lxml's limit, in an attribute instead."""
    if line < MAX_PARSER_LINE - 1:
        setattr(element, "sourceline", line)  # noqa: B010
        return
    setattr(element, "sourceline", 0)  # noqa: B010
    element.set(LINE_ATTRIBUTE, str(line))


#: What str.isspace() takes for whitespace in ASCII.
_ASCII_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c\x1c-\x1f]*")
_DOCUMENT_STARTS_BYTES = tuple(start.encode() for start in DOCUMENT_STARTS)


def _head_end(encoded: bytes, folded: bytes) -> int:
    """Where a saved HTML document's <head> ends, in characters of the page (0 if none)."""
    # Most pages start with a byte that tells at once: ASCII (no other lowers into these
    # words) after str's ASCII whitespace, and not how a document starts.
    spaces = _ASCII_SPACE.match(folded)  # always a match, maybe empty
    at = spaces.end() if spaces else 0
    if folded[at : at + 1].isascii() and not folded.startswith(_DOCUMENT_STARTS_BYTES, at):
        return 0
    # The first 4,096 characters (16 KiB hold them) tell a saved document.
    lowered = encoded[: 4 * 4096].decode(errors="replace")[:4096].lower().lstrip()
    if not lowered.startswith(DOCUMENT_STARTS) or b"</head>" not in folded:
        return 0
    rendered = encoded.decode(errors="replace")
    end = _HEAD_END.search(rendered)
    return end.start() if end is not None else 0


def _check_filtered(
    text: str, markdown: bytes, encoded: bytes, folded: bytes, lines: list[int], head_end: int
) -> None:
    """Refuse FILTERED_TAGS, but in a saved document's <head>, which no renderer shows: there
    only a <style> that can hide text is refused, as it applies to the body. ``markdown``:
    the source ``encoded`` is the render of."""
    if not _stands_before(folded, b"&", b"l") or _FILTERED_FOLDED.search(folded) is None:
        return
    rendered = encoded.decode(errors="replace")
    head = rendered[:head_end].lower()
    for before, style in enumerate(re.finditer("&lt;style", head)):
        end = head.find("&lt;/style", style.start())
        if HIDING_CSS.search(head, style.end(), end if end >= 0 else len(head)):
            raise MarkupError(
                "a <style> in the page's head may hide or disguise content in its body;"
                " renderers disagree about what such a page shows, so it is refused",
                line=_line_of_word(text, "<style", skip=before),
            )
    if _FILTERED.search(rendered, head_end) is None:
        return
    # What the tag filter escapes reads as a "<" written as text (in code, or as "&lt;"): the
    # page rendered without it shows its tags raw, the others still escaped. Its lines are
    # the page's rendered lines (the cut, if any, changes none).
    rendered = render_html(markdown, tag_filter=False).decode(errors="replace")
    unfiltered_head = _HEAD_END.search(rendered) if head_end else None
    found = _RAW_FILTERED.search(rendered, unfiltered_head.start() if unfiltered_head else 0)
    if found is None:
        return
    tag = found[1].lower()
    # The map gives the block before the tag's rewritten line: the tag is the first from there.
    after = lines[rendered.count("\n", 0, found.start()) + 1]
    raise MarkupError(
        f"a <{tag}> element: GitHub shows it as text, a browser runs or hides it; refusing"
        " rather than choosing what the page shows",
        line=_line_of_word(text, f"<{tag}", after),
    )


def _check_unfiltered(root: etree._Element, lines: list[int], source: list[bytes]) -> None:
    """Refuse a filtered tag the tag filter let through (``<textarea/x>``): an element."""
    found = next(root.iter(*FILTERED_TAGS), None)
    if found is None:
        return
    mapped = _source_line(found, lines) or 1  # libxml2 may count its line a line or so off
    tag = f"<{found.tag}".encode()
    raise MarkupError(
        f"a <{found.tag}> element written so that GitHub's tag filter lets it through: a"
        " browser runs or hides it, or shows its markup as text; refusing rather than"
        " choosing what the page shows",
        line=_nearest_tag(_TagLines(source), tag, mapped, MAX_TAG_LINES, MAX_TAG_LINES) or mapped,
    )


def _line_offset(text: str, line: int) -> int:
    """Where line ``line`` (1-based; 0 and 1 alike) starts in ``text``."""
    return sum(len(before) + 1 for before in text.split("\n")[: max(line - 1, 0)])


def _line_of_word(text: str, word: str, first_line: int = 1, skip: int = 0) -> int | None:
    """The line of the first ``word`` in ``text`` from ``first_line`` on (``skip`` of them
    passed over), else anywhere, in ASCII case as a browser reads tags (ſ is no s)."""
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


def _check_hiding(root: etree._Element, lines: list[int], folded: bytes) -> None:
    """Refuse the first element that hides or embeds content, saying what hides what."""
    if not (
        any(word.search(folded) is not None for word in _HIDING_WORDS)
        or _DIR_FOLDED.search(folded) is not None
        or next(root.iter(*_HIDING_TAGS), None) is not None
    ):
        return
    # The expression selects elements only: lxml's stubs cannot tell.
    for element in cast("list[etree._Element]", _HIDING_XPATH(root)):
        what = f"<{element.tag}>"
        if element.tag in HIDING_ELEMENTS:
            reason = f"a {what} element, whose content a browser does not show as text"
        elif element.tag in DISGUISING_ELEMENTS:
            reason = f"a {what} element, whose text a browser shows other than as written"
        elif element.get("hidden") is not None or element.get("popover") is not None:
            attribute = "hidden" if element.get("hidden") is not None else "popover"
            reason = f"a {what} with the {attribute} attribute hides its content"
        elif element.get("dir") not in (None, "ltr"):
            reason = f"a {what} with dir={element.get('dir')!r} shows its text reordered"
        elif (style := element.get("style")) is not None and not _harmless_style(style):
            reason = f"a {what} with style={style!r} may hide or disguise its content"
        elif element.tag == "font" and (element.get("color") or element.get("size")):
            reason = f"a {what} with a color or size may hide or disguise its content"
        elif element.get("bgcolor") is not None:
            reason = f"a {what} with a bgcolor may hide its text (a colour like the text's)"
        else:
            continue
        raise MarkupError(
            f"{reason}; renderers disagree about what such a page shows, so it is refused",
            line=_source_line(element, lines),
            row=_row_id(element),
        )


def _row_id(element: etree._Element) -> str | None:
    """The id of the table row an element is or stands in, to name it in a refusal."""
    row = element if element.tag == "tr" else next(element.iterancestors("tr"), None)
    return None if row is None else row.get("id")


def _check_parts_in_cells(root: etree._Element, lines: list[int]) -> None:
    """Refuse a table part right inside a cell, not within a table nested there."""
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


#: Where a table may stand inside another: in a cell or the caption.
CELL_TAGS = ("td", "th", "caption")


def _in_structure(element: etree._Element) -> etree._Element | None:
    """The table part an element stands in, through any other (``<tr><div><table>``), not
    in a cell: a browser moves or ends what stands there otherwise than in its home."""
    for ancestor in element.iterancestors():
        if ancestor.tag in CELL_TAGS:
            return None
        if ancestor.tag in TABLE_STRUCTURE:
            return ancestor
    return None


def _check_homes(root: etree._Element, lines: list[int]) -> None:
    """Refuse a table standing in another's structure, and a part of a table (but a row:
    see _rows) in TABLE_STRUCTURE not right in its home (``<tr><em><th>``: a browser moves
    the <em> out and keeps the cell; libxml2 keeps the cell in it, out of the row)."""
    for element in root.iter("table", "caption", "colgroup", "col", "td", "th", *ROW_GROUP_TAGS):
        holder = _in_structure(element)
        if holder is None:
            continue  # in a cell (see _check_parts_in_cells), or in no table (_check_stray_rows)
        parent = element.getparent()
        if element.tag != "table" and parent is holder and holder.tag in PART_HOMES[element.tag]:
            continue
        wrapped = f"<{parent.tag}> in a " if parent is not None and parent is not holder else ""
        raise MarkupError(
            f"a <{element.tag}> inside a {wrapped}<{holder.tag}>: a browser does not keep it"
            " there (it ends the row or the table, or moves what wraps it out), so the table"
            " does not show as written; refused",
            line=_source_line(element, lines),
            row=_row_id(element),
        )


def _quote_q(root: etree._Element) -> None:
    """<q> text gets the quotation marks a browser shows: a quotation is not the page's own."""
    for quote in root.iter("q"):
        quote.text = "“" + (quote.text or "")
        if len(quote):
            quote[-1].tail = (quote[-1].tail or "") + "”"
        else:
            quote.text += "”"


def _harmless_style(style: str) -> bool:
    """Whether every declaration of a ``style`` sets a property that cannot hide text (nor
    raise it: ``vertical-align: super`` reads as <sup>)."""
    lowered = style.lower()
    if any(trick in lowered for trick in CSS_TRICKS):
        return False
    declarations = [part.partition(":") for part in lowered.split(";") if part.strip()]
    return all(
        colon
        and name.strip() in SAFE_CSS
        and (name.strip() != "vertical-align" or value.strip() in CELL_ALIGNMENTS)
        for name, colon, value in declarations
    )


def _source_line(element: etree._Element, lines: list[int]) -> int | None:
    """Any element's source line: cmark's mark, else its rendered line through the map."""
    if element.tag in TABLE_PARTS:
        return line_of(element) or None  # already placed
    position = element.get(SOURCEPOS)
    if position is not None:
        return int(position.partition(":")[0])
    return _mapped(lines, getattr(element, "sourceline", None) or 0) or None


def line_of(element: etree._Element) -> int:
    """A table element's source line once placed, else its parsed line (0 if unknown)."""
    line: int | None = getattr(element, "sourceline", None)  # lxml's stubs leave it untyped
    return line or int(element.get(LINE_ATTRIBUTE) or 0)


#: Stray end tags a browser turns into elements and libxml2 drops, gluing the text around.
BROWSER_MADE = ("Unexpected end tag : p", "Unexpected end tag : br")
UNEXPECTED_END = "Unexpected end tag :"
#: The end tags of table parts: one libxml2 ignores, a browser may take as closing its own
#: (a </table> with none open both ignore; rows it left outside are _check_stray_rows's).
TABLE_END_TAGS = frozenset(PART_HOMES)
#: libxml2 reports this many errors of a page and drops the rest without a word.
PARSER_ERROR_LIMIT = 100


def _check_parser_log(log: etree._ListErrorLog, lines: list[int], folded: bytes) -> None:
    """Refuse what the parser read other than a browser, or more errors than it reports (a
    page could hide one behind a hundred harmless ones)."""
    for entry in log:
        line = _mapped(lines, entry.line) or None
        message = entry.message.strip()
        tag = message.rsplit(":", 1)[-1].strip()
        if message in BROWSER_MADE:
            raise MarkupError(
                f"a </{tag}> with no <{tag}> open: a browser shows a break there, the HTML"
                " parser glues the text on both sides; refusing rather than choosing",
                line=line,
            )
        stray = tag in TABLE_END_TAGS and message.startswith(UNEXPECTED_END)
        if stray and not _ends_the_table(folded, entry.line, tag):
            raise MarkupError(
                f"a </{tag}> with no <{tag}> open, not right before </table>: the HTML parser"
                " ignores it, a browser may close a cell, a row or an implied row group there;"
                " refusing rather than choosing",
                line=line,
            )
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            raise MarkupError(
                "markup nested deeper than the HTML parser reads (it drops what lies below);"
                " refusing rather than publishing part of the page",
                line=line,
            )
    if len(log) >= PARSER_ERROR_LIMIT:
        raise MarkupError(
            f"{len(log)} markup errors, as many as the HTML parser reports: what follows"
            " them (a stray </p>, nesting past its limit) could not be checked; refusing"
            " rather than trusting what it did not say",
            line=_mapped(lines, log[len(log) - 1].line) or None,
        )


#: Stray end tags right before the table's own: they close nothing a browser shows.
_ENDING_THE_TABLE = re.compile(r"(?:\s*</(?:tbody|thead|tfoot|tr)\s*>)*\s*</table\s*>")


def _ends_the_table(folded: bytes, rendered: int, tag: str) -> bool:
    """Whether each ``</tag`` on the rendered line stands right before ``</table>`` (the
    page's own, or others such): anywhere else, in a cell above all, a browser may close
    there what libxml2 keeps open (``VOD.1</tbody>0053``: the cell, and its row group)."""
    page = folded.decode(errors="replace")  # a rare page: the parser reported such a tag
    start = _line_offset(page, rendered)
    end = page.find("\n", start)
    found = [
        start + match.end()
        for match in re.finditer(f"</{tag}\\s*>", page[start:] if end < 0 else page[start:end])
    ]
    return bool(found) and all(_ENDING_THE_TABLE.match(page, at) for at in found)


def _open_at_end(root: etree._Element) -> etree._Element | None:
    """The outermost table element the end-of-page mark fell into (then removed), if any:
    lxml would "repair" a table cut off into a shorter one."""
    last = root  # the mark is the last element in page order
    while len(last):
        last = last[-1]
    # Elsewhere only if the parser moved it (the page's own come first).
    mark = last if last.tag == END_TAG else next(reversed(list(root.iter(END_TAG))), None)
    if mark is None:
        return None
    outer = next(reversed(list(mark.iterancestors(*TABLE_PARTS))), None)
    previous, parent = mark.getprevious(), mark.getparent()
    if previous is not None:
        previous.tail = (previous.tail or "").removesuffix(END_CLOSERS)
    elif parent is not None:
        parent.text = (parent.text or "").removesuffix(END_CLOSERS)
    remove_keeping_tail(mark)
    return outer


_STRAY = etree.XPath(
    "//tr[not(ancestor::table)] | //td[not(ancestor::tr)] | //th[not(ancestor::tr)]"
)


def _check_stray_rows(root: etree._Element) -> None:
    """A row or cell outside a table: an end tag (or a comment's end) closed the table early."""
    for element in cast("list[etree._Element]", _STRAY(root)):
        container = "table" if element.tag == "tr" else "tr"
        raise MarkupError(
            f"a <{element.tag}> outside any {container}: the table was closed before it"
            " (a stray end tag, or a comment or CDATA section ending early?)",
            line=line_of(element) or None,
            row=_row_id(element),
        )


def check_pipe_tables(root: etree._Element, source: list[bytes]) -> None:
    """Refuse pipe-table rows that GFM would silently pad, cut or end the table at."""
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
    """How many cells a pipe-table row has in the source (its column in bytes, as cmark's)."""
    line, first = _start(source, row, row.get(SOURCEPOS) or "")
    data = source[line - 1]
    if first >= 2 and data[first - 2 : first - 1] == b"|":
        first -= 1
    rest = data[first - 1 :].decode(errors="replace").strip()
    # A cell between each two pipes not escaped (each "\\|" is one), none before a leading
    # pipe or after a trailing one.
    pipes = rest.count("|") - rest.count("\\|")
    leading = rest.startswith("|")
    trailing = rest.endswith("|") and not rest.endswith("\\|")
    return pipes + 1 - leading - trailing
