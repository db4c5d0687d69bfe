"""surveys over /api/v1/surveys (docs/surveys.md §5)."""

from ninja import Router

from .surveys import router as surveys_router

router = Router(tags=["满意度与知晓率调查"])
router.add_router("", surveys_router)
