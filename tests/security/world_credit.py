"""The matrix world's credit objects (docs/credit.md): `add_*` functions (see world.py for `Instance`)."""

EXTENSIONS: list = []
