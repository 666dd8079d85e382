"""Run every benchmark side by side and print the ratios (the table of docs/performance.md).

.venv/bin/pip install -r bench/requirements.txt && .venv/bin/python bench/run_all.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_start
import lookup
import scrape_memory
import scrape_speed


def main() -> int:
    rows = cold_start.main() + lookup.main() + scrape_speed.main() + scrape_memory.main()
    print()
    print("| measure | ratio | target | met |")
    print("| --- | ---: | ---: | --- |")
    for name, ratio, target in rows:
        print(f"| {name} | {ratio:.2f}x | <= {target}x | {'yes' if ratio <= target else 'no'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
