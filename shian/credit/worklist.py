"""Work-list items of credit (shian.core.worklist; docs/credit.md §5): for the station, correction requests waiting
for review and liability-insurance policies about to end; for an enterprise, its own policy about to end and its
pending correction requests."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.accounts.access import STATION
from shian.accounts.models import Role
from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.worklist import INFO, ROUTINE, SOON, Item, Provider, register

from .models import CorrectionRequest
from .selectors.lists import expiring


def _url(name: str, *args, **params) -> str:
    return reverse(name, args=args) + ("?" + urlencode(params) if params else "")


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    pending = CorrectionRequest.objects.filter(status=CorrectionRequest.Status.PENDING)
    if getattr(user, "role", None) == Role.ENTERPRISE and not user.is_superuser:
        if not user.entity_id:
            return []
        ending = expiring(today, user.region_id or "").filter(entity_id=user.entity_id).count()
        mine = pending.filter(entity_id=user.entity_id).count()
        return [
            Item("credit.own_policy", _("本单位食品安全责任保险即将到期"), ending, _url("credit:file", user.entity_id),
                 SOON),
            Item("credit.own_corrections", _("本单位审核中的信用信息更正申请"), mine,
                 _url("credit:file", user.entity_id), INFO),
        ]  # fmt: skip
    if not (user.is_superuser or user.role in STATION):
        return []
    reviews = narrow_to(scope_queryset(pending, user), region_code).count()
    ending = narrow_to(scope_queryset(expiring(today, region_code or user.region_id or ""), user), region_code).count()
    return [
        Item("credit.corrections", _("待审核的信用信息更正申请"), reviews,
             _url("credit:correction_list", status="pending"), ROUTINE),
        Item("credit.policies", _("即将到期的食品安全责任保险"), ending, _url("credit:policy_list", expiring="1"),
             SOON),
    ]  # fmt: skip


register(Provider("credit", items))
