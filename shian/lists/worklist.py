"""Work-list items of the lists (shian.core.worklist; docs/lists.md §4): editions waiting for someone's review,
approval or publication (never one the user drafted or reviewed), repair applications to review, joint-punishment
flags to check."""

import datetime
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core.jurisdiction import narrow_to, scope_queryset
from shian.core.worklist import ROUTINE, TODAY, Item, Provider, register

from .models import Edition, JointFlag
from .selectors import staff as selectors
from .services.common import APPROVER_ROLES, is_editor


def _url(name: str, **params) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    if not is_editor(user):
        return []
    editions = narrow_to(scope_queryset(Edition.objects.all(), user), region_code)
    to_review = editions.filter(status=Edition.Status.DRAFT, lines__isnull=False).exclude(drafted_by=user).distinct()
    out = [
        Item(
            "lists.review", _("待审核的红黑榜"), to_review.count(), _url("lists:edition_list", status="draft"), ROUTINE
        )
    ]
    if user.is_superuser or user.role in APPROVER_ROLES:
        to_approve = editions.filter(status=Edition.Status.REVIEWED).exclude(Q(drafted_by=user) | Q(reviewed_by=user))
        out += [
            Item("lists.approve", _("待批准的红黑榜"), to_approve.count(), _url("lists:edition_list", status="reviewed"),
                 TODAY),
            Item("lists.publish", _("已批准待发布的红黑榜"), editions.filter(status=Edition.Status.APPROVED).count(),
                 _url("lists:edition_list", status="approved"), TODAY),
            Item("lists.repairs", _("待审核的信用修复申请"), selectors.pending_repairs(user=user, region_code=region_code)
                 .exclude(applied_by=user).count(), _url("lists:entry_list", repair="pending"), ROUTINE),
        ]  # fmt: skip
    flags = selectors.flag_list(user=user, region_code=region_code, status=JointFlag.Status.OPEN).count()
    out.append(Item("lists.flags", _("待核查的联合惩戒提示"), flags, _url("lists:flag_list", status="open"), TODAY))
    return out


register(Provider("lists", items))
