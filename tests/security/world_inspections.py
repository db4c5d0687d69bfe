"""The matrix world's routine-inspection objects (docs/inspections.md): one `add_*` per part, each adding the
kinds its routes name to `w.objects` (see world.py for `Instance` and the positions). `world.build()` calls
every function in EXTENSIONS after the core objects exist."""


# -- risk grading, grids, 明厨亮灶 --
def add_grading(w, users) -> None:
    pass


# -- stations, yearly plans, random draws --
def add_planning(w, users) -> None:
    pass


# -- tasks, inspections, rectification --
def add_inspecting(w, users) -> None:
    pass


EXTENSIONS = [add_grading, add_planning, add_inspecting]
