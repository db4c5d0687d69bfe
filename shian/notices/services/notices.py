"""Every write on a notice (docs/notices.md §2): drafting and issuing one (the commission of the issuer's region to a
township, a department's office or an entity inside its jurisdiction, numbered 食安办函〔year〕N号), recording its
delivery (which starts the reply clock: the type's working days, docs/domain.md §15), the recipient's reply with its
attachments, and the issuer's acceptance or return. Each write checks jurisdiction and is audited."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.checklists import services as checklists
from shian.core import audit
from shian.core.jurisdiction import in_scope, require_in_scope
from shian.core.regioncodes import COUNTY, TOWNSHIP, ancestor, level_of
from shian.core.services import notify
from shian.core.workdays import add_working_days
from shian.entities.models import Entity
from shian.regions.models import Region

from ..models import Notice, NoticeAttachment, NoticeType
from ..selectors import notices as selectors
from ..selectors.types import type_for

AUDITED = ["number", "type_title", "grade", "issuer_region_id", "region_id", "recipient_kind", "department_id",
           "entity_id", "recipient_name", "subject", "status", "issued_at", "delivered_at", "delivery_method",
           "reply_due", "replied_at", "replied_on_time", "reviewed_at", "previous_id"]  # fmt: skip
NUMBER_TRIES = 5
TEXT_LIMITS = {"subject": 200, "facts": 5000, "requirement": 5000, "reply_text": 5000, "review_note": 500,
               "delivery_note": 200}  # fmt: skip


def _text(value, field: str, errors: dict, *, required: bool = True) -> str:
    text = str(value or "").replace("\x00", "").strip()
    label = Notice._meta.get_field(field).verbose_name
    if len(text) > TEXT_LIMITS[field]:
        errors[field] = [_("%(f)s不能超过 %(n)d 个字。") % {"f": label, "n": TEXT_LIMITS[field]}]
    elif required and not text:
        errors[field] = [_("请填写%(f)s。") % {"f": label}]
    return text


def issuing_region(actor, recipient_region: str) -> str:
    """The region whose commission the actor issues for: its own (a province, city or county administrator); a
    superuser issues for the recipient's county."""
    if actor.is_superuser:
        return ancestor(recipient_region, COUNTY) or recipient_region
    if actor.role not in selectors.ISSUER_ROLES or not actor.region_id:
        raise PermissionDenied(_("只有省、市、县级食安办（管理员）可以签发三书一函。"))
    return actor.region_id


def _require_issuer(actor, notice: Notice) -> None:
    if not selectors.is_issuer(actor, notice):
        require_in_scope(actor, notice.region_id)  # someone who may not even see it gets a 404
        raise PermissionDenied(_("只有发文机关（%(r)s食安办）可以办理此操作。") % {"r": notice.issuer_region.name})


# -- the recipient ----------------------------------------------------------------------------------------------


def resolve_recipient(*, actor, kind: str, township_code: str = "", department_code: str = "",
                      office_code: str = "", entity: Entity | None = None) -> dict:  # fmt: skip
    """The recipient's fields (kind, region, department, entity, name), checked against the actor's jurisdiction: a
    recipient outside it reads as unknown (404)."""
    if kind == Notice.Recipient.TOWNSHIP:
        code = str(township_code or "").strip()
        if level_of(code) != TOWNSHIP:
            raise ValidationError({"township_code": [_("请选择收文的乡镇（街道）。")]})
        require_in_scope(actor, code)
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404(_("未找到该乡镇（街道）。"))
        return {"recipient_kind": kind, "region": region, "department": None, "entity": None,
                "recipient_name": region.name}  # fmt: skip
    if kind == Notice.Recipient.DEPARTMENT:
        department = Department.objects.filter(code=str(department_code or "").strip()).first()
        if department is None:
            raise ValidationError({"department_code": [_("请选择收文部门。")]})
        code = str(office_code or "").strip() or (actor.region_id or "")
        require_in_scope(actor, code)
        region = Region.objects.filter(code=code).first()
        if region is None or (level_of(code) or 99) > TOWNSHIP:
            raise ValidationError({"office_code": [_("部门所在区划须为县级或乡镇级以上区划。")]})
        return {"recipient_kind": kind, "region": region, "department": department, "entity": None,
                "recipient_name": f"{region.name}{department.name}"}  # fmt: skip
    if kind == Notice.Recipient.ENTITY:
        if entity is None:
            raise ValidationError({"entity": [_("请填写收文主体（名称或统一社会信用代码）。")]})
        require_in_scope(actor, entity.region_id)
        return {"recipient_kind": kind, "region_id": entity.region_id, "department": None, "entity": entity,
                "recipient_name": entity.name}  # fmt: skip
    raise ValidationError({"recipient_kind": [_("请选择收文对象类型（乡镇、部门或市场主体）。")]})


