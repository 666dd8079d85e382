"""The long fuzz run (outside the normal suite): python scripts/fuzz_long.py [CASES] [SEED]

Mutates the seed and VOD's status revisions in ../shared/corpus (when present), then VOD's
error-code page (the fixture, and its latest revision in the corpus), CASES times each,
with the mutations of tests/fuzzing.py, and prints, per page kind and mutation, how many
mutants were read exactly, refused as expected, wrong, or raised an unexpected exception.
"""

from __future__ import annotations

import random
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import (  # noqa: E402
    ERROR_PAGES,
    REFUSED,
    STATUS_PAGES,
    Mutant,
    check,
    check_errors,
    error_page,
    mutate,
    mutate_errors,
    records_of,
)

from vodspec.errors import VodspecError  # noqa: E402
from vodspec.tools.scrape.pipeline import scrape  # noqa: E402


def run(
    title: str,
    cases: int,
    seed: int,
    pages: list[Any],
    make: Callable[..., Mutant],
    judge: Callable[..., str],
) -> list[str]:
    rng = random.Random(seed)
    outcomes: Counter[tuple[str, str]] = Counter()
    failures: list[str] = []
    started = time.perf_counter()
    for _ in range(cases):
        mutant = make(rng.choice(pages), random.Random(rng.getrandbits(64)))
        result = judge(mutant, scrape, VodspecError)
        if result == "ok":
            result = "refused" if mutant.expected == REFUSED else "read exactly"
        else:
            failures.append(result)
            result = result.split(":")[0]
        outcomes[(mutant.name, result)] += 1
    elapsed = time.perf_counter() - started
    kinds = ("read exactly", "refused", "wrong", "unexpected")
    print(f"{title}: {cases} cases over {len(pages)} pages, seed {seed}, {elapsed:.1f} s")
    print(f"{'mutation':<20}" + "".join(f"{k:>14}" for k in kinds))
    for name in sorted({name for name, _ in outcomes}):
        print(f"{name:<20}" + "".join(f"{outcomes[(name, k)]:>14}" for k in kinds))
    totals = [sum(v for (_, k), v in outcomes.items() if k == kind) for kind in kinds]
    print(f"{'total':<20}" + "".join(f"{t:>14}" for t in totals))
    for failure in failures[:20]:
        print(failure)
    return failures


def main() -> int:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261127
    warnings.simplefilter("ignore")
    pages = [
        (p.read_text(encoding="utf-8"), records_of(scrape(p))) for p in STATUS_PAGES if p.is_file()
    ]
    errors = [error_page(p.read_text("utf-8"), scrape) for p in ERROR_PAGES if p.is_file()]
    failures = run("status pages", cases, seed, pages, lambda page, rng: mutate(*page, rng), check)
    print()
    failures += run("error-code pages", cases, seed, errors, mutate_errors, check_errors)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
