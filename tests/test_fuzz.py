"""Mutated real pages either give exactly the records their content implies or are refused
with the package's own error; any other exception, or a wrong record, fails.

Every mutation of tests/fuzzing.py is tried on both page kinds, on seeds hypothesis draws;
scripts/fuzz_long.py runs the same table for 10,000+ cases.
"""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest
from conftest import SEED
from fuzzing import KINDS, MUTATIONS, Page, check, load_pages, mutate, records_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vodspec.errors import VodspecError
from vodspec.tools.scrape.pipeline import scrape


@pytest.fixture(scope="module")
def pages() -> dict[str, list[Page]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {kind.name: load_pages(kind, scrape) for kind in KINDS}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@pytest.mark.parametrize("kind", [kind.name for kind in KINDS])
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(page=st.integers(0, 2**8), seed=st.integers(0, 2**32 - 1))
def test_mutants(pages: dict[str, list[Page]], kind: str, name: str, page: int, seed: int) -> None:
    if not pages[kind]:
        pytest.skip(f"no {kind} page")
    chosen = pages[kind][page % len(pages[kind])]
    mutant = mutate(chosen, random.Random(seed), name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert check(mutant, scrape, VodspecError) == "ok"


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
