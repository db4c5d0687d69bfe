"""Every write on a case (docs/cases.md §1-§3): opening one from each source with one action, parties and evidence,
the decision (penalty, legal basis) that feeds the entity's risk score, the extension that needs an approval, the
closure that needs a decision (the checker that marks and escalates overdue cases is
services/deadlines.py, docs/cases.md §2)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Role, User
from shian.checklists import services as checklists
from shian.complaints.models import Complaint
from shian.complaints.services.clock import mark_filed
from shian.core import audit, rules
from shian.core.jurisdiction import in_scope, require_in_scope
from shian.core.permissions import require_perm
from shian.core.regioncodes import COUNTY, ancestor
from shian.core.workdays import compute_due
from shian.entities.models import Entity
from shian.entities.validators import validate_phone, validate_resident_id
from shian.inspections.models import CaseReferral
from shian.inspections.services.grading import regrade_entities
from shian.sampling.models import Disposal
from shian.visits.models import Problem

from ..models import Case, CaseEvidence, CaseParty, LegalArticle
from ..ruledefs import DECISION, EXTENSION, MAX_EXTENSIONS

CASE_ROLES = ADMIN_ROLES | {Role.STATION_STAFF}
NUMBER_TRIES = 5
CLOCK_SKEW = datetime.timedelta(minutes=10)
AUDITED = ["number", "source", "entity_id", "region_id", "title", "status", "opened_at", "decision_due",
           "extended_at", "extension_approval", "extension_approved_by_id", "decided_at", "decision_number",
           "penalties", "fine_amount", "confiscated_amount", "closed_at", "complaint_id", "referral_id",
           "disposal_id", "problem_id"]  # fmt: skip
PARTY_AUDITED = ["case_id", "kind", "name", "id_number", "phone"]


def require_case_role(actor) -> None:
    if not (actor.is_superuser or actor.role in CASE_ROLES):
        raise PermissionDenied(_("只有执法人员可以办理案件。"))


def _require_handler(actor, case: Case) -> None:
    require_case_role(actor)
    require_in_scope(actor, case.region_id)


def _text(value, field: str, errors: dict, *, required: bool = False, model=Case) -> str:
    text = str(value or "").replace("\x00", "").strip()
    meta = model._meta.get_field(field)
    if meta.max_length and len(text) > meta.max_length:
        errors[field] = [_("%(f)s不能超过 %(n)d 个字。") % {"f": meta.verbose_name, "n": meta.max_length}]
    elif required and not text:
        errors[field] = [_("请填写%(f)s。") % {"f": meta.verbose_name}]
    return text


def _moment(value, field: str, label: str, errors: dict, *, not_before=None) -> datetime.datetime:
    if value is None:
        return timezone.now()
    if not isinstance(value, datetime.datetime):
        errors[field] = [_("%(f)s无效。") % {"f": label}]
        return timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_SKEW:
        errors[field] = [_("%(f)s不能晚于当前时间。") % {"f": label}]
    elif not_before is not None and value < not_before:
        errors[field] = [_("%(f)s不能早于立案时间。") % {"f": label}]
    return value


def next_number(county: str, year: int) -> str:
    """The next 案件编号 of a county and year: AJ + year + county code + '-' + a 5-digit sequence."""
    prefix = f"AJ{year}{county}-"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


# -- parties ----------------------------------------------------------------------------------------------------


def clean_parties(parties) -> tuple[list[dict], dict]:
    """The named persons of a case, checked: a name each, a valid resident ID and mobile number when given.
    Errors name the party by its row (当事人第 n 行)."""
    cleaned, errors = [], {}
    for n, raw in enumerate(parties or [], 1):
        raw = raw or {}
        name = str(raw.get("name") or "").strip()
        id_number = str(raw.get("id_number") or "").strip().upper()
        phone = str(raw.get("phone") or "").strip()
        if not (name or id_number or phone):
            continue
        kind = raw.get("kind") or CaseParty.Kind.PERSON
        row = []
        if not name:
            row.append(_("请填写姓名或名称"))
        elif len(name) > 100:
            row.append(_("姓名不能超过 100 个字"))
        if kind not in CaseParty.Kind.values:
            row.append(_("当事人类型无效"))
        if id_number:
            try:
                id_number = validate_resident_id(id_number)
            except ValidationError as exc:
                row.append(_("身份证号码：%(m)s") % {"m": "；".join(exc.messages)})
        if phone:
            try:
                phone = validate_phone(phone)
            except ValidationError as exc:
                row.append(_("联系电话：%(m)s") % {"m": "；".join(exc.messages)})
        if row:
            errors.setdefault("parties", []).append(_("当事人第 %(n)d 行：%(m)s。") % {"n": n, "m": "；".join(row)})
        cleaned.append({"kind": kind, "name": name, "id_number": id_number, "phone": phone,
                        "address": str(raw.get("address") or "").strip()[:200]})  # fmt: skip
    return cleaned, errors


def _add_parties(actor, case: Case, parties: list[dict]) -> None:
    for values in parties:
        party = CaseParty.objects.create(case=case, **values)
        audit.record(actor=actor, action="case.party_add", obj=party, region_code=case.region_id,
                     after=audit.snapshot(party, PARTY_AUDITED))  # fmt: skip


def add_party(*, actor, case: Case, **values) -> CaseParty:
    """Add one named person to an open or decided case."""
    _require_handler(actor, case)
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("案件已结案，不能再添加当事人。"))
    cleaned, errors = clean_parties([values])
    if not cleaned and not errors:
        errors = {"parties": [_("请填写当事人姓名或名称。")]}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _add_parties(actor, case, cleaned)
    return case.parties.order_by("-pk").first()


def reveal_parties(*, actor, case: Case, reason: str) -> list[dict]:
    """The named persons' clear ID and phone numbers, for a user holding `accounts.unmask_pii` who gives a reason;
    the view is audited (`case.party_unmask`, with the reason and whose numbers were shown)."""
    require_in_scope(actor, case.region_id)
    require_perm(actor, "accounts.unmask_pii", case)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("查看完整个人信息须填写事由。")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("事由不能超过 200 个字。")]})
    parties = list(case.parties.order_by("pk"))
    audit.record(actor=actor, action="case.party_unmask", obj=case, region_code=case.region_id,
                 after={"reason": reason, "parties": [p.pk for p in parties], "fields": ["id_number", "phone"]})  # fmt: skip
    return [{"id": p.pk, "name": p.name, "id_number": p.id_number, "phone": p.phone} for p in parties]


# -- opening ----------------------------------------------------------------------------------------------------


def _open(*, actor, source: str, region_code: str, entity: Entity | None, title: str, facts: str, parties=(),
          opened_at=None, **links) -> Case:  # fmt: skip
    require_case_role(actor)
    require_in_scope(actor, region_code)
    errors: dict = {}
    title = _text(title, "title", errors, required=True)
    facts = _text(facts, "facts", errors)
    opened_at = _moment(opened_at, "opened_at", _("立案时间"), errors)
    cleaned, party_errors = clean_parties(parties)
    errors.update(party_errors)
    if errors:
        raise ValidationError(errors)
    due = compute_due(rule_code=DECISION.code, start=opened_at, region_code=region_code)
    county = ancestor(region_code, COUNTY) or region_code
    year = timezone.localtime(opened_at).year
    for _try in range(NUMBER_TRIES):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    number=next_number(county, year), source=source, region_id=region_code, entity=entity,
                    title=title, facts=facts, opened_at=opened_at, created_by=actor, decision_due=due.due_at,
                    due_rules={"decision": due.rule}, **links,
                )  # fmt: skip
                break
        except IntegrityError as exc:
            taken = _source_taken(links)
            if taken is not None:
                raise ValidationError(_("该线索已立案（案件 %(n)s），不能重复立案。") % {"n": taken.number}) from exc
    else:  # pragma: no cover - five concurrent cases in one county within a moment
        raise ValidationError(_("案件编号分配冲突，请重试。"))
    _add_parties(actor, case, cleaned)
    audit.record(actor=actor, action="case.open", obj=case, region_code=region_code,
                 after=audit.snapshot(case, AUDITED))  # fmt: skip
    return case


def _source_taken(links: dict) -> Case | None:
    for field, obj in links.items():
        if obj is not None:
            return Case.objects.filter(**{field: obj}).first()
    return None


def _refuse_if_filed(**link) -> None:
    taken = _source_taken(link)
    if taken is not None:
        raise ValidationError(_("该线索已立案（案件 %(n)s），不能重复立案。") % {"n": taken.number})


def open_from_report(*, actor, complaint: Complaint, title: str = "", facts: str = "", parties=(),
                     opened_at=None) -> Case:  # fmt: skip
    """立案 on a report (举报): the case takes the report's entity and region; the report is marked filed."""
    require_in_scope(actor, complaint.region_id)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        if complaint.kind != Complaint.Kind.REPORT:
            raise ValidationError(_("投诉按调解程序处理；只有举报线索可以立案。"))
        _refuse_if_filed(complaint=complaint)
        region = complaint.entity.region_id if complaint.entity_id else complaint.region_id
        case = _open(
            actor=actor, source=Case.Source.REPORT, region_code=region, entity=complaint.entity,
            title=title or _("举报线索 %(n)s") % {"n": complaint.number}, facts=facts or complaint.facts,
            parties=parties, opened_at=opened_at, complaint=complaint,
        )  # fmt: skip
        mark_filed(actor, complaint, case.number)  # the report's filing decision, on its own clock
    return case


