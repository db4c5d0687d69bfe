"""The ledgers' work-list item (shian.core.worklist): checked imports waiting for the clerk to confirm them."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from shian.core.worklist import TODAY, Item, Provider, register

from . import selectors
from .models import ImportBatch


def items(*, user, region_code: str | None, today: datetime.date) -> list[Item]:
    if not user.has_perm("ledgers.import_ledger"):
        return []
    waiting = selectors.batch_list(user=user).filter(status=ImportBatch.Status.VALIDATED).count()
    return [Item("ledgers.to_confirm", _("已校验、待确认导入的台账"), waiting, reverse("ledgers:list"), TODAY)]


register(Provider("ledgers", items))
