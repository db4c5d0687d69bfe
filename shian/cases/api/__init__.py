"""cases over /api/v1/cases (docs/cases.md): one router assembled from the parts' routers."""

from ninja import Router

router = Router(tags=["案件"])
