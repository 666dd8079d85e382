"""The grammars of code cells: a cell is consumed whole, as one value or several of one kind.

A status cell is ``404``, ``404 Not Found`` or several of them (``401 … / 402 …``, one per
paragraph, ``400 and 500``, ``400 和 500``); an error-code cell one code or several
(``VOD.20000/VOD.20001``). What is left over once the values are read is never glued into
another field: it is another value, or the cell does not read.

An *odd* cell is one a reader can still tell apart from a value: a placeholder (``N/A``,
``--``, ``***``, ``无``) or a number of the wrong length (``40``, ``4000``): the row is
kept with the cell as written and the oddity reported, not the page refused.
"""

from __future__ import annotations

import re

#: A reason phrase as pages write it: ASCII words, each starting with a letter ("Not Found",
#: "NoContent", "I'm a teapot", "Non-Authoritative Information"); a number is no word of it.
REASON_PHRASE = re.compile(r"[A-Za-z][A-Za-z0-9']*(?:[ -]+[A-Za-z][A-Za-z0-9']*)*")
#: One status: "400" or "400 Bad Request".
ONE_STATUS = re.compile(rf"(?P<number>[0-9]{{3}})(?: (?P<phrase>{REASON_PHRASE.pattern}))?")
#: One error code: ASCII letters and digits, with one dot, underscore or hyphen between
#: them (VOD.10053, CCE_CM.0001, AccessDenied). A mark at either end (``VOD.10054*``,
#: ``[VOD.10054]``, ``VOD.*``) or a range (``VOD.10060~VOD.10069``) is no code.
ONE_ERROR_CODE = re.compile(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
#: How pages separate several values in one cell (besides paragraphs): "400/500",
#: "400, 500", "400、500", "400 或 500", "400 and 500", "400 和 500". A separator is one of
#: SEPARATOR_MARKS or SEPARATOR_WORDS (whole words), with the spaces around it.
SEPARATOR_MARKS = "/,，、;；&或和及"
SEPARATOR_WORDS = ("or", "and")
SEPARATORS = re.compile(
    r"\s*(?:["
    + re.escape(SEPARATOR_MARKS)
    + "]|"
    + "|".join(rf"\b{word}\b" for word in SEPARATOR_WORDS)
    + r")\s*"
)
#: SEPARATOR_MARKS as a set, to ask whether a paragraph holds any.
_MARKS = frozenset(SEPARATOR_MARKS)
#: Cells that hold no value but say so: placeholders a reader can tell from a code.
PLACEHOLDER = re.compile(
    r"(?i:n/?a|null|none|nil|tbd|unknown)|[-－—–_*?/.·]+|无|暂无|空|未知|不涉及|不适用"
)
#: A number that is no three-digit status: a typo a reader can tell (``40``, ``4000``).
WRONG_LENGTH_NUMBER = re.compile(r"[0-9]{1,2}|[0-9]{4,5}")


def _split(paragraph: str) -> list[str]:
    """The paragraph split at the separators (SEPARATORS.split). A paragraph without a
    separator's mark or word, as most are, is one part: found without the regex, whose
    scan tries every separator at every character."""
    if not _MARKS.isdisjoint(paragraph):
        return SEPARATORS.split(paragraph)
    for word in SEPARATOR_WORDS:
        if word in paragraph:
            return SEPARATORS.split(paragraph)
    return [paragraph]


def values(paragraphs: tuple[str, ...]) -> list[str]:
    """The cell's parts: each paragraph split at the separators, empty parts dropped."""
    parts: list[str] = []
    for paragraph in paragraphs:
        parts += [part for part in _split(paragraph) if part]
    return parts


def statuses(paragraphs: tuple[str, ...]) -> list[tuple[int, str | None]] | None:
    """The statuses a cell lists, each (code, reason phrase or None); None when any part
    of it is not a status. A reason written in the paragraph after a bare code ("200" /
    "OK") belongs to that code."""
    only = paragraphs[0] if len(paragraphs) == 1 else ""
    if len(only) == 3 and only.isascii() and only.isdigit():
        return [(int(only), None)]  # the common cell, a bare code, read without a split
    found: list[tuple[int, str | None]] = []
    for part in values(paragraphs):
        match = ONE_STATUS.fullmatch(part)
        if match is not None:
            found.append((int(match["number"]), match["phrase"]))
        elif found and found[-1][1] is None and REASON_PHRASE.fullmatch(part):
            found[-1] = (found[-1][0], part)
        else:
            return None
    return found or None


def error_codes(paragraphs: tuple[str, ...]) -> list[str] | None:
    """The error codes a cell lists; None when a part holds a space or is not one.

    One value may be a code without a digit (OBS writes words: ``AccessDenied``). Several (split by
    paragraphs or separators) must each be a code as services write them, and all of one
    shape (``VOD.20000/VOD.20001``): a word, a mark or a number left over beside a code
    (``deprecated``, ``(1)``, ``011`` after ``VOD.62``) is no second code."""
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
    """An error code as services write them when a cell lists several: one that holds a
    digit (VOD.20000, 111400002)."""
    return ONE_ERROR_CODE.fullmatch(text) is not None and any(ch.isdigit() for ch in text)


def _shape(code: str) -> str:
    """What codes of one family share: ``VOD.20000`` and ``VOD.20001`` are ``VOD.9``."""
    return re.sub(r"[0-9]+", "9", code)


def placeholder(text: str) -> bool:
    """Whether a code cell's text says it holds no value (``N/A``, ``--``, ``无``)."""
    return PLACEHOLDER.fullmatch(text.strip()) is not None


def odd(text: str) -> bool:
    """Whether a status cell's text is odd but clear: a placeholder or a wrong-length number
    (an error code may be a number of any length)."""
    return placeholder(text) or WRONG_LENGTH_NUMBER.fullmatch(text.strip()) is not None
