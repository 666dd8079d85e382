"""The long fuzz run (outside the normal suite): python scripts/fuzz_long.py [CASES] [SEED]

Mutates the seed and VOD's status revisions in ../shared/corpus (when present) with the
mutations of tests/fuzzing.py and prints, per mutation, how many mutants were read
exactly, refused as expected, wrong, or raised an unexpected exception.
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

from fuzzing import REFUSED, check, mutate, records_of  # noqa: E402

from vodspec.errors import VodspecError  # noqa: E402
from vodspec.scrape import scrape  # noqa: E402

PAGES = [ROOT / "raw" / "vod_04_0133.md"] + [
    ROOT.parent / "shared" / "corpus" / "vod" / "status" / f"{rev}.md"
    for rev in ("eb36979", "27b3b04")
]


def main() -> int:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261127
    rng = random.Random(seed)
    pages = [(p.read_text(encoding="utf-8"), records_of(scrape(p))) for p in PAGES if p.is_file()]
    outcomes: Counter[tuple[str, str]] = Counter()
    failures: list[str] = []
    started = time.perf_counter()
    warnings.simplefilter("ignore")
    for _ in range(cases):
        text, base = rng.choice(pages)
        mutant = mutate(text, base, random.Random(rng.getrandbits(64)))
        result = check(mutant, scrape, VodspecError)
        if result == "ok":
            result = "refused" if mutant.expected == REFUSED else "read exactly"
        else:
            failures.append(result)
            result = result.split(":")[0]
        outcomes[(mutant.name, result)] += 1
    elapsed = time.perf_counter() - started
    names = sorted({name for name, _ in outcomes})
    kinds = ("read exactly", "refused", "wrong", "unexpected")
    print(f"{cases} cases over {len(pages)} pages, seed {seed}, {elapsed:.1f} s")
    print(f"{'mutation':<20}" + "".join(f"{k:>14}" for k in kinds))
    for name in names:
        print(f"{name:<20}" + "".join(f"{outcomes[(name, k)]:>14}" for k in kinds))
    totals = [sum(v for (_, k), v in outcomes.items() if k == kind) for kind in kinds]
    print(f"{'total':<20}" + "".join(f"{t:>14}" for t in totals))
    for failure in failures[:20]:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
