"""The grammars of code cells: a cell is consumed whole, as one value or several of one kind
(``400 和 500``); what is left over is never glued into another field. An *odd* cell (``N/A``,
``40``) is told from a value: its row is kept as written and noted, not the page refused.
"""

from __future__ import annotations

import re

#: ASCII words, each starting with a letter ("I'm a teapot", "Non-Authoritative Information").
REASON_PHRASE = re.compile(r"[A-Za-z][A-Za-z0-9']*(?:[ -]+[A-Za-z][A-Za-z0-9']*)*")
ONE_STATUS = re.compile(rf"(?P<number>[0-9]{{3}})(?: (?P<phrase>{REASON_PHRASE.pattern}))?")
#: ASCII letters and digits, one dot, underscore or hyphen between them (CCE_CM.0001): a
#: mark at either end (``VOD.10054*``) or a range (``VOD.10060~VOD.10069``) is no code.
ONE_ERROR_CODE = re.compile(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
#: How pages separate several values in one cell besides paragraphs ("400、500", "400 or 500").
SEPARATOR_MARKS = "/,，、;；&或和及"
SEPARATOR_WORDS = ("or", "and")
_WORD_SEPARATOR = re.compile("|".join(rf"\b{word}\b" for word in SEPARATOR_WORDS))
SEPARATORS = re.compile(
    r"\s*(?:[" + re.escape(SEPARATOR_MARKS) + "]|" + _WORD_SEPARATOR.pattern + r")\s*"
)
_MARKS = frozenset(SEPARATOR_MARKS)
PLACEHOLDER = re.compile(
    r"(?i:n/?a|null|none|nil|tbd|unknown)|[-－—–_*?/.·]+|无|暂无|空|未知|不涉及|不适用"
)
#: A typo a reader can tell from a status (``40``, ``4000``).
WRONG_LENGTH_NUMBER = re.compile(r"[0-9]{1,2}|[0-9]{4,5}")


def _split(paragraph: str) -> list[str]:
    """SEPARATORS.split, without the regex for a paragraph holding no separator (most):
    its scan tries every separator at every character."""
    if not _MARKS.isdisjoint(paragraph):
        return SEPARATORS.split(paragraph)
    for word in SEPARATOR_WORDS:
        if word in paragraph:  # in a word of its own, or in another (Error, Forbidden)
            return SEPARATORS.split(paragraph) if _WORD_SEPARATOR.search(paragraph) else [paragraph]
    return [paragraph]


def statuses(paragraphs: tuple[str, ...]) -> list[tuple[int, str | None]] | None:
    """The cell's (code, reason phrase or None)s; None when a part is not a status. A reason
    after a bare code ("200" / "OK") is that code's, when no code before it lacks one
    ("404 / 410 / Not Found" could be either's: None)."""
    only = paragraphs[0] if len(paragraphs) == 1 else ""
    if len(only) == 3 and only.isascii() and only.isdigit():
        return [(int(only), None)]  # the common cell, a bare code, read without a split
    found: list[tuple[int, str | None]] = []
    for paragraph in paragraphs:
        for part in _split(paragraph):
            match = ONE_STATUS.fullmatch(part)
            if match is not None:
                found.append((int(match["number"]), match["phrase"]))
            elif (
                found
                and all(phrase is not None for _, phrase in found[:-1])  # else whose is it?
                and found[-1][1] is None
                and REASON_PHRASE.fullmatch(part)
            ):
                found[-1] = (found[-1][0], part)
            else:  # another word, or none where a separator promised one ("404 和")
                return None
    return found or None


def error_codes(paragraphs: tuple[str, ...]) -> list[str] | None:
    """The error codes a cell lists; None when a part is not one. One code may be a word
    (OBS's ``AccessDenied``); several must each hold a digit and share a shape, so that
    ``deprecated`` or ``011`` left beside a code is no second code."""
    found: list[str] = []
    for paragraph in paragraphs:
        for part in _split(paragraph):
            if not ONE_ERROR_CODE.fullmatch(part):
                return None
            found.append(part)
    if len(found) > 1 and (
        not all(looks_like_code(part) for part in found)
        or len({_shape(part) for part in found}) > 1
    ):
        return None
    return found or None


def looks_like_code(text: str) -> bool:
    """An error code holding a digit (VOD.20000, 111400002)."""
    return ONE_ERROR_CODE.fullmatch(text) is not None and any(ch.isdigit() for ch in text)


def _shape(code: str) -> str:
    """What codes of one family share: ``VOD.20000`` and ``VOD.20001`` are ``VOD.9``."""
    return re.sub(r"[0-9]+", "9", code)


def placeholder(text: str) -> bool:
    """Whether a code cell says it holds no value (``N/A``, ``--``, ``无``)."""
    return PLACEHOLDER.fullmatch(text.strip()) is not None


def odd(text: str) -> bool:
    """Whether a status cell is a placeholder or a wrong-length number (an error code may be
    a number of any length)."""
    return placeholder(text) or WRONG_LENGTH_NUMBER.fullmatch(text.strip()) is not None
