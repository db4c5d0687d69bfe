"""Checks every service does before a write: no unknown keys, and model errors keyed as the caller sent them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def reject_unknown(data: dict, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))})


def full_clean_as(instance: models.Model, *, exclude: list[str], rename: dict[str, str]) -> None:
    """`full_clean`, with errors on e.g. `region` reported as `region_code`, the key the form or API used."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationError({rename.get(k, k): v for k, v in exc.message_dict.items()}) from exc
