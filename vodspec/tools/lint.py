"""`vodspec lint`: where the vendor's pages depart from the HTTP standard or from each other.

Each rule checks one mechanical thing and cites its reference; a finding shows the
vendor's words next to the standard's. Error-code rules read the status page too, for the
statuses it lists. Standard library only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from vodspec.layout import ERROR_CODES, STATUS_CODES
from vodspec.reading import dump_json
from vodspec.record import (
    CODE,
    DESCRIPTION,
    DO_NOT_RETRY,
    ERROR_CODE,
    HTTP_STATUS,
    HTTP_STATUS_TEXT,
    MESSAGE,
    PARAGRAPHS,
    REASON,
    REMEDY,
    RETRY,
)
from vodspec.registry import phrase_key
from vodspec.standard import IANA_STATUS_CODES, STANDARD_RETRY, standard_phrase, standard_reference
from vodspec.tools.scrape.derived import Category, advice_mentioned_not_given, category_of


@dataclass(frozen=True)
class Finding:
    code: int | str  # a status code, or an error code (VOD.10051)
    rule: str
    vendor: str | None
    standard: str | None
    reference: str
    message: str

    def as_dict(self) -> dict[str, object]:
        """One finding of lint.json and `vodspec lint --json`: these fields, in this order."""
        return asdict(self)


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    reference: str

    def finding(
        self,
        code: int | str,
        vendor: str | None,
        message: str,
        *,
        standard: str | None = None,
        reference: str | None = None,
    ) -> Finding:
        """A finding of this rule, citing its reference unless the finding has its own."""
        return Finding(code, self.id, vendor, standard, reference or self.reference, message)


IANA = "IANA HTTP Status Code Registry"
RULES = {
    rule.id: rule
    for rule in (
        Rule("phrase-wording", "the reason phrase is not the registered one", IANA),
        Rule(
            "phrase-spacing",
            "the reason phrase differs from the registered one only in spacing",
            IANA,
        ),
        Rule(
            "phrase-case",
            "the reason phrase differs from the registered one only in letter case",
            IANA,
        ),
        Rule("unregistered-code", "the code is not in the registry", IANA),
        Rule(
            "retry-contradicts-standard",
            "the page says not to retry a code the standard calls transient",
            "see the code's standard_retry_reference",
        ),
        Rule(
            "missing-429",
            "the page lists no 429 although a rate-limited API returns it",
            "RFC 6585, Section 4",
        ),
        Rule(
            "error-code-under-several-statuses",
            "the error code is listed under more than one HTTP status",
            "VOD's error-code page",
        ),
        Rule(
            "error-code-listed-twice",
            "the error code is listed twice under one HTTP status (or with none), with other"
            " texts: a lookup gives both rows",
            "VOD's error-code page",
        ),
        Rule(
            "error-code-without-remedy",
            "the row's message, description and remedy say the same thing: no remedy is given",
            "VOD's error-code page",
        ),
        Rule(
            "retry-advice-mentioned-not-given",
            "a paragraph quotes or negates a retry-advice sentence: it gives no advice",
            "the page's retry-advice sentences",
        ),
        Rule(
            "odd-status-cell",
            "the status cell is no HTTP status (N/A, --, a typo): published as written,"
            " http_status null",
            "the page's status column",
        ),
        Rule(
            "page-note",
            "a row of the code table that is no record (a prose note, a cell that holds no"
            " code): kept as a note of the dataset, as written",
            "the page's code table",
        ),
        Rule(
            "error-status-not-on-status-page",
            "error codes are listed under an HTTP status the status page does not list",
            "VOD's status-code page",
        ),
    )
}


def _phrase_findings(code: int, reason: str | None) -> list[Finding]:
    registered = standard_phrase(code)
    if registered is None:
        return [
            RULES["unregistered-code"].finding(
                code, reason, f"{code} is not a registered status code"
            )
        ]
    if reason is None or reason == registered:
        return []
    squash = "".join(reason.split()), "".join(registered.split())
    if squash[0] == squash[1]:
        rule = "phrase-spacing"
    elif squash[0].casefold() == squash[1].casefold():  # casefold() makes no whitespace
        rule = "phrase-case"
    else:
        rule = "phrase-wording"
    return [
        RULES[rule].finding(
            code,
            reason,
            f"{code}: the page says {reason!r}, the registry {registered!r}",
            standard=registered,
            reference=str(standard_reference(code)),
        )
    ]


def lint_records(records: list[dict[str, Any]]) -> list[Finding]:
    """Every finding for a status-code dataset's records, by code then rule."""
    findings: list[Finding] = []
    for record in records:
        code = record[CODE]
        findings += _phrase_findings(code, record.get(REASON))
        if record.get(RETRY) == DO_NOT_RETRY and code in STANDARD_RETRY:
            findings.append(
                RULES["retry-contradicts-standard"].finding(
                    code,
                    record.get(DESCRIPTION),
                    f"{code}: the page says not to retry;"
                    " the standard view is that a retry may succeed",
                    standard=STANDARD_RETRY[code],
                    reference=STANDARD_RETRY[code].split(":")[0],
                )
            )
        paragraphs = record.get(PARAGRAPHS) or []
        findings += [
            RULES["retry-advice-mentioned-not-given"].finding(
                code,
                paragraph,
                f"{code}: a paragraph mentions the {mentioned.value} sentence without"
                " giving it; retry is not taken from it",
            )
            for paragraph, mentioned in advice_mentioned_not_given(paragraphs)
        ]
    codes = {record[CODE] for record in records}
    if 429 not in codes and any(category_of(code) is Category.CLIENT_ERROR for code in codes):
        findings.append(
            RULES["missing-429"].finding(
                429,
                None,
                "429 Too Many Requests is not listed;"
                " rate-limited APIs return it (with Retry-After)",
                standard=IANA_STATUS_CODES[429][0],
            )
        )
    return sorted(findings, key=lambda f: (f.code, f.rule))


