"""notices over /api/v1/notices (docs/notices.md §4): one router assembled from the parts' routers."""

from ninja import Router

from .notices import router as notices_router

router = Router(tags=["三书一函"])
router.add_router("", notices_router)
