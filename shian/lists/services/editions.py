"""Every write on a 红黑榜 edition (docs/lists.md §1): drafting it for a region, its lines (from proposed records,
each traced to its record; reason edited, reordered, removed), review and approval by two people who are neither
the drafter nor each other, publication and withdrawal. Lines change only while the edition is a draft."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import User
from shian.core import audit, rules
from shian.core.jurisdiction import require_in_scope
from shian.core.regioncodes import COUNTY, level_of, prefixes
from shian.core.services import notify
from shian.entities.models import Entity
from shian.regions.models import Region

from ..models import Edition, EditionLine
from ..ruledefs import LINES_MAX, WINDOW
from ..selectors.candidates import check_source
from .common import APPROVER_ROLES, raise_if, require_editor, text

AUDITED = ["region_id", "number", "title", "status", "drafted_by_id", "reviewed_by_id", "approved_by_id",
           "published_at", "window_start", "window_end", "withdrawn_at", "withdraw_reason"]  # fmt: skip
LINE_AUDITED = ["edition_id", "board", "entity_id", "reason", "source_kind", "source_id", "position"]
NUMBER_TRIES = 5


def _require_editor_of(actor, edition: Edition) -> None:
    require_editor(actor)
    require_in_scope(actor, edition.region_id)


def _locked(edition: Edition) -> Edition:
    return Edition.objects.select_for_update(of=("self",)).get(pk=edition.pk)


def next_number(region_code: str, year: int) -> str:
    """期号 of a region's next edition of `year`: 2026年第n期."""
    prefix = _("%(y)d年第") % {"y": year}
    taken = Edition.objects.filter(region_id=region_code, number__startswith=prefix).values_list("number", flat=True)
    seq = max((int(n[len(prefix) :].rstrip("期")) for n in taken if n[len(prefix) :].rstrip("期").isdigit()), default=0)
    return _("%(p)s%(n)d期") % {"p": prefix, "n": seq + 1}


def create(*, actor, region_code: str, title: str = "", today: datetime.date | None = None) -> Edition:
    """Draft an edition for a county, city or province region in the actor's reach; the window for proposing lines
    is `lists.window_days` up to today."""
    require_editor(actor)
    require_in_scope(actor, region_code)
    region = Region.objects.filter(pk=region_code).first()
    if region is None:
        raise ValidationError({"region": [_("区划不存在。")]})
    if (level_of(region_code) or 99) > COUNTY:
        raise ValidationError({"region": [_("红黑榜由县级及以上发布：请选择县（市、区）、市或省。")]})
    today = today or timezone.localdate()
    errors: dict = {}
    title = text(title, Edition, "title", errors)
    raise_if(errors)
    days = rules.value(WINDOW.code, region_code, today)
    for _try in range(NUMBER_TRIES):
        number = next_number(region_code, today.year)
        try:
            with transaction.atomic():
                edition = Edition.objects.create(
                    region=region, number=number, drafted_by=actor,
                    title=title or _("%(r)s食品安全红黑榜（%(n)s）") % {"r": region.name, "n": number},
                    window_start=today - datetime.timedelta(days=days), window_end=today,
                )  # fmt: skip
                audit.record(actor=actor, action="edition.create", obj=edition, region_code=region_code,
                             after=audit.snapshot(edition, AUDITED))  # fmt: skip
            return edition
        except IntegrityError:
            continue
    raise ValidationError(_("期号分配冲突，请重试。"))  # pragma: no cover


def _require_draft(edition: Edition) -> None:
    if edition.status != Edition.Status.DRAFT:
        raise ValidationError(_("本期已%(s)s，条目不能再修改。") % {"s": edition.get_status_display()})


