"""Loading an evaluation catalog (docs/evaluation.md §1): the data file's rules checked before anything is written —
unique numbers, points that add up per item, aspect and catalog, known departments, recurrence and dates — and the
whole catalog written in one transaction. Loading a version that is already there is refused."""

import datetime
import hashlib
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shian.accounts.models import Department
from shian.core import audit

from .. import indicators
from ..models import Aspect, Catalog, Item, Recurrence, SubItem

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "catalog_nm2023.toml"
RECURRENCES = set(Recurrence.values)
MAX_ERRORS = 50  # a bound on the report, not a rule


class AlreadyLoaded(Exception):
    """The catalog's version is already in the database."""

    def __init__(self, catalog: Catalog):
        super().__init__(_("评价细则版本“%(v)s”已载入，未重复载入。") % {"v": catalog.version})
        self.catalog = catalog


def _dec(value, where: str, errors: list) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(_("%(w)s：分值“%(v)s”不是数字。") % {"w": where, "v": value})
        return Decimal(0)
    if number < 0 or number != number.quantize(Decimal("0.1")):
        errors.append(_("%(w)s：分值“%(v)s”须为不小于 0、最多一位小数的数。") % {"w": where, "v": value})
    return number


def _date(value, where: str, errors: list):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.append(_("%(w)s：启动日期“%(v)s”不是有效日期（格式 YYYY-MM-DD）。") % {"w": where, "v": value})
        return None


