"""The matrix world's sampling objects (docs/sampling.md): one `add_*` per part, each adding the kinds its routes
name to `w.objects` (see world.py for `Instance` and the positions)."""


# -- plans, tasks --
def add_planning(w, users) -> None:
    pass


# -- samples --
def add_samples(w, users) -> None:
    pass


# -- lab results, disposal --
def add_results(w, users) -> None:
    pass


# -- public, 你点我检, rapid tests --
def add_public(w, users) -> None:
    pass


EXTENSIONS = [add_planning, add_samples, add_results, add_public]