def add_line(
    *, actor, edition: Edition, source_kind: str, source_id: int, reason: str = "", board: str = ""
) -> EditionLine:
    """Put a business on a board from one of its records (a case penalty, a failed sample, a 包保 problem, a 量化
    grade or an 优秀 inspection) in the edition's region: the record decides the board and the business."""
    _require_editor_of(actor, edition)
    found = check_source(source_kind, int(source_id or 0), edition.region_id)
    if found is None:
        raise ValidationError({"source": [_("来源记录不存在或不在本期发布区划内。")]})
    record_board, entity_id = found
    if board and board != record_board:
        raise ValidationError(
            {"board": [_("该来源记录只能列入%(b)s。") % {"b": EditionLine.Board(record_board).label}]}
        )
    errors: dict = {}
    reason = text(reason, EditionLine, "reason", errors, required=True)
    raise_if(errors)
    with transaction.atomic():
        locked = _locked(edition)
        _require_draft(locked)
        lines = EditionLine.objects.filter(edition=locked, board=record_board)
        if lines.filter(entity_id=entity_id).exists():
            name = Entity.objects.filter(pk=entity_id).values_list("name", flat=True).first()
            raise ValidationError(
                {"source": [_("%(e)s 已在本期%(b)s上。") % {"e": name, "b": EditionLine.Board(record_board).label}]}
            )
        if lines.count() >= rules.value(LINES_MAX.code, locked.region_id):
            raise ValidationError(
                {"source": [_("本期%(b)s条目已达上限。") % {"b": EditionLine.Board(record_board).label}]}
            )
        position = (lines.aggregate(m=Max("position"))["m"] or 0) + 1
        line = EditionLine.objects.create(edition=locked, board=record_board, entity_id=entity_id, reason=reason,
                                          source_kind=source_kind, source_id=int(source_id), position=position)  # fmt: skip
        audit.record(actor=actor, action="edition.line_add", obj=line, region_code=locked.region_id,
                     after=audit.snapshot(line, LINE_AUDITED))  # fmt: skip
    return line


def update_line(*, actor, line: EditionLine, reason: str) -> EditionLine:
    """Edit a line's reason (上榜理由) while the edition is a draft."""
    _require_editor_of(actor, line.edition)
    errors: dict = {}
    reason = text(reason, EditionLine, "reason", errors, required=True)
    raise_if(errors)
    with transaction.atomic():
        _require_draft(_locked(line.edition))
        before = {"reason": line.reason}
        line.reason = reason
        line.save(update_fields=["reason"])
        audit.record(actor=actor, action="edition.line_update", obj=line, region_code=line.edition.region_id,
                     before=before, after={"reason": reason})  # fmt: skip
    return line


def remove_line(*, actor, line: EditionLine) -> None:
    _require_editor_of(actor, line.edition)
    with transaction.atomic():
        _require_draft(_locked(line.edition))
        before = audit.snapshot(line, LINE_AUDITED)
        audit.record(actor=actor, action="edition.line_remove", obj=line, region_code=line.edition.region_id,
                     before=before)  # fmt: skip
        line.delete()


