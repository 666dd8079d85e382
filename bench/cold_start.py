"""Cold start: `import vodspec; vodspec.status(404)` and `vodspec show 404` against
`import http; http.HTTPStatus(404)`, in this environment. Targets: <= 1.0x and <= 1.5x."""

from __future__ import annotations

import compileall
import sys
from pathlib import Path

from _measure import compare, python

import vodspec

BASELINE = [python(), "-c", "import http; http.HTTPStatus(404)"]
ACCESSOR = [python(), "-c", "import vodspec; vodspec.status(404)"]
SHOW = [python(), str(Path(python()).parent / "vodspec"), "show", "404"]
STARTUP = [python(), "-c", "pass"]


def main() -> list[tuple[str, float, float]]:
    # An installed wheel has its bytecode compiled; make sure this checkout does too.
    compileall.compile_dir(Path(vodspec.__file__).parent, quiet=1)
    unit, (startup, baseline, accessor, show) = compare([STARTUP, BASELINE, ACCESSOR, SHOW])
    print(
        f"cold start ({unit}): python -c pass {startup:,.0f}; http.HTTPStatus(404) {baseline:,.0f}"
    )
    rows = [
        ("import vodspec; vodspec.status(404)", accessor / baseline, 1.0),
        ("vodspec show 404", show / baseline, 1.5),
    ]
    for name, ratio, target in rows:
        verdict = "met" if ratio <= target else "NOT met"
        print(f"  {name:<40} {ratio:5.2f}x the baseline (target <= {target}x: {verdict})")
    return rows


if __name__ == "__main__":
    sys.exit(0 if all(ratio <= target for _, ratio, target in main()) else 1)
