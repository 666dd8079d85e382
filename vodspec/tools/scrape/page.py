"""What a page says about itself: its title, its doc id and its introduction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from lxml import etree

from vodspec.tools.scrape.text import normalize

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class PageInfo:
    title: str | None
    doc_id: str | None
    #: The visible text between the heading and the first table.
    intro: str


def _anchor(heading: etree._Element) -> str | None:
    """``# 状态码<a name="vod_04_0133"></a>``, or an id."""
    for element in heading.iter():
        for attribute in ("name", "id"):
            value = (element.get(attribute) or "").strip()
            if value:
                return value
    return None


def page_info(root: etree._Element | None) -> PageInfo:
    """The title and doc id come from the first <h1>, else the first heading: one further
    down (``### 参考<a name="ref">``) names a section, not the page."""
    if root is None:
        return PageInfo(None, None, "")
    heading = _first(root, ("h1",))
    if heading is None:
        heading = _first(root, HEADINGS)
    if heading is None:
        return PageInfo(None, None, _intro(root, None))
    title = normalize("".join(cast("Iterator[str]", heading.itertext()))) or None  # HTML: str
    return PageInfo(title=title, doc_id=_anchor(heading), intro=_intro(root, heading))


NEAR_THE_TOP = 16


def _first(root: etree._Element, tags: tuple[str, ...]) -> etree._Element | None:
    """The first element of these tags. The page's first elements are looked at one by one:
    lxml's iter(tags) finds the next match before it returns one, a walk of the page when
    the heading is the only one."""
    for count, element in enumerate(root.iter()):
        if element.tag in tags:
            return element
        if count == NEAR_THE_TOP:
            break
    return next(root.iter(*tags), None)


def _intro(root: etree._Element, heading: etree._Element | None) -> str:
    """The visible text after the heading (or from the start) up to the first table."""
    pieces: list[str] = []
    started = heading is None
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        if event == "start":
            if element.tag == "table":
                break
            if started and element.text:
                pieces.append(element.text)
        else:
            if element is heading:
                started = True
            if started and element.tail and element is not root:
                pieces.append(element.tail)
        pieces.append(" ")
    return normalize("".join(pieces))
