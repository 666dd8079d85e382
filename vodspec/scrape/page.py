"""What a page says about itself: its title, its doc id and its introduction."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from vodspec.scrape.text import normalize

# "# 状态码<a name="vod_04_0133"></a>": Huawei's Markdown heading carries the doc id as an anchor.
_HEADING = re.compile(r"^#{1,6}[ \t]*(?P<title>.*?)[ \t]*<a name=\"(?P<doc_id>[^\"]+)\"></a>", re.M)
# The doc site's rendered page: <h1 class="topictitle1"><a name="vod_04_0133"></a>状态码</h1>.
_HTML_HEADING = re.compile(r"<h1\b(?P<attributes>[^>]*)>(?P<inner>.*?)</h1>", re.S | re.I)
_ANCHOR = re.compile(r"\b(?:name|id)=\"(?P<doc_id>[^\"]+)\"")
_FIRST_TABLE = re.compile(r"<table\b|^\s*\|.*\|\s*$", re.I | re.M)
_TAG = re.compile(r"<[^>]*>")
_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class PageInfo:
    title: str | None
    doc_id: str | None
    #: The visible text between the heading and the first table.
    intro: str


def _html_heading(text: str) -> tuple[str | None, str | None, int]:
    """(title, doc id, end offset) of a rendered page's <h1>; doc id from its anchor."""
    heading = _HTML_HEADING.search(text)
    if heading is None:
        return None, None, 0
    anchor = _ANCHOR.search(heading["inner"]) or _ANCHOR.search(heading["attributes"])
    title = normalize(html.unescape(_TAG.sub("", heading["inner"]))) or None
    return title, anchor["doc_id"] if anchor else None, heading.end()


def page_info(text: str) -> PageInfo:
    heading = _HEADING.search(text)
    if heading is None:
        title, doc_id, start = _html_heading(text)
        return PageInfo(title=title, doc_id=doc_id, intro=_intro(text, start))
    start = heading.end()
    return PageInfo(
        title=normalize(_TAG.sub("", heading["title"])) or None,
        doc_id=heading["doc_id"],
        intro=_intro(text, start),
    )


def _intro(text: str, start: int) -> str:
    """The visible text between the heading and the first table."""
    first_table = _FIRST_TABLE.search(text, start)
    markup = text[start : first_table.start() if first_table else len(text)]
    markup = _INVISIBLE.sub(" ", markup)
    return normalize(html.unescape(_TAG.sub(" ", _MD_LINK.sub(r"\1", markup))))
