"""The 明厨亮灶 registry (docs/inspections.md §6): an entity's connection to a 互联网+明厨亮灶 platform, kept by the
station. shian holds no video: the page links out to the platform.

    create_link(actor=, entity_id=, platform=, channel_id=, since=, url="", status="online") -> KitchenLink
    update_link(actor=, link_id=, platform=, channel_id=, since=, url="", status=) -> KitchenLink
    stop_link(actor=, link_id=) -> KitchenLink
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.core import audit
from shian.core.jurisdiction import require_in_scope

from ..models import KitchenLink
from ..selectors.grading import entity_for_grading
from ..selectors.kitchens import link_get

FIELDS = ["platform", "channel_id", "url", "since", "status"]


def _require_station(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not (actor.is_superuser or actor.role in STATION):
        raise PermissionDenied(_("只有市场监管部门人员可以维护明厨亮灶接入。"))


def _clean(*, platform, channel_id, url, since, status, exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    platform, channel_id, url = (platform or "").strip(), (channel_id or "").strip(), (url or "").strip()
    if not platform:
        errors["platform"] = [_("请填写平台名称。")]
    elif len(platform) > 100:
        errors["platform"] = [_("平台名称不超过 100 字。")]
    if not channel_id:
        errors["channel_id"] = [_("请填写通道编号。")]
    elif len(channel_id) > 100:
        errors["channel_id"] = [_("通道编号不超过 100 字。")]
    elif (
        platform
        and KitchenLink.objects.filter(platform=platform, channel_id=channel_id).exclude(pk=exclude_pk).exists()
    ):
        errors["channel_id"] = [_("平台“%(p)s”的通道 %(c)s 已登记。") % {"p": platform, "c": channel_id}]
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("查看地址应为 http:// 或 https:// 开头的网址。")]
    if not isinstance(since, datetime.date):
        errors["since"] = [_("请填写接入日期。")]
    elif since > timezone.localdate():
        errors["since"] = [_("接入日期不能晚于今天。")]
    if status not in KitchenLink.Status.values:
        errors["status"] = [_("状态应为在线、离线或已停用。")]
    if errors:
        raise ValidationError(errors)
    return {"platform": platform, "channel_id": channel_id, "url": url, "since": since, "status": status}


def _save(link: KitchenLink) -> None:
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:  # two clerks registering the same channel at once
        raise ValidationError({"channel_id": [_("该通道刚被他人登记，请刷新后重试。")]}) from exc


@transaction.atomic
def create_link(*, actor, entity_id: int, platform: str, channel_id: str, since, url: str = "",
                status: str = KitchenLink.Status.ONLINE) -> KitchenLink:  # fmt: skip
    _require_station(actor)
    entity = entity_for_grading(user=actor, entity_id=entity_id)
    require_in_scope(actor, entity.region_id)
    fields = _clean(platform=platform, channel_id=channel_id, url=url, since=since, status=status)
    link = KitchenLink(entity=entity, **fields)
    _save(link)
    audit.record(
        actor=actor, action="kitchen.create", obj=link, region_code=entity.region_id,
        after=audit.snapshot(link, FIELDS + ["entity"]),
    )  # fmt: skip
    return link


@transaction.atomic
def update_link(*, actor, link_id: int, platform: str, channel_id: str, since, url: str = "",
                status: str = KitchenLink.Status.ONLINE) -> KitchenLink:  # fmt: skip
    _require_station(actor)
    link = link_get(user=actor, pk=link_id)
    require_in_scope(actor, link.entity.region_id)
    before = audit.snapshot(link, FIELDS)
    fields = _clean(platform=platform, channel_id=channel_id, url=url, since=since, status=status, exclude_pk=link.pk)
    for name, value in fields.items():
        setattr(link, name, value)
    _save(link)
    audit.record(
        actor=actor, action="kitchen.update", obj=link, region_code=link.entity.region_id,
        before=before, after=audit.snapshot(link, FIELDS),
    )  # fmt: skip
    return link


@transaction.atomic
def stop_link(*, actor, link_id: int) -> KitchenLink:
    _require_station(actor)
    link = link_get(user=actor, pk=link_id)
    require_in_scope(actor, link.entity.region_id)
    if link.status == KitchenLink.Status.STOPPED:
        raise ValidationError(_("该接入已停用。"))
    before = link.status
    link.status = KitchenLink.Status.STOPPED
    link.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor, action="kitchen.stop", obj=link, region_code=link.entity.region_id,
        before={"status": before}, after={"status": link.status},
    )  # fmt: skip
    return link
