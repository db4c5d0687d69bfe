"""Rule numbers of complaints (docs/complaints.md) with their defaults and sources; a region overrides one in the rule store."""
