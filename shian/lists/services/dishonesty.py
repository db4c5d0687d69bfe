"""Every write on the serious-dishonesty list (docs/lists.md §2): an entry only from a case decision with its legal
basis, for the fixed term `lists.dishonesty_term_years`; credit repair (application by the business or by staff on
its behalf, review, early removal), revocation, and expiry at the term's end (a daily job)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Role, User
from shian.cases.models import Case
from shian.core import audit, rules
from shian.core.jurisdiction import in_scope, require_in_scope
from shian.core.regioncodes import prefixes
from shian.core.services import notify
from shian.entities.models import KeyPerson

from .. import matching
from ..models import DishonestyEntry, ListedIdentity, RepairApplication
from ..ruledefs import REPAIR_AFTER_YEARS, TERM_YEARS
from .common import APPROVER_ROLES, raise_if, require_editor, text

AUDITED = ["entity_id", "case_id", "legal_basis", "listed_on", "ends_on", "status", "removed_on"]
REPAIR_AUDITED = ["entry_id", "status", "applied_by_id", "applied_at", "reviewed_by_id", "review_note"]
# The key persons whose ID numbers follow the listing (joint punishment): who answers for the business.
LISTED_ROLES = (KeyPerson.Role.LEGAL_REPRESENTATIVE, KeyPerson.Role.PRINCIPAL)


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def record_identities(entry: DishonestyEntry) -> int:
    """The listed business's USCC and its legal representative's and principal's ID numbers, as keyed hashes."""
    rows = []
    if entry.entity.uscc:
        rows.append(ListedIdentity(entry=entry, kind=ListedIdentity.Kind.USCC, masked=entry.entity.uscc,
                                   digest=matching.digest(ListedIdentity.Kind.USCC, entry.entity.uscc),
                                   role=str(_("统一社会信用代码"))))  # fmt: skip
    people = KeyPerson.objects.filter(entity_id=entry.entity_id, role__in=LISTED_ROLES).exclude(id_number="")
    for person in people:
        rows.append(ListedIdentity(entry=entry, kind=ListedIdentity.Kind.PERSON, masked=matching.masked(person.id_number),
                                   digest=matching.digest(ListedIdentity.Kind.PERSON, person.id_number),
                                   role=str(person.get_role_display())))  # fmt: skip
    ListedIdentity.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def list_from_case(
    *, actor, case: Case | None, legal_basis: str = "", listed_on: datetime.date | None = None
) -> DishonestyEntry:
    """列入严重违法失信名单 from a case decision: refused without a case, without a decision, without a penalty
    or without a legal basis (the case's own, or given here). The term is `lists.dishonesty_term_years`."""
    require_editor(actor)
    if case is None:
        raise ValidationError({"case": [_("列入严重违法失信名单须依据案件处理决定：请选择已作出处罚决定的案件。")]})
    require_in_scope(actor, case.region_id)
    errors: dict = {}
    if case.status not in (Case.Status.DECIDED, Case.Status.CLOSED) or not case.decided_at:
        errors["case"] = [_("案件 %(n)s 尚未作出处理决定，不能据此列入失信名单。") % {"n": case.number}]
    elif not case.penalties or case.penalties == [Case.Penalty.NONE]:
        errors["case"] = [_("案件 %(n)s 为不予行政处罚决定，不能据此列入失信名单。") % {"n": case.number}]
    elif case.entity_id is None:
        errors["case"] = [_("案件 %(n)s 的当事人不是登记的市场主体。") % {"n": case.number}]
    basis = text(legal_basis if str(legal_basis or "").strip() else case.legal_basis, DishonestyEntry, "legal_basis",
                 errors, required=True)  # fmt: skip
    listed_on = listed_on or timezone.localdate()
    if case.decided_at and listed_on < timezone.localtime(case.decided_at).date():
        errors["listed_on"] = [_("列入日期不能早于处理决定日期。")]
    raise_if(errors)
    years = rules.value(TERM_YEARS.code, case.region_id, listed_on)
    with transaction.atomic():
        Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if DishonestyEntry.objects.filter(case=case, status=DishonestyEntry.Status.LISTED).exists():
            raise ValidationError({"case": [_("案件 %(n)s 已据以列入失信名单。") % {"n": case.number}]})
        entry = DishonestyEntry.objects.create(entity_id=case.entity_id, case=case, legal_basis=basis,
                                               listed_on=listed_on, ends_on=years_after(listed_on, years),
                                               created_by=actor)  # fmt: skip
        identities = record_identities(entry)
        audit.record(actor=actor, action="dishonesty.list", obj=entry, region_code=case.region_id,
                     after={**audit.snapshot(entry, AUDITED), "term_years": years, "identities": identities})  # fmt: skip
    return entry


def _require_keeper(actor, entry: DishonestyEntry) -> None:
    require_editor(actor)
    require_in_scope(actor, entry.entity.region_id)


def may_apply(user, entry: DishonestyEntry) -> bool:
    if user.role == Role.ENTERPRISE and not user.is_superuser:
        return bool(user.entity_id) and user.entity_id == entry.entity_id
    return (user.is_superuser or user.role in (APPROVER_ROLES | {Role.STATION_STAFF})) and in_scope(
        user, entry.entity.region_id
    )


def repair_opens_on(entry: DishonestyEntry) -> datetime.date:
    return years_after(entry.listed_on, rules.value(REPAIR_AFTER_YEARS.code, entry.entity.region_id, entry.listed_on))


