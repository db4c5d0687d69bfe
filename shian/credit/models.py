"""Credit files (docs/credit.md): a business's credit class, recomputed from its records on each event, with the
events that set it; correction requests; liability insurance policies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    """The credit classes (docs/credit.md §2; cut-offs are rules in ruledefs.py)."""

    A = "A", _("A级（守信）")
    B = "B", _("B级（基本守信）")
    C = "C", _("C级（失信风险较高）")
    D = "D", _("D级（严重失信风险）")


class CreditRating(models.Model):
    """The current credit class of a business and the events that set it (the credit file shows them)."""

    entity = models.OneToOneField(
        "entities.Entity", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    points = models.DecimalField(_("信用分"), max_digits=7, decimal_places=2)
    band = models.CharField(_("信用等级"), max_length=4)
    events = models.JSONField(_("计分事件"), default=list)
    rule_version = models.CharField(_("规则版本"), max_length=40, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("信用等级")
        verbose_name_plural = _("信用等级")
        indexes = [models.Index(fields=["band"], name="credit_rating_band")]

    def __str__(self):
        return f"{self.entity_id}: {self.band}"


class ItemKind(models.TextChoices):
    """The kinds of record a credit file shows (and a correction request may name)."""

    LICENSE = "license", _("许可证照")
    PROBLEM = "problem", _("包保督导问题")
    DUTY = "duty", _("主体责任落实记录")
    INSPECTION = "inspection", _("监督检查")
    SAMPLE = "sample", _("抽检不合格")
    COMPLAINT = "complaint", _("投诉举报查实")
    PENALTY = "penalty", _("行政处罚")
    LISTING = "listing", _("严重违法失信名单")
    LIST_LINE = "list_line", _("红黑榜")
    INSURANCE = "insurance", _("食品安全责任保险")
    RATING = "rating", _("信用等级")


class CorrectionRequest(models.Model):
    """An entity's request to correct an item of its credit file (docs/credit.md §3): submitted by its own users,
    reviewed by the station; an accepted request is corrected in the record's own module, then closed with a note."""

    class Status(models.TextChoices):
        PENDING = "pending", _("审核中")
        ACCEPTED = "accepted", _("已采纳（已更正）")
        REJECTED = "rejected", _("不予采纳")

    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("记录类型"), max_length=12, choices=ItemKind.choices)
    record_id = models.PositiveBigIntegerField(_("记录编号"))
    record_text = models.CharField(_("记录摘要"), max_length=300)
    reason = models.TextField(_("更正理由"))
    attachment = models.FileField(_("证明材料"), upload_to="credit/corrections/%Y/%m", blank=True)
    attachment_name = models.CharField(_("材料文件名"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("信用信息更正申请")
        verbose_name_plural = _("信用信息更正申请")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status"], name="credit_correction_region"),
            models.Index(fields=["entity", "status"], name="credit_correction_entity"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.record_id}: {self.get_status_display()}"


class InsurancePolicy(models.Model):
    """A 食品安全责任保险 policy of an entity (docs/credit.md §4), entered or imported."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("录入")
        IMPORTED = "imported", _("导入")

    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("投保主体"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    insurer = models.CharField(_("保险公司"), max_length=100)
    number = models.CharField(_("保单号"), max_length=60)
    starts_on = models.DateField(_("保险起期"))
    ends_on = models.DateField(_("保险止期"), db_index=True)
    cover = models.DecimalField(_("累计赔偿限额（元）"), max_digits=14, decimal_places=2)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("食品安全责任保险保单")
        verbose_name_plural = _("食品安全责任保险保单")
        ordering = ["-ends_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "number"], name="credit_policy_number"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="credit_policy_period"),
        ]
        indexes = [
            models.Index(fields=["region", "ends_on"], name="credit_policy_region_end"),
            models.Index(fields=["entity", "ends_on"], name="credit_policy_entity_end"),
        ]

    def __str__(self):
        return f"{self.insurer} {self.number}"
