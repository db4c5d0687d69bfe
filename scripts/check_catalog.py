#!/usr/bin/env python3
"""Check an evaluation catalog data file (TOML) without Django, so it can be run before anything is loaded.

It applies the validation rules of the catalog format (the evaluation app's loader applies the same ones and refuses
the file) and prints the counts as one JSON line. Stand-alone on purpose: stdlib only (tomllib, decimal).

    python scripts/check_catalog.py [PATH]      # default: shian/evaluation/data/catalog_nm2023.toml
"""

from __future__ import annotations

import datetime
import json
import re
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "shian" / "evaluation" / "data" / "catalog_nm2023.toml"
RECURRENCES = {"none", "weekly", "monthly", "quarterly", "half_yearly", "yearly"}
# The department codes seeded by accounts migration 0003; a catalog may use them without listing them.
KNOWN_DEPARTMENTS = {
    "market_regulation", "education", "health", "civil_affairs", "agriculture", "commerce", "housing",
    "public_security", "grain", "tourism", "food_safety_office",
}  # fmt: skip
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
TENTH = Decimal("0.1")


class CatalogError(Exception):
    """The file is not a valid catalog; `messages` name every entry at fault."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def _num(value) -> str:
    """A point figure as the seed writes it: 130, 2.5."""
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def _points(value, where: str, errors: list[str]) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        errors.append(f"{where}：分值「{value}」不是数字")
        return Decimal(0)
    value = Decimal(value)
    if value < 0 or value != value.quantize(TENTH):
        errors.append(f"{where}：分值 {value} 须为非负数且最多一位小数")
    return value


def _departments(entry: dict, where: str, known: set[str], errors: list[str]) -> None:
    for key in ("lead", "support"):
        codes = entry.get(key, [])
        if not isinstance(codes, list):
            errors.append(f"{where}：{key} 须为部门编码列表")
            continue
        for code in codes:
            if code not in known:
                errors.append(f"{where}：部门编码「{code}」未在 [departments] 中列出")
    if not entry.get("lead"):
        errors.append(f"{where}：缺少牵头部门（lead）")


def check(data: dict) -> dict:
    """Validate a parsed catalog (floats parsed as Decimal); return the counts or raise CatalogError."""
    errors: list[str] = []
    catalog = data.get("catalog") or {}
    for key in ("version", "title", "total_points"):
        if key not in catalog:
            errors.append(f"[catalog]：缺少 {key}")
    departments = data.get("departments") or {}
    for code in departments:
        if not CODE_RE.match(code):
            errors.append(f"[departments]：部门编码「{code}」须为小写字母、数字、下划线，不超过 30 个字符")
    known = KNOWN_DEPARTMENTS | set(departments)

    aspect_nos: set = set()
    item_nos: set = set()
    numbered: dict = {}  # sub-item / veto no -> where it was first seen
    n_items = n_subs = 0
    max_points = Decimal(0)
    for aspect in data.get("aspects") or []:
        ano = aspect.get("no")
        awhere = f"第 {ano} 方面"
        if ano in aspect_nos:
            errors.append(f"{awhere}：方面编号重复")
        aspect_nos.add(ano)
        apoints = _points(aspect.get("points"), awhere, errors)
        mandatory_sum = Decimal(0)
        optional_points: list[Decimal] = []
        for item in aspect.get("items") or []:
            n_items += 1
            ino = item.get("no")
            iwhere = f"第 {ino} 项"
            if ino in item_nos:
                errors.append(f"{iwhere}：大项编号重复")
            item_nos.add(ino)
            ipoints = _points(item.get("points"), iwhere, errors)
            subs = item.get("sub_items") or []
            if not subs:
                errors.append(f"{iwhere}：没有小项")
            sub_points = []
            for sub in subs:
                n_subs += 1
                sno = sub.get("no")
                swhere = f"第 {ino} 项第 ({sno}) 小项"
                if sno in numbered:
                    errors.append(f"{swhere}：小项编号 ({sno}) 重复（{numbered[sno]}已用）")
                else:
                    numbered[sno] = swhere
                if not str(sub.get("text", "")).strip():
                    errors.append(f"{swhere}：缺少要求内容（text）")
                sub_points.append(_points(sub.get("points"), swhere, errors))
                _departments(sub, swhere, known, errors)
                if sub.get("recurrence", "none") not in RECURRENCES:
                    errors.append(f"{swhere}：周期「{sub.get('recurrence')}」不在 {'/'.join(sorted(RECURRENCES))} 之中")
                if "start" in sub:
                    try:
                        datetime.date.fromisoformat(str(sub["start"]))
                    except ValueError:
                        errors.append(f"{swhere}：开始日期「{sub['start']}」不是有效日期（YYYY-MM-DD）")
            pick = item.get("pick", 0)
            if not isinstance(pick, int) or isinstance(pick, bool) or pick < 0:
                errors.append(f"{iwhere}：pick「{pick}」须为非负整数")
            elif pick == 0:
                if subs and sum(sub_points) != ipoints:
                    errors.append(f"{iwhere}：小项分值合计 {_num(sum(sub_points))} 分，与大项 {_num(ipoints)} 分不符")
            elif pick > len(subs):
                errors.append(f"{iwhere}：任选 {pick} 项，但只有 {len(subs)} 个小项")
            else:
                best = sum(sorted(sub_points, reverse=True)[:pick])
                if best != ipoints:
                    errors.append(f"{iwhere}：任选 {pick} 项的最高合计 {_num(best)} 分，与大项 {_num(ipoints)} 分不符")
            if item.get("mandatory", True):
                mandatory_sum += ipoints
            else:
                optional_points.append(ipoints)
        optional_count = aspect.get("optional_count", 0)
        if optional_count > len(optional_points):
            errors.append(f"{awhere}：计 {optional_count} 个自选项，但只有 {len(optional_points)} 个自选项")
        if len(set(optional_points)) > 1:
            errors.append(f"{awhere}：自选项分值须相同（现为 {'、'.join(_num(p) for p in optional_points)}）")
        counted = mandatory_sum + (optional_points[0] * optional_count if optional_points else Decimal(0))
        if counted != apoints:
            errors.append(f"{awhere}：必选项 {_num(mandatory_sum)} 分加 {optional_count} 个自选项，合计 {_num(counted)} 分，"
                          f"与方面 {_num(apoints)} 分不符")  # fmt: skip
        max_points += apoints

    n_vetoes = 0
    for veto in data.get("vetoes") or []:
        n_vetoes += 1
        vno = veto.get("no")
        vwhere = f"否决项 ({vno})"
        if vno in numbered:
            errors.append(f"{vwhere}：编号 ({vno}) 重复（{numbered[vno]}已用）")
        else:
            numbered[vno] = vwhere
        if not str(veto.get("text", "")).strip():
            errors.append(f"{vwhere}：缺少内容（text）")
        for code in veto.get("lead", []):
            if code not in known:
                errors.append(f"{vwhere}：部门编码「{code}」未在 [departments] 中列出")

    if "total_points" in catalog and Decimal(catalog["total_points"]) != max_points:
        errors.append(f"[catalog]：总分 {_num(catalog['total_points'])} 分，与各方面合计 {_num(max_points)} 分不符")
    if errors:
        raise CatalogError(errors)
    total = int(max_points) if max_points == max_points.to_integral_value() else float(max_points)
    return {
        "aspects": len(aspect_nos),
        "items": n_items,
        "sub_items": n_subs,
        "veto_items": n_vetoes,
        "max_points": total,
    }


def check_file(path: str | Path) -> dict:
    """Parse and validate one catalog file; raise CatalogError naming the file on a syntax error."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError([f"{path}：TOML 格式错误：{exc}"]) from exc
    except OSError as exc:
        raise CatalogError([f"{path}：无法读取文件：{exc.strerror}"]) from exc
    return check(data)


def main(argv: list[str]) -> int:
    path = argv[0] if argv else DEFAULT_FILE
    try:
        counts = check_file(path)
    except CatalogError as exc:
        for message in exc.messages:
            print(message, file=sys.stderr)
        return 1
    print(json.dumps(counts, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
