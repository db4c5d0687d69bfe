"""See the modules of this package (docs/sampling.md)."""
