"""What the three riskmodel commands share: parsing a region code and a date, and the JSON last line."""

import json

from django.core.management.base import CommandError
from django.utils.dateparse import parse_date

from shian.core.regioncodes import is_region_code


def region(value: str) -> str:
    value = value.strip()
    if value and not is_region_code(value):
        raise CommandError(f"区划代码格式不正确：{value}")
    return value


def day(value: str, option: str):
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise CommandError(f"{option} 日期格式应为 YYYY-MM-DD：{value}")
    return parsed


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
