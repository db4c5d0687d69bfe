"""Loading an evaluation catalog (docs/evaluation.md §1): the data file's rules checked before anything is written —
unique numbers, points that add up per item, aspect and catalog, known departments, recurrence and dates — and the
whole catalog written in one transaction. Loading a version that is already there is refused."""

import datetime
import hashlib
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.models import ADMIN_ROLES, Department
from shian.core import audit
from shian.imports.cells import ImportFileError

from .. import catalog_workbook, indicators
from ..models import Aspect, Catalog, CatalogUpload, Item, Recurrence, SubItem

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "catalog_nm2023.toml"
RECURRENCES = set(Recurrence.values)
MAX_ERRORS = 50  # a bound on the report, not a rule


@dataclass(frozen=True)
class Problem:
    """One problem of a catalog: the entry it concerns (the raw dict as read, so a workbook maps it back to its
    row), the field of that entry, and the message naming the entry (“第 3 项：…”)."""

    node: object
    field: str
    message: str


class CatalogInvalid(ValidationError):
    """A catalog with problems: nothing was written. ``problems`` keep each message's entry and field."""

    def __init__(self, problems: list[Problem]):
        super().__init__([p.message for p in problems])
        self.problems = problems


class Problems(list):
    def add(self, node, field: str, message: str) -> None:
        self.append(Problem(node, field, message))


class AlreadyLoaded(Exception):
    """The catalog's version is already in the database."""

    def __init__(self, catalog: Catalog):
        super().__init__(_("评价细则版本“%(v)s”已载入，未重复载入。") % {"v": catalog.version})
        self.catalog = catalog


def _dec(node: dict, field: str, where: str, errors: Problems) -> Decimal:
    value = node.get(field, 0)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(node, field, _("%(w)s：分值“%(v)s”不是数字。") % {"w": where, "v": value})
        return Decimal(0)
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.1")):
        errors.add(node, field, _("%(w)s：分值“%(v)s”须为不小于 0、最多一位小数的数。") % {"w": where, "v": value})
        return Decimal(0)
    return number


def _date(node: dict, where: str, errors: Problems):
    value = node.get("start")
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.add(
            node, "start", _("%(w)s：启动日期“%(v)s”不是有效日期（格式 YYYY-MM-DD）。") % {"w": where, "v": value}
        )
        return None


