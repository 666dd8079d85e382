"""The standard's reference data against statements made outside it: Python's
http.HTTPStatus (which follows the IANA registry) and the structure of RFC 9110, Section 15."""

from __future__ import annotations

import http

from vodspec.standard import IANA_STATUS_CODES, STANDARD_RETRY, standard_retry

#: RFC 9110 renamed these; CPython 3.11 keeps the RFC 7231 phrases.
RENAMED_BY_RFC_9110 = {413, 414, 416, 422}
#: In http.HTTPStatus but not registered: 418 is "(Unused)" in the registry, 510 Not
#: Extended was obsoleted (RFC 2774 moved to historic).
NOT_REGISTERED = {418, 510}

#: RFC 9110, Section 15: the codes it defines, one subsection each, in order within their
#: class (15.2 is 1xx, 15.3 is 2xx, ...); 306 and 418 keep their subsections as "(Unused)".
RFC_9110_SECTION_15 = {
    1: [100, 101],
    2: [200, 201, 202, 203, 204, 205, 206],
    3: [300, 301, 302, 303, 304, 305, 306, 307, 308],
    4: [*range(400, 419), 421, 422, 426],
    5: [500, 501, 502, 503, 504, 505],
}
UNUSED = {306, 418}


def test_the_registry_holds_every_http_status_python_knows_and_no_other() -> None:
    python = {status.value for status in http.HTTPStatus}
    assert set(IANA_STATUS_CODES) == python - NOT_REGISTERED


def test_phrases_match_http_status() -> None:
    for status in http.HTTPStatus:
        if status.value not in NOT_REGISTERED | RENAMED_BY_RFC_9110:
            assert IANA_STATUS_CODES[status.value][0] == status.phrase, status


def test_renamed_phrases_are_rfc_9110s() -> None:
    assert {code: IANA_STATUS_CODES[code][0] for code in RENAMED_BY_RFC_9110} == {
        413: "Content Too Large",
        414: "URI Too Long",
        416: "Range Not Satisfiable",
        422: "Unprocessable Content",
    }


def test_rfc_9110s_codes_cite_their_own_subsection_and_no_other_code_cites_one() -> None:
    cited = {}
    for digit, codes in RFC_9110_SECTION_15.items():
        for number, code in enumerate(codes, start=1):
            if code not in UNUSED:
                cited[code] = f"RFC 9110, Section 15.{digit + 1}.{number}"
    for code, (_, reference) in IANA_STATUS_CODES.items():
        if code in cited:
            assert reference == cited[code], code
        else:
            assert reference.startswith("RFC ") and "RFC 9110" not in reference, code


def test_retry_view_is_the_transient_codes_with_their_reasons() -> None:
    retried = [code for code in range(100, 600) if standard_retry(code) == "retry"]
    assert retried == sorted(STANDARD_RETRY) == [408, 425, 429, 502, 503, 504]
    assert standard_retry(404) == "unspecified" and standard_retry(999) == "unspecified"
    for code, reason in STANDARD_RETRY.items():
        # A reason cites the code's own registry entry, or says it is a convention.
        assert reason.startswith((IANA_STATUS_CODES[code][1] + ":", "convention")), code
