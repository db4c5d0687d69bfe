"""What the emergency pages share (docs/emergency.md §5): parsing posted times and dates, the regions a form
offers, the entity search of the forms, and who may write."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from shian.accounts.access import STATION
from shian.complaints.selectors.entities import entity_candidates
from shian.core.jurisdiction import scope_prefix, scope_queryset
from shian.core.regioncodes import COUNTY, TOWNSHIP, level_of
from shian.entities.models import Entity
from shian.regions.models import Region

PER_PAGE = 30


def moment(text: str | None) -> datetime.datetime | None:
    """A time as a datetime-local input gives it, in the server's time zone; None when empty or malformed."""
    try:
        value = parse_datetime((text or "").strip())
    except ValueError:
        return None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def day(text: str | None) -> datetime.date | None:
    try:
        return parse_date((text or "").strip())
    except ValueError:
        return None


def local_input(value: datetime.datetime | None = None) -> str:
    return timezone.localtime(value or timezone.now()).strftime("%Y-%m-%dT%H:%M")


def region_choices(user) -> list[tuple[str, str]]:
    """The user's region and those below it, for a form's region list: down to townships within a county, down
    to counties for a wider jurisdiction (a province has thousands of townships)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    deepest = TOWNSHIP if (level_of(prefix) or 0) >= COUNTY else COUNTY
    rows = Region.objects.filter(code__startswith=prefix, level__lte=deepest).order_by("code")
    return [(code, f"{name}（{code}）") for code, name in rows.values_list("code", "name")]


def finding(request) -> bool:
    """Whether the form was posted by its '查找主体' button (search, do not save)."""
    return request.method == "POST" and request.POST.get("action") == "find"


def entity_search(request) -> dict:
    """The entity part of an incident or opinion form's context: on '查找主体', the entities the typed name, USCC
    and address may mean inside the user's jurisdiction (the complaints intake's matcher,
    shian.complaints.selectors.entities), the matcher's pick first, for the clerk to confirm one; else the entity
    already chosen (posted, or `?entity=ID` from the entity's page)."""
    post = request.POST
    if not finding(request):
        return {"searched": False, "candidates": [], "entity": entity_named(request)}
    candidates = entity_candidates(user=request.user, name=post.get("entity_name", ""),
                                   uscc=post.get("entity_uscc", ""), address=post.get("entity_address", ""))  # fmt: skip
    return {"searched": True, "candidates": candidates, "entity": None}


def entity_named(request):
    """The entity a form was opened for (`?entity=ID`, e.g. from the entity's page), inside the user's reach."""
    pk = request.POST.get("entity") or request.GET.get("entity") or ""
    return scope_queryset(Entity.objects.all(), request.user).filter(pk=pk).first() if str(pk).isdigit() else None


def can_write(user) -> bool:
    return user.is_superuser or user.role in STATION
