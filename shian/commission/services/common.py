"""Checks shared by the commission's services: who may administer (the commission's office: an administrator of the
region) and who may update a department's or township's line (its own users)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role
from shian.core.jurisdiction import require_in_scope


def require_admin(actor, region_code: str) -> None:
    require_in_scope(actor, region_code)
    if not (actor.is_superuser or actor.role in ADMIN_ROLES):
        raise PermissionDenied(_("只有食安办（管理员）可以办理此操作。"))


def require_owner(actor, region_code: str, department_id: str | None) -> None:
    """The lead's own users (or an administrator over the line's region) update a line; another department's user
    is refused with a message."""
    require_in_scope(actor, region_code)
    if actor.is_superuser or actor.role in ADMIN_ROLES:
        return
    if actor.role == Role.DEPARTMENT_STAFF and department_id and actor.department_id == department_id:
        return
    raise PermissionDenied(_("该事项由其他部门（单位）牵头，您只能更新本部门牵头的事项。"))


def clean_text(value, label: str, limit: int, errors: dict, field: str, *, required: bool = True) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > limit:
        errors[field] = [_("%(f)s不能超过 %(n)d 个字。") % {"f": label, "n": limit}]
    elif required and not text:
        errors[field] = [_("请填写%(f)s。") % {"f": label}]
    return text


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
