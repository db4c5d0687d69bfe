"""The evaluation over /api/v1/evaluation (docs/evaluation.md §5)."""

from ninja import Router

from .evaluations import router as evaluations_router

router = Router(tags=["示范创建评价"])
router.add_router("", evaluations_router)
