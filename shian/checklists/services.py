"""The checklist engine's writes and resolvers: new checklist versions, the checklist that applies to a kind
and region, answers checked against a checklist, and photos/files stored and claimed.

Permission to edit checklists is the calling module's to check (each module has its own permission); scope
and audit are handled here."""

import base64
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from shian.core import audit
from shian.core.config import most_specific, region_prefixes
from shian.core.jurisdiction import require_in_scope
from shian.core.uploads import check_upload

from .kinds import is_kind
from .models import Checklist, ChecklistItem, Result, Severity, StoredFile

# -- checklists -----------------------------------------------------------------------------------------------


def resolve_checklist(*, kind: str, region_code: str | None) -> Checklist | None:
    """The checklist that applies to a record of `kind` in the region: the newest version from the most
    specific region that has one (the province defaults when none does); None when no version exists."""
    return most_specific(Checklist.objects.filter(kind=kind), region_code or "")


@transaction.atomic
def create_checklist_version(
    *, actor, kind: str, region_code: str | None, title: str, items: list[dict], note: str = "", kinds=None
) -> Checklist:
    """Edit a checklist by adding a version for the region (blank = province defaults, superusers only).
    `items` are dicts of category, text, severity (Severity value) and guidance, in order; `kinds` limits
    `kind` to a module's own (default: any registered kind)."""
    if not is_kind(kind) or (kinds is not None and kind not in kinds):
        raise ValidationError({"kind": [_("检查表类型无效：%(k)s") % {"k": kind}]})
    region = None
    if region_code:
        region = Checklist._meta.get_field("region").related_model.objects.filter(code=region_code).first()
        if region is None:
            raise ValidationError({"region_code": [_("区划代码不存在：%(code)s") % {"code": region_code}]})
    elif not actor.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以修改省级默认检查表。"))
    require_in_scope(actor, region_code or "")
    if not (title or "").strip():
        raise ValidationError({"title": [_("请填写检查表名称。")]})
    rows = checked_items(items)
    # Number on from the newest version that applies here (the region's own, those above it, the defaults), so
    # a county's first edit of default v1 is v2: "v1" on a record then always means the list before any edit.
    above = region_prefixes(region_code or "")
    applying = Checklist.objects.filter(Q(region__isnull=True) | Q(region_id__in=above), kind=kind)
    latest = applying.aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():  # two editors saving at once: the second is told, not given a 500
            checklist = Checklist.objects.create(
                kind=kind, region=region, version=latest + 1, title=title.strip()[:100], note=(note or "")[:200],
                created_by=actor,
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationError(_("检查表刚被他人修订，请刷新后重试。")) from exc
    ChecklistItem.objects.bulk_create(ChecklistItem(checklist=checklist, position=n, **row) for n, row in rows)
    audit.record(
        actor=actor, action="checklist.version", obj=checklist, region_code=region_code or "",
        after={**audit.snapshot(checklist), "items": [row for _n, row in rows]},
    )  # fmt: skip
    return checklist


def checked_items(items: list[dict]) -> list[tuple[int, dict]]:
    """The items of a new version, numbered from 1 and trimmed; every bad row named in one ValidationError."""
    if not items:
        raise ValidationError({"items": [_("检查表至少需要一个检查项。")]})
    rows, errors = [], []
    for n, item in enumerate(items, start=1):
        text = str(item.get("text") or "").strip()
        category = str(item.get("category") or "").strip()
        severity = item.get("severity") or Severity.GENERAL
        if not text or not category:
            errors.append(_("第 %(n)d 项：检查类别和检查内容都必须填写。") % {"n": n})
        elif severity not in Severity.values:
            errors.append(_("第 %(n)d 项：项目类型应为重点项或一般项。") % {"n": n})
        elif len(text) > 300 or len(category) > 50:
            errors.append(_("第 %(n)d 项：检查内容不超过 300 字，类别不超过 50 字。") % {"n": n})
        else:
            guidance = str(item.get("guidance") or "").strip()[:500]
            rows.append((n, {"category": category, "text": text, "severity": severity, "guidance": guidance}))
    if errors:
        raise ValidationError({"items": errors})
    return rows


# -- answers --------------------------------------------------------------------------------------------------


def check_answers(items: dict[int, ChecklistItem], answers: list[dict]) -> tuple[dict[int, dict], list[str]]:
    """Answers (dicts of item id, result, note, ...) checked against a checklist's items by id: every item
    answered once with a valid result, a 不符合 explained. Returns the answers by item id (notes trimmed) and
    the errors, for the caller to raise together with its own."""
    given: dict[int, dict] = {}
    errors: list[str] = []
    for n, answer in enumerate(answers, start=1):
        item_id, result = answer.get("item"), answer.get("result")
        note = str(answer.get("note") or "").strip()
        if item_id not in items:
            errors.append(_("第 %(n)d 条答案的检查项不在该检查表中。") % {"n": n})
        elif item_id in given:
            errors.append(_("检查项“%(t)s”重复作答。") % {"t": items[item_id].text})
        elif result not in Result.values:
            errors.append(_("检查项“%(t)s”的结果无效。") % {"t": items[item_id].text})
        elif result == Result.FAIL and not note:
            errors.append(_("不符合项“%(t)s”须填写问题说明。") % {"t": items[item_id].text})
        elif len(note) > 500:
            errors.append(_("检查项“%(t)s”的说明超过 500 字。") % {"t": items[item_id].text})
        else:
            given[item_id] = {**answer, "note": note}
    missing = [item.text for pk, item in items.items() if pk not in given]
    if missing and not errors:
        errors = [_("还有 %(n)d 项未作答，如：%(t)s") % {"n": len(missing), "t": missing[0]}]
    return given, errors


# -- photos and files -----------------------------------------------------------------------------------------


def store_file(model: type[StoredFile], *, actor, upload, allow_pdf: bool = False) -> StoredFile:
    """Check and store one upload as a row of `model` (a StoredFile), not yet attached to anything; the
    record that uses it claims it with `claim_files`."""
    checked = check_upload(upload, allow_pdf=allow_pdf)
    stored = model(name=checked.name, content_type=checked.content_type, size=checked.size, uploaded_by=actor)
    stored.file.save(checked.shown.name, checked.shown, save=False)
    if checked.original is not None:
        stored.original.save(checked.original.name, checked.original, save=False)
    stored.save()
    return stored


def claim_files(pending: QuerySet, *, actor, ids, **owner) -> None:
    """Attach the actor's own pending uploads (`pending`: the model's rows not yet attached) by setting the
    `owner` fields; anything else is refused (no borrowing someone's photo)."""
    if not ids:
        return
    refused = ValidationError(_("照片或附件不存在、已被使用或不是您上传的。"))
    # ids come from a client: a list of 12 or "12" is fine; "12" alone (not a list: it would read as 1 and 2),
    # "abc", 1.5 or null is a refusal, not a server error
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise refused
    ids = list(ids)
    if not all(type(i) is int or (isinstance(i, str) and i.isascii() and i.isdigit()) for i in ids):
        raise refused
    wanted = {int(i) for i in ids}
    if pending.filter(pk__in=wanted, uploaded_by=actor).update(**owner) != len(wanted):
        raise refused


# -- signatures and location of a signed record ------------------------------------------------------------------


def client_key(value) -> uuid.UUID:
    """The phone's key of a signed record (a resend with the same key returns the stored record)."""
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError({"client_key": [_("提交编号无效。")]}) from exc


PNG_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 200_000  # a signature canvas as PNG is a few KB; this only stops abuse
MICRODEGREE = Decimal("0.000001")


def png_signature(image: str, name: str, *, field: str = "signatures") -> str:
    """A handwritten signature (a canvas as a PNG data URL), checked: the header, valid base64, the PNG magic
    bytes, a sane size. A bad one is a ValidationError on `field` naming whose signature it is."""
    image = (image or "").strip()
    invalid = ValidationError({field: [_("%(n)s 的签名无效，请重新签名。") % {"n": name}]})
    if not image.startswith(PNG_PREFIX):
        raise invalid
    try:
        data = base64.b64decode(image[len(PNG_PREFIX) :], validate=True)
    except ValueError as exc:
        raise invalid from exc
    if not data.startswith(b"\x89PNG") or len(data) > MAX_SIGNATURE_BYTES:
        raise invalid
    return image


def coordinate(value, low, high, field: str) -> Decimal | None:
    """A latitude or longitude as posted (None when not given), to six decimals, within [low, high]."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(MICRODEGREE)
    except ArithmeticError as exc:
        raise ValidationError({field: [_("定位坐标无效。")]}) from exc
    if not low <= number <= high:
        raise ValidationError({field: [_("定位坐标超出范围。")]})
    return number


def location(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """(latitude, longitude) of a signed record, each checked (`coordinate`); errors name the field."""
    errors: dict[str, list[str]] = {}
    out = []
    for value, limit, field in ((latitude, 90, "latitude"), (longitude, 180, "longitude")):
        try:
            out.append(coordinate(value, Decimal(-limit), Decimal(limit), field))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            out.append(None)
    if errors:
        raise ValidationError(errors)
    return out[0], out[1]
