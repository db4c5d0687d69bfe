"""The matrix world's complaints objects (docs/complaints.md): one `add_*` per part (see world.py for `Instance`)."""


def add_all(w, users) -> None:
    pass


EXTENSIONS = [add_all]
