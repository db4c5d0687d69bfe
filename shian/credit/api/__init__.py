"""credit over /api/v1/credit (docs/credit.md)."""

from ninja import Router

router = Router(tags=["信用档案"])
