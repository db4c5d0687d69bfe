"""The demonstration-county evaluation (docs/evaluation.md): a catalog (评价细则) as data — aspects, items with their
pick rule, sub-items with points and departments, vetoes — and a county's evaluation against it: tasks per sub-item
and department, evidence, the 食安办's review and points, 合理缺项, and weekly score snapshots."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.imports.models import ImportBatchBase


class Recurrence(models.TextChoices):
    NONE = "none", _("一次性")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")


class Catalog(models.Model):
    """One version of the evaluation rules (评价细则), loaded from a data file or a workbook."""

    version = models.CharField(_("版本"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    authority = models.CharField(_("发布机关"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    valid_from = models.PositiveIntegerField(_("适用起始年度"), null=True, blank=True)
    valid_to = models.PositiveIntegerField(_("适用截止年度"), null=True, blank=True)
    total_points = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    sha256 = models.CharField(_("文件摘要"), max_length=64, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评价细则")
        verbose_name_plural = _("评价细则")
        ordering = ["-loaded_at", "-id"]

    def __str__(self):
        return f"{self.title}（{self.version}）"


class CatalogUpload(ImportBatchBase):
    """A catalog workbook uploaded on the catalog page (docs/evaluation.md §1.1): the import engine's batch (file,
    hash, status, cell errors, error report), with the catalog it loaded. All or nothing: no rows to roll back."""

    class Kind(models.TextChoices):
        CATALOG = "catalog", _("评价细则")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.CATALOG)
    file = models.FileField(_("上传文件"), upload_to="evaluation/catalogs/%Y/%m/")
    report = models.FileField(_("错误报告"), upload_to="evaluation/catalogs/reports/%Y/%m/", blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("上传人区划"), null=True, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    catalog = models.ForeignKey(Catalog, verbose_name=_("载入的细则"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("评价细则上传")
        verbose_name_plural = _("评价细则上传")
        ordering = ["-created_at", "-id"]

    @property
    def audit_region(self) -> str:
        return self.region_id or ""


class Aspect(models.Model):
    """One of the catalog's aspects (方面); `optional_count` optional items count (the best ones)."""

    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="aspects")
    no = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    optional_count = models.PositiveIntegerField(_("选做项计分个数"), default=0)

    class Meta:
        verbose_name = _("评价方面")
        verbose_name_plural = _("评价方面")
        ordering = ["catalog", "no"]
        constraints = [models.UniqueConstraint(fields=["catalog", "no"], name="evaluation_aspect_no")]

    def __str__(self):
        return f"{self.no}. {self.name}"


class Item(models.Model):
    """An item (项): its points, mandatory or optional, and `pick` (0 = every sub-item counts; n = best n)."""

    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="items")
    no = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("名称"), max_length=200)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    mandatory = models.BooleanField(_("必选项"), default=True)
    pick = models.PositiveIntegerField(_("计分小项个数"), default=0)

    class Meta:
        verbose_name = _("评价项")
        verbose_name_plural = _("评价项")
        ordering = ["aspect__no", "no"]

    def __str__(self):
        return f"{self.no}. {self.title}"


class SubItem(models.Model):
    """A sub-item (小项) with its maximum points and departments; a veto (否决项) has `veto`, no item and no points."""

    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="sub_items")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="sub_items")
    no = models.PositiveIntegerField(_("编号"))
    text = models.TextField(_("要求"))
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, default=0)
    lead = models.ManyToManyField("accounts.Department", verbose_name=_("牵头部门"), related_name="+", blank=True)
    support = models.ManyToManyField("accounts.Department", verbose_name=_("配合部门"), related_name="+", blank=True)
    start = models.DateField(_("启动日期"), null=True, blank=True)
    recurrence = models.CharField(_("频次"), max_length=12, choices=Recurrence.choices, default=Recurrence.NONE)
    may_be_na = models.BooleanField(_("可为合理缺项"), default=False)
    veto = models.BooleanField(_("否决项"), default=False)
    indicator = models.CharField(_("自动指标"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("评价小项")
        verbose_name_plural = _("评价小项")
        ordering = ["catalog", "no"]
        constraints = [models.UniqueConstraint(fields=["catalog", "no"], name="evaluation_subitem_no")]

    def __str__(self):
        return f"（{self.no}）{self.text[:40]}"


class Evaluation(models.Model):
    """A county's evaluation against one catalog."""

    region = models.ForeignKey("regions.Region", verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="+")
    catalog = models.ForeignKey(Catalog, verbose_name=_("评价细则"), on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("启动日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("示范创建评价")
        verbose_name_plural = _("示范创建评价")
        ordering = ["-started_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "catalog"], name="evaluation_region_catalog")]

    def __str__(self):
        return f"{self.region_id} {self.catalog.version}"


class Result(models.Model):
    """The 食安办's finding on one sub-item of an evaluation: points assigned, 合理缺项, or a failed veto."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    sub_item = models.ForeignKey(SubItem, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("评定得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    not_applicable = models.BooleanField(_("合理缺项"), default=False)
    veto_failed = models.BooleanField(_("否决"), default=False)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("小项评定")
        verbose_name_plural = _("小项评定")
        constraints = [models.UniqueConstraint(fields=["evaluation", "sub_item"], name="evaluation_result_subitem")]

    def __str__(self):
        return f"{self.evaluation_id}/{self.sub_item_id}"


class Task(models.Model):
    """One department's work on one sub-item (one instance per period when the sub-item recurs)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已通过")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="tasks")
    sub_item = models.ForeignKey(SubItem, on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey("accounts.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    lead = models.BooleanField(_("牵头"), default=True)
    period_start = models.DateField(_("周期起始"), null=True, blank=True)
    due = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("评价任务")
        verbose_name_plural = _("评价任务")
        ordering = ["due", "id"]
        constraints = [
            # one task per period, and one for a one-off sub-item (no period): two partial indexes, since SQLite
            # cannot treat NULLs as equal in one unique constraint
            models.UniqueConstraint(
                fields=["evaluation", "sub_item", "department", "period_start"],
                condition=models.Q(period_start__isnull=False),
                name="evaluation_task_period",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "sub_item", "department"],
                condition=models.Q(period_start__isnull=True),
                name="evaluation_task_once",
            ),
        ]
        indexes = [models.Index(fields=["evaluation", "department"], name="evaluation_task_dept")]

    def __str__(self):
        return f"（{self.sub_item.no}）{self.department_id} {self.due}"


class Evidence(models.Model):
    """A document or photo, a link to a shian record, or a note, submitted for a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="evaluation/%Y/%m/", blank=True)
    link = models.CharField(_("平台记录链接"), max_length=300, blank=True)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.task_id}: {self.note[:40] or self.link or self.file.name}"


class Snapshot(models.Model):
    """The score of an evaluation in one week (Monday), for the weekly dispatch's change since last week."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="snapshots")
    week = models.DateField(_("周（周一）"))
    total = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    projected = models.DecimalField(_("预计得分"), max_digits=7, decimal_places=2)
    by_aspect = models.JSONField(default=dict)
    by_item = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评价得分周快照")
        verbose_name_plural = _("评价得分周快照")
        ordering = ["-week"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "week"], name="evaluation_snapshot_week")]

    def __str__(self):
        return f"{self.evaluation_id} {self.week}"