# -- drafting and issuing ---------------------------------------------------------------------------------------


def create_notice(*, actor, type_code: str, recipient: dict, subject: str, facts: str, requirement: str,
                  issue: bool = True, delivery_method: str = Notice.Delivery.SYSTEM,
                  previous: Notice | None = None, now: datetime.datetime | None = None) -> Notice:  # fmt: skip
    """Draft a notice (and, with `issue`, sign it off at once and, with a `delivery_method`, record its delivery)."""
    region_code = recipient.get("region_id") or recipient["region"].code
    issuer = issuing_region(actor, region_code)
    if not region_code.startswith(issuer):
        raise Http404(_("未找到该收文对象，或不在您的管辖范围内。"))
    errors: dict = {}
    notice_type = type_for(str(type_code or ""), issuer)
    if notice_type is None or not notice_type.active:
        errors["type_code"] = [_("请选择文书类型。")]
    subject = _text(subject, "subject", errors)
    facts = _text(facts, "facts", errors)
    requirement = _text(requirement, "requirement", errors)
    if delivery_method and delivery_method not in Notice.Delivery.values:
        errors["delivery_method"] = [_("送达方式无效。")]
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        notice = Notice.objects.create(
            notice_type=notice_type, type_title=notice_type.title, grade=notice_type.grade, issuer_region_id=issuer,
            subject=subject, facts=facts, requirement=requirement, created_by=actor, created_at=now,
            previous=previous, **recipient,
        )  # fmt: skip
        audit.record(actor=actor, action="notices.draft", obj=notice, region_code=notice.region_id,
                     after=audit.snapshot(notice, AUDITED))  # fmt: skip
        if issue:
            notice = issue_notice(actor=actor, notice=notice, delivery_method=delivery_method, now=now)
    return notice


def next_seq(issuer_region: str, year: int) -> int:
    last = Notice.objects.filter(issuer_region_id=issuer_region, year=year).aggregate(m=Max("seq"))["m"]
    return (last or 0) + 1


def issue_notice(*, actor, notice: Notice, delivery_method: str = "", now: datetime.datetime | None = None) -> Notice:
    """Sign off a draft: it gets its number (the type's prefix〔year〕N号, N counted per issuing office and year) and,
    with a `delivery_method`, is delivered at once."""
    _require_issuer(actor, notice)
    now = now or timezone.now()
    year = timezone.localtime(now).year
    for _try in range(NUMBER_TRIES):
        try:
            with transaction.atomic():
                locked = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
                if locked.status != Notice.Status.DRAFT:
                    raise ValidationError(_("该文书已签发（%(n)s）。") % {"n": locked.number})
                seq = next_seq(locked.issuer_region_id, year)
                locked.year, locked.seq = year, seq
                locked.number = f"{locked.notice_type.doc_prefix}〔{year}〕{seq}号"
                locked.issued_at, locked.issued_by, locked.status = now, actor, Notice.Status.ISSUED
                locked.save()
                audit.record(actor=actor, action="notices.issue", obj=locked, region_code=locked.region_id,
                             after={"number": locked.number, "issued_at": now.isoformat()})  # fmt: skip
                break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five concurrent issues by one office within a moment
        raise ValidationError(_("文号分配冲突，请重试。"))
    if delivery_method:
        locked = deliver(actor=actor, notice=locked, method=delivery_method, delivered_at=now)
    return locked


