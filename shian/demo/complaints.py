"""Demo complaints and reports (docs/complaints.md): a year of items in the demo county from the 12315 platform,
the 12345 hotline, the county's own hotline and the public form, about the county's businesses (and a few shops
nobody could match, left at the county desk), with realistic facts: most complaints accepted within days and
mediated, a few refused; reports decided (some after an approved extension) and their named informants told; some
routed to the wrong township and transferred on; some duplicates linked; a few still open past their deadline.

`load_complaints(county=, seed=, today=)` returns what it made; {} when the county already has items or has no
市场监管所 yet (run it after `load_inspections`). Seeded: the same seed makes the same year."""

import datetime
import random
from collections import Counter

from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.complaints.models import Complaint, Transfer
from shian.complaints.ruledefs import EXTENSION, MEDIATION, NOTIFY
from shian.complaints.services.intake import Clock, build, clean, create_items, start_clock
from shian.complaints.services.routing import Routing
from shian.complaints.testing import platform_rows
from shian.core import audit
from shian.core.regioncodes import TOWNSHIP
from shian.core.workdays import add_working_days
from shian.entities.models import Entity
from shian.inspections.models import Station
from shian.regions.models import Region

ITEMS_PER_THOUSAND_ENTITIES = 120  # a county of 5,000 businesses gets about 600 items a year
CHANNELS = [(Complaint.Channel.P12315, 55), (Complaint.Channel.P12345, 20), (Complaint.Channel.HOTLINE, 15),
            (Complaint.Channel.PORTAL, 10)]  # fmt: skip
REFUSE_REASONS = ["不属于本部门职责范围，已告知投诉人向有关部门反映。", "投诉人无法提供购物凭证等证据。",
                  "双方已自行和解，投诉人撤回。"]  # fmt: skip
RESULTS = [
    "经调解，商家退还货款并赔偿。",
    "经调解，商家同意退货退款，投诉人表示满意。",
    "双方分歧较大，调解不成，已告知投诉人可依法起诉。",
]
CHECKS = ["经现场检查，发现后厨卫生不达标，已立案调查。", "经核查，举报情况不属实。", "经核查，部分属实，已责令整改。"]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def load_complaints(*, county: Region, seed: int, today: datetime.date) -> dict[str, int]:
    """A year of complaints and reports in `county` (see the module docstring)."""
    prefix = county.code
    if Complaint.objects.filter(region_id__gte=prefix, region_id__lte=prefix.ljust(12, "9")).exists():
        return {}
    if not Station.objects.filter(region=county).exists():
        return {}
    with transaction.atomic():
        return _Loader(county, seed, today).run()


