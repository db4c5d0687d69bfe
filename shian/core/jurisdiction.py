"""Jurisdiction scoping (docs/architecture.md §3.1): a user sees rows whose region code starts with its own.

Every selector and service goes through these helpers. A row outside scope is a 404,
never a 403, so that its existence does not leak.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .regioncodes import CHILD_LENGTH  # noqa: F401  (kept importable from here; use regioncodes.child_length)


def scope_prefix(user) -> str | None:
    """The region prefix a user may see: '' for superusers (everything), None for no access."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    return user.region_id or None


def in_scope(user, region_code: str | None) -> bool:
    prefix = scope_prefix(user)
    if prefix == "":
        return True
    if prefix is None or region_code is None:
        return False
    return region_code.startswith(prefix)


def scope_queryset(qs: QuerySet, user, field: str = "region") -> QuerySet:
    """Rows of `qs` whose `field` (a region foreign key or code string) lies in the user's jurisdiction."""
    prefix = scope_prefix(user)
    if prefix is None:
        return qs.none()
    if prefix == "":
        return qs
    return qs.filter(region_under(qs.model, field, prefix))


def narrow_to(qs: QuerySet, region_code: str | None, field: str = "region") -> QuerySet:
    """Narrow an already scoped queryset to a sub-region (the region switcher's choice)."""
    if not region_code:
        return qs
    return qs.filter(region_under(qs.model, field, region_code))


def get_in_scope(qs: QuerySet, user, field: str = "region", **lookup):
    """One row of `qs` inside the user's jurisdiction, or Http404 whether it is missing or out of scope."""
    try:
        return scope_queryset(qs, user, field).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。")) from exc


def require_in_scope(user, region_code: str | None) -> None:
    """Services call this before a write that targets `region_code`."""
    if not in_scope(user, region_code):
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))


def region_under(model, field: str, prefix: str) -> Q:
    """Codes under `prefix` as a range, not LIKE: region codes are at most 12 digits, so
    prefix <= code <= prefix + '9…9' is the same set, and a plain b-tree index serves it (and the
    ordering by region) in any database collation, where LIKE 'prefix%' needs a special index."""
    path = _code_path(model, field)
    return Q(**{f"{path}__gte": prefix, f"{path}__lte": prefix.ljust(12, "9")})


def _code_path(model, field: str) -> str:
    """`field__code` when the path ends on a relation (a Region), else `field` (a code string)."""
    final = None
    for part in field.split("__"):
        final = model._meta.get_field(part)
        if final.is_relation:
            model = final.related_model
    return f"{field}__code" if final.is_relation else field


def scope_entity_rows(qs: QuerySet, user, *, entity_field: str = "entity", field: str = "region") -> QuerySet:
    """Rows about market entities: an enterprise account (bound to one entity) sees only its own entity's rows,
    every other account the rows in its jurisdiction (docs/architecture.md §3.1)."""
    if getattr(user, "role", None) == "enterprise" and not getattr(user, "is_superuser", False):
        entity_id = getattr(user, "entity_id", None)
        return qs.filter(**{entity_field: entity_id}) if entity_id and user.is_active else qs.none()
    return scope_queryset(qs, user, field)


def get_entity_row(qs: QuerySet, user, *, entity_field: str = "entity", field: str = "region", **lookup):
    """One row about a market entity that the user may see (see scope_entity_rows), or Http404."""
    try:
        return scope_entity_rows(qs, user, entity_field=entity_field, field=field).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404(_("未找到该记录，或不在您的管辖范围内。")) from exc
