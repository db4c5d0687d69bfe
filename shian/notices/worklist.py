"""Work-list items of notices (shian.core.worklist; docs/notices.md §4): for a recipient (a township administrator,
a department's staff, an enterprise account), the notices waiting for its reply, overdue or near their due; for the
issuing office, the replies to review, the overdue notices, and the drafts (escalations) to sign off. An overdue
notice already escalated to the next grade counts no more: the next-grade notice is what waits."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.core import rules
from shian.core.periods import day_end
from shian.core.worklist import DUE_SOON_RULE, OVERDUE, ROUTINE, SOON, TODAY, Item, Provider, register

from .models import Notice
from .selectors import notices as selectors


def _url(**params) -> str:
    return reverse("notices:notice_list") + ("?" + urlencode(params) if params else "")


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    now = timezone.now()
    out: list[Item] = []
    if user.role in selectors.RECIPIENT_ROLES and not user.is_superuser:
        soon_days = rules.value(DUE_SOON_RULE, user.region_id or "", today)
        soon = day_end(today + datetime.timedelta(days=soon_days))
        waiting = Notice.objects.filter(selectors.addressed_to_q(user), status=Notice.Status.DELIVERED)
        counts = waiting.order_by().aggregate(
            overdue=Count("pk", filter=Q(reply_due__lt=now, escalation__isnull=True)),
            soon=Count("pk", filter=Q(reply_due__gte=now, reply_due__lt=soon)),
            later=Count("pk", filter=Q(reply_due__gte=soon)),
        )
        out += [
            Item("notices.reply_overdue", _("逾期未答复的三书一函"), counts["overdue"], _url(mine="1", overdue="1"),
                 OVERDUE),
            Item("notices.reply_soon", _("临近答复期限的三书一函"), counts["soon"], _url(mine="1", status="delivered"),
                 SOON),
            Item("notices.reply_waiting", _("待答复的三书一函"), counts["later"], _url(mine="1", status="delivered"),
                 ROUTINE),
        ]  # fmt: skip
    if user.role in selectors.ISSUER_ROLES or user.is_superuser:
        issued = Notice.objects.all() if user.is_superuser else Notice.objects.filter(issuer_region_id=user.region_id)
        if region_code:
            issued = issued.filter(region_id__gte=region_code, region_id__lte=region_code.ljust(12, "9"))
        counts = issued.order_by().aggregate(
            replied=Count("pk", filter=Q(status=Notice.Status.REPLIED)),
            overdue=Count("pk", filter=Q(status=Notice.Status.DELIVERED, reply_due__lt=now, escalation__isnull=True)),
            drafts=Count("pk", filter=Q(status=Notice.Status.DRAFT)),
            undelivered=Count("pk", filter=Q(status=Notice.Status.ISSUED)),
        )
        out += [
            Item("notices.to_review", _("待审核的三书一函答复"), counts["replied"], _url(status="replied"), TODAY),
            Item("notices.overdue", _("逾期未答复的三书一函（已发出）"), counts["overdue"], _url(overdue="1"), OVERDUE),
            Item("notices.drafts", _("待签发的三书一函（含逾期升级拟制）"), counts["drafts"], _url(status="draft"),
                 ROUTINE),
            Item("notices.undelivered", _("已签发待登记送达的三书一函"), counts["undelivered"], _url(status="issued"),
                 ROUTINE),
        ]  # fmt: skip
    return out


register(Provider("notices", items))
