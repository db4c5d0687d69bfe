"""emergency over /api/v1/emergency (docs/emergency.md): one router assembled from the parts' routers."""

from ninja import Router

router = Router(tags=["应急管理"])
