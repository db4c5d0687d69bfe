"""The rule kinds (docs/warnings.md §1): each a small function over one set-based query (grouped counts, then the
evidence of the groups that reach the threshold), registered on import (shared parts in `base`)."""

from . import complaints, entities, opinion, products, samples, violations  # noqa: F401  each registers its kind
from .base import KINDS, MAX_WINDOW_DAYS, Hit, KindSpec, grouped_rows, item, register, validate, window_start

__all__ = [
    "KINDS", "MAX_WINDOW_DAYS", "Hit", "KindSpec", "grouped_rows", "item", "register", "validate", "window_start",
]  # fmt: skip
