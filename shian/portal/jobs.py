"""The portal's recurring job (shian.core.schedule), imported from PortalConfig.ready(): the per-county bulk
open-data files, nightly (docs/portal.md §3)."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, daily, register

from .services import bulk


def _write_bulk_files(now) -> str:
    counts = bulk.write_all(now=now)
    return f"counties={counts['counties']} rows={counts['rows']}"


register(
    Job("portal.bulk_files", run=_write_bulk_files, timing=daily("portal.bulk_hour"),
        label=_("开放数据按县批量文件"))
)  # fmt: skip
