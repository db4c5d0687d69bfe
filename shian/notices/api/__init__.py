"""notices over /api/v1/notices (docs/notices.md)."""

from ninja import Router

router = Router(tags=["三书一函"])
