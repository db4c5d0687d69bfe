"""warnings over /api/v1/warnings (docs/warnings.md §4): one router assembled from the parts' routers."""

from ninja import Router

from .warnings import router as warnings_router

router = Router(tags=["风险预警"])
router.add_router("", warnings_router)
