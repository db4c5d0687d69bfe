"""The accounts app's work-list items (shian.core.worklist): self-registered enterprise accounts to check, licences
expiring (an enterprise's own, the region's for those who follow renewals), and the auditors' read-only summary."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core.selectors import audit_list
from shian.core.worklist import INFO, ROUTINE, SOON, Item, Provider, register
from shian.entities import selectors as entity_selectors

from . import selectors
from .models import ADMIN_ROLES, Role

LICENCE_FOLLOWERS = {Role.ENTERPRISE, Role.STATION_STAFF, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN}


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    role = getattr(user, "role", "")
    out = []
    if role in LICENCE_FOLLOWERS:
        own = role == Role.ENTERPRISE
        count = entity_selectors.expiring_licenses(user=user, region_code=None if own else region_code).count()
        label = _("即将到期的许可证") if own else _("辖区内即将到期的许可证")
        out.append(Item("entities.expiring", label, count, reverse("entities:expiring"), SOON))
    if role in ADMIN_ROLES | {Role.STATION_STAFF} and user.has_perm("accounts.manage_entity_staff"):
        count = selectors.recent_self_registrations(user=user, region_code=region_code).count()
        out.append(Item("accounts.self_registered", _("近期自助注册、待核对的企业账号"), count,
                        reverse("accounts:enterprise"), ROUTINE))  # fmt: skip
    if role == Role.AUDITOR:
        entries = audit_list(user=user, region_code=region_code, date_from=today).count()
        url = reverse("core:audit") + "?" + urlencode({"date_from": today.isoformat()})
        out.append(Item("audit.today", _("今日操作记录（只读）"), entries, url, INFO))
        accounts = selectors.account_list(user=user, region_code=region_code).count()
        out.append(Item("accounts.visible", _("辖区内账号（只读）"), accounts, reverse("accounts:list"), INFO))
    return out


register(Provider("accounts", items))
