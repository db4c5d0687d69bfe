"""complaints over /api/v1/complaints (docs/complaints.md): one router assembled from the parts' routers."""

from ninja import Router

router = Router(tags=["投诉举报"])
