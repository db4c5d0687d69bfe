"""Volunteers (docs/commission.md §4): the register of a township's volunteers and their tasks (report a problem
through the public channel, attend an activity), with completed tasks counted per township."""

import datetime
import re

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.masking import mask_phone
from shian.core.regioncodes import TOWNSHIP, level_of

from ..models import Volunteer, VolunteerTask
from .common import clean_text, raise_if, require_admin


def mask_name(name: str) -> str:
    """张三丰 -> 张**: the register shows the family name only."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


MOBILE = re.compile(r"^1\d{10}$")


def register(*, actor, township_code: str, name: str, phone: str, joined_on: datetime.date) -> Volunteer:
    require_admin(actor, township_code)
    errors: dict = {}
    if level_of(township_code) != TOWNSHIP:
        errors["township"] = [_("请选择志愿者所在的乡镇（街道）。")]
    name = clean_text(name, _("姓名"), 50, errors, "name")
    phone = str(phone or "").strip()
    if not MOBILE.match(phone):
        errors["phone"] = [_("手机号格式不正确：须为 11 位手机号码。")]
    raise_if(errors)
    with transaction.atomic():
        volunteer = Volunteer.objects.create(township_id=township_code, name=name, phone=phone, joined_on=joined_on)
        audit.record(actor=actor, action="commission.volunteer", obj=volunteer, region_code=township_code,
                     object_repr=str(volunteer.pk), after={"township": township_code, "name": mask_name(name),
                                                           "phone": mask_phone(phone)})  # fmt: skip
    return volunteer


def add_task(*, actor, volunteer: Volunteer, kind: str, title: str, on: datetime.date, completed: bool = False,
             reference: str = "") -> VolunteerTask:  # fmt: skip
    require_in_scope(actor, volunteer.township_id)
    require_admin(actor, volunteer.township_id)
    errors: dict = {}
    if kind not in VolunteerTask.Kind.values:
        errors["kind"] = [_("请选择任务类型（反映问题或参加活动）。")]
    title = clean_text(title, _("任务内容"), 200, errors, "title")
    reference = clean_text(reference, _("关联编号"), 40, errors, "reference", required=False)
    raise_if(errors)
    with transaction.atomic():
        task = VolunteerTask.objects.create(volunteer=volunteer, kind=kind, title=title, on=on, completed=completed,
                                            reference=reference)  # fmt: skip
        audit.record(actor=actor, action="commission.volunteer_task", obj=task, region_code=volunteer.township_id,
                     after={"kind": kind, "on": on.isoformat(), "completed": completed})  # fmt: skip
    return task


def counts_by_township(volunteers) -> list[dict]:
    """Per township: volunteers, completed reports and completed activities."""
    rows = (
        volunteers.values("township_id", "township__name").order_by("township_id")
        .annotate(volunteers=Count("pk", distinct=True),
                  reports=Count("tasks", filter=Q(tasks__completed=True, tasks__kind=VolunteerTask.Kind.REPORT)),
                  activities=Count("tasks", filter=Q(tasks__completed=True, tasks__kind=VolunteerTask.Kind.ACTIVITY)))
    )  # fmt: skip
    return list(rows)