class _Loader:
    def __init__(self, county: Region, seed: int, today: datetime.date):
        self.county, self.today = county, today
        self.rng = random.Random(f"{seed}:complaints:{county.code}")
        self.counts: Counter = Counter()
        self.now = min(timezone.now(), _at(today, 17))

    def run(self) -> dict[str, int]:
        code = self.county.code
        entities = list(
            Entity.objects.filter(region_id__gte=code, region_id__lte=code.ljust(12, "9"))
            .exclude(status=Entity.Status.DEREGISTERED).order_by("pk").values("name", "uscc", "address")
        )  # fmt: skip
        if not entities:
            return {}
        n = max(60, len(entities) * ITEMS_PER_THOUSAND_ENTITIES // 1000)
        rows = platform_rows(n, entities=self.rng.sample(entities, min(len(entities), 3000)), seed=self.rng.random(),
                             today=self.today, unknown_share=0.06, days=365, prefix="DEMO")  # fmt: skip
        # a few repeats: the same complaint sent again a few days later through another channel
        for row in self.rng.sample(rows, n // 40):
            again = dict(row, source_number=row["source_number"] + "R",
                         received_at=min(self.today, row["received_at"] + datetime.timedelta(days=self.rng.randint(1, 6))))  # fmt: skip
            rows.append(again)
        routing = Routing(within=code)
        labels = {str(label): value for value, label in Complaint._meta.get_field("category").choices}
        cleaned_rows = []
        for row in rows:
            values = dict(row, kind="report" if row["kind"] == "举报" else "complaint",
                          category=labels.get(row["category"], "other"),
                          channel=self.rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0],
                          received_at=_at(row["received_at"], self.rng.randint(8, 17)),
                          anonymous=row["kind"] == "举报" and not row["phone"])  # fmt: skip
            if values["received_at"] > self.now:
                values["received_at"] = self.now - datetime.timedelta(hours=1)
            cleaned, errors = clean(values, now=self.now)
            if not errors:
                cleaned_rows.append(cleaned)
        routing.prepare(cleaned_rows)
        items = []
        for cleaned in cleaned_rows:
            route = routing.route(entity_name=cleaned["entity_name"], entity_uscc=cleaned["entity_uscc"],
                                  entity_address=cleaned["entity_address"])  # fmt: skip
            items.append(build(cleaned, route))
        self.misroute(items)
        self.transfers: list[Transfer] = []
        self.counts["linked_duplicates"] = create_items(items, actor=None, action="demo.complaints",
                                                        region_code=code, before_insert=self.progress)  # fmt: skip
        self.counts["items"] = len(items)
        Transfer.objects.bulk_create(self.transfers)
        audit.record(actor=None, action="demo.complaints", object_type="complaints.complaint", region_code=code,
                     after=dict(self.counts))  # fmt: skip
        return dict(self.counts)

    def misroute(self, items: list[Complaint]) -> None:
        """One item in thirty was first sent to a neighbouring township: remember where it should have gone."""
        townships = list(Region.objects.filter(parent=self.county, level=TOWNSHIP).values_list("code", flat=True))
        if len(townships) < 2:
            return
        for item in items:
            if item.station_id and self.rng.random() < 1 / 30:
                item._right = (item.region_id, item.station_id)
                item.region_id = self.rng.choice([t for t in townships if t != item.region_id])
                item.station_id = None

    def progress(self, items: list[Complaint], clock: Clock) -> None:
        """Move each item on as a year of work would have (before the items are written)."""
        rng = self.rng
        approver = User.objects.filter(role=Role.COUNTY_ADMIN, region_id=self.county.code, is_active=True).first()
        sender = approver or User.objects.filter(is_superuser=True).first()
        for item in items:
            if item.status == Complaint.Status.DUPLICATE:
                continue
            right = getattr(item, "_right", None)
            if right is not None and sender is not None:
                sent = item.received_at + datetime.timedelta(hours=rng.randint(3, 30))
                got = sent + datetime.timedelta(hours=rng.randint(2, 40))
                if got < self.now:
                    self.transfers.append(Transfer(complaint=item, from_region_id=item.region_id,
                                                   to_region_id=right[0], reason="经核实，经营地址不在本辖区。",
                                                   sent_by=sender, sent_at=sent, received_by=sender,
                                                   received_at=got))  # fmt: skip
                    item.region_id, item.station_id = right
                    start_clock(item, got, clock)
                    self.counts["transferred"] += 1
            start = item.clock_started_at
            late = rng.random() < 0.04  # a few steps are done late
            stuck = rng.random() < 0.03  # and a few are still waiting past their deadline
            if item.kind == Complaint.Kind.COMPLAINT:
                self.complaint(item, start, late, stuck, clock)
            else:
                self.report(item, start, late, stuck, clock, approver)
        self.counts["overdue"] = sum(1 for i in items if i.due_at is not None and i.due_at < self.now)

    def _done(self, start: datetime.datetime, wd: int) -> datetime.datetime | None:
        day = add_working_days(timezone.localtime(start).date(), wd)
        moment = _at(day, self.rng.randint(9, 17))
        return moment if moment < self.now else None

    def complaint(self, item, start, late, stuck, clock) -> None:
        rng = self.rng
        if stuck:
            return
        at = self._done(start, rng.randint(8, 10) if late else rng.randint(1, 6))
        if at is None:
            return
        if late:
            item.late_steps = ["accept"]
        item.accepted_at = at
        if rng.random() < 0.08:
            item.status, item.refuse_reason, item.closed_at, item.due_at = (
                "refused",
                rng.choice(REFUSE_REASONS),
                at,
                None,
            )
            self.counts["refused"] += 1
            return
        item.status = "accepted"
        due = clock.due(MEDIATION, at, item.region_id)
        item.mediation_due, item.due_at = due.due_at, due.due_at
        item.due_rules = {**item.due_rules, "mediation": due.rule}
        end = self._done(at, rng.randint(3, 40) if rng.random() > 0.02 else 50)
        if end is None:
            return
        if end > item.mediation_due:
            item.late_steps = [*item.late_steps, "mediation"]
        item.status, item.closed_at, item.due_at = "closed", end, None
        item.mediation_result = rng.choice(["agreed", "agreed", "agreed", "failed", "withdrawn"])
        item.result = rng.choice(RESULTS)
        self.counts["mediated"] += 1

    def report(self, item, start, late, stuck, clock, approver) -> None:
        rng = self.rng
        if stuck:
            return
        extended = approver is not None and rng.random() < 0.1
        if extended:
            due = clock.due(EXTENSION.code, item.check_due, item.region_id)
            item.check_due = item.due_at = due.due_at
            item.due_rules = {**item.due_rules, "extension": due.rule}
            item.extension_reason, item.extension_approver_id, item.extended_at = (
                "需抽样检验，经负责人批准延期。",
                approver.pk,
                start,
            )
            self.counts["extended"] += 1
        at = self._done(start, rng.randint(16, 18) if late else rng.randint(3, 25 if extended else 14))
        if at is None:
            return
        if at > item.check_due:
            item.late_steps = ["check"]
        item.decided_at, item.filed = at, rng.random() < 0.35
        item.result = CHECKS[0] if item.filed else rng.choice(CHECKS[1:])
        if item.filed:
            item.case_number = f"昌市监立〔{timezone.localtime(at).year}〕{rng.randint(1, 400)}号"
            self.counts["filed"] += 1
        if item.anonymous:
            item.status, item.closed_at, item.due_at = "closed", at, None
            return
        item.status = "decided"
        due = clock.due(NOTIFY, at, item.region_id)
        item.notify_due, item.due_at = due.due_at, due.due_at
        item.due_rules = {**item.due_rules, "notify": due.rule}
        told = self._done(at, rng.randint(1, 4))
        if told is not None:
            item.status, item.told_at, item.closed_at, item.due_at = "told", told, told, None
