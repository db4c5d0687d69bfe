"""See the modules of this package (docs/cases.md)."""
