"""`python manage.py trace_batch CODE [--json]` and `trace_batch --list [--limit N] [--json]` (docs/trace.md §6)."""

import json as _json
import time

from django.core.management.base import BaseCommand, CommandError

from shian.trace import codes
from shian.trace.models import TraceCode
from shian.trace.selectors.trace import downstream

DEFAULT_LIMIT = 20


class Command(BaseCommand):
    help = (
        "追溯一个批次：从生产者出发计算全部下游持有者及现持有数量（docs/trace.md §4）；--list 列出有效追溯码。"
        "退出码：0 成功，1 追溯码无效。"
    )

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", default="", help="追溯码（或扫码得到的网址）")
        parser.add_argument("--list", action="store_true", help="列出有效追溯码（最新登记的在前）")
        parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="--list 列出的个数")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON")

    def handle(self, *args, code, list, limit, json: bool, **options):
        if list:
            if limit < 1:
                raise CommandError("--limit 应为正整数。")
            tokens = TraceCode.objects.filter(revoked_at__isnull=True).order_by("-id").values_list("token", flat=True)
            signed = [codes.sign(t) for t in tokens[:limit]]
            if json:
                self.stdout.write(_json.dumps({"codes": signed}))
            else:
                self.stdout.write("\n".join(signed) or "（没有有效追溯码）")
            return
        if not code:
            raise CommandError("请给出追溯码，或用 --list 列出追溯码。")
        token = codes.unsign(code)
        found = TraceCode.objects.select_related("batch__product").filter(token=token).first() if token else None
        if found is None:
            raise CommandError(f"追溯码无效（签名校验失败或不存在）：{code[:60]}")
        start = time.perf_counter()
        holders = downstream([found.batch_id])
        seconds = time.perf_counter() - start
        quantity = sum(h.held for h in holders)
        batch = found.batch
        if not json:
            revoked = "（该码已作废）" if found.revoked_at else ""
            self.stdout.write(f"{batch.product.name} 批号 {batch.batch_number}{revoked}：{len(holders)} 家持有者，"
                              f"现持有 {quantity} {batch.product.unit}，用时 {seconds:.3f} 秒")  # fmt: skip
            for h in holders[:50]:
                self.stdout.write(f"  主体 #{h.entity_id}：收 {h.received}，出 {h.sent}，持有 {h.held}")
        else:
            out = {"batch": batch.pk, "holders": len(holders), "quantity": quantity, "seconds": round(seconds, 4)}
            self.stdout.write(_json.dumps(out))
