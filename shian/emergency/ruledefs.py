"""Rule numbers of emergency (docs/emergency.md) with their defaults and sources; a region overrides one in the rule store."""
