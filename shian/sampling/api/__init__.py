"""Sampling over /api/v1/sampling (docs/sampling.md): one router assembled from the parts' routers, each
declaring its access like every API operation (shian.core.access)."""

from ninja import Router

router = Router(tags=["抽检监测"])

# -- plans, tasks, overview (api/planning.py) --
from .planning import router as planning_router  # noqa: E402

router.add_router("", planning_router)


# -- samples (api/samples.py) --
from .samples import router as samples_router  # noqa: E402

router.add_router("", samples_router)


# -- lab results, disposal (api/results.py) --
from .results import router as results_router  # noqa: E402

router.add_router("", results_router)


# -- public disclosure, 你点我检, rapid tests (api/campaigns.py; the open API's router is api/public.py) --
from .campaigns import router as campaigns_router  # noqa: E402

router.add_router("", campaigns_router)
