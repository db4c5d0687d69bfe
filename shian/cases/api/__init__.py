"""cases over /api/v1/cases (docs/cases.md): one router assembled from the parts' routers."""

from ninja import Router

from .cases import router as cases_router

router = Router(tags=["案件"])
router.add_router("", cases_router)
