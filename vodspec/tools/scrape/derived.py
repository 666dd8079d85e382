"""Fields vodspec derives: the category from the code, the retry advice from the doc's words."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from vodspec.record import CATEGORIES, RETRY_ADVICE
from vodspec.record import category_of as record_category_of


# vodspec.record's vocabularies as enums, for the schemas (a docstring would be published).
class Category(StrEnum):
    INFORMATIONAL, SUCCESS, REDIRECTION, CLIENT_ERROR, SERVER_ERROR = CATEGORIES


class Retry(StrEnum):
    DO_NOT_RETRY, RETRY_UNCHANGED, UNSPECIFIED = RETRY_ADVICE


#: A dict lookup costs a fraction of the call Category(value).
CATEGORY_BY_VALUE = {category.value: category for category in Category}


def category_of(code: int) -> Category:
    return CATEGORY_BY_VALUE[record_category_of(code)]


@dataclass(frozen=True)
class RetryRule:
    """A sentence that is ``phrase`` gives the advice ``retry``; ``alone``: only as a paragraph
    of its own, as the permission to resubmit reads the same when quoted ("以下为错误说法，……").
    """

    retry: Retry
    phrase: str
    alone: bool


#: The doc's own sentences, word for word.
RETRY_RULES: tuple[RetryRule, ...] = (
    RetryRule(Retry.DO_NOT_RETRY, "建议直接修改该请求，不要重试该请求", alone=False),
    RetryRule(Retry.RETRY_UNCHANGED, "客户端可以随时再次提交该请求而无需进行任何更改", alone=True),
)
#: How a statement ends (a question does not advise).
STATEMENT_END = ("。", ".", "！", "!", "")
#: A run of end marks, or a space after . ; or ；(the space matched first, so that the
#: look-behind is tried only at a space).
SENTENCE_END = re.compile(r"[。！？!?]+|\s(?<=[.;；]\s)")
#: Labels a sentence may start with and still be the advice itself.
LEAD_INS = ("注意：", "注意:", "说明：", "说明:", "建议：", "提示：", "Note:", "注：")
#: What ends a line that introduces the next (ASCII, full-width, vertical and small forms).
COLONS = (":", "：", "︰", "﹕", "∶")
#: LEAD_INS without their colons: a label alone on the line before, whatever its colon.
LABELS = frozenset(lead_in.rstrip(":：") for lead_in in LEAD_INS)
#: Marks of a quotation or a negation: a sentence holding one before the advice only
#: mentions it ("不是说，……"). A class: searched at C speed, not tested char by char.
NOT_GIVEN = re.compile("[“”\"「」『』‘’'不非否勿没别未]")


def _advice(sentence: str, phrase: str) -> bool:
    """Whether a sentence is the phrase (after a known label), or ends with it as a clause
    after clauses that neither quote nor negate."""
    text = _without_lead_in(sentence)
    if text == phrase:
        return True
    before, found, after = text.rpartition(phrase)
    return bool(found) and not after and before.endswith("，") and not NOT_GIVEN.search(before)


def _without_lead_in(text: str) -> str:
    """The text, whitespace folded, without its leading labels ("注意：")."""
    text = " ".join(text.split())
    if not text.startswith(LEAD_INS):
        return text  # most texts: folded, they are already stripped and no label goes
    for lead_in in LEAD_INS:
        text = text.removeprefix(lead_in).strip()
    return text


def retry_of(paragraphs: Sequence[str]) -> tuple[Retry, ...]:
    """Every advice the paragraphs give, in rule order; a paragraph that only mentions one
    (quotes, negates or asks it) gives none."""
    # Plain loops: this runs for every record, and generators cost more than the tests.
    found: list[Retry] = []
    for rule in RETRY_RULES:
        for index, text in enumerate(paragraphs):
            # Most paragraphs hold no phrase: no sentence to split.
            if rule.phrase in text and _gives(paragraphs, index, rule):
                found.append(rule.retry)
                break
    return tuple(found)


#: Paragraphs up to this long are remembered (a page's advice is a sentence or two; a long
#: one kept would hold its memory past its page).
REMEMBERED_LENGTH = 500


def _gives(paragraphs: Sequence[str], index: int, rule: RetryRule) -> bool:
    """Whether the paragraph at ``index`` gives the rule's advice: said, not introduced by
    the paragraph before (``以下为错误说法：`` then the sentence on a line of its own: what
    follows a colon is quoted or listed; a label alone, ``注意：``, is the page's own voice)."""
    before = paragraphs[index - 1].strip() if index else ""
    if before.endswith(COLONS) and before.rstrip("".join(COLONS)).strip() not in LABELS:
        return False
    paragraph = paragraphs[index]
    if len(paragraph) > REMEMBERED_LENGTH:
        return _says.__wrapped__(paragraph, rule.phrase, rule.alone)
    return _says(paragraph, rule.phrase, rule.alone)


# Pages repeat their advice word for word, row after row: each paragraph is read once.
@functools.lru_cache(maxsize=1024)
def _says(paragraph: str, phrase: str, alone: bool) -> bool:
    text = _without_lead_in(paragraph)
    if not any(end in STATEMENT_END for end in _ends(text, phrase)):
        return False  # asked, not said ("……更改？")
    if alone:
        return text.rstrip("。.！! ") == phrase
    return any(_advice(sentence, phrase) for sentence in SENTENCE_END.split(text))


def _ends(text: str, phrase: str) -> list[str]:
    """The first character past whitespace after each occurrence of ``phrase`` ("" at the end)."""
    ends = []
    at = text.find(phrase)  # find(), not a pattern made of the phrase: a third of the time
    while at >= 0:
        at += len(phrase)
        ends.append(text[at:].lstrip()[:1])
        at = text.find(phrase, at)
    return ends


def advice_mentioned_not_given(paragraphs: Sequence[str]) -> list[tuple[str, Retry]]:
    """Each paragraph that mentions an advice without giving it, and the first such advice
    (lint reports them)."""
    mentioned = []
    for index, text in enumerate(paragraphs):
        for rule in RETRY_RULES:
            if rule.phrase in text and not _gives(paragraphs, index, rule):
                mentioned.append((text, rule.retry))
                break
    return mentioned
