"""The matrix world's portal objects (docs/portal.md): `add_*` functions (see world.py for `Instance`)."""

EXTENSIONS: list = []
