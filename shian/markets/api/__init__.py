"""markets over /api/v1/markets (docs/markets.md §4)."""

from .markets import router  # noqa: F401
