"""Enterprise self-management figures for the dashboard: this week's daily checks (日管控) against the days due,
weekly reports (周排查) per week and month, and the staffing and yearly training of the enterprises' food-safety
people (S1 53, 72: the evaluation's indicator duties.*, docs/evaluation.md §6)."""

import datetime

from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _

from shian.core import rules
from shian.core.jurisdiction import narrow_to
from shian.core.kpis import Kpi, Provider, Series, absorb, merge, periodic, ratio, records_url, register
from shian.core.periods import day_end
from shian.entities.models import Entity, KeyPerson

from .models import DailyCheck, TrainingRecord, WeeklyReport
from .ruledefs import TRAINING_HOURS

STAFF = (KeyPerson.Role.SAFETY_DIRECTOR, KeyPerson.Role.SAFETY_OFFICER)  # every entity needs at least one of them
TRAINED = (KeyPerson.Role.PRINCIPAL, *STAFF)  # who owes the yearly training hours (rule duties.training_hours)


def count(*, prefix: str, grouping, as_of: datetime.date, series: bool = False) -> dict:
    """Daily checks recorded from Monday to `as_of` by entities operating and registered by then, against
    those entities × days counted."""
    monday = as_of - datetime.timedelta(days=as_of.weekday())
    days = (as_of - monday).days + 1
    entities = narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING, created_at__lt=day_end(as_of)), prefix)
    # through the entities, not the (day, region) index: a week of a province is millions of index entries, the
    # region's entities a few thousand lookups on (entity, day)
    checks = DailyCheck.objects.filter(entity__in=entities.values("pk"), day__gte=monday, day__lte=as_of)
    out: dict = {}
    operating = grouping.count(entities, "region_id", "pk")
    merge(out, {k: n * days for k, n in operating.items()}, "dc_due")
    merge(out, grouping.count(checks, "region_id", "entity_id"), "dc_done")
    merge(out, operating, "staff_due")
    staffed = entities.filter(Exists(KeyPerson.objects.filter(entity=OuterRef("pk"), role__in=STAFF)))
    merge(out, grouping.count(staffed, "region_id", "pk"), "staff_ok")
    people = KeyPerson.objects.filter(role__in=TRAINED, entity__in=entities.values("pk"))
    merge(out, grouping.count(people, "entity__region_id", "entity_id"), "train_due")
    # the year's hours per person in one grouped pass over the region's training records (not a subquery per
    # person: a province has millions), against the rule in force in the record's region
    owed = rules.by_region(TRAINING_HOURS.code, "region", within=prefix, on=as_of)
    year = narrow_to(TrainingRecord.objects.filter(day__gte=as_of.replace(month=1, day=1), day__lte=as_of), prefix)
    enough = year.values("person_id", "region_id").annotate(h=Sum("hours")).filter(h__gte=owed).values("person_id")
    trained = people.filter(pk__in=enough)
    merge(out, grouping.count(trained, "entity__region_id", "entity_id"), "train_ok")
    if series:
        reports = narrow_to(WeeklyReport.objects.all(), prefix)
        absorb(out, periodic(grouping, reports, "region_id", "entity_id", "week", as_of=as_of,
                                     name="reports"))  # fmt: skip
    return out


register(
    Provider(
        key="duties",
        count=count,
        kpis=[
            Kpi(
                "duties.daily_rate", _("本周日管控完成率"), "%", ratio("dc_done", "dc_due"),
                link=lambda code: records_url("duties:oversight", code), better="high",
                doc=_("本周一至统计日，在营主体的日管控记录数 ÷（在营主体数 × 天数）。"),
            ),
            Kpi(
                "duties.staffed_rate", _("食品安全管理人员配备率"), "%", ratio("staff_ok", "staff_due"),
                link=lambda code: records_url("duties:oversight", code), better="high",
                doc=_("在营主体中登记了食品安全总监或食品安全员的比例。"),
            ),
            Kpi(
                "duties.trained_rate", _("年度培训学时达标率"), "%", ratio("train_ok", "train_due"),
                link=lambda code: records_url("duties:oversight", code), better="high",
                doc=_("在营主体的主要负责人、食品安全总监和安全员中，统计日所在年度 1 月 1 日至统计日培训学时"
                      "达到规则 duties.training_hours（默认 40 学时）的比例。"),
            ),
        ],
        series=[Series("reports_w", _("每周周排查报告"), "reports_w", "week"),
                Series("reports_m", _("每月周排查报告"), "reports_m", "month")],
    )
)  # fmt: skip
