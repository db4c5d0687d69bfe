"""Recompute the joint-punishment digests of every listed entry (docs/lists.md §3), after LISTS_MATCH_KEY (or
SECRET_KEY, when no key of its own is set) changed: the current identifiers are hashed under the current key and
added; digests under the old key stay (flags point at them) but no longer match anything."""

from django.core.management.base import BaseCommand
from django.db import transaction

from shian.lists.models import DishonestyEntry
from shian.lists.services.dishonesty import record_identities


class Command(BaseCommand):
    help = "重新计算严重违法失信名单在列主体的联合惩戒比对摘要（更换比对密钥后运行）"

    def handle(self, *args, **options):
        done = 0
        for entry in DishonestyEntry.objects.filter(status=DishonestyEntry.Status.LISTED).select_related("entity"):
            with transaction.atomic():
                done += record_identities(entry)
        self.stdout.write(f"已重新计算 {done} 个比对摘要。")
