"""Rule numbers of cases (docs/cases.md) with their defaults and sources; a region overrides one in the rule store."""