def apply_repair(
    *, actor, entry: DishonestyEntry, statement: str, today: datetime.date | None = None
) -> RepairApplication:
    """信用修复申请: by an account of the listed business, or by staff on its behalf; one pending at a time, only
    once `lists.repair_after_years` have passed since listing, and only while the entry is listed."""
    if not may_apply(actor, entry):
        raise PermissionDenied(_("只有该主体的企业账号或管辖地监管人员可以申请信用修复。"))
    today = today or timezone.localdate()
    errors: dict = {}
    statement = text(statement, RepairApplication, "statement", errors, required=True)
    if len(statement) > 5000:
        errors["statement"] = [_("修复申请说明不能超过 5000 个字。")]
    raise_if(errors)
    with transaction.atomic():
        locked = DishonestyEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
        if locked.status != DishonestyEntry.Status.LISTED:
            raise ValidationError(_("该主体已%(s)s，无需申请信用修复。") % {"s": locked.get_status_display()})
        opens = repair_opens_on(entry)
        if today < opens:
            raise ValidationError({"statement": [_("列入满规定期限后方可申请信用修复（%(d)s 起）。") % {"d": opens}]})
        if locked.repairs.filter(status=RepairApplication.Status.PENDING).exists():
            raise ValidationError(_("已有一份信用修复申请待审核。"))
        app = RepairApplication.objects.create(entry=locked, statement=statement, applied_by=actor,
                                               applied_at=timezone.now())  # fmt: skip
        audit.record(actor=actor, action="dishonesty.repair_apply", obj=app, region_code=entry.entity.region_id,
                     after=audit.snapshot(app, REPAIR_AUDITED))  # fmt: skip
        reviewers = User.objects.filter(is_active=True, role__in=APPROVER_ROLES)
        reviewers = reviewers.filter(region_id__in=prefixes(entry.entity.region_id))
        notify(users=reviewers, text=_("%(e)s 申请信用修复，待审核") % {"e": entry.entity.name},
               url=reverse("lists:entry_detail", args=[entry.pk]), kind="lists.repair_applied")  # fmt: skip
    return app


def review_repair(*, actor, application: RepairApplication, approve: bool, note: str,
                  today: datetime.date | None = None) -> RepairApplication:  # fmt: skip
    """审核 a repair application: approval removes the entry early (信用修复移出) as of today; refusal keeps it.
    The reviewer is an administrator other than the applicant; a note is required."""
    entry = application.entry
    _require_keeper(actor, entry)
    if not (actor.is_superuser or actor.role in APPROVER_ROLES):
        raise PermissionDenied(_("信用修复须由县级及以上管理员审核。"))
    if actor.pk == application.applied_by_id:
        raise ValidationError(_("申请人不能审核本人提交的信用修复申请。"))
    errors: dict = {}
    note = text(note, RepairApplication, "review_note", errors, required=True)
    raise_if(errors)
    today = today or timezone.localdate()
    with transaction.atomic():
        app = RepairApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)
        if app.status != RepairApplication.Status.PENDING:
            raise ValidationError(_("该申请已审核（%(s)s）。") % {"s": app.get_status_display()})
        before = audit.snapshot(app, REPAIR_AUDITED)
        app.status = RepairApplication.Status.APPROVED if approve else RepairApplication.Status.REJECTED
        app.reviewed_by, app.reviewed_at, app.review_note = actor, timezone.now(), note
        app.save()
        audit.record(actor=actor, action="dishonesty.repair_review", obj=app, region_code=entry.entity.region_id,
                     before=before, after=audit.changed(before, audit.snapshot(app, REPAIR_AUDITED)))  # fmt: skip
        if approve:
            _remove(actor, entry, DishonestyEntry.Status.REPAIRED, today, "dishonesty.repair")
        notify(users=[app.applied_by], text=_("信用修复申请审核结果：%(s)s") % {"s": app.get_status_display()},
               url=reverse("lists:entry_detail", args=[entry.pk]), kind="lists.repair_reviewed")  # fmt: skip
    return app


def _remove(actor, entry: DishonestyEntry, status: str, on: datetime.date, action: str) -> DishonestyEntry:
    locked = DishonestyEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if locked.status != DishonestyEntry.Status.LISTED:
        return locked
    before = audit.snapshot(locked, AUDITED)
    locked.status, locked.removed_on = status, on
    locked.save(update_fields=["status", "removed_on"])
    audit.record(actor=actor, action=action, obj=locked, region_code=locked.entity.region_id, before=before,
                 after=audit.changed(before, audit.snapshot(locked, AUDITED)))  # fmt: skip
    return locked


def revoke(*, actor, entry: DishonestyEntry, reason: str) -> DishonestyEntry:
    """撤销 an entry made in error (the case decision was revoked): an administrator, with the reason."""
    _require_keeper(actor, entry)
    if not (actor.is_superuser or actor.role in APPROVER_ROLES):
        raise PermissionDenied(_("撤销须由县级及以上管理员办理。"))
    errors: dict = {}
    reason = text(reason, RepairApplication, "review_note", errors, required=True)
    raise_if(errors)
    with transaction.atomic():
        locked = _remove(actor, entry, DishonestyEntry.Status.REVOKED, timezone.localdate(), "dishonesty.revoke")
        audit.record(actor=actor, action="dishonesty.revoke_reason", obj=locked,
                     region_code=locked.entity.region_id, after={"reason": reason})  # fmt: skip
    return locked


def expire_due(*, today: datetime.date | None = None) -> int:
    """期满移出: every listed entry whose term ended before today (idempotent: a second run finds none)."""
    today = today or timezone.localdate()
    done = 0
    for entry in DishonestyEntry.objects.filter(status=DishonestyEntry.Status.LISTED, ends_on__lt=today).select_related(
        "entity"
    ):
        with transaction.atomic():
            _remove(None, entry, DishonestyEntry.Status.EXPIRED, entry.ends_on, "dishonesty.expire")
        done += 1
    return done