def open_from_referral(*, actor, referral: CaseReferral, title: str = "", facts: str = "", parties=(),
                       opened_at=None) -> Case:  # fmt: skip
    """立案 on a referral of the inspections branch (a failed inspection, an order not rectified); the referral is
    marked taken."""
    require_in_scope(actor, referral.region_id)
    with transaction.atomic():
        referral = CaseReferral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
        _refuse_if_filed(referral=referral)
        if referral.status != CaseReferral.Status.NEW:
            raise ValidationError(_("该移送已处理（%(s)s），不能再立案。") % {"s": referral.get_status_display()})
        case = _open(
            actor=actor, source=Case.Source.INSPECTION, region_code=referral.region_id, entity=referral.entity,
            title=title or referral.reason[:200], facts=facts or referral.reason, parties=parties,
            opened_at=opened_at, referral=referral,
        )  # fmt: skip
        CaseReferral.objects.filter(pk=referral.pk).update(status=CaseReferral.Status.TAKEN)
        audit.record(actor=actor, action="case.referral_taken", obj=referral, region_code=referral.region_id,
                     after={"status": CaseReferral.Status.TAKEN, "case": case.number})  # fmt: skip
    return case


def decline_referral(*, actor, referral: CaseReferral, reason: str) -> CaseReferral:
    """不予立案 on a referral of the inspections branch, with the reason (audited); it leaves the waiting list."""
    require_case_role(actor)
    require_in_scope(actor, referral.region_id)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("不予立案须填写理由。")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("理由不能超过 300 个字。")]})
    with transaction.atomic():
        locked = CaseReferral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
        if locked.status != CaseReferral.Status.NEW:
            raise ValidationError(_("该移送已处理（%(s)s）。") % {"s": locked.get_status_display()})
        CaseReferral.objects.filter(pk=locked.pk).update(status=CaseReferral.Status.DECLINED)
        audit.record(actor=actor, action="case.referral_declined", obj=locked, region_code=locked.region_id,
                     after={"status": CaseReferral.Status.DECLINED, "reason": reason})  # fmt: skip
        locked.status = CaseReferral.Status.DECLINED
    return locked


