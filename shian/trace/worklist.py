"""Work-list items of trace (shian.core.worklist; docs/trace.md §4): for a holder's enterprise account, the recalls
waiting for its confirmation of removal; for the station and administrators, the open recalls in reach and those
past their finish due."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role
from shian.core.worklist import OVERDUE, ROUTINE, TODAY, Item, Provider, register

from .models import Recall, RecallNotice
from .selectors.recalls import recalls
from .services.catalog import RECORDERS


def _url(**params) -> str:
    return reverse("trace:recall_list") + ("?" + urlencode(params) if params else "")


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    now = timezone.now()
    if user.role == Role.ENTERPRISE and not user.is_superuser:
        if not user.entity_id:
            return []
        waiting = RecallNotice.objects.filter(entity_id=user.entity_id, confirmed_at__isnull=True,
                                              recall__status=Recall.Status.OPEN)  # fmt: skip
        counts = waiting.aggregate(late=Count("pk", filter=Q(recall__finish_due__lt=now)), n=Count("pk"))
        return [
            Item("trace.confirm_overdue", _("逾期未确认下架的召回"), counts["late"], _url(status="open"), OVERDUE),
            Item("trace.confirm", _("待确认下架的召回"), counts["n"] - counts["late"], _url(status="open"), TODAY),
        ]
    if not (user.is_superuser or user.role in RECORDERS):
        return []
    counts = (
        recalls(user=user, region_code=region_code, status=Recall.Status.OPEN)
        .order_by()
        .aggregate(late=Count("pk", filter=Q(finish_due__lt=now), distinct=True), n=Count("pk", distinct=True))
    )
    return [
        Item("trace.recalls_overdue", _("逾期未完成的召回"), counts["late"], _url(status="open"), OVERDUE),
        Item("trace.recalls_open", _("召回中"), counts["n"] - counts["late"], _url(status="open"), ROUTINE),
    ]


register(Provider("trace", items))
