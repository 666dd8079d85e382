"""Mutated real pages either give exactly the records their content implies or are refused
with the package's own error; any other exception, or a wrong record, fails."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest
from conftest import SEED
from fuzzing import (
    ERROR_MUTATIONS,
    ERROR_PAGES,
    MUTATIONS,
    STATUS_PAGES,
    ErrorPage,
    check,
    check_errors,
    error_page,
    mutate,
    mutate_errors,
    records_of,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vodspec.errors import VodspecError
from vodspec.tools.scrape.pipeline import scrape


def pages() -> list[tuple[str, list[tuple[int, str | None, tuple[str, ...], str]]]]:
    out = []
    for path in STATUS_PAGES:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            out.append((text, records_of(scrape(path))))
    return out


LOADED = pages()


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(page=st.sampled_from(range(len(LOADED))), seed=st.integers(0, 2**32 - 1))
def test_mutants(page: int, seed: int) -> None:
    text, base = LOADED[page]
    mutant = mutate(text, base, random.Random(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert check(mutant, scrape, VodspecError) == "ok"


def test_every_mutation_is_exercised() -> None:
    seen = set()
    for seed in range(600):
        seen.add(mutate(*LOADED[0], random.Random(seed)).name)
    assert seen == set(MUTATIONS)


REGRESSIONS = Path(__file__).parent / "fixtures" / "fuzz"


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.md")), ids=lambda p: p.name)
def test_kept_mutants(path: Path) -> None:
    """Mutants that once found a bug (or guard a subtle rule), with the outcome they must give."""
    expected = path.name.split("--")[0]  # "refused--…" or "reads--…"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if expected == "refused":
            with pytest.raises(VodspecError):
                scrape(path, service="any")
        else:
            assert records_of(scrape(path, service="any")) == records_of(scrape(SEED))


def error_pages() -> list[ErrorPage]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [error_page(p.read_text("utf-8"), scrape) for p in ERROR_PAGES if p.is_file()]


LOADED_ERRORS = error_pages()


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(page=st.sampled_from(range(len(LOADED_ERRORS))), seed=st.integers(0, 2**32 - 1))
def test_error_page_mutants(page: int, seed: int) -> None:
    mutant = mutate_errors(LOADED_ERRORS[page], random.Random(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert check_errors(mutant, scrape, VodspecError) == "ok"


def test_every_error_mutation_is_exercised() -> None:
    if not LOADED_ERRORS:
        pytest.skip("no error-code page")
    seen = {mutate_errors(LOADED_ERRORS[0], random.Random(seed)).name for seed in range(400)}
    assert seen == set(ERROR_MUTATIONS)
