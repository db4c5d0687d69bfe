"""complaints over /api/v1/complaints (docs/complaints.md): one router assembled from the parts' routers."""

from ninja import Router

router = Router(tags=["投诉举报"])

# -- complaints: intake, routing, transfers, the clock (api/complaints.py) --
from .complaints import router as complaints_router  # noqa: E402

router.add_router("", complaints_router)
