"""The matrix world's cases objects (docs/cases.md): one `add_*` per part (see world.py for `Instance`)."""


def add_all(w, users) -> None:
    pass


EXTENSIONS = [add_all]
