"""The matrix world's notices objects (docs/notices.md): `add_*` functions (see world.py for `Instance`)."""

EXTENSIONS: list = []
