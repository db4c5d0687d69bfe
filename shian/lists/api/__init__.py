"""lists over /api/v1/lists (docs/lists.md)."""

from ninja import Router

router = Router(tags=["红黑榜与严重违法失信名单"])
