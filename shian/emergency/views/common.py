"""What the emergency pages share (docs/emergency.md §5): parsing posted times and dates, the regions a form
offers, and who may write."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from shian.accounts.access import STATION
from shian.core.jurisdiction import scope_prefix, scope_queryset
from shian.core.regioncodes import TOWNSHIP, level_of
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
    """The user's region and those below it down to townships, for a form's region list."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    rows = Region.objects.filter(code__startswith=prefix).order_by("code").values_list("code", "name")
    return [(code, f"{name}（{code}）") for code, name in rows if (level_of(code) or 0) <= TOWNSHIP]


def entity_named(request):
    """The entity a form was opened for (`?entity=ID`, e.g. from the entity's page), inside the user's reach."""
    pk = request.POST.get("entity") or request.GET.get("entity") or ""
    return scope_queryset(Entity.objects.all(), request.user).filter(pk=pk).first() if str(pk).isdigit() else None


def can_write(user) -> bool:
    return user.is_superuser or user.role in STATION
