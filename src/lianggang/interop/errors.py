"""The exchange formats' one error: a request that cannot be carried out at all."""

from __future__ import annotations


class InteropError(ValueError):
    """A request that cannot be carried out at all (unknown format or option)."""
