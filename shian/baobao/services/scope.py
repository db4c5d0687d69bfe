"""The region a bulk write (grading, assignment, change detection) works on: the one asked for, or the actor's own."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shian.core.jurisdiction import require_in_scope


def scope_region(actor, region_code: str | None) -> str:
    """`region_code`, else the actor's region; it must lie in the actor's jurisdiction (a superuser may act on all)."""
    prefix = region_code or actor.region_id or ""
    if not prefix and not actor.is_superuser:
        raise ValidationError({"region_code": [_("请指定区划。")]})
    if prefix:
        require_in_scope(actor, prefix)
    return prefix
