"""Reads of the enterprise duties: an entity's own status, and completion figures for regulators, computed
from the records by region (set-based: a province's million entities and a county's three million daily
records a year are grouped in the database, never walked in Python)."""

import calendar
import datetime
from functools import reduce
from operator import or_

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.baobao.grading import rule_fires
from shian.core import figcache, rules
from shian.core.jurisdiction import get_entity_row, narrow_to, scope_entity_rows, scope_prefix
from shian.core.regioncodes import child_length
from shian.core.rules import most_specific
from shian.entities.models import BusinessType, Entity, KeyPerson, SubType, baobao_grade

from .models import DailyCheck, ListKind, MonthlyMeeting, RiskItem, StaffingPolicy, TrainingRecord, WeeklyReport

TRAINING_HOURS = "duties.training_hours"  # the rule (duties/ruledefs.py)

_PRODUCTION_TYPES = {BusinessType.PRODUCTION, BusinessType.SPECIAL}
_SALES_TYPES = {BusinessType.SALES, BusinessType.MARKET, BusinessType.ONLINE}
MANAGERS = (KeyPerson.Role.PRINCIPAL, KeyPerson.Role.SAFETY_DIRECTOR, KeyPerson.Role.SAFETY_OFFICER)


def list_kind_for(entity: Entity) -> str:
    if entity.business_type in _PRODUCTION_TYPES or entity.sub_type == SubType.SMALL_WORKSHOP:
        return ListKind.PRODUCTION
    if entity.business_type in _SALES_TYPES or entity.sub_type == SubType.STALL:
        return ListKind.SALES
    return ListKind.CATERING


def risk_list(entity: Entity) -> QuerySet[RiskItem]:
    """The province defaults for the entity's kind, then its own lines."""
    return RiskItem.objects.filter(Q(kind=list_kind_for(entity), entity__isnull=True) | Q(entity=entity)).order_by(
        F("entity_id").asc(nulls_first=True), "position"
    )


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_summary(*, entity: Entity, week: datetime.date) -> dict:
    """What the week's daily records say, to prefill (and fix the counts of) the weekly report."""
    checks = DailyCheck.objects.filter(entity=entity, day__gte=week, day__lt=week + datetime.timedelta(days=7))
    issues = [f"{c.day:%m-%d} {i['area']}：{i['issue']}" for c in checks.order_by("day") for i in c.issues]
    return {"days_checked": checks.count(), "issues_found": len(issues), "issues": issues}


def own_entity(*, user) -> Entity | None:
    """The entity an enterprise account keeps records for."""
    return user.entity if user.is_authenticated and user.role == Role.ENTERPRISE and user.entity_id else None


def entity_get(*, user, pk: int) -> Entity:
    return get_entity_row(Entity.objects.select_related("region"), user, entity_field="pk", pk=pk)


