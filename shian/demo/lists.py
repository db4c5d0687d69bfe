"""Demo 红黑榜 editions and the serious-dishonesty list (docs/lists.md §6), for the demo county.

- Six months of editions, drafted by the county's inspector from the records each month held (candidates proposed
  by shian.lists), reviewed by the county administrator, approved by the city administrator and published: a
  seeded number a month, some months short of the rule's three so the KPI shows red; this month also has one
  edition waiting for approval and one draft (the work list shows them). Written through the edition services,
  then the workflow's times moved back to the month they belong to.
- Dishonesty entries from the demo cases decided with a penalty (read from Case rows: run after load_cases),
  through the dishonesty service. The demo history is shorter than the one-year wait before credit repair
  (lists.repair_after_years), so the one repaired entry's application and approval are written directly, dated
  today, as an example of a repaired listing.
- One joint-punishment flag: a listed business's principal registered as key personnel of another business,
  through the entities service (the flag is raised by the lists' post_save hook).

Idempotent per county (nothing when the county already has editions); seeded."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.cases.models import Case
from shian.core import rules
from shian.core.jurisdiction import narrow_to
from shian.entities import services as entity_services
from shian.entities.models import Entity, KeyPerson
from shian.lists.models import DishonestyEntry, Edition, EditionLine, JointFlag, RepairApplication
from shian.lists.ruledefs import WINDOW
from shian.lists.selectors import candidates
from shian.lists.services import dishonesty, editions
from shian.regions.models import Region

MONTHS = 6
PUBLISHED_PER_MONTH = (3, 2, 4, 1, 3, 2)  # oldest month first; the current month is the last
RED_LINES, BLACK_LINES = 3, 5
ENTRIES = 4


def _user(username: str, role: str, region: str) -> User | None:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is not None:
        return found
    return User.objects.filter(is_active=True, role=role, region_id__startswith=region).order_by("pk").first()


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _month_start(today: datetime.date, back: int) -> datetime.date:
    y, m = today.year, today.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return datetime.date(y, m, 1)


def _fill(drafter, edition: Edition, rng: random.Random) -> int:
    proposed = candidates.propose(edition)
    picked = rng.sample(proposed["red"], min(RED_LINES, len(proposed["red"])))
    picked += rng.sample(proposed["black"], min(BLACK_LINES, len(proposed["black"])))
    for c in picked:
        editions.add_line(actor=drafter, edition=edition, source_kind=c.source_kind, source_id=c.source_id,
                          reason=c.reason[:300])  # fmt: skip
    return len(picked)


def _edition(people, county: str, day: datetime.date, rng: random.Random, *, until: str) -> Edition | None:
    drafter, reviewer, approver = people
    window = rules.value(WINDOW.code, county, day)
    probe = Edition(region_id=county, window_start=day - datetime.timedelta(days=window), window_end=day)
    if not any(candidates.propose(probe).values()):
        return None  # nothing in the records of that window: no edition that day
    edition = editions.create(actor=drafter, region_code=county, today=day)
    _fill(drafter, edition, rng)
    times = {"drafted_at": _moment(day, 9)}
    if until in ("reviewed", "published"):
        edition = editions.review(actor=reviewer, edition=edition)
        times["reviewed_at"] = _moment(day, 11)
    if until == "published":
        edition = editions.approve(actor=approver, edition=edition)
        edition = editions.publish(actor=drafter, edition=edition)
        times.update(approved_at=_moment(day, 15), published_at=_moment(day, 17))
    Edition.objects.filter(pk=edition.pk).update(**times)
    return edition


def _editions(people, county: str, today: datetime.date, rng: random.Random) -> dict:
    published = {}
    for back in range(MONTHS - 1, -1, -1):
        start = _month_start(today, back)
        last = today if back == 0 else _month_start(today, back - 1) - datetime.timedelta(days=1)
        count = PUBLISHED_PER_MONTH[MONTHS - 1 - back]
        span = max(1, (last - start).days)
        days = sorted({start + datetime.timedelta(days=rng.randint(0, span)) for _ in range(count)})
        while len(days) < count:  # two draws on one day: spread them
            days.append(min(last, days[-1] + datetime.timedelta(days=1)))
        made = [_edition(people, county, day, rng, until="published") for day in days[:count]]
        published[start.isoformat()[:7]] = sum(1 for e in made if e)
    waiting = _edition(people, county, today, rng, until="reviewed")
    draft = _edition(people, county, today, rng, until="draft")
    return {"published": published, "waiting_approval": int(waiting is not None), "drafts": int(draft is not None)}


def _entries(reviewer, approver, county: str, today: datetime.date, rng: random.Random) -> dict:
    cases = (
        narrow_to(Case.objects.filter(status__in=[Case.Status.DECIDED, Case.Status.CLOSED], entity__isnull=False),
                  county)
        .exclude(penalties=[]).exclude(penalties=["none"]).exclude(penalties=["warning"])
        .order_by("decided_at", "pk")
    )  # fmt: skip
    made: list[DishonestyEntry] = []
    seen: set[int] = set()
    for case in cases:
        if len(made) >= ENTRIES or case.entity_id in seen:
            continue
        seen.add(case.entity_id)
        basis = case.legal_basis or "《中华人民共和国食品安全法》"
        made.append(dishonesty.list_from_case(actor=reviewer, case=case, legal_basis=basis[:300],
                                              listed_on=timezone.localtime(case.decided_at).date()))  # fmt: skip
    repaired = 0
    if len(made) > 1:
        entry = made[0]
        now = timezone.now()
        RepairApplication.objects.create(
            entry=entry, statement="已缴清罚款，完成整改，主要负责人参加培训考核合格，并作出信用承诺。",
            applied_by=reviewer, applied_at=now - datetime.timedelta(days=7), status=RepairApplication.Status.APPROVED,
            reviewed_by=approver, reviewed_at=now, review_note="履行了法定义务，消除了不良影响，准予信用修复。",
        )  # fmt: skip
        DishonestyEntry.objects.filter(pk=entry.pk).update(status=DishonestyEntry.Status.REPAIRED, removed_on=today)
        repaired = 1
    return {"entries": len(made), "repaired": repaired, "listed": [e.pk for e in made[repaired:]]}


def _flag(reviewer, county: str, listed: list[int], rng: random.Random) -> int:
    """The principal of a listed business registered as key personnel of another business in the county."""
    for entry in DishonestyEntry.objects.filter(pk__in=listed).select_related("entity"):
        person = (
            KeyPerson.objects.filter(entity_id=entry.entity_id, role=KeyPerson.Role.PRINCIPAL)
            .exclude(id_number="")
            .first()
        )
        if person is None:
            continue
        other = (
            narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING), county)
            .exclude(pk=entry.entity_id).order_by("pk").first()
        )  # fmt: skip
        if other is None:
            return 0
        entity_services.add_key_person(actor=reviewer, entity=other, role=KeyPerson.Role.SAFETY_DIRECTOR,
                                       name=person.name, id_number=person.id_number)  # fmt: skip
        return JointFlag.objects.filter(entry=entry).count()
    return 0


def load_lists(*, county: Region, seed: int, today: datetime.date) -> dict:
    """The demo county's editions, dishonesty entries and one joint-punishment flag; nothing when it has editions."""
    code = county.code
    if Edition.objects.filter(region_id=code).exists():
        return {"created": 0, "editions": Edition.objects.filter(region_id=code).count()}
    drafter = _user("inspector", Role.STATION_STAFF, code)
    reviewer = _user("county", Role.COUNTY_ADMIN, code)
    approver = _user("city", Role.CITY_ADMIN, code[:4]) or _user("province", Role.PROVINCE_ADMIN, code[:2])
    if None in (drafter, reviewer, approver) or len({drafter.pk, reviewer.pk, approver.pk}) < 3:
        return {"created": 0, "skipped": "the demo needs an inspector, a county and a city administrator"}
    rng = random.Random(f"lists-{seed}-{code}")
    with transaction.atomic():
        made = _editions((drafter, reviewer, approver), code, today, rng)
        entries = _entries(reviewer, approver, code, today, rng)
        flags = _flag(reviewer, code, entries["listed"], rng)
    editions_made = EditionLine.objects.filter(edition__region_id=code).values("edition").distinct().count()
    return {"created": editions_made, **made, "entries": entries["entries"], "repaired": entries["repaired"],
            "flags": flags}  # fmt: skip
