"""See the modules of this package (docs/inspections.md)."""
