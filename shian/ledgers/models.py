"""An import of one ledger file is a batch (the import engine's, :mod:`shian.imports.models`): what was
uploaded, by whom, in which region, what each row did, and how to undo it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.imports.models import ImportBatchBase, ImportRowBase


class ImportBatch(ImportBatchBase):
    """One uploaded ledger file and its outcome (docs/architecture.md §3.2: one audit batch per import)."""

    class Kind(models.TextChoices):
        ENTITIES = "entities", _("主体台账")
        CADRES = "cadres", _("包保干部台账")
        ASSIGNMENTS = "assignments", _("包保关系台账")
        PERSONNEL = "personnel", _("食品安全管理人员台账")

    kind = models.CharField(_("台账类型"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("上传文件"), upload_to="ledgers/uploads/%Y/%m/")
    report = models.FileField(_("错误报告"), upload_to="ledgers/reports/%Y/%m/", blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("导入区划"), null=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("台账导入批次")
        verbose_name_plural = _("台账导入批次")
        ordering = ["-created_at", "-id"]

    @property
    def audit_region(self) -> str:
        return self.region_id or ""


class ImportRow(ImportRowBase):
    """What one spreadsheet row did to one record, with the values before, so the batch can be undone."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="importrow_object")]
