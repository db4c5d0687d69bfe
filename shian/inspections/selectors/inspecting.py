"""Reads of signed inspections (docs/inspections.md §5): regulators by jurisdiction, an enterprise its own
entity's; the entity's history an inspector sees while answering; photos behind the same scope."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from shian.accounts.models import Role
from shian.checklists.models import Result
from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows
from shian.visits import selectors as visits

from ..models import CateringYearGrade, Inspection, InspectionAnswer, InspectionPhoto, RectificationOrder

HISTORY_INSPECTIONS = 5
HISTORY_ROWS = 20


def inspection_list(
    *, user, region_code: str | None = None, entity_id: int | None = None, outcome: str = ""
) -> QuerySet[Inspection]:
    qs = narrow_to(scope_entity_rows(Inspection.objects.all(), user), region_code)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.select_related("entity", "region", "station", "checklist").order_by("-signed_at", "-pk")


def inspection_get(*, user, pk: int) -> Inspection:
    qs = Inspection.objects.select_related("entity", "region", "station", "checklist", "signed_by", "task")
    return get_entity_row(qs, user, pk=pk)


def inspection_answers(inspection: Inspection):
    return inspection.answers.select_related("item").order_by("item__position")


def failed_answers(inspection: Inspection):
    return inspection_answers(inspection).filter(result=Result.FAIL)


def inspection_photos(inspection: Inspection) -> dict[int, list[InspectionPhoto]]:
    """The inspection's photos by item position."""
    photos: dict[int, list[InspectionPhoto]] = {}
    for photo in inspection.photos.order_by("pk"):
        photos.setdefault(photo.item_position or 0, []).append(photo)
    return photos


def year_grade(inspection: Inspection) -> CateringYearGrade | None:
    """The entity's annual 量化分级 of the inspection's year, if it has one."""
    return CateringYearGrade.objects.filter(entity_id=inspection.entity_id, year=inspection.inspected_on.year).first()


def entity_history(*, user, entity) -> dict:
    """What an inspector sees beside the questions: previous inspections with their failed items, open
    rectification orders, open 包保 problems, and failed samples (none yet: the sampling module is to come)."""
    failed = InspectionAnswer.objects.filter(result=Result.FAIL).select_related("item").order_by("item__position")
    previous = list(
        inspection_list(user=user, entity_id=entity.pk).prefetch_related(
            Prefetch("answers", queryset=failed, to_attr="failed")
        )[:HISTORY_INSPECTIONS]
    )
    orders = list(
        scope_entity_rows(RectificationOrder.objects.all(), user)
        .filter(entity_id=entity.pk)
        .exclude(status=RectificationOrder.Status.CLOSED)
        .order_by("due_at")[:HISTORY_ROWS]
    )
    problems = list(visits.problem_list(user=user, entity_id=entity.pk, status="unclosed")[:HISTORY_ROWS])
    return {"previous": previous, "orders": orders, "problems": problems, "samples": []}


def photo_get(*, user, pk: int, original: bool = False) -> InspectionPhoto:
    """A photo the user may open: their own upload, or one on an inspection or answer they can see. The
    original (with EXIF and GPS) is for regulators only."""
    photo = InspectionPhoto.objects.filter(pk=pk).select_related("answer").first()
    if photo is None:
        raise Http404
    if photo.inspection_id:
        inspection_get(user=user, pk=photo.inspection_id)
    elif photo.answer_id:
        get_entity_row(RectificationOrder.objects.all(), user, pk=photo.answer.order_id)
    elif photo.uploaded_by_id != user.pk:
        raise Http404
    if original and (user.role == Role.ENTERPRISE or not photo.original):
        raise Http404
    return photo
