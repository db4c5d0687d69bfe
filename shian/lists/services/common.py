"""What every write of the lists shares (docs/lists.md §4): who may act, clean text, the audit snapshot."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role

# Who assembles, reviews and publishes editions and keeps the dishonesty list: the county, city and province
# regulators (administrators at those levels and the market-regulation station staff). Approval needs an
# administrator (the office's head).
EDITOR_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.STATION_STAFF})
APPROVER_ROLES = frozenset(ADMIN_ROLES) - {Role.TOWNSHIP_ADMIN}


def is_editor(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in EDITOR_ROLES)


def require_editor(actor) -> None:
    if not is_editor(actor):
        raise PermissionDenied(_("只有县级及以上监管人员可以办理红黑榜和失信名单。"))


def text(value, model, field: str, errors: dict, *, required: bool = False) -> str:
    """A trimmed text field checked against the model's length, the error naming the field."""
    cleaned = str(value or "").replace("\x00", "").strip()
    meta = model._meta.get_field(field)
    if meta.max_length and len(cleaned) > meta.max_length:
        errors[field] = [_("%(f)s不能超过 %(n)d 个字。") % {"f": meta.verbose_name, "n": meta.max_length}]
    elif required and not cleaned:
        errors[field] = [_("请填写%(f)s。") % {"f": meta.verbose_name}]
    return cleaned


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