def open_from_disposal(*, actor, disposal: Disposal, title: str = "", facts: str = "", parties=(),
                       opened_at=None) -> Case:  # fmt: skip
    """立案 on the 核查处置 of a failed sample (依法处罚到位)."""
    require_in_scope(actor, disposal.region_id)
    with transaction.atomic():
        disposal = Disposal.objects.select_for_update(of=("self",)).select_related("sample").get(pk=disposal.pk)
        _refuse_if_filed(disposal=disposal)
        if disposal.retest_passed:
            raise ValidationError(_("该样品复检合格，不能据此立案。"))
        sample = disposal.sample
        default = _("%(p)s 抽检不合格（抽样单 %(n)s）") % {"p": sample.product, "n": sample.number}
        case = _open(
            actor=actor, source=Case.Source.DISPOSAL, region_code=disposal.region_id, entity=disposal.entity,
            title=title or default, facts=facts or default, parties=parties, opened_at=opened_at, disposal=disposal,
        )  # fmt: skip
    return case


def open_from_problem(*, actor, problem: Problem, title: str = "", facts: str = "", parties=(), opened_at=None,
                      now: datetime.datetime | None = None) -> Case:  # fmt: skip
    """立案 on a 包保 problem that missed its rectification deadline and is still unresolved (docs/domain.md §4.5):
    the branch that visits lacked."""
    require_in_scope(actor, problem.region_id)
    now = now or timezone.now()
    with transaction.atomic():
        problem = Problem.objects.select_for_update(of=("self",)).get(pk=problem.pk)
        _refuse_if_filed(problem=problem)
        if problem.status == Problem.Status.CLOSED:
            raise ValidationError(_("该问题已整改销号，不能移送立案。"))
        if problem.due_at >= now:
            raise ValidationError(
                _("该问题的整改期限（%(d)s）尚未届满，不能移送立案。")
                % {"d": timezone.localtime(problem.due_at).date()}
            )
        default = _("包保督导问题逾期未整改：%(d)s") % {"d": problem.description[:150]}
        text = _("%(d)s（发现于 %(f)s，整改期限 %(due)s，逾期未整改）") % {
            "d": problem.description, "f": problem.found_on, "due": timezone.localtime(problem.due_at).date(),
        }  # fmt: skip
        case = _open(
            actor=actor, source=Case.Source.PROBLEM, region_code=problem.region_id, entity=problem.entity,
            title=title or default, facts=facts or text, parties=parties, opened_at=opened_at, problem=problem,
        )  # fmt: skip
    return case


