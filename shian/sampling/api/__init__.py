"""Sampling over /api/v1/sampling (docs/sampling.md): one router assembled from the parts' routers."""

from ninja import Router

router = Router(tags=["抽检监测"])