def reply_due_of(notice: Notice, start: datetime.datetime) -> tuple[datetime.datetime, dict]:
    """The reply due from `start` (delivery or a return): the type's working days on the holiday table's clock, to
    the end of the day; with the rule as it was (code, name, unit, amount, where it came from)."""
    notice_type = notice.notice_type
    day = add_working_days(timezone.localtime(start).date(), notice_type.reply_days)
    due = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=timezone.get_default_timezone())
    rule = {"code": f"notices.type:{notice_type.code}", "name": _("%(t)s答复期限") % {"t": notice_type.title},
            "unit": "WD", "amount": notice_type.reply_days, "region_prefix": notice_type.region_prefix,
            "type_id": notice_type.pk, "start": start.isoformat()}  # fmt: skip
    return due, rule


def deliver(*, actor, notice: Notice, method: str, delivered_at: datetime.datetime | None = None,
            note: str = "") -> Notice:  # fmt: skip
    """Record the delivery (when and how); the reply clock starts, and the recipient's users are told."""
    _require_issuer(actor, notice)
    errors: dict = {}
    if method not in Notice.Delivery.values:
        errors["delivery_method"] = [_("请选择送达方式。")]
    note = _text(note, "delivery_note", errors, required=False)
    now = timezone.now()
    delivered_at = delivered_at or now
    if delivered_at > now + datetime.timedelta(minutes=10):
        errors["delivered_at"] = [_("送达时间不能晚于当前时间。")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
        if locked.status != Notice.Status.ISSUED:
            raise ValidationError(_("只有已签发、尚未送达的文书可以登记送达。"))
        if locked.issued_at and delivered_at < locked.issued_at - datetime.timedelta(minutes=10):
            raise ValidationError({"delivered_at": [_("送达时间不能早于签发时间。")]})
        locked.reply_due, locked.due_rule = reply_due_of(locked, delivered_at)
        locked.delivered_at, locked.delivery_method, locked.delivery_note = delivered_at, method, note
        locked.status = Notice.Status.DELIVERED
        locked.save()
        audit.record(actor=actor, action="notices.deliver", obj=locked, region_code=locked.region_id,
                     after={"delivered_at": delivered_at.isoformat(), "method": method,
                            "reply_due": locked.reply_due.isoformat()})  # fmt: skip
        notify(users=selectors.recipient_users(locked),
               text=_("收到%(t)s（%(n)s）：%(s)s，请于 %(d)s 前答复") % {
                   "t": locked.type_title, "n": locked.number, "s": locked.subject[:40],
                   "d": timezone.localtime(locked.reply_due).date()},
               url=reverse("notices:notice_detail", args=[locked.pk]), kind="notices.delivered")  # fmt: skip
    return locked


# -- reply and review -------------------------------------------------------------------------------------------


def reply(*, actor, notice: Notice, text: str, uploads=(), now: datetime.datetime | None = None) -> Notice:
    """The recipient's reply (text and attachments), once per round; someone who is not the recipient is refused."""
    require_in_scope_or_own(actor, notice)
    if not selectors.is_recipient(actor, notice):
        raise PermissionDenied(_("只有收文单位（%(r)s）可以答复。") % {"r": notice.recipient_name})
    errors: dict = {}
    text = _text(text, "reply_text", errors)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
        if locked.status != Notice.Status.DELIVERED:
            raise ValidationError(_("该文书当前不需要答复（%(s)s）。") % {"s": locked.get_status_display()})
        for upload in uploads:
            stored = checklists.store_file(NoticeAttachment, actor=actor, upload=upload, allow_pdf=True)
            stored.notice = locked
            stored.save(update_fields=["notice"])
            audit.record(actor=actor, action="notices.attachment_add", obj=stored, region_code=locked.region_id,
                         after={"notice": locked.number, "name": stored.name, "size": stored.size})  # fmt: skip
        locked.reply_text, locked.replied_at, locked.replied_by = text, now, actor
        locked.replied_on_time = now <= locked.reply_due
        locked.status = Notice.Status.REPLIED
        locked.save()
        audit.record(actor=actor, action="notices.reply", obj=locked, region_code=locked.region_id,
                     after={"replied_at": now.isoformat(), "on_time": locked.replied_on_time})  # fmt: skip
        notify(users=selectors.issuer_admins(locked.issuer_region_id),
               text=_("%(r)s已答复%(t)s（%(n)s），请审核") % {"r": locked.recipient_name, "t": locked.type_title,
                                                        "n": locked.number},
               url=reverse("notices:notice_detail", args=[locked.pk]), kind="notices.replied",
               group=f"notices-replied-{locked.issuer_region_id}", group_text=_("%(n)d 份三书一函答复待审核"),
               group_url=reverse("notices:notice_list"))  # fmt: skip
    return locked


def require_in_scope_or_own(actor, notice: Notice) -> None:
    """A notice the actor may not see at all is a 404 (an enterprise account: only its own entity's)."""
    if getattr(actor, "role", "") == "enterprise" and not actor.is_superuser:
        if notice.entity_id is None or notice.entity_id != actor.entity_id:
            raise Http404(_("未找到该记录，或不在您的管辖范围内。"))
        return
    if not in_scope(actor, notice.region_id):
        raise Http404(_("未找到该记录，或不在您的管辖范围内。"))


def review(*, actor, notice: Notice, accept: bool, note: str = "", now: datetime.datetime | None = None) -> Notice:
    """The issuer accepts the reply (办结) or returns it (退回): a returned notice waits for a new reply, due the
    type's working days after the return."""
    _require_issuer(actor, notice)
    errors: dict = {}
    note = _text(note, "review_note", errors, required=not accept)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Notice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
        if locked.status != Notice.Status.REPLIED:
            raise ValidationError(_("只有已答复待审核的文书可以审核。"))
        locked.reviewed_at, locked.reviewed_by, locked.review_note = now, actor, note
        if accept:
            locked.status = Notice.Status.ACCEPTED
        else:
            returns = [*locked.due_rule.get("returns", []), {"at": now.isoformat(), "note": note,
                                                             "previous_due": locked.reply_due.isoformat()}]  # fmt: skip
            locked.reply_due, rule = reply_due_of(locked, now)
            locked.due_rule = {**rule, "returns": returns}
            locked.status, locked.overdue_at = Notice.Status.DELIVERED, None
            locked.returned_count += 1
        locked.save()
        audit.record(actor=actor, action="notices.accept" if accept else "notices.return", obj=locked,
                     region_code=locked.region_id,
                     after={"note": note, "reply_due": locked.reply_due.isoformat() if locked.reply_due else None})  # fmt: skip
        text = (_("%(t)s（%(n)s）的答复已审核通过，已办结") if accept
                else _("%(t)s（%(n)s）的答复被退回，请重新答复：%(m)s"))  # fmt: skip
        notify(users=selectors.recipient_users(locked),
               text=text % {"t": locked.type_title, "n": locked.number, "m": note[:60]},
               url=reverse("notices:notice_detail", args=[locked.pk]), kind="notices.reviewed")  # fmt: skip
    return locked


def types_for_form(actor) -> list[NoticeType]:
    from ..selectors.types import types_in_force

    return types_in_force(actor.region_id or "")