def _fmt(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _sub(raw: dict, where: str, departments: set[str], errors: Problems, *, veto: bool) -> dict:
    lead, support = list(raw.get("lead") or []), list(raw.get("support") or [])
    for field, codes in (("lead", lead), ("support", support)):
        for code in codes:
            if code not in departments:
                errors.add(raw, field, _("%(w)s：部门“%(c)s”未在部门表（[departments]）中定义，也不是已有部门。")
                           % {"w": where, "c": code})  # fmt: skip
    recurrence = raw.get("recurrence", "none") or "none"
    if recurrence not in RECURRENCES:
        errors.add(raw, "recurrence", _("%(w)s：频次“%(r)s”无效，应为 %(all)s 之一。")
                      % {"w": where, "r": recurrence, "all": "、".join(sorted(RECURRENCES))})  # fmt: skip
    if not str(raw.get("text") or "").strip():
        errors.add(raw, "text", _("%(w)s：缺少要求内容（text）。") % {"w": where})
    indicator = str(raw.get("indicator") or "").strip()
    if indicator and (problem := indicators.check(indicator, veto=veto)):
        errors.add(raw, "indicator", f"{where}：{problem}")
    return {"no": raw.get("no"), "text": str(raw.get("text") or "").strip(), "lead": lead, "support": support,
            "points": Decimal(0) if veto else _dec(raw, "points", where, errors),
            "start": _date(raw, where, errors), "recurrence": recurrence,
            "may_be_na": bool(raw.get("may_be_na", False)), "indicator": indicator,
            "veto": veto}  # fmt: skip


def validate(data: dict) -> dict:
    """The catalog as plain rows, or CatalogInvalid listing every problem with the entry it concerns. The TOML file
    and the workbook (services/catalog_workbook.py) both come here: one set of rules for both."""
    errors = Problems()
    head = data.get("catalog") or {}
    version = str(head.get("version") or "").strip()
    if not version:
        errors.add(head, "version", _("[catalog]：缺少版本（version）。"))
    dept_names = {str(k): str(v) for k, v in (data.get("departments") or {}).items()}
    departments = set(dept_names) | set(Department.objects.values_list("code", flat=True))
    for code in dept_names:
        if not code.isascii() or len(code) > 30 or not code.replace("_", "").isalnum() or code != code.lower():
            errors.add(data.get("departments"), code,
                       _("[departments]：部门编码“%(c)s”须为不超过 30 位的小写字母、数字或下划线。") % {"c": code})  # fmt: skip
    seen_sub: set = set()
    aspects, aspect_nos, item_nos = [], set(), set()
    aspect_sum = Decimal(0)
    for a in data.get("aspects") or []:
        where_a = _("第 %(n)s 方面") % {"n": a.get("no")}
        if a.get("no") in aspect_nos:
            errors.add(a, "no", _("%(w)s：方面序号重复。") % {"w": where_a})
        aspect_nos.add(a.get("no"))
        a_points = _dec(a, "points", where_a, errors)
        aspect_sum += a_points
        optional_count = int(a.get("optional_count", 0) or 0)
        items = []
        for it in a.get("items") or []:
            where_i = _("第 %(n)s 项") % {"n": it.get("no")}
            if it.get("no") in item_nos:
                errors.add(it, "no", _("%(w)s：项序号重复。") % {"w": where_i})
            item_nos.add(it.get("no"))
            i_points = _dec(it, "points", where_i, errors)
            pick = int(it.get("pick", 0) or 0)
            subs = []
            for s in it.get("sub_items") or []:
                where_s = _("第 %(n)s 小项") % {"n": s.get("no")}
                if not isinstance(s.get("no"), int):
                    errors.add(s, "no", _("%(w)s：编号须为整数。") % {"w": where_s})
                elif s["no"] in seen_sub:
                    errors.add(s, "no", _("%(w)s：小项编号重复。") % {"w": where_s})
                seen_sub.add(s.get("no"))
                subs.append(_sub(s, where_s, departments, errors, veto=False))
            points = sorted((s["points"] for s in subs), reverse=True)
            if pick > len(subs):
                errors.add(it, "pick",
                           _("%(w)s：计分小项个数 %(p)d 超过小项数 %(n)d。") % {"w": where_i, "p": pick, "n": len(subs)})  # fmt: skip
            counted = sum(points[:pick] if pick else points, Decimal(0))
            if counted != i_points:
                errors.add(it, "points", _("%(w)s：小项分值合计 %(s)s 与项分值 %(p)s 不符。")
                           % {"w": where_i, "s": _fmt(counted), "p": _fmt(i_points)})  # fmt: skip
            items.append({"no": it.get("no"), "title": str(it.get("title") or ""), "points": i_points,
                          "mandatory": bool(it.get("mandatory", True)), "pick": pick, "sub_items": subs})  # fmt: skip
        optional = [i for i in items if not i["mandatory"]]
        if optional_count > len(optional):
            errors.add(a, "optional_count", _("%(w)s：选做项计分个数 %(c)d 超过选做项数 %(n)d。")
                       % {"w": where_a, "c": optional_count, "n": len(optional)})  # fmt: skip
        if len({i["points"] for i in optional}) > 1:
            errors.add(a, "points", _("%(w)s：各选做项分值应相同。") % {"w": where_a})
        expected = sum((i["points"] for i in items if i["mandatory"]), Decimal(0))
        expected += optional_count * (optional[0]["points"] if optional else Decimal(0))
        if expected != a_points:
            errors.add(a, "points", _("%(w)s：必选项分值加选做项计分合计 %(s)s 与方面分值 %(p)s 不符。")
                       % {"w": where_a, "s": _fmt(expected), "p": _fmt(a_points)})  # fmt: skip
        aspects.append({"no": a.get("no"), "name": str(a.get("name") or ""), "points": a_points,
                        "optional_count": optional_count, "items": items})  # fmt: skip
    vetoes = []
    for v in data.get("vetoes") or []:
        where_v = _("第 %(n)s 否决项") % {"n": v.get("no")}
        if not isinstance(v.get("no"), int):
            errors.add(v, "no", _("%(w)s：编号须为整数。") % {"w": where_v})
        elif v["no"] in seen_sub:
            errors.add(v, "no", _("%(w)s：小项编号重复。") % {"w": where_v})
        seen_sub.add(v.get("no"))
        vetoes.append(_sub(v, where_v, departments, errors, veto=True))
    total = _dec(head, "total_points", "[catalog]", errors)
    if aspect_sum != total:
        errors.add(head, "total_points",
                   _("[catalog]：各方面分值合计 %(s)s 与总分 %(t)s 不符。") % {"s": _fmt(aspect_sum), "t": _fmt(total)})  # fmt: skip
    if errors:
        raise CatalogInvalid(errors[:MAX_ERRORS])
    return {"version": version, "title": str(head.get("title") or version), "authority": str(head.get("authority") or ""),
            "source": str(head.get("source") or ""), "valid_from": head.get("valid_from"),
            "valid_to": head.get("valid_to"), "total_points": total, "departments": dept_names,
            "aspects": aspects, "vetoes": vetoes}  # fmt: skip


def read_file(path: Path) -> tuple[dict, str]:
    """The parsed TOML and its sha256, or ValidationError naming the file and the syntax problem."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError(_("无法读取评价细则文件 %(p)s：%(e)s") % {"p": path, "e": exc.strerror}) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValidationError(_("评价细则文件 %(p)s 格式错误：%(e)s") % {"p": path, "e": exc}) from exc
    return data, hashlib.sha256(raw).hexdigest()


def summary(catalog: Catalog) -> dict:
    subs = SubItem.objects.filter(catalog=catalog)
    return {"catalog": catalog.version, "aspects": catalog.aspects.count(),
            "items": Item.objects.filter(aspect__catalog=catalog).count(),
            # every numbered sub-item, the vetoes included (seed 001: 111 numbered, 4 of them vetoes)
            "sub_items": subs.count(), "veto_items": subs.filter(veto=True).count(),
            "max_points": float(catalog.total_points)}  # fmt: skip


@transaction.atomic
def load(data: dict, *, sha256: str = "", actor=None) -> Catalog:
    """Validate and write a catalog; AlreadyLoaded when its version exists (nothing written)."""
    rows = validate(data)
    existing = Catalog.objects.filter(version=rows["version"]).first()
    if existing is not None:
        raise AlreadyLoaded(existing)
    for code, name in rows["departments"].items():
        Department.objects.get_or_create(code=code, defaults={"name": name[:50]})
    catalog = Catalog.objects.create(
        version=rows["version"], title=rows["title"][:200], authority=rows["authority"][:100],
        source=rows["source"][:200], valid_from=rows["valid_from"], valid_to=rows["valid_to"],
        total_points=rows["total_points"], sha256=sha256,
    )  # fmt: skip

    def add_sub(s: dict, item: Item | None) -> None:
        sub = SubItem.objects.create(catalog=catalog, item=item, no=s["no"], text=s["text"], points=s["points"],
                                     start=s["start"], recurrence=s["recurrence"], may_be_na=s["may_be_na"],
                                     veto=s["veto"], indicator=s["indicator"][:60])  # fmt: skip
        sub.lead.set(s["lead"])
        sub.support.set(s["support"])

    for a in rows["aspects"]:
        aspect = Aspect.objects.create(catalog=catalog, no=a["no"], name=a["name"][:100], points=a["points"],
                                       optional_count=a["optional_count"])  # fmt: skip
        for it in a["items"]:
            item = Item.objects.create(aspect=aspect, no=it["no"], title=it["title"][:200], points=it["points"],
                                       mandatory=it["mandatory"], pick=it["pick"])  # fmt: skip
            for s in it["sub_items"]:
                add_sub(s, item)
    for v in rows["vetoes"]:
        add_sub(v, None)
    audit.record(actor=actor, action="evaluation.catalog_load", obj=catalog, after=summary(catalog))
    return catalog


# -- the workbook (docs/evaluation.md §1.1) -----------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 << 20  # a catalog of a few hundred rows is far below this; a bound on the upload, not a rule


def check_workbook(data: bytes, filename: str):
    """Read a catalog workbook and run every loader check; the ParsedCatalog with its cell errors (empty when the
    catalog may be loaded). ImportFileError when the file cannot be read as a catalog at all."""
    parsed = catalog_workbook.parse(data, filename)
    if parsed.errors:
        return parsed  # the cells first: the sums are meaningless while a points cell cannot be read
    try:
        validate(parsed.data)
    except CatalogInvalid as exc:
        for problem in exc.problems:
            parsed.add_problem(problem.node, problem.field, problem.message)
    return parsed


def load_workbook(data: bytes, filename: str, *, actor=None) -> tuple[Catalog | None, "catalog_workbook.ParsedCatalog"]:
    """Check and, when nothing is wrong, load a catalog workbook (all or nothing). A version already loaded is an
    error on its 细则版本 cell. Returns (catalog or None, the parsed workbook with its errors)."""
    parsed = check_workbook(data, filename)
    if parsed.errors:
        return None, parsed
    try:
        catalog = load(parsed.data, sha256=hashlib.sha256(data).hexdigest(), actor=actor)
    except AlreadyLoaded as exc:
        parsed.add_problem(parsed.data["catalog"], "version", str(exc), code="duplicate")
        return None, parsed
    return catalog, parsed


def template_xlsx() -> bytes:
    """The shipped catalog in the workbook format: the example a clerk edits into a new version."""
    data, _sha = read_file(SHIPPED)
    return catalog_workbook.export_xlsx(validate(data))


def upload_workbook(*, actor, name: str, data: bytes) -> CatalogUpload:
    """The catalog page's upload: one batch (file, hash, status, cell errors, error report) per file, the catalog
    loaded only when every check passes. Only the 食安办 (administrators) loads catalogs."""
    if not (actor.is_superuser or actor.role in ADMIN_ROLES):
        raise PermissionDenied(_("只有食安办（管理员）可以载入评价细则。"))
    if not data:
        raise ValidationError({"file": [_("文件是空的。")]})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [_("文件超过 10 MB，不像是评价细则，请检查后重新上传。")]})
    upload = CatalogUpload(mode=CatalogUpload.Mode.COMMIT, status=CatalogUpload.Status.RUNNING, file_name=name[:255],
                           file_hash=hashlib.sha256(data).hexdigest(), created_by=actor,
                           region_id=actor.region_id)  # fmt: skip
    upload.file.save(name[-100:] or "catalog.xlsx", ContentFile(data), save=False)
    upload.save()
    try:
        with transaction.atomic():
            catalog, parsed = load_workbook(data, name, actor=actor)
    except ImportFileError as exc:
        upload.status, upload.message = CatalogUpload.Status.FAILED, exc.message
    else:
        upload.rows_total = upload.rows_done = parsed.rows_read()
        upload.errors = [{**e.as_dict(), "sheet": s.sheet_name} for s, e in parsed.errors]
        if catalog is None:
            upload.status = CatalogUpload.Status.REJECTED
            report = f"{name.rsplit('.', 1)[0]}_错误报告.xlsx"
            upload.report.save(report[-100:], ContentFile(parsed.report_xlsx()), save=False)
        else:
            upload.status, upload.catalog = CatalogUpload.Status.COMMITTED, catalog
            upload.counts = summary(catalog)
    upload.finished_at = timezone.now()
    upload.save()
    audit.record(actor=actor, action="evaluation.catalog_upload", obj=upload, region_code=upload.audit_region,
                 after={"file": upload.file_name, "sha256": upload.file_hash, "status": upload.status,
                        "errors": len(upload.errors), "catalog": upload.catalog.version if upload.catalog else ""})  # fmt: skip
    return upload
