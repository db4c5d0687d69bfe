"""The matrix world's emergency objects (docs/emergency.md): one `add_*` per part (see world.py for `Instance`)."""


def add_all(w, users) -> None:
    pass


EXTENSIONS = [add_all]
