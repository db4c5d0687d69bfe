"""Shortcuts of the notice tests: issue a notice through the services, to each kind of recipient."""

from shian.notices.models import Notice
from shian.notices.services import notices as services


def issue(actor, *, kind="township", type_code="reminder", delivery=Notice.Delivery.SYSTEM, now=None, **where):
    defaults = {"township": {"township_code": "370725001"},
                "department": {"department_code": "education", "office_code": "370725"}}.get(kind, {})  # fmt: skip
    recipient = services.resolve_recipient(actor=actor, kind=kind, **{**defaults, **where})
    return services.create_notice(
        actor=actor, type_code=type_code, recipient=recipient, subject="学校食堂食品安全管理",
        facts="抽查发现2所学校食堂未落实陪餐制度", requirement="立即整改，建立陪餐记录", delivery_method=delivery,
        now=now,
    )  # fmt: skip
