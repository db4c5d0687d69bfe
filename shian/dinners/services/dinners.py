"""Reporting a rural collective dinner (docs/dinners.md §1, §2): a village's dinner with a registered chef (a report
without one is refused), graded by its number of diners under the rules in force in the village, and, from the
guidance threshold on, a guidance task for the grid worker of the village's grid (or the station's staff)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core import audit, rules
from shian.core.jurisdiction import require_in_scope
from shian.core.regioncodes import COUNTY, VILLAGE, level_of, prefixes
from shian.core.services import notify
from shian.entities.validators import validate_phone
from shian.regions.models import Grid, Region

from ..models import Chef, Dinner, Grade, GuidanceTask
from ..ruledefs import GUIDANCE_DINERS, KEY_DINERS

# Who reports a dinner for its host: the village's grid worker or cadre, the station, administrators.
REPORTERS = ADMIN_ROLES | {Role.STATION_STAFF, Role.GRID_WORKER, Role.CADRE}
MAX_DINERS = 100_000  # a bound on input, not a rule: no village dinner comes near it
AUDITED = ["region_id", "place", "held_on", "host_name", "diners", "tables", "chef_id", "insured", "insurer",
           "policy_number", "grade"]  # fmt: skip


def can_report(user) -> bool:
    return user.is_superuser or user.role in REPORTERS


def grade_of(diners: int, region_code: str, on: datetime.date | None = None) -> tuple[str, dict]:
    """The guidance grade `diners` reaches under the thresholds in force in the region on the day, with the two
    rules as the record keeps them."""
    guided = rules.rule(GUIDANCE_DINERS.code, region_code, on)
    key = rules.rule(KEY_DINERS.code, region_code, on)
    snap = {"guidance": guided.snapshot(), "key": key.snapshot()}
    if diners >= key.value:
        return Grade.KEY, snap
    if diners >= guided.value:
        return Grade.GUIDED, snap
    return Grade.FILED, snap


def assignee_for(village_code: str) -> User | None:
    """Who guides a dinner in the village: the worker of the village's grid (the first grid by code), else the
    station staff sitting nearest above the village (township before county)."""
    grid = (
        Grid.objects.filter(region_id=village_code, worker__isnull=False, worker__is_active=True)
        .select_related("worker").order_by("code").first()
    )  # fmt: skip
    if grid is not None:
        return grid.worker
    for code in reversed(prefixes(village_code)):
        staff = User.objects.filter(role=Role.STATION_STAFF, is_active=True, region_id=code).order_by("pk").first()
        if staff is not None:
            return staff
    return None


def _count(value, field: str, label: str, errors: dict, *, minimum: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        errors[field] = [_("%(f)s应为整数。") % {"f": label}]
        return 0
    if not minimum <= n <= MAX_DINERS:
        errors[field] = [_("%(f)s应在 %(a)d 到 %(b)d 之间。") % {"f": label, "a": minimum, "b": MAX_DINERS}]
    return n


def _text(value, field: str, label: str, limit: int, errors: dict, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("请填写%(f)s。") % {"f": label}]
    elif len(text) > limit:
        errors[field] = [_("%(f)s不能超过 %(n)d 字。") % {"f": label, "n": limit}]
    return text


def _village(actor, region_code: str, errors: dict) -> Region | None:
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        errors["region_code"] = [_("请选择聚餐所在的村（社区）。") if not region_code
                                 else _("区划“%(c)s”不存在。") % {"c": region_code}]  # fmt: skip
        return None
    require_in_scope(actor, region.code)
    if level_of(region.code) != VILLAGE:
        errors["region_code"] = [_("聚餐地点须选到村（社区）一级：“%(n)s”不是村（社区）。") % {"n": region.name}]
    return region


def _chef(chef_id, region: Region | None, held_on, errors: dict) -> Chef | None:
    if chef_id in (None, ""):
        errors["chef_id"] = [_("未填写厨师：农村集体聚餐须由流动厨师名录中登记在册的厨师掌勺，请先登记厨师再报告。")]
        return None
    chef = Chef.objects.filter(pk=chef_id, active=True).first() if str(chef_id).isdigit() else None
    registries = [code for code in prefixes(region.code) if level_of(code) >= COUNTY] if region else []
    if chef is None or (region is not None and chef.region_id not in registries):
        errors["chef_id"] = [_("厨师不在本县（或本乡镇、本村）流动厨师名录中，请先登记。")]
        return None
    if isinstance(held_on, datetime.date) and chef.cert_expires_on < held_on:
        errors["chef_id"] = [_("厨师 %(n)s 的健康证明有效期至 %(d)s，聚餐当天已过期，须换证后再掌勺。") % {
            "n": chef.name, "d": chef.cert_expires_on}]  # fmt: skip
    return chef


def report_dinner(*, actor, region_code: str = "", place: str = "", held_on=None, occasion: str = "",
                  host_name: str = "", host_phone: str = "", diners=None, tables=0, chef_id=None, menu: str = "",
                  sources: str = "", insured: bool = False, insurer: str = "", policy_number: str = "") -> Dinner:  # fmt: skip
    """Record a dinner reported for its host. Nothing is written when anything is wrong; every fault is named."""
    if not can_report(actor):
        raise PermissionDenied(_("只有网格员、包保干部、市场监管所人员和管理员可以报告农村集体聚餐。"))
    errors: dict = {}
    region = _village(actor, region_code, errors)
    place = _text(place, "place", _("举办地点"), 200, errors)
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = [_("请填写聚餐日期（如 2026-12-31）。")]
    occasion = _text(occasion, "occasion", _("事由"), 50, errors, required=False)
    host_name = _text(host_name, "host_name", _("举办者姓名"), 50, errors)
    host_phone = str(host_phone or "").strip()
    if host_phone:
        try:
            host_phone = validate_phone(host_phone)
        except ValidationError as exc:
            errors["host_phone"] = exc.messages
    diners = _count(diners, "diners", _("就餐人数"), errors, minimum=1)
    tables = _count(tables or 0, "tables", _("桌数"), errors, minimum=0)
    chef = _chef(chef_id, region, held_on, errors)
    menu = _text(menu, "menu", _("菜单"), 2000, errors)
    sources = _text(sources, "sources", _("食材来源"), 2000, errors)
    insurer = _text(insurer, "insurer", _("保险机构"), 100, errors, required=bool(insured))
    policy_number = _text(policy_number, "policy_number", _("保单号"), 50, errors, required=bool(insured))
    if errors:
        raise ValidationError(errors)
    grade, snap = grade_of(diners, region.code, held_on)
    with transaction.atomic():
        dinner = Dinner.objects.create(
            region=region, place=place, held_on=held_on, occasion=occasion, host_name=host_name,
            host_phone=host_phone, diners=diners, tables=tables, chef=chef, menu=menu, sources=sources,
            insured=bool(insured), insurer=insurer if insured else "",
            policy_number=policy_number if insured else "", grade=grade, grade_rules=snap, reported_by=actor,
        )  # fmt: skip
        audit.record(actor=actor, action="dinners.report", obj=dinner, region_code=region.code,
                     after=audit.snapshot(dinner, AUDITED))  # fmt: skip
        if grade != Grade.FILED:
            _open_task(dinner)
    return dinner


def _open_task(dinner: Dinner) -> GuidanceTask:
    assignee = assignee_for(dinner.region_id)
    task = GuidanceTask.objects.create(dinner=dinner, region_id=dinner.region_id, assignee=assignee)
    if assignee is not None:
        notify(users=[assignee], url=reverse("dinners:task_form", args=[task.pk]), kind="dinners.task",
               text=_("%(d)s %(p)s 农村集体聚餐（%(n)d 人，%(g)s），请到场指导并填写检查表。") % {
                   "d": dinner.held_on, "p": dinner.place, "n": dinner.diners, "g": dinner.get_grade_display()},
               group=dinner.region_id, group_text=_("%(n)d 场聚餐待指导"),
               group_url=reverse("dinners:task_list"))  # fmt: skip
    return task