def _fmt(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _sub(raw: dict, where: str, departments: set[str], errors: list, *, veto: bool) -> dict:
    lead, support = list(raw.get("lead") or []), list(raw.get("support") or [])
    for code in lead + support:
        if code not in departments:
            errors.append(
                _("%(w)s：部门编码“%(c)s”未在 [departments] 中定义，也不是已有部门。") % {"w": where, "c": code}
            )
    recurrence = raw.get("recurrence", "none") or "none"
    if recurrence not in RECURRENCES:
        errors.append(_("%(w)s：频次“%(r)s”无效，应为 %(all)s 之一。")
                      % {"w": where, "r": recurrence, "all": "、".join(sorted(RECURRENCES))})  # fmt: skip
    if not str(raw.get("text") or "").strip():
        errors.append(_("%(w)s：缺少要求内容（text）。") % {"w": where})
    indicator = str(raw.get("indicator") or "").strip()
    if indicator and (problem := indicators.check(indicator, veto=veto)):
        errors.append(f"{where}：{problem}")
    return {"no": raw.get("no"), "text": str(raw.get("text") or "").strip(), "lead": lead, "support": support,
            "points": Decimal(0) if veto else _dec(raw.get("points", 0), where, errors),
            "start": _date(raw.get("start"), where, errors), "recurrence": recurrence,
            "may_be_na": bool(raw.get("may_be_na", False)), "indicator": indicator,
            "veto": veto}  # fmt: skip


def validate(data: dict) -> dict:
    """The catalog as plain rows, or ValidationError listing every problem with the entry it concerns."""
    errors: list[str] = []
    head = data.get("catalog") or {}
    version = str(head.get("version") or "").strip()
    if not version:
        errors.append(_("[catalog]：缺少版本（version）。"))
    dept_names = {str(k): str(v) for k, v in (data.get("departments") or {}).items()}
    departments = set(dept_names) | set(Department.objects.values_list("code", flat=True))
    for code in dept_names:
        if not code.isascii() or len(code) > 30 or not code.replace("_", "").isalnum() or code != code.lower():
            errors.append(_("[departments]：部门编码“%(c)s”须为不超过 30 位的小写字母、数字或下划线。") % {"c": code})
    seen_sub: set = set()
    aspects, aspect_nos, item_nos = [], set(), set()
    aspect_sum = Decimal(0)
    for a in data.get("aspects") or []:
        where_a = _("第 %(n)s 方面") % {"n": a.get("no")}
        if a.get("no") in aspect_nos:
            errors.append(_("%(w)s：方面序号重复。") % {"w": where_a})
        aspect_nos.add(a.get("no"))
        a_points = _dec(a.get("points", 0), where_a, errors)
        aspect_sum += a_points
        optional_count = int(a.get("optional_count", 0) or 0)
        items = []
        for it in a.get("items") or []:
            where_i = _("第 %(n)s 项") % {"n": it.get("no")}
            if it.get("no") in item_nos:
                errors.append(_("%(w)s：项序号重复。") % {"w": where_i})
            item_nos.add(it.get("no"))
            i_points = _dec(it.get("points", 0), where_i, errors)
            pick = int(it.get("pick", 0) or 0)
            subs = []
            for s in it.get("sub_items") or []:
                where_s = _("第 %(n)s 小项") % {"n": s.get("no")}
                if not isinstance(s.get("no"), int):
                    errors.append(_("%(w)s：编号须为整数。") % {"w": where_s})
                elif s["no"] in seen_sub:
                    errors.append(_("%(w)s：小项编号重复。") % {"w": where_s})
                seen_sub.add(s.get("no"))
                subs.append(_sub(s, where_s, departments, errors, veto=False))
            points = sorted((s["points"] for s in subs), reverse=True)
            if pick > len(subs):
                errors.append(
                    _("%(w)s：计分小项个数 %(p)d 超过小项数 %(n)d。") % {"w": where_i, "p": pick, "n": len(subs)}
                )
            counted = sum(points[:pick] if pick else points, Decimal(0))
            if counted != i_points:
                errors.append(_("%(w)s：小项分值合计 %(s)s 与项分值 %(p)s 不符。")
                              % {"w": where_i, "s": _fmt(counted), "p": _fmt(i_points)})  # fmt: skip
            items.append({"no": it.get("no"), "title": str(it.get("title") or ""), "points": i_points,
                          "mandatory": bool(it.get("mandatory", True)), "pick": pick, "sub_items": subs})  # fmt: skip
        optional = [i for i in items if not i["mandatory"]]
        if optional_count > len(optional):
            errors.append(_("%(w)s：选做项计分个数 %(c)d 超过选做项数 %(n)d。")
                          % {"w": where_a, "c": optional_count, "n": len(optional)})  # fmt: skip
        if len({i["points"] for i in optional}) > 1:
            errors.append(_("%(w)s：各选做项分值应相同。") % {"w": where_a})
        expected = sum((i["points"] for i in items if i["mandatory"]), Decimal(0))
        expected += optional_count * (optional[0]["points"] if optional else Decimal(0))
        if expected != a_points:
            errors.append(_("%(w)s：必选项分值加选做项计分合计 %(s)s 与方面分值 %(p)s 不符。")
                          % {"w": where_a, "s": _fmt(expected), "p": _fmt(a_points)})  # fmt: skip
        aspects.append({"no": a.get("no"), "name": str(a.get("name") or ""), "points": a_points,
                        "optional_count": optional_count, "items": items})  # fmt: skip
    vetoes = []
    for v in data.get("vetoes") or []:
        where_v = _("第 %(n)s 否决项") % {"n": v.get("no")}
        if not isinstance(v.get("no"), int):
            errors.append(_("%(w)s：编号须为整数。") % {"w": where_v})
        elif v["no"] in seen_sub:
            errors.append(_("%(w)s：小项编号重复。") % {"w": where_v})
        seen_sub.add(v.get("no"))
        vetoes.append(_sub(v, where_v, departments, errors, veto=True))
    total = _dec(head.get("total_points", 0), "[catalog]", errors)
    if aspect_sum != total:
        errors.append(
            _("[catalog]：各方面分值合计 %(s)s 与总分 %(t)s 不符。") % {"s": _fmt(aspect_sum), "t": _fmt(total)}
        )
    if errors:
        raise ValidationError(errors[:MAX_ERRORS])
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
