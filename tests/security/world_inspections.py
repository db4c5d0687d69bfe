"""The matrix world's routine-inspection objects (docs/inspections.md): one `add_*` per part, each adding the
kinds its routes name to `w.objects` (see world.py for `Instance` and the positions). `world.build()` calls
every function in EXTENSIONS after the core objects exist."""


# -- risk grading, grids, 明厨亮灶 --
def add_grading(w, users) -> None:
    """A graded entity per position (the risk pages name it by `entity_id`) and a 明厨亮灶 link per position
    (`kitchen_link`), the position's marker in its platform and channel."""
    import datetime

    from shian.inspections.models import KitchenLink
    from shian.inspections.services.grading import regrade_entities

    from .world import MARKERS, Instance

    regrade_entities([entity.pk for entity in w.entities.values()], trigger="matrix")
    for pos, entity in w.entities.items():
        link = KitchenLink.objects.create(
            entity=entity, platform=f"{MARKERS[pos]}明厨亮灶平台", channel_id=f"{MARKERS[pos]}通道",
            url="https://example.com/live", since=datetime.date(2026, 1, 5),
        )  # fmt: skip
        w.objects.setdefault("kitchen_link", []).append(Instance(pos, {"pk": link.pk}, entity.region_id, entity.pk))


# -- stations, yearly plans, random draws --
def add_planning(w, users) -> None:
    pass


# -- tasks, inspections, rectification --
def add_inspecting(w, users) -> None:
    pass


EXTENSIONS = [add_grading, add_planning, add_inspecting]
