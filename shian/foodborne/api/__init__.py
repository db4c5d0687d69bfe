"""foodborne over /api/v1/foodborne (docs/foodborne.md §4): one router assembled from the parts' routers."""

from ninja import Router

from .reports import router as reports_router

router = Router(tags=["食源性疾病报告"])
router.add_router("", reports_router)
