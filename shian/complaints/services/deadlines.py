"""The complaints checker of the statutory clock (shian.core.deadlinechecks, run by `check_deadlines` and its
daily job; docs/complaints.md §4): every item whose open step is past its due instant is marked overdue once
(`overdue_at`; audit entries `complaint.overdue`, one per office and batch of items) and its office is told, one message per office; one
still open `complaints.escalate_after` working days after its due day is escalated once to the county's
administrators (`escalated_at`, `complaint.escalated`). Set-based: a few queries and bulk updates per run, so a
second run at the same instant finds nothing new."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role, User
from shian.core import context, figcache, rules
from shian.core.bulk import chunked, insert_many
from shian.core.deadlinechecks import Counts
from shian.core.models import AuditEntry
from shian.core.regioncodes import COUNTY, ancestor
from shian.core.services import notify
from shian.core.workdays import add_working_days
from shian.inspections.models import Station

from ..models import Complaint
from ..ruledefs import ESCALATE

BATCH = 1000  # items named by one audit entry


def _entries(rows, action: str, now: datetime.datetime) -> None:
    """One audit entry per office and up to BATCH items (as a bulk import records its batch: docs/architecture.md
    §3.2): which items, their due instants, when marked. The item itself carries the mark (`overdue_at`,
    `escalated_at`)."""
    by_region: dict[str, list] = defaultdict(list)
    for pk, number, region, due in rows:
        by_region[region].append((pk, number, due))
    ip, request_id = context.client_ip.get(), context.request_id.get()
    entries = [
        AuditEntry(actor=None, actor_name="system", action=action, object_type="complaints.complaint",
                   object_id="", object_repr=f"{part[0][1]} 等 {len(part)} 件", region_code=region, before=None,
                   after={"at": now.isoformat(), "items": [{"id": pk, "number": number, "due": due.isoformat()}
                                                           for pk, number, due in part]},
                   request_id=request_id, ip=ip)
        for region, items in sorted(by_region.items()) for part in chunked(items, BATCH)
    ]  # fmt: skip
    insert_many(AuditEntry, entries)
    figcache.invalidate_many(by_region)  # a bulk insert sends no post_save: the figures of each office's county


def _station_staff(station_ids) -> dict[int, list[User]]:
    out: dict[int, list[User]] = defaultdict(list)
    through = Station.inspectors.through.objects.filter(station_id__in=station_ids, user__is_active=True)
    for row in through.select_related("user"):
        out[row.station_id].append(row.user)
    return out


def _county_admins(counties) -> dict[str, list[User]]:
    out: dict[str, list[User]] = defaultdict(list)
    for user in User.objects.filter(role=Role.COUNTY_ADMIN, region_id__in=counties, is_active=True):
        out[user.region_id].append(user)
    return out


def _cutoff(county: str, today: datetime.date) -> datetime.date:
    """The latest due day whose escalation day (`complaints.escalate_after` WD later) is already past."""
    n = rules.value(ESCALATE.code, county, today)
    day = today - datetime.timedelta(days=1)
    while add_working_days(day, n) >= today:
        day -= datetime.timedelta(days=1)
    return day


def _tell(groups: dict, recipients, kind: str, text: str, url_suffix: str) -> None:
    for key, numbers in groups.items():
        users = recipients(key)
        if users:
            notify(users=users, text=text % {"n": len(numbers), "first": numbers[0]}, kind=kind, group=str(key),
                   url=reverse("complaints:list") + url_suffix, group_url=reverse("complaints:list") + url_suffix,
                   group_text=text.split("：")[0])  # fmt: skip


def check(now: datetime.datetime) -> Counts:
    """The checker registered as `complaints` (see the module docstring)."""
    open_items = Complaint.objects.filter(due_at__isnull=False)
    checked = open_items.count()
    with transaction.atomic():
        fresh = list(
            open_items.filter(due_at__lt=now, overdue_at__isnull=True)
            .values_list("pk", "number", "region_id", "due_at", "station_id").order_by("pk")
        )  # fmt: skip
        for chunk in chunked([row[0] for row in fresh], 5000):
            Complaint.objects.filter(pk__in=chunk).update(overdue_at=now)
        _entries([row[:4] for row in fresh], "complaint.overdue", now)
        by_station, by_county = defaultdict(list), defaultdict(list)
        for _pk, number, region, _due, station in fresh:
            if station:
                by_station[station].append(number)
            else:
                by_county[ancestor(region, COUNTY) or region].append(number)
        staff = _station_staff(list(by_station))
        admins = _county_admins(list(by_county))
        text = _("投诉举报逾期：%(n)d 件已超过办理期限（如 %(first)s），请尽快办理。")
        _tell(by_station, lambda k: staff.get(k, []), "complaint.overdue", text, "?overdue=1")
        _tell(by_county, lambda k: admins.get(k, []), "complaint.overdue", text, "?overdue=1")

        today = timezone.localdate(now)
        candidates = open_items.filter(overdue_at__isnull=False, escalated_at__isnull=True, due_at__lt=now)
        regions = candidates.order_by().values_list("region_id", flat=True).distinct()
        counties = {ancestor(code, COUNTY) or code for code in regions}
        escalated = []
        for county in sorted(counties):
            cut = _cutoff(county, today)
            limit = timezone.make_aware(datetime.datetime.combine(cut, datetime.time.max))
            escalated += list(
                candidates.filter(region_id__gte=county, region_id__lte=county.ljust(12, "9"), due_at__lte=limit)
                .values_list("pk", "number", "region_id", "due_at").order_by("pk")
            )  # fmt: skip
        for chunk in chunked([row[0] for row in escalated], 5000):
            Complaint.objects.filter(pk__in=chunk).update(escalated_at=now)
        _entries(escalated, "complaint.escalated", now)
        up = defaultdict(list)
        for _pk, number, region, _due in escalated:
            up[ancestor(region, COUNTY) or region].append(number)
        county_admins = _county_admins(list(up))
        text = _("投诉举报逾期上报：%(n)d 件逾期仍未办结（如 %(first)s），请督办。")
        _tell(up, lambda k: county_admins.get(k, []), "complaint.escalated", text, "?overdue=1")
    return Counts(checked=checked, overdue=len(fresh), escalated=len(escalated))
