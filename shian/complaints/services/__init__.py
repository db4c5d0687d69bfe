"""See the modules of this package (docs/complaints.md)."""
