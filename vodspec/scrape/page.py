"""What a page says about itself: its title, its doc id and its introduction."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vodspec.scrape.text import normalize

# "# 状态码<a name="vod_04_0133"></a>": Huawei's Markdown heading carries the doc id as an anchor.
_HEADING = re.compile(r"^#{1,6}[ \t]*(?P<title>.*?)[ \t]*<a name=\"(?P<doc_id>[^\"]+)\"></a>", re.M)
_FIRST_TABLE = re.compile(r"<table\b|^\s*\|.*\|\s*$", re.I | re.M)
_TAG = re.compile(r"<[^>]*>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class PageInfo:
    title: str | None
    doc_id: str | None
    #: The visible text between the heading and the first table.
    intro: str


def page_info(text: str) -> PageInfo:
    heading = _HEADING.search(text)
    start = heading.end() if heading else 0
    first_table = _FIRST_TABLE.search(text, start)
    intro_markup = text[start : first_table.start() if first_table else len(text)]
    intro = normalize(_TAG.sub(" ", _MD_LINK.sub(r"\1", intro_markup)))
    if heading is None:
        return PageInfo(title=None, doc_id=None, intro=intro)
    return PageInfo(
        title=normalize(_TAG.sub("", heading["title"])) or None,
        doc_id=heading["doc_id"],
        intro=intro,
    )
