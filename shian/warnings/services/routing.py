"""Where a warning goes (docs/warnings.md §2): the station serving the township of its scope, else the county desk;
an overdue step goes one level up (township → county → city)."""

from django.db.models import Q

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.core.regioncodes import CITY, COUNTY, TOWNSHIP, ancestor, level_of
from shian.inspections.models import Station

HANDLERS = ADMIN_ROLES | {Role.STATION_STAFF}


def route(region_code: str) -> tuple[str, Station | None]:
    """(the office's region code, its station or None) for a scope in `region_code`."""
    township = ancestor(region_code, TOWNSHIP)
    if township:
        station = Station.objects.filter(townships=township).order_by("code").first()
        if station is not None:
            return township, station
    return ancestor(region_code, COUNTY) or region_code, None


def above(office_code: str) -> str:
    """The level above an office: a township's county, a county's city ('' above a city)."""
    level = level_of(office_code) or 0
    if level >= TOWNSHIP:
        return ancestor(office_code, COUNTY)
    if level == COUNTY:
        return ancestor(office_code, CITY)
    return ""


def office_users(office_code: str, station_id: int | None = None) -> list:
    """The accounts that handle warnings at an office: its station's inspectors and the station staff and
    administrators whose region is the office."""
    q = Q(region_id=office_code, role__in=HANDLERS)
    if station_id:
        q |= Q(inspection_stations=station_id)
    return list(User.objects.filter(q, is_active=True).distinct())
