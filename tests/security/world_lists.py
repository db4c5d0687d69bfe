"""The matrix world's lists objects (docs/lists.md): `add_*` functions (see world.py for `Instance`)."""

EXTENSIONS: list = []