def entity_status(*, entity: Entity, today: datetime.date | None = None) -> dict:
    """An entity's duties at a glance: today, the last 30 days, this week and month, staffing and training."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=29)
    daily = DailyCheck.objects.filter(entity=entity, day__gte=since, day__lte=today)
    week, month = monday(today), today.replace(day=1)
    people = KeyPerson.objects.filter(entity=entity, role__in=MANAGERS)
    policy = staffing_policy(entity.region_id)
    hours = _training_hours(people, today.year)
    return {
        "today": daily.filter(day=today).first(),
        "days_30": daily.count(),
        "issues_30": sum(len(c.issues) for c in daily.exclude(all_clear=True)),
        "weekly": WeeklyReport.objects.filter(entity=entity, week=week).first(),
        "last_week": WeeklyReport.objects.filter(entity=entity, week=week - datetime.timedelta(days=7)).exists(),
        "monthly": MonthlyMeeting.objects.filter(entity=entity, month=month).first(),
        "needs_director": needs_director(entity, policy),
        "has_director": people.filter(role=KeyPerson.Role.SAFETY_DIRECTOR).exists(),
        "has_officer": people.filter(role__in=MANAGERS[1:]).exists(),
        "training": [(p, hours.get(p.pk, 0)) for p in people],
        "training_hours": rules.value(TRAINING_HOURS, entity.region_id, today),
    }


def _training_hours(people, year: int) -> dict[int, float]:
    rows = TrainingRecord.objects.filter(person__in=people, day__year=year).values("person_id").annotate(h=Sum("hours"))
    return {row["person_id"]: float(row["h"]) for row in rows}


# -- staffing -------------------------------------------------------------------------------------------------


def staffing_policy(region_code: str) -> StaffingPolicy | None:
    return most_specific(StaffingPolicy.objects.all(), region_code)


def rule_q(rule: dict) -> Q:
    """A director rule (the 包保 grading rule shape) as a filter, so a province is checked in one query."""
    q = Q()
    for key, field in (
        ("sub_types", "sub_type__in"),
        ("business_types", "business_type__in"),
        ("sales_bands", "sales_band__in"),
    ):
        if key in rule:
            q &= Q(**{field: rule[key]})
    if "min_diners" in rule:
        q &= Q(diners__gte=rule["min_diners"])
    return q


def needs_director(entity: Entity, policy: StaffingPolicy | None) -> list[str]:
    """The labels of the rules that require this entity to have a food-safety director."""
    values = {f: getattr(entity, f) for f in ("sub_type", "business_type", "sales_band", "diners", "floor_area")}
    return [rule["label"] for rule in (policy.director_rules if policy else []) if rule_fires(rule, values)]


def _entities(user, region_code: str | None) -> QuerySet[Entity]:
    qs = scope_entity_rows(Entity.objects.filter(status=Entity.Status.OPERATING), user, entity_field="pk")
    return narrow_to(qs, region_code)


def missing_director(*, user, region_code: str | None) -> QuerySet[Entity]:
    """Entities the policy says need a director, with none registered (rules of the region's policy)."""
    policy = staffing_policy(region_code or getattr(user, "region_id", "") or "")
    if policy is None or not policy.director_rules:
        return Entity.objects.none()
    required = reduce(or_, (rule_q(rule) for rule in policy.director_rules))
    directors = KeyPerson.objects.filter(entity=OuterRef("pk"), role=KeyPerson.Role.SAFETY_DIRECTOR)
    return _entities(user, region_code).filter(required).exclude(Exists(directors)).select_related("region")


def missing_officer(*, user, region_code: str | None) -> QuerySet[Entity]:
    """Entities with neither a director nor an officer registered (every entity needs at least an officer)."""
    staff = KeyPerson.objects.filter(entity=OuterRef("pk"), role__in=MANAGERS[1:])
    return _entities(user, region_code).exclude(Exists(staff)).select_related("region")


def undertrained(*, user, region_code: str | None, year: int, hours: int | None = None) -> QuerySet[KeyPerson]:
    """Principals, directors and officers below the yearly training hours (the rule in force in each one's
    region, unless `hours` is given)."""
    people = KeyPerson.objects.filter(role__in=MANAGERS, entity__in=_entities(user, region_code).values("pk"))
    within = region_code or getattr(user, "region_id", "") or ""
    if hours is None:
        hours = rules.by_region(TRAINING_HOURS, "entity__region", within=within)
    return (
        people.annotate(h=Sum("trainings__hours", filter=Q(trainings__day__year=year)))
        .filter(Q(h__lt=hours) | Q(h__isnull=True))
        .select_related("entity")
        .order_by("entity__region_id", "entity_id", "role")
    )


# -- completion -----------------------------------------------------------------------------------------------


def month_bounds(month: datetime.date, today: datetime.date) -> tuple[datetime.date, datetime.date, list]:
    """First day, last day counted (today in the current month) and the Mondays of weeks begun so far."""
    start = month.replace(day=1)
    end = min(start.replace(day=calendar.monthrange(start.year, start.month)[1]), today)
    mondays = [
        d for d in (start + datetime.timedelta(days=n) for n in range((end - start).days + 1)) if d.weekday() == 0
    ]
    return start, end, mondays


COMPLETION_BY = ("area", "grade", "type")


def completion(
    *, user, region_code: str | None, month: datetime.date, by: str = "area", today: datetime.date | None = None
) -> dict:
    """Completion of the three duties for a month, per area below the region (or per grade, or per type):
    daily = records / (entities × days counted), weekly = reports / (entities × weeks begun), monthly =
    minutes / entities operating now. Per area needs no join: records carry their region, and a month of a
    county (some 240,000 daily records) is grouped straight from the (day, region) index. Records of a
    business that closed during the month still count."""
    return completions(user=user, region_code=region_code, month=month, by=(by,), today=today)[by]


def completions(
    *, user, region_code: str | None, month: datetime.date, by=COMPLETION_BY, today: datetime.date | None = None
) -> dict[str, dict]:
    """`completion` for several groupings at once ({by: figures}): each table (entities, daily, weekly and
    monthly records) is read once, grouped by every requested key together, and added up per grouping in Python
    (a county is a few hundred groups), instead of once per grouping."""
    today = today or timezone.localdate()
    start, end, mondays = month_bounds(month, today)
    days = max((end - start).days + 1, 0)
    length = child_length(region_code)
    keys = {
        "area": (Substr("region_id", 1, length), Substr("region_id", 1, length)),
        "grade": (baobao_grade(), baobao_grade("entity__")),
        "type": (F("business_type"), F("entity__business_type")),
    }
    wanted = {b: keys[b] for b in by}

    def grouped(qs, side: int) -> dict[str, dict]:
        """{by: {key: n}} from one grouped query over every wanted key."""
        names = {b: f"k_{b}" for b in wanted}
        rows = qs.annotate(**{names[b]: k[side] for b, k in wanted.items()}).values(*names.values())
        out: dict[str, dict] = {b: {} for b in wanted}
        for r in rows.annotate(n=Count("pk")).order_by():
            for b, name in names.items():
                key = r[name] or ""
                out[b][key] = out[b].get(key, 0) + r["n"]
        return out

    def records(model, **period):
        return grouped(narrow_to(scope_entity_rows(model.objects.filter(**period), user), region_code), 1)

    counts = {
        "entities": grouped(_entities(user, region_code), 0),
        "daily": records(DailyCheck, day__gte=start, day__lte=end),
        "weekly": records(WeeklyReport, week__in=mondays),
        "monthly": records(MonthlyMeeting, month=start),
    }
    weeks = len(mondays)
    out = {}
    for b in wanted:
        rows = [
            _rates(
                key,
                entities=n,
                **{s: counts[s][b].get(key, 0) for s in ("daily", "weekly", "monthly")},
                days=days,
                weeks=weeks,
            )
            for key, n in sorted(counts["entities"][b].items())
        ]
        total = _rates("", **{s: sum(c[b].values()) for s, c in counts.items()}, days=days, weeks=weeks)
        out[b] = {"month": start, "end": end, "days": days, "weeks": weeks, "total": total, "rows": rows}
    return out


def oversight_figures(
    *, user, region_code: str | None, month: datetime.date, today: datetime.date | None = None
) -> tuple[dict, datetime.datetime, bool]:
    """The oversight page's figures: `completions` of the month ("completion"), the entities behind in it
    ("behind": (pk, daily, weekly, monthly) in `gaps` order) and the staffing gaps counted ("no_director",
    "no_officer", "undertrained" this year), with the time they were counted and whether that was a little
    earlier: they are kept a short while in the shared figures cache (core.figcache), which any audited write in
    the county drops."""
    today = today or timezone.localdate()
    scope = scope_prefix(user)

    def count() -> dict:
        return {
            "completion": completions(user=user, region_code=region_code, month=month, today=today),
            "behind": list(
                gaps(user=user, region_code=region_code, month=month, today=today).values_list(
                    "pk", "daily", "weekly", "monthly"
                )
            ),
            "no_director": missing_director(user=user, region_code=region_code).count(),
            "no_officer": missing_officer(user=user, region_code=region_code).count(),
            "undertrained": undertrained(user=user, region_code=region_code, year=today.year).count(),
        }

    return figcache.remember(
        kind="duties.oversight", code=region_code or scope or "",
        key=(scope, region_code or "", getattr(user, "entity_id", None) or "", month, today), compute=count,
    )  # fmt: skip


def _rates(key, entities: int, daily: int, weekly: int, monthly: int, days: int, weeks: int) -> dict:
    def pct(done, due):
        return round(100 * done / due, 1) if due else None

    return {
        "key": key, "entities": entities, "daily": daily, "weekly": weekly, "monthly": monthly,
        "daily_rate": pct(daily, entities * days), "weekly_rate": pct(weekly, entities * weeks),
        "monthly_rate": pct(monthly, entities),
    }  # fmt: skip


def gaps(*, user, region_code: str | None, month: datetime.date, today: datetime.date | None = None):
    """Entities behind in the month: daily records on fewer than 80 % of days, or a week or the month without
    its report, worst first."""
    today = today or timezone.localdate()
    start, end, mondays = month_bounds(month, today)
    days = (end - start).days + 1
    behind = Q(daily__lt=0.8 * days) | Q(weekly__lt=len(mondays))
    if end.day >= 25 or end < today:  # the month's meeting is due from the 25th, and overdue once it ends
        behind |= Q(monthly__lt=1)
    return (
        _entities(user, region_code)
        .annotate(
            daily=_count_sub(DailyCheck, day__gte=start, day__lte=end),
            weekly=_count_sub(WeeklyReport, week__in=mondays),
            monthly=_count_sub(MonthlyMeeting, month=start),
        )
        .filter(behind)
        .select_related("region")
        .order_by("daily", "weekly", "region_id", "pk")
    )


def gaps_page(*, user, region_code: str | None, rows: list[tuple], number, per_page: int = 30) -> Page:
    """One page of the entities behind, from `rows` as `oversight_figures` lists them: the page's entities
    read by id, each with its counts (daily, weekly, monthly) as `gaps` annotates them."""
    page = Paginator(rows, per_page).get_page(number)
    found = _entities(user, region_code).select_related("region").in_bulk([row[0] for row in page.object_list])
    entities = []
    for pk, daily, weekly, monthly in page.object_list:
        if pk in found:
            entity = found[pk]
            entity.daily, entity.weekly, entity.monthly = daily, weekly, monthly
            entities.append(entity)
    page.object_list = entities
    return page


def _count_sub(model, **period):
    rows = model.objects.filter(entity=OuterRef("pk"), **period).values("entity").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


# -- reminders ------------------------------------------------------------------------------------------------


def entities_missing(*, kind: str, today: datetime.date) -> QuerySet[Entity]:
    """Operating entities with an active enterprise account and no record yet for the period containing today."""
    period = {
        "daily": DailyCheck.objects.filter(entity=OuterRef("pk"), day=today),
        "weekly": WeeklyReport.objects.filter(entity=OuterRef("pk"), week=monday(today)),
        "monthly": MonthlyMeeting.objects.filter(entity=OuterRef("pk"), month=today.replace(day=1)),
    }[kind]
    accounts = User.objects.filter(entity=OuterRef("pk"), role=Role.ENTERPRISE, is_active=True)
    return Entity.objects.filter(status=Entity.Status.OPERATING).filter(Exists(accounts)).exclude(Exists(period))


# -- records --------------------------------------------------------------------------------------------------


def record_list(*, user, model, entity_id: int | None = None, region_code: str | None = None) -> QuerySet:
    qs = narrow_to(scope_entity_rows(model.objects.all(), user), region_code)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return qs.select_related("entity")


def record_get(*, user, model, pk: int):
    return get_entity_row(model.objects.select_related("entity", "entity__region"), user, pk=pk)
