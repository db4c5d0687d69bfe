"""See the modules of this package (docs/emergency.md)."""
