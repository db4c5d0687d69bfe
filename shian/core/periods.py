"""Periods: quarters as one integer, year * 10 + quarter (20264 = 2026 Q4: sortable, indexable, easy to read),
and day boundaries in local time."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

_TEXT = re.compile(r"^(20\d{2})\s*[Qq-]?\s*([1-4])$")  # years 2000-2099: a date the calendar can hold


def quarter_of(day: datetime.date) -> int:
    return day.year * 10 + (day.month - 1) // 3 + 1


def quarter_bounds(quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of the quarter."""
    year, q = divmod(quarter, 10)
    start = datetime.date(year, 3 * q - 2, 1)
    end = datetime.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - datetime.timedelta(days=1)
    return start, end


def previous_quarter(quarter: int) -> int:
    year, q = divmod(quarter, 10)
    return quarter - 1 if q > 1 else (year - 1) * 10 + 4


def parse_quarter(text: str) -> int:
    """'2026Q4', '2026-4' or '20264'; a clear error otherwise."""
    match = _TEXT.match(str(text).strip())
    if not match:
        raise ValidationError(_("季度格式应为 2026Q4（2000—2099 年）：%(t)s") % {"t": text})
    return int(match.group(1)) * 10 + int(match.group(2))


def quarter_label(quarter: int) -> str:
    year, q = divmod(quarter, 10)
    return _("%(y)d年第%(q)d季度") % {"y": year, "q": q}


def day_end(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the local time zone: "recorded by the end of day" is `< day_end(day)`."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
