"""Routine inspections over /api/v1/inspections (docs/inspections.md §8): one router assembled from the parts'
routers, each declaring its access like every API operation (shian.core.access)."""

from ninja import Router

router = Router(tags=["监督检查"])

# -- risk grading, grids, 明厨亮灶 (api/grading.py) --


# -- stations, yearly plans, random draws (api/planning.py) --


# -- tasks, inspections, rectification (api/inspecting.py) --


# -- overview and KPIs (api/overview.py) --
from .overview import router as overview_router  # noqa: E402

router.add_router("", overview_router)
