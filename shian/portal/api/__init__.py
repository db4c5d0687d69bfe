"""portal over /api/v1/portal (docs/portal.md): the staff API has nothing of the portal; the public open-data router
is `api.public.router`, part of the open API (shian/api/open.py)."""

from ninja import Router

router = Router(tags=["公众服务"])
