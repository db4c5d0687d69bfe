"""portal over /api/v1/portal (docs/portal.md)."""

from ninja import Router

router = Router(tags=["公众服务"])
