"""Publishing results and disposal outcomes (docs/sampling.md §5): station staff publish a sample with a
conclusion (and its closed disposal), singly or a month at a time, and withdraw one with a reason. Every write is
scoped to the actor's jurisdiction and audited; the public page and the open API read only what is published."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core import audit
from shian.core.jurisdiction import require_in_scope, scope_queryset

from ..models import Disposal, Sample

PUBLISHER_ROLES = ADMIN_ROLES | {Role.STATION_STAFF}


def _require_publisher(actor) -> None:
    if not (actor.is_superuser or actor.role in PUBLISHER_ROLES):
        raise PermissionDenied(_("只有市场监管所工作人员和管理员可以公布抽检结果。"))


def _publishable(sample: Sample) -> None:
    if not sample.conclusion:
        raise ValidationError({"sample": [_("样品 %(n)s 尚无检验结论，不能公布。") % {"n": sample.number}]})


@transaction.atomic
def publish_sample(*, actor, sample: Sample, now: datetime.datetime | None = None) -> Sample:
    """Publish one sample's result, and its disposal outcome once the case is closed."""
    _require_publisher(actor)
    require_in_scope(actor, sample.region_id)
    sample = Sample.objects.select_for_update(of=("self",)).get(pk=sample.pk)
    _publishable(sample)
    if sample.published_at:
        raise ValidationError({"sample": [_("样品 %(n)s 的结果已公布。") % {"n": sample.number}]})
    now = now or timezone.now()
    sample.published_at = now
    sample.save(update_fields=["published_at"])
    disposal = Disposal.objects.filter(sample=sample, status=Disposal.Status.CLOSED, published_at__isnull=True)
    with_disposal = bool(disposal.update(published_at=now))
    audit.record(actor=actor, action="sample.publish", obj=sample, region_code=sample.region_id,
                 after={"published_at": now.isoformat(), "disposal": with_disposal})  # fmt: skip
    return sample


def parse_month(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


@transaction.atomic
def publish_month(*, actor, region_code: str, month: str, now: datetime.datetime | None = None) -> int:
    """Publish every unpublished result in the region (inside the actor's jurisdiction) whose report date falls in
    `month` ("YYYY-MM"), and their closed disposals; returns how many samples were published."""
    _require_publisher(actor)
    first = parse_month(month)
    if first is None:
        raise ValidationError({"month": [_("月份格式应为 年-月，如 2026-03。")]})
    region_code = region_code or (actor.region_id or "")
    require_in_scope(actor, region_code or None)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    qs = scope_queryset(Sample.objects.all(), actor).filter(
        region_id__gte=region_code, region_id__lte=region_code.ljust(12, "9"),
        published_at__isnull=True, report_date__gte=first, report_date__lt=nxt,
    ).exclude(conclusion="")  # fmt: skip
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"month": [_("%(m)s 没有待公布的检验结果。") % {"m": first.strftime("%Y-%m")}]})
    now = now or timezone.now()
    Sample.objects.filter(pk__in=ids).update(published_at=now)
    disposals = Disposal.objects.filter(sample_id__in=ids, status=Disposal.Status.CLOSED, published_at__isnull=True)
    n_disposals = disposals.update(published_at=now)
    audit.record(actor=actor, action="sample.publish_month", object_type="sampling.sample",
                 object_repr=f"{region_code} {first:%Y-%m}", region_code=region_code,
                 after={"month": first.strftime("%Y-%m"), "samples": len(ids), "disposals": n_disposals,
                        "ids": ids[:1000]})  # fmt: skip
    return len(ids)


@transaction.atomic
def withdraw_sample(*, actor, sample: Sample, reason: str) -> Sample:
    """Take a published result (and its disposal outcome) off the public page, with a reason (audited)."""
    _require_publisher(actor)
    require_in_scope(actor, sample.region_id)
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationError({"reason": [_("请填写撤回原因。")]})
    sample = Sample.objects.select_for_update(of=("self",)).get(pk=sample.pk)
    if not sample.published_at:
        raise ValidationError({"sample": [_("样品 %(n)s 的结果尚未公布。") % {"n": sample.number}]})
    before = {"published_at": sample.published_at.isoformat()}
    sample.published_at = None
    sample.save(update_fields=["published_at"])
    Disposal.objects.filter(sample=sample).update(published_at=None)
    audit.record(actor=actor, action="sample.withdraw", obj=sample, region_code=sample.region_id, before=before,
                 after={"published_at": None, "reason": reason})  # fmt: skip
    return sample


@transaction.atomic
def publish_disposal(*, actor, disposal: Disposal, now: datetime.datetime | None = None) -> Disposal:
    """Publish a closed disposal's outcome (its sample's result must be published first)."""
    _require_publisher(actor)
    require_in_scope(actor, disposal.region_id)
    disposal = Disposal.objects.select_for_update(of=("self",)).select_related("sample").get(pk=disposal.pk)
    if disposal.status != Disposal.Status.CLOSED:
        raise ValidationError({"disposal": [_("核查处置尚未办结，不能公布处置结果。")]})
    if not disposal.sample.published_at:
        raise ValidationError({"disposal": [_("请先公布样品 %(n)s 的检验结果。") % {"n": disposal.sample.number}]})
    if disposal.published_at:
        raise ValidationError({"disposal": [_("处置结果已公布。")]})
    disposal.published_at = now or timezone.now()
    disposal.save(update_fields=["published_at"])
    audit.record(actor=actor, action="disposal.publish", obj=disposal, region_code=disposal.region_id,
                 after={"published_at": disposal.published_at.isoformat()})  # fmt: skip
    return disposal
