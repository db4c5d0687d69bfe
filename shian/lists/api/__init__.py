"""lists over /api/v1/lists (docs/lists.md §4): one router assembled from the parts' routers."""

from ninja import Router

from .dishonesty import router as dishonesty_router
from .editions import router as editions_router

router = Router(tags=["红黑榜与严重违法失信名单"])
router.add_router("", editions_router)
router.add_router("", dishonesty_router)
