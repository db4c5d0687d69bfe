"""The audit service: every create/update/delete through a service records who, when, what, before and after.

Personal data never enters an entry in clear (docs/security.md): phone and ID numbers in `before`/`after` are stored
masked, whoever calls `record`, so an auditor reading the trail sees no more than a list page shows.
"""

import datetime
import decimal
import uuid

from django.db import models

from . import context
from .masking import mask_id_number, mask_phone
from .models import AuditEntry

# Fields never copied into audit snapshots.
_SECRET_FIELDS = {"password", "key_hash"}
# Personal data stored masked wherever it appears in an entry's before/after, by key.
PII_MASKS = {"phone": mask_phone, "id_number": mask_id_number}


def mask_pii(data):
    """`data` with every personal-data value masked (nested dicts and lists included)."""
    if isinstance(data, dict):
        return {
            key: PII_MASKS[key](value) if key in PII_MASKS and value else mask_pii(value) for key, value in data.items()
        }
    if isinstance(data, list):
        return [mask_pii(item) for item in data]
    return data


def json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [json_value(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe dict of the instance's concrete fields (foreign keys as ids), secrets left out."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SECRET_FIELDS or (fields is not None and field.name not in fields):
            continue
        data[field.attname] = json_value(getattr(instance, field.attname))
    return data


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_name=getattr(actor_obj, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_code=region_code or "",
        before=mask_pii(before),
        after=mask_pii(after),
        request_id=context.request_id.get(),
        ip=context.client_ip.get(),
    )


def changed(before: dict, after: dict) -> dict:
    """Only the keys whose values differ, for compact 'update' entries."""
    return {k: after[k] for k in after if before.get(k) != after[k]}
