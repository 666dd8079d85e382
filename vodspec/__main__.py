"""`python -m vodspec`: the same as the `vodspec` command."""

from vodspec.cli import main

raise SystemExit(main())
