"""The duties' work-list items (shian.core.worklist): an enterprise's 日管控 today, 周排查 this week and 月调度
this month, when not yet done."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core.worklist import ROUTINE, TODAY, Item, Provider, register

from . import selectors
from .models import DailyCheck, MonthlyMeeting, WeeklyReport


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    entity = selectors.own_entity(user=user)
    if entity is None:
        return []
    daily = not DailyCheck.objects.filter(entity=entity, day=today).exists()
    weekly = not WeeklyReport.objects.filter(entity=entity, week=selectors.monday(today)).exists()
    monthly = not MonthlyMeeting.objects.filter(entity=entity, month=today.replace(day=1)).exists()
    return [
        Item("duties.daily", _("今天的日管控尚未填写"), int(daily), reverse("duties:daily_new"), TODAY),
        Item("duties.weekly", _("本周的周排查尚未提交"), int(weekly), reverse("duties:weekly_new"), ROUTINE),
        Item("duties.monthly", _("本月的月调度尚未记录"), int(monthly), reverse("duties:monthly_new"), ROUTINE),
    ]


register(Provider("duties", items))
