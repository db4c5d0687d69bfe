"""emergency over /api/v1/emergency (docs/emergency.md §5): one router assembled from the parts' routers."""

from ninja import Router

from .records import router as records_router

router = Router(tags=["应急管理"])
router.add_router("", records_router)
