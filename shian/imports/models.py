"""The batch an import is: what was uploaded, by whom, what each row did, and how to undo it.

These are abstract models: a module that imports files declares its own concrete batch and row tables by
subclassing them (adding the ``kind`` choices it takes, its scope, its upload folders and the row's ``batch``
foreign key with ``related_name="rows"``), and hands both to a :class:`shian.imports.batches.Pipeline`.
docs/architecture.md §3.2: one audited batch per import, with file hash, counts and the per-row outcome.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatchBase(models.Model):
    """One uploaded file and its outcome: status, counts, cell errors, the error report, the rollback."""

    class Mode(models.TextChoices):
        DRY_RUN = "dry_run", _("仅校验")
        COMMIT = "commit", _("全部正确才导入")
        SKIP_INVALID = "skip_invalid", _("跳过错误行导入")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        VALIDATED = "validated", _("已校验")
        COMMITTED = "committed", _("已导入")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("文件无法读取")
        ROLLED_BACK = "rolled_back", _("已撤销")

    kind = models.CharField(_("类型"), max_length=20)
    mode = models.CharField(_("导入方式"), max_length=20, choices=Mode.choices, default=Mode.COMMIT)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_hash = models.CharField(_("文件指纹（SHA-256）"), max_length=64, db_index=True)
    file = models.FileField(_("上传文件"), upload_to="imports/uploads/%Y/%m/")
    report = models.FileField(_("错误报告"), upload_to="imports/reports/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    counts = models.JSONField(_("统计"), default=dict)
    errors = models.JSONField(_("错误"), default=list)
    message = models.TextField(_("说明"), blank=True)
    rolled_back_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self):
        kind = self.get_kind_display() if hasattr(self, "get_kind_display") else self.kind
        return f"{kind} #{self.pk} {self.file_name}"

    @property
    def progress(self) -> int:
        """Percent of rows processed, for the progress bar."""
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    @property
    def audit_region(self) -> str:
        """The region code the batch's audit records carry; a module whose batches have a region says it."""
        return ""


class ImportRowBase(models.Model):
    """What one spreadsheet row did to one record, with the values before, so the batch can be undone. The
    concrete model adds ``batch = models.ForeignKey(<its batch>, on_delete=models.CASCADE, related_name="rows")``."""

    class Action(models.TextChoices):
        CREATED = "created", _("新增")
        UPDATED = "updated", _("更新")

    row = models.PositiveIntegerField(_("行号"))
    action = models.CharField(_("结果"), max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    before = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.batch_id}:{self.row} {self.action} {self.object_type}#{self.object_id}"