# -- investigation ----------------------------------------------------------------------------------------------


def _articles(article_ids) -> list[LegalArticle]:
    try:
        ids = {int(pk) for pk in (article_ids or [])}
    except (TypeError, ValueError) as exc:
        raise ValidationError({"articles": [_("适用条款无效。")]}) from exc
    found = list(LegalArticle.objects.filter(pk__in=ids, active=True))
    if len(found) != len(ids):
        raise ValidationError({"articles": [_("适用条款不存在或已停用。")]})
    return found


def update_investigation(*, actor, case: Case, facts: str, legal_basis: str = "", article_ids=()) -> Case:
    """The facts found and the legal basis of an open case."""
    _require_handler(actor, case)
    if case.status != Case.Status.OPEN:
        raise ValidationError(_("案件已作出决定，违法事实与法律依据不能再修改。"))
    errors: dict = {}
    facts = _text(facts, "facts", errors, required=True)
    legal_basis = _text(legal_basis, "legal_basis", errors)
    if errors:
        raise ValidationError(errors)
    articles = _articles(article_ids)
    with transaction.atomic():
        before = {"facts": case.facts, "legal_basis": case.legal_basis,
                  "articles": sorted(case.articles.values_list("pk", flat=True))}  # fmt: skip
        case.facts, case.legal_basis = facts, legal_basis
        case.save(update_fields=["facts", "legal_basis"])
        case.articles.set(articles)
        after = {"facts": facts, "legal_basis": legal_basis, "articles": sorted(a.pk for a in articles)}
        audit.record(actor=actor, action="case.update", obj=case, region_code=case.region_id, before=before,
                     after=audit.changed(before, after))  # fmt: skip
    return case


