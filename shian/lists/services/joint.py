"""联合惩戒 (docs/lists.md §3): when the USCC of a listed business turns up on a new licence, or the ID number of a
listed business's legal representative or principal is added as key personnel of another business, a flag is raised
for the staff of that business's region (a work-list item and a notification), the match shown masked.

Two paths feed it: `post_save` receivers on `entities.License` and `entities.KeyPerson` (registered from
ListsConfig.ready(): entities never imports this app) for records saved one by one, and the sweep job
(`lists.joint_sweep`) for rows written in bulk by imports, which send no signals; the sweep reads past a watermark
and the flag's unique (identity, record) makes both paths safe to meet."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core import audit
from shian.core.jurisdiction import require_in_scope
from shian.core.regioncodes import prefixes
from shian.core.services import notify
from shian.entities.models import Entity, KeyPerson, License

from .. import matching
from ..models import DishonestyEntry, JointFlag, ListedIdentity, SweepMark
from .common import EDITOR_ROLES, raise_if, require_editor, text

SWEEP_BATCH = 5000
log = logging.getLogger("shian.lists")


def _listed(kind: str, digest: str):
    if not digest:
        return ListedIdentity.objects.none()
    return ListedIdentity.objects.filter(kind=kind, digest=digest, entry__status=DishonestyEntry.Status.LISTED)


def _raise(identity: ListedIdentity, entity: Entity, kind: str, source_kind: str, source_id: int) -> JointFlag | None:
    try:
        with transaction.atomic():
            flag = JointFlag.objects.create(
                entry=identity.entry, identity=identity, entity=entity, region_id=entity.region_id, kind=kind,
                source_kind=source_kind, source_id=source_id, masked=identity.masked, created_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        return None  # already flagged by the other path
    listed = identity.entry.entity
    audit.record(actor=None, action="joint.flag", obj=flag, region_code=entity.region_id,
                 after={"entry": identity.entry_id, "entity": entity.pk, "kind": kind, "match": identity.masked,
                        "source": f"{source_kind}:{source_id}"})  # fmt: skip
    staff = User.objects.filter(is_active=True, role__in=EDITOR_ROLES, region_id__in=prefixes(entity.region_id))
    notify(users=staff, kind="lists.joint_flag", url=reverse("lists:flag_list"),
           text=_("联合惩戒提示：%(e)s 的%(w)s与严重违法失信主体 %(l)s 相同（%(m)s）")
           % {"e": entity.name, "w": identity.role, "l": listed.name, "m": identity.masked},
           group=f"region:{entity.region_id}", group_text=str(_("%(n)d 条联合惩戒提示待核查")),
           group_url=reverse("lists:flag_list"))  # fmt: skip
    return flag


def check_licence(licence: License) -> list[JointFlag]:
    """A new licence of a business whose USCC is a listed business's (the listed business itself included)."""
    entity = licence.entity
    found = _listed(ListedIdentity.Kind.USCC, matching.digest(ListedIdentity.Kind.USCC, entity.uscc))
    flags = [
        _raise(i, entity, JointFlag.Kind.LICENCE, "entities.license", licence.pk)
        for i in found.select_related("entry__entity")
    ]
    return [f for f in flags if f]


def check_key_person(person: KeyPerson) -> list[JointFlag]:
    """A key person added to a business other than the listed one, whose ID number is a listed key person's."""
    if not person.id_number:
        return []
    found = _listed(ListedIdentity.Kind.PERSON, matching.digest(ListedIdentity.Kind.PERSON, person.id_number))
    found = found.exclude(entry__entity_id=person.entity_id).select_related("entry__entity")
    flags = [_raise(i, person.entity, JointFlag.Kind.KEY_PERSON, "entities.keyperson", person.pk) for i in found]
    return [f for f in flags if f]


def on_licence_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save of a licence: checked at once, in the writer's transaction (a failure is logged, never breaks the
    write: the sweep checks the row again)."""
    if created and not raw:
        _safely(check_licence, instance)


def on_key_person_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw and instance.id_number:
        _safely(check_key_person, instance)


def _safely(check, instance) -> None:
    try:
        with transaction.atomic():
            check(instance)
    except Exception:  # the registry write must not fail for the check; the sweep looks at the row again
        log.exception("joint-punishment check failed for %s %s", type(instance).__name__, instance.pk)


def sweep() -> dict:
    """Check the licences and key persons written since the last sweep (bulk imports send no signals)."""
    out = {}
    for key, model, check in (("entities.license", License, check_licence),
                              ("entities.keyperson", KeyPerson, check_key_person)):  # fmt: skip
        mark, _new = SweepMark.objects.get_or_create(key=key)
        if _new:  # first run: start from now, not from the whole registry
            mark.last_id = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            mark.save()
            out[key] = 0
            continue
        rows = list(model.objects.filter(pk__gt=mark.last_id).select_related("entity").order_by("pk")[:SWEEP_BATCH])
        flagged = sum(len(check(row)) for row in rows)
        if rows:
            SweepMark.objects.filter(key=key).update(last_id=rows[-1].pk)
        out[key] = flagged
    return out


def handle(*, actor, flag: JointFlag, note: str) -> JointFlag:
    """已核查处理: what staff did about a flag (e.g. 不予许可, 依法限制任职), required, audited."""
    require_editor(actor)
    require_in_scope(actor, flag.region_id)
    errors: dict = {}
    note = text(note, JointFlag, "note", errors, required=True)
    raise_if(errors)
    with transaction.atomic():
        locked = JointFlag.objects.select_for_update(of=("self",)).get(pk=flag.pk)
        if locked.status != JointFlag.Status.OPEN:
            raise ValidationError(_("该提示已核查处理。"))
        locked.status, locked.handled_by, locked.handled_at, locked.note = (
            JointFlag.Status.HANDLED, actor, timezone.now(), note,
        )  # fmt: skip
        locked.save()
        audit.record(actor=actor, action="joint.handle", obj=locked, region_code=locked.region_id,
                     after={"status": locked.status, "note": note})  # fmt: skip
    return locked
