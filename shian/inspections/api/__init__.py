"""Routine inspections over /api/v1/inspections (docs/inspections.md §8): one router assembled from the parts'
routers, each declaring its access like every API operation (shian.core.access)."""

from ninja import Router

router = Router(tags=["监督检查"])

# -- risk grading, grids, 明厨亮灶 (api/grading.py) --
from .grading import router as grading_router  # noqa: E402

router.add_router("", grading_router)


# -- stations, yearly plans, random draws (api/planning.py) --
from .planning import router as planning_router  # noqa: E402

router.add_router("", planning_router)


# -- tasks, inspections, rectification (api/inspecting.py) --
from .inspecting import router as inspecting_router  # noqa: E402

router.add_router("", inspecting_router)


# -- overview and KPIs (api/overview.py) --
from .overview import router as overview_router  # noqa: E402

router.add_router("", overview_router)