def add_evidence(*, actor, case: Case, upload, note: str = "") -> CaseEvidence:
    """One file of evidence (a photo is downscaled and its location removed; the original is kept)."""
    _require_handler(actor, case)
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("案件已结案，不能再添加证据。"))
    with transaction.atomic():
        stored = checklists.store_file(CaseEvidence, actor=actor, upload=upload, allow_pdf=True)
        stored.case, stored.note = case, str(note or "").strip()[:200]
        stored.save(update_fields=["case", "note"])
        audit.record(actor=actor, action="case.evidence_add", obj=stored, region_code=case.region_id,
                     after={"case": case.number, "name": stored.name, "size": stored.size})  # fmt: skip
    return stored


# -- decision ---------------------------------------------------------------------------------------------------


def _amount(value, field: str, label: str, errors: dict) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[field] = [_("%(f)s须为金额（元）。") % {"f": label}]
        return Decimal(0)
    if amount < 0 or amount >= Decimal("1e10"):
        errors[field] = [_("%(f)s超出范围。") % {"f": label}]
    return amount


def decide(*, actor, case: Case, penalties, decision_number: str, decision_text: str = "", fine_amount=None,
           confiscated_amount=None, legal_basis: str | None = None, article_ids=None, decided_at=None) -> Case:  # fmt: skip
    """The 处理决定 of an open case: the penalties (or 不予处罚), their amounts, the decision's number and the legal
    basis (a listed article or free text). The entity's risk grade is recomputed at once (factor `cases`)."""
    _require_handler(actor, case)
    errors: dict = {}
    kinds = [p for p in dict.fromkeys(penalties or []) if p]
    if not kinds:
        errors["penalties"] = [_("请选择处罚种类（或“不予行政处罚”）。")]
    elif any(p not in Case.Penalty.values for p in kinds):
        errors["penalties"] = [_("处罚种类无效。")]
    elif Case.Penalty.NONE in kinds and len(kinds) > 1:
        errors["penalties"] = [_("“不予行政处罚”不能与其他处罚种类同时选择。")]
    fine = _amount(fine_amount, "fine_amount", _("罚款金额"), errors)
    gains = _amount(confiscated_amount, "confiscated_amount", _("没收违法所得金额"), errors)
    if "fine_amount" not in errors:
        if Case.Penalty.FINE in kinds and fine <= 0:
            errors["fine_amount"] = [_("选择了罚款，请填写罚款金额。")]
        elif Case.Penalty.FINE not in kinds and fine > 0:
            errors["fine_amount"] = [_("未选择罚款，罚款金额应为空。")]
    if "confiscated_amount" not in errors:
        if Case.Penalty.CONFISCATE_GAINS in kinds and gains <= 0:
            errors["confiscated_amount"] = [_("选择了没收违法所得，请填写金额。")]
        elif Case.Penalty.CONFISCATE_GAINS not in kinds and gains > 0:
            errors["confiscated_amount"] = [_("未选择没收违法所得，金额应为空。")]
    number = _text(decision_number, "decision_number", errors, required=True)
    text = _text(decision_text, "decision_text", errors)
    basis = case.legal_basis if legal_basis is None else _text(legal_basis, "legal_basis", errors)
    articles = list(case.articles.all()) if article_ids is None else _articles(article_ids)
    if not basis and not articles:
        errors["legal_basis"] = [_("请选择适用条款或填写法律依据。")]
    if not case.facts:
        errors["facts"] = [_("请先登记违法事实。")]
    when = _moment(decided_at, "decided_at", _("决定时间"), errors, not_before=case.opened_at)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if locked.status != Case.Status.OPEN:
            raise ValidationError(_("案件已作出处理决定，不能重复决定。"))
        before = audit.snapshot(locked, AUDITED)
        locked.status = Case.Status.DECIDED
        locked.penalties, locked.fine_amount, locked.confiscated_amount = kinds, fine, gains
        locked.decision_number, locked.decision_text, locked.legal_basis = number, text, basis
        locked.decided_at, locked.decided_on_time = when, when <= locked.decision_due
        locked.save()
        locked.articles.set(articles)
        audit.record(actor=actor, action="case.decide", obj=locked, region_code=locked.region_id, before=before,
                     after=audit.changed(before, audit.snapshot(locked, AUDITED)))  # fmt: skip
        if locked.entity_id:
            regrade_entities([locked.entity_id], trigger="case", actor=actor)
    return locked


