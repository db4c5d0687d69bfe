"""credit over /api/v1/credit (docs/credit.md §5): one router assembled from the parts' routers."""

from ninja import Router

from .credit import router as credit_router

router = Router(tags=["信用档案"])
router.add_router("", credit_router)
