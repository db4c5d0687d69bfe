"""dinners over /api/v1/dinners (docs/dinners.md §5): one router assembled from the parts' routers."""

from ninja import Router

from .dinners import router as dinners_router

router = Router(tags=["农村集体聚餐"])
router.add_router("", dinners_router)
