"""In-process lookup: vodspec.status(404) against http.HTTPStatus(404). Target <= 1.0x."""

from __future__ import annotations

import http
import sys
import timeit

import vodspec


def main() -> list[tuple[str, float, float]]:
    vodspec.status(404)  # load the snapshot first: this measures lookups, not the load
    runs = 200_000
    ours = min(
        timeit.repeat("status(404)", globals={"status": vodspec.status}, number=runs, repeat=7)
    )
    theirs = min(
        timeit.repeat(
            "HTTPStatus(404)", globals={"HTTPStatus": http.HTTPStatus}, number=runs, repeat=7
        )
    )
    ratio = ours / theirs
    verdict = "met" if ratio <= 1 else "NOT met"
    print(
        f"lookup: vodspec.status(404) {ours / runs * 1e9:.0f} ns, http.HTTPStatus(404)"
        f" {theirs / runs * 1e9:.0f} ns: {ratio:.2f}x (target <= 1.0x: {verdict})"
    )
    return [("vodspec.status(404) in process", ratio, 1.0)]


if __name__ == "__main__":
    sys.exit(0 if all(r <= t for _, r, t in main()) else 1)
