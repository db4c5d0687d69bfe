"""Configuration as data (docs/architecture.md §3.5): versioned rows per region, the most specific one applying.

Kept as a short import path for the policy tables: the resolver is the rule store's (shian.core.rules), so
policy rows and rule numbers pick their version alike; region prefixes come from shian.core.regioncodes.
"""

from .regioncodes import prefixes as region_prefixes
from .rules import most_specific

__all__ = ["most_specific", "region_prefixes"]
