"""The Python accessor answers the shared lookup cases (tests/lookup_cases.json); the npm
package answers the same table in test_npm_package.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import LOOKUP_CASES

from vodspec import Registry, UnknownErrorCodeError, UnknownStatusError

CASES: dict[str, Any] = json.loads(LOOKUP_CASES.read_bytes())


@pytest.fixture(scope="module")
def registry(lookup_data: Path) -> Registry:
    return Registry.from_dir(lookup_data)


@pytest.mark.parametrize("case", CASES["status"], ids=lambda case: repr(case["query"]))
def test_status_lookups(registry: Registry, case: dict[str, Any]) -> None:
    found = registry.get(case["query"])
    assert (found.code if found else None) == case["expect"]
    if case["expect"] is None:
        with pytest.raises(UnknownStatusError):
            registry.status(case["query"])
    else:
        assert registry.status(case["query"]) is found


@pytest.mark.parametrize(
    "case", CASES["error"], ids=lambda case: f"{case['code']!r} under {case['status']!r}"
)
def test_error_lookups(registry: Registry, case: dict[str, Any]) -> None:
    found = registry.get_error(case["code"], case["status"])
    assert [[r.error_code, r.http_status] for r in found] == case["expect"]
    if not case["expect"]:
        with pytest.raises(UnknownErrorCodeError):
            registry.error(case["code"], case["status"])
    else:
        assert registry.error(case["code"], case["status"]) == found
