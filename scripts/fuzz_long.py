"""The long fuzz run (outside the normal suite): python scripts/fuzz_long.py [CASES] [SEED]

Mutates each page kind's pages of tests/fuzzing.py (the seed and VOD's status revisions in
../shared/corpus when present; VOD's error-code page, the fixture and its latest revision
in the corpus), CASES times per kind, with the one table of mutations of tests/fuzzing.py,
and prints, per page kind and mutation, how many mutants were read exactly, refused as
expected, wrong, or raised an unexpected exception.
"""

from __future__ import annotations

import random
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import KINDS, REFUSED, Page, check, load_pages, mutate  # noqa: E402

from vodspec.errors import VodspecError  # noqa: E402
from vodspec.tools.scrape.pipeline import scrape  # noqa: E402


def run(title: str, cases: int, seed: int, pages: list[Page]) -> list[str]:
    rng = random.Random(seed)
    outcomes: Counter[tuple[str, str]] = Counter()
    failures: list[str] = []
    started = time.perf_counter()
    for _ in range(cases):
        mutant = mutate(rng.choice(pages), random.Random(rng.getrandbits(64)))
        result = check(mutant, scrape, VodspecError)
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
    failures: list[str] = []
    for kind in KINDS:
        if kind is not KINDS[0]:
            print()
        failures += run(kind.title, cases, seed, load_pages(kind, scrape))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
