"""`vodspec lint`: where the vendor's page departs from the HTTP standard, rule by rule.

Each rule checks one mechanical thing and cites its reference; a finding shows the
vendor's words next to the standard's. Standard library only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from vodspec.standard import REGISTRY, STANDARD_RETRY, standard_phrase, standard_reference


@dataclass(frozen=True)
class Finding:
    code: int
    rule: str
    vendor: str | None
    standard: str | None
    reference: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    reference: str


RULES = {
    rule.id: rule
    for rule in (
        Rule(
            "phrase-wording",
            "the reason phrase is not the registered one",
            "IANA HTTP Status Code Registry",
        ),
        Rule(
            "phrase-spacing",
            "the reason phrase differs from the registered one only in spacing",
            "IANA HTTP Status Code Registry",
        ),
        Rule(
            "phrase-case",
            "the reason phrase differs from the registered one only in letter case",
            "IANA HTTP Status Code Registry",
        ),
        Rule(
            "unregistered-code", "the code is not in the registry", "IANA HTTP Status Code Registry"
        ),
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
    )
}


def _phrase_findings(code: int, reason: str | None) -> list[Finding]:
    registered = standard_phrase(code)
    if registered is None:
        return [
            Finding(
                code,
                "unregistered-code",
                reason,
                None,
                RULES["unregistered-code"].reference,
                f"{code} is not a registered status code",
            )
        ]
    if reason is None or reason == registered:
        return []
    reference = str(standard_reference(code))
    squash = "".join(reason.split()), "".join(registered.split())
    if squash[0] == squash[1]:
        rule = "phrase-spacing"
    elif reason.casefold() == registered.casefold() or squash[0].casefold() == squash[1].casefold():
        rule = "phrase-case"
    else:
        rule = "phrase-wording"
    return [
        Finding(
            code,
            rule,
            reason,
            registered,
            reference,
            f"{code}: the page says {reason!r}, the registry {registered!r}",
        )
    ]


def lint_records(records: list[dict[str, Any]]) -> list[Finding]:
    """Every finding for a status-code dataset's records, by code then rule."""
    findings: list[Finding] = []
    for record in records:
        code = record["code"]
        findings += _phrase_findings(code, record.get("reason"))
        if record.get("retry") == "do_not_retry" and code in STANDARD_RETRY:
            findings.append(
                Finding(
                    code,
                    "retry-contradicts-standard",
                    record.get("description"),
                    STANDARD_RETRY[code],
                    STANDARD_RETRY[code].split(":")[0],
                    f"{code}: the page says not to retry;"
                    " the standard view is that a retry may succeed",
                )
            )
    codes = {record["code"] for record in records}
    if 429 not in codes and any(400 <= code < 500 for code in codes):
        findings.append(
            Finding(
                429,
                "missing-429",
                None,
                REGISTRY[429][0],
                RULES["missing-429"].reference,
                "429 Too Many Requests is not listed;"
                " rate-limited APIs return it (with Retry-After)",
            )
        )
    return sorted(findings, key=lambda f: (f.code, f.rule))


def lint_json(records: list[dict[str, Any]]) -> bytes:
    """data/lint.json: the findings for the published records (as `vodspec lint --json`)."""
    import json

    findings = [finding.as_dict() for finding in lint_records(records)]
    return (json.dumps(findings, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