def move_line(*, actor, line: EditionLine, up: bool) -> EditionLine:
    """Swap a line with its neighbour above (up) or below on its board."""
    _require_editor_of(actor, line.edition)
    with transaction.atomic():
        _require_draft(_locked(line.edition))
        siblings = list(EditionLine.objects.filter(edition_id=line.edition_id, board=line.board)
                        .order_by("position", "pk"))  # fmt: skip
        index = next(i for i, s in enumerate(siblings) if s.pk == line.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(siblings):
            return line
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for n, sibling in enumerate(siblings, 1):
            if sibling.position != n:
                EditionLine.objects.filter(pk=sibling.pk).update(position=n)
        audit.record(actor=actor, action="edition.line_move", obj=line, region_code=line.edition.region_id,
                     after={"order": [s.pk for s in siblings]})  # fmt: skip
    line.refresh_from_db()
    return line


def _transition(actor, edition: Edition, *, action: str, expect: set[str], to: str, changes, note: str = "") -> Edition:
    with transaction.atomic():
        locked = _locked(edition)
        if locked.status not in expect:
            raise ValidationError(_("本期当前状态为“%(s)s”，不能办理此操作。") % {"s": locked.get_status_display()})
        before = audit.snapshot(locked, AUDITED)
        changes(locked)
        locked.status = to
        locked.save()
        after = audit.changed(before, audit.snapshot(locked, AUDITED))
        audit.record(actor=actor, action=action, obj=locked, region_code=locked.region_id, before=before,
                     after={**after, "note": note} if note else after)  # fmt: skip
    return locked


def review(*, actor, edition: Edition) -> Edition:
    """审核: by an editor who did not draft it; the edition needs at least one line."""
    _require_editor_of(actor, edition)
    if actor.pk == edition.drafted_by_id:
        raise ValidationError(_("起草人不能审核本人起草的红黑榜：须由另一名工作人员审核。"))
    if not EditionLine.objects.filter(edition=edition).exists():
        raise ValidationError(_("本期没有任何条目，不能提交审核。"))

    def change(e):
        e.reviewed_by, e.reviewed_at = actor, timezone.now()

    edition = _transition(actor, edition, action="edition.review", expect={Edition.Status.DRAFT},
                          to=Edition.Status.REVIEWED, changes=change)  # fmt: skip
    approvers = User.objects.filter(is_active=True, role__in=APPROVER_ROLES, region_id__in=prefixes(edition.region_id))
    _tell(approvers.exclude(pk__in=[edition.drafted_by_id, actor.pk]), edition, _("%(t)s 已审核，待批准"))
    return edition


def approve(*, actor, edition: Edition) -> Edition:
    """批准: by an administrator who neither drafted nor reviewed it (two distinct people besides the drafter)."""
    _require_editor_of(actor, edition)
    if not (actor.is_superuser or actor.role in APPROVER_ROLES):
        raise PermissionDenied(_("批准须由县级及以上管理员（负责人）办理。"))
    if actor.pk == edition.drafted_by_id:
        raise ValidationError(_("起草人不能批准本人起草的红黑榜。"))
    if actor.pk == edition.reviewed_by_id:
        raise ValidationError(_("审核人不能再批准同一期红黑榜：审核与批准须由两名不同人员办理。"))

    def change(e):
        e.approved_by, e.approved_at = actor, timezone.now()

    edition = _transition(actor, edition, action="edition.approve", expect={Edition.Status.REVIEWED},
                          to=Edition.Status.APPROVED, changes=change)  # fmt: skip
    _tell([edition.drafted_by], edition, _("%(t)s 已批准，可以发布"))
    return edition


def _tell(users, edition: Edition, text: str) -> None:
    notify(users=users, text=text % {"t": edition.title}, url=reverse("lists:edition_detail", args=[edition.pk]),
           kind="lists.edition_waiting")  # fmt: skip


def send_back(*, actor, edition: Edition, reason: str) -> Edition:
    """退回修改: a reviewed edition goes back to its drafter (the review is cleared)."""
    _require_editor_of(actor, edition)
    errors: dict = {}
    reason = text(reason, Edition, "withdraw_reason", errors, required=True)
    raise_if(errors)

    def change(e):
        e.reviewed_by, e.reviewed_at = None, None

    return _transition(actor, edition, action="edition.send_back", expect={Edition.Status.REVIEWED},
                       to=Edition.Status.DRAFT, changes=change, note=reason)  # fmt: skip


def publish(*, actor, edition: Edition) -> Edition:
    """发布: an approved edition goes to the public page, the public API and the poster."""
    _require_editor_of(actor, edition)

    def change(e):
        e.published_at, e.published_by = timezone.now(), actor

    return _transition(actor, edition, action="edition.publish", expect={Edition.Status.APPROVED},
                       to=Edition.Status.PUBLISHED, changes=change)  # fmt: skip


def withdraw(*, actor, edition: Edition, reason: str) -> Edition:
    """撤回 a published (or approved) edition, with the reason: it leaves the public side at once."""
    _require_editor_of(actor, edition)
    if not (actor.is_superuser or actor.role in APPROVER_ROLES):
        raise PermissionDenied(_("撤回须由县级及以上管理员（负责人）办理。"))
    errors: dict = {}
    reason = text(reason, Edition, "withdraw_reason", errors, required=True)
    raise_if(errors)

    def change(e):
        e.withdrawn_at, e.withdrawn_by, e.withdraw_reason = timezone.now(), actor, reason

    return _transition(actor, edition, action="edition.withdraw",
                       expect={Edition.Status.APPROVED, Edition.Status.PUBLISHED}, to=Edition.Status.WITHDRAWN,
                       changes=change)  # fmt: skip
