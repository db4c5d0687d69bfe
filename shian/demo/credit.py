"""Demo credit (docs/credit.md §6): liability-insurance policies for the county's priority businesses (most insured,
some lapsed, some about to end, the rural collective dinners short of the 80 % target), one correction request by
the demo enterprise account, then the county's credit classes recomputed from its demo history (inspections,
samples, complaints, cases, 包保 problems, lists). Run it after the other demo loaders. Idempotent per county;
seeded.

`load_credit(county=, seed=, today=)` returns what it made ({} when the county already has its policies)."""

import datetime
import random

from django.db import transaction

from shian.accounts.models import Role, User
from shian.core.jurisdiction import narrow_to
from shian.credit.kpis import category_q
from shian.credit.models import CorrectionRequest, InsurancePolicy
from shian.credit.ruledefs import PRIORITY_CATEGORIES
from shian.credit.services.corrections import submit_correction
from shian.credit.services.recompute import recompute_region
from shian.entities.models import Entity, License
from shian.regions.models import Region

INSURERS = ("中国人民财产保险", "中国平安财产保险", "中国太平洋财产保险", "中华联合财产保险", "国寿财产保险")
COVERS = (200_000, 300_000, 500_000, 1_000_000, 2_000_000)
INSURED_SHARE = {"rural_dinner": 0.72}  # below the 80 % target, so the KPI shows red
DEFAULT_SHARE = 0.85
LAPSED_SHARE = 0.08  # of the insured: the policy ended and was not renewed
ENDING_SHARE = 0.06  # of the insured: the policy ends within the next three weeks
YEAR = 365


def _policy(rng, entity_id, region_id, number, today, creator, *, lapsed=False, ending=False) -> InsurancePolicy:
    if lapsed:
        ends = today - datetime.timedelta(days=rng.randint(5, 120))
    elif ending:
        ends = today + datetime.timedelta(days=rng.randint(1, 21))
    else:
        ends = today + datetime.timedelta(days=rng.randint(30, YEAR - 1))
    starts = ends - datetime.timedelta(days=YEAR - 1)
    return InsurancePolicy(
        entity_id=entity_id, region_id=region_id, insurer=rng.choice(INSURERS), number=number, starts_on=starts,
        ends_on=ends, cover=rng.choice(COVERS), source=InsurancePolicy.Source.IMPORTED, created_by=creator,
    )  # fmt: skip


def _creator(county: Region) -> User | None:
    return (
        User.objects.filter(username="county").first()
        or User.objects.filter(role=Role.COUNTY_ADMIN, region_id=county.code).first()
        or User.objects.filter(is_superuser=True).first()
    )


def load_credit(*, county: Region, seed: int, today: datetime.date) -> dict:
    existing = narrow_to(InsurancePolicy.objects.all(), county.code)
    if existing.exists():
        return {}
    creator = _creator(county)
    if creator is None:
        return {}
    rng = random.Random(f"credit-{seed}-{county.code}")
    operating = narrow_to(Entity.objects.filter(status=Entity.Status.OPERATING), county.code)
    policies, seen, made = [], set(), {"policies": 0, "lapsed": 0, "ending": 0, "by_category": {}}
    for category in PRIORITY_CATEGORIES:
        share = INSURED_SHARE.get(category["key"], DEFAULT_SHARE)
        rows = list(operating.filter(category_q(category)).order_by("pk").values_list("pk", "region_id"))
        insured = 0
        for pk, region_id in rows:
            if pk in seen or rng.random() >= share:
                continue
            seen.add(pk)
            lapsed, ending = rng.random() < LAPSED_SHARE, rng.random() < ENDING_SHARE
            policies.append(_policy(rng, pk, region_id, f"PDEMO{county.code}{pk:08d}", today, creator,
                                    lapsed=lapsed, ending=ending and not lapsed))  # fmt: skip
            made["lapsed"] += lapsed
            made["ending"] += ending and not lapsed
            insured += not lapsed
        made["by_category"][category["key"]] = f"{insured}/{len(rows)}"
    with transaction.atomic():
        InsurancePolicy.objects.bulk_create(policies, batch_size=2000)
    made["policies"] = len(policies)
    made["corrections"] = _correction(county)
    run = recompute_region(region_code=county.code, today=today)
    made["ratings"] = run.entities
    made["bands"] = run.bands
    return made


def _correction(county: Region) -> int:
    """The demo enterprise account asks to correct its licence's validity (pending, for the station to review)."""
    user = User.objects.filter(username="enterprise", role=Role.ENTERPRISE, entity__isnull=False).first()
    if user is None or not user.entity.region_id.startswith(county.code):
        user = User.objects.filter(role=Role.ENTERPRISE, entity__region__code__startswith=county.code).first()
    if user is None or CorrectionRequest.objects.filter(entity_id=user.entity_id).exists():
        return 0
    licence = License.objects.filter(entity_id=user.entity_id).order_by("pk").first()
    if licence is None:
        return 0
    submit_correction(actor=user, entity_id=user.entity_id, kind="license", record_id=licence.pk,
                      reason="许可证有效期登记有误：换证后新证有效期至五年后，请按新证更正。")  # fmt: skip
    return 1