# -- extension and closure --------------------------------------------------------------------------------------


def extend(*, actor, case: Case, approver: User | None, approval_ref: str, reason: str,
           now: datetime.datetime | None = None) -> Case:  # fmt: skip
    """Extend the decision deadline by `cases.extension` (30 CD) with the approval of the office's head: an
    administrator over the case's region other than the handler, named with the approval's document number.
    Refused without an approval, after the deadline, or beyond `cases.max_extensions` (further extensions are a
    collective decision, outside this system)."""
    _require_handler(actor, case)
    now = now or timezone.now()
    errors: dict = {}
    ref = _text(approval_ref, "extension_approval", errors, required=True)
    why = _text(reason, "extension_reason", errors, required=True)
    if approver is None:
        errors["approver"] = [_("延期须经负责人批准：请选择批准人。")]
    elif not approver.is_active or not (approver.is_superuser or approver.role in ADMIN_ROLES):
        errors["approver"] = [_("批准人须为在职的行政机关负责人（管理员账号）。")]
    elif approver.pk == actor.pk:
        errors["approver"] = [_("承办人不能自行批准延期。")]
    elif not in_scope(approver, case.region_id):
        errors["approver"] = [_("批准人不是该案承办区划的负责人。")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if locked.status != Case.Status.OPEN:
            raise ValidationError(_("案件已作出处理决定，无需延期。"))
        done = len(locked.due_rules.get("extensions", []))
        if done >= rules.value(MAX_EXTENSIONS.code, locked.region_id):
            raise ValidationError(_("本案已延期；再次延期须经集体讨论决定，不能在此登记。"))
        if now > locked.decision_due:
            raise ValidationError(_("处理期限已届满，不能再批准延期。"))
        due = compute_due(rule_code=EXTENSION.code, start=locked.decision_due, region_code=locked.region_id)
        before = audit.snapshot(locked, AUDITED)
        entry = {"rule": due.rule, "from": locked.decision_due.isoformat(), "approver": approver.pk, "ref": ref}
        locked.due_rules = {**locked.due_rules, "extensions": [*locked.due_rules.get("extensions", []), entry]}
        locked.decision_due = due.due_at
        locked.extended_at, locked.extension_approval, locked.extension_reason = now, ref, why
        locked.extension_approved_by = approver
        locked.save()
        audit.record(actor=actor, action="case.extend", obj=locked, region_code=locked.region_id, before=before,
                     after=audit.changed(before, audit.snapshot(locked, AUDITED)))  # fmt: skip
    return locked


def close(*, actor, case: Case, note: str, closed_at=None) -> Case:
    """结案 once the decision is made (and carried out): refused while no decision is recorded. A 挂牌督办 ends
    with the closure."""
    _require_handler(actor, case)
    errors: dict = {}
    note = _text(note, "closure_note", errors, required=True)
    when = _moment(closed_at, "closed_at", _("结案时间"), errors, not_before=case.opened_at)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if locked.status == Case.Status.OPEN:
            raise ValidationError(_("案件尚未作出处理决定，不能结案：请先登记处理决定（或不予行政处罚决定）。"))
        if locked.status == Case.Status.CLOSED:
            raise ValidationError(_("案件已结案。"))
        if locked.decided_at and when < locked.decided_at:
            raise ValidationError({"closed_at": [_("结案时间不能早于决定时间。")]})
        before = audit.snapshot(locked, AUDITED)
        locked.status, locked.closed_at, locked.closure_note = Case.Status.CLOSED, when, note
        locked.save()
        from ..models import Supervision

        Supervision.objects.filter(case=locked, ended_at__isnull=True).update(ended_at=when)
        audit.record(actor=actor, action="case.close", obj=locked, region_code=locked.region_id, before=before,
                     after=audit.changed(before, audit.snapshot(locked, AUDITED)))  # fmt: skip
    return locked
