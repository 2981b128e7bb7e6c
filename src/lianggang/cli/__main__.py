"""``python -m lianggang.cli``: the `lianggang` command."""

from lianggang.cli import main

raise SystemExit(main())
