"""Demo cases (docs/cases.md §6): cases opened from each source the county's demo history holds (overdue 包保
problems, inspections referrals, failed samples' disposals, reports), most decided with a penalty and closed, some
still open within the 90 days, some overdue, one extended with an approval and one under 挂牌督办 with a report
request. Written through the case services (audit, the clock, re-grading), so the demo shows what the app does.
Idempotent per county; seeded.

`load_cases(county=, seed=, today=)` returns what it made. Run it after the visits, inspections, sampling and
complaints demos: a source kind the county has none of yields no case of that kind (`by_source` says so)."""

import datetime
import random

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from shian.accounts.models import Role, User
from shian.cases.models import Case, LegalArticle
from shian.cases.selectors import cases as selectors
from shian.cases.services import cases as services
from shian.cases.services import supervision
from shian.core.jurisdiction import narrow_to
from shian.entities.validators import make_resident_id
from shian.regions.models import Region

from .names import mobile_number, person_name

PER_SOURCE = 6  # cases opened per source kind, at most
OVERDUE_DAYS = 100  # an open case opened this long ago is past its 90 days
FINES = (2000, 5000, 10000, 20000, 50000, 100000)
ARTICLES = {"problem": "fsl-126", "referral": "fsl-126", "disposal": "fsl-124", "report": "fsl-125"}


def _user(username: str, role: str, region: str) -> User | None:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is not None:
        return found
    return User.objects.filter(is_active=True, role=role, region_id__startswith=region).order_by("pk").first()


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _sources(county: str, now: datetime.datetime) -> dict[str, list]:
    anyone = User(is_superuser=True, is_active=True)  # reads every source of the county, as the demo's loader
    return {
        "problem": list(selectors.overdue_problems(user=anyone, region_code=county, now=now)[:PER_SOURCE]),
        "referral": list(selectors.pending_referrals(user=anyone, region_code=county)[:PER_SOURCE]),
        "disposal": list(selectors.pending_disposals(user=anyone, region_code=county)[:PER_SOURCE]),
        "report": list(selectors.pending_reports(user=anyone, region_code=county)[:PER_SOURCE]),
    }


def _source_time(kind: str, row) -> datetime.datetime:
    return {"problem": lambda r: r.due_at, "referral": lambda r: r.created_at, "disposal": lambda r: r.opened_at,
            "report": lambda r: r.received_at}[kind](row)  # fmt: skip


def load_cases(*, county: Region, seed: int, today: datetime.date) -> dict:
    """Cases of the demo county; nothing when the county already has cases."""
    code = county.code
    cases = narrow_to(Case.objects.all(), code)
    if cases.exists():
        return {"cases": cases.count(), "created": 0}
    rng = random.Random(f"cases-{seed}-{code}")
    now = min(timezone.now(), _moment(today, 18))
    handler = _user("inspector", Role.STATION_STAFF, code) or _user("county", Role.COUNTY_ADMIN, code)
    approver = _user("county", Role.COUNTY_ADMIN, code)
    city = _user("city", Role.CITY_ADMIN, code[:4])
    if handler is None:
        return {"cases": 0, "created": 0, "skipped": "no enforcement account in the county"}
    openers = {"problem": services.open_from_problem, "referral": services.open_from_referral,
               "disposal": services.open_from_disposal, "report": services.open_from_report}  # fmt: skip
    args = {"problem": "problem", "referral": "referral", "disposal": "disposal", "report": "complaint"}
    made: list[Case] = []
    by_source: dict[str, int] = {}
    overdue_left = 2
    with transaction.atomic():
        for kind, rows in _sources(code, now).items():
            by_source[kind] = 0
            for n, row in enumerate(sorted(rows, key=lambda r: _source_time(kind, r))):
                start = max(_source_time(kind, row), now - datetime.timedelta(days=300))
                opened = min(start + datetime.timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 6)),
                             now - datetime.timedelta(hours=2))  # fmt: skip
                stay_open = overdue_left > 0 and (now - opened).days >= OVERDUE_DAYS and n == 0
                if stay_open:
                    overdue_left -= 1
                name = person_name(rng)
                birth = datetime.date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28))
                party = {"kind": "legal_rep", "name": name, "phone": mobile_number(rng),
                         "id_number": make_resident_id(region=code, birth=birth, seq=rng.randint(1, 999))}  # fmt: skip
                case = openers[kind](actor=handler, **{args[kind]: row}, parties=[party], opened_at=opened)
                by_source[kind] += 1
                made.append(case)
                article = LegalArticle.objects.filter(code=ARTICLES[kind]).first()
                services.update_investigation(
                    actor=handler, case=case, facts=case.facts + "。经调查属实，有现场检查笔录、照片为证。",
                    article_ids=[article.pk] if article else [], legal_basis="" if article else "《食品安全法》",
                )  # fmt: skip
                age = (now - opened).days
                if stay_open or age < 20:
                    continue  # still under investigation (overdue when opened long ago)
                if approver is not None and age > 80 and rng.random() < 0.5 and not any(c.extended_at for c in made):
                    case = services.extend(actor=handler, case=case, approver=approver, approval_ref=f"昌市监延〔{opened.year}〕{len(made)}号", reason="需检验鉴定，案情复杂",
                                           now=opened + datetime.timedelta(days=80))  # fmt: skip
                decided_at = opened + datetime.timedelta(days=rng.randint(15, min(80, max(15, age - 2))))
                decided_at = min(decided_at, now - datetime.timedelta(hours=1))
                fine = rng.choice(FINES)
                penalties = ["warning"] if fine <= 2000 and kind == "problem" else ["fine"]
                if kind == "disposal":
                    penalties = ["fine", "confiscate_goods"]
                case = services.decide(
                    actor=handler, case=case, penalties=penalties,
                    fine_amount=fine if "fine" in penalties else None,
                    decision_number=f"昌市监罚〔{decided_at.year}〕{len(made)}号",
                    decision_text=f"责令改正，并处{f'罚款 {fine} 元' if 'fine' in penalties else '警告'}。",
                    decided_at=decided_at,
                )  # fmt: skip
                closing = decided_at + datetime.timedelta(days=rng.randint(5, 25))
                if closing < now:
                    services.close(actor=handler, case=case, note="当事人已履行处罚决定，整改到位。", closed_at=closing)
        supervised = None
        open_cases = [c for c in made if Case.objects.filter(pk=c.pk, status=Case.Status.OPEN).exists()]
        if city is not None and open_cases:
            supervised = open_cases[0]
            supervision.supervise(actor=city, case=supervised, reason="案情重大、社会关注，市局挂牌督办")
            supervision.request_report(actor=city, case=supervised, question="报送调查进展及拟处理意见")
    ids = [c.pk for c in made]
    statuses = dict(Case.objects.filter(pk__in=ids).order_by().values_list("status").annotate(n=Count("pk")))
    overdue = Case.objects.filter(Q(pk__in=ids), selectors.overdue_q(now)).count()
    return {"cases": len(made), "created": len(made), "by_source": by_source, "statuses": statuses,
            "overdue": overdue, "supervised": supervised.number if supervised else ""}  # fmt: skip