def lint_error_records(
    errors: list[dict[str, Any]], statuses: list[dict[str, Any]]
) -> list[Finding]:
    """Every finding for an error-code dataset's records, by code then rule."""
    findings: list[Finding] = []
    by_code: dict[str, dict[int, None]] = {}  # each code's statuses, in page order
    rows: Counter[tuple[str, object]] = Counter()  # how many rows list each code and status
    documented = {record[CODE] for record in statuses}
    unlisted: dict[int, list[str]] = {}  # the codes under each status the status page lacks
    for record in errors:
        code, status = record[ERROR_CODE], record.get(HTTP_STATUS)
        if isinstance(status, int):
            by_code.setdefault(code, {})[status] = None
            if documented and status not in documented:
                unlisted.setdefault(status, []).append(code)
        rows[code, status] += 1
        if rows[code, status] == 2:  # once, at its second row (exact repeats were kept once)
            under = f"under HTTP {status}" if isinstance(status, int) else "with no HTTP status"
            findings.append(
                RULES["error-code-listed-twice"].finding(
                    code,
                    None if status is None else str(status),
                    f"{code} is listed more than once {under}",
                )
            )
        cell = record.get(HTTP_STATUS_TEXT)
        if status is None and cell:
            findings.append(
                RULES["odd-status-cell"].finding(
                    code, cell, f"{code}: the status cell {cell!r} is no HTTP status"
                )
            )
        texts = [record.get(name) for name in (MESSAGE, DESCRIPTION, REMEDY)]
        given = [text for text in texts if isinstance(text, str) and text]
        if len(given) == len(texts) and len(set(map(phrase_key, given))) == 1:
            findings.append(
                RULES["error-code-without-remedy"].finding(
                    code, given[2], f"{code}: message, description and remedy are the same text"
                )
            )
    for code, listed in by_code.items():
        if len(listed) > 1:
            findings.append(
                RULES["error-code-under-several-statuses"].finding(
                    code,
                    " ".join(map(str, listed)),
                    f"{code} is listed under HTTP {', '.join(map(str, listed))}",
                )
            )
    for status, codes in sorted(unlisted.items()):
        findings.append(
            RULES["error-status-not-on-status-page"].finding(
                status,
                ", ".join(dict.fromkeys(codes)),
                f"{len(codes)} error code(s) are listed under {status}, which the status"
                " page does not list",
                standard=standard_phrase(status),
            )
        )
    return sorted(findings, key=lambda f: (str(f.code), f.rule))


def lint_datasets(datasets: Mapping[str, dict[str, Any]]) -> list[Finding]:
    """The findings for published datasets (JSON documents): the status page's, then the
    error-code page's, then the notes of odd content the pages kept."""
    records = {kind: dataset["records"] for kind, dataset in datasets.items()}
    statuses = records.get(STATUS_CODES, [])
    findings = lint_records(statuses) + lint_error_records(records.get(ERROR_CODES, []), statuses)
    # A row kept as a note only: an odd cell kept in a record is the record rules' business.
    return findings + [
        RULES["page-note"].finding(f"line {note['line']}", note["text"], note["why"])
        for dataset in datasets.values()
        for note in dataset.get("notes", [])
        if not note.get("in_records")
    ]


def lint_json(datasets: Mapping[str, dict[str, Any]]) -> bytes:
    """data/lint.json: the findings for the published datasets (as `vodspec lint --json`)."""
    return dump_json([finding.as_dict() for finding in lint_datasets(datasets)])
