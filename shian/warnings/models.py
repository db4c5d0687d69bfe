"""Risk early warnings (docs/warnings.md): the rules as versioned data (§1) and the warnings they raise, each with
the rule version that raised it, the records that raised it (stored evidence: model, pk, label) and its clock (§2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    BLUE = "blue", _("蓝色")
    YELLOW = "yellow", _("黄色")
    ORANGE = "orange", _("橙色")
    RED = "red", _("红色")


LEVEL_ORDER = [Level.RED, Level.ORANGE, Level.YELLOW, Level.BLUE]


class Scope(models.TextChoices):
    ENTITY = "entity", _("市场主体")
    CATEGORY = "category", _("食品类别")
    TOWNSHIP = "township", _("乡镇（街道）")
    COUNTY = "county", _("县（区）")


class Kind(models.TextChoices):
    FAILED_SAMPLES = "failed_samples", _("同类食品抽检不合格聚集")
    COMPLAINT_BASELINE = "complaint_baseline", _("投诉举报高于自身基线")
    REPEAT_VIOLATION = "repeat_violation", _("重复违法违规")
    HIGH_RISK_OVERDUE = "high_risk_overdue", _("高风险主体检查逾期")
    LICENCE_EXPIRED = "licence_expired", _("许可证过期仍在营")
    OPINION_BURST = "opinion_burst", _("舆情集中指向同一主体")
    OPINION_PRODUCT = "opinion_product", _("舆情集中指向同一产品")


class WarningRule(models.Model):
    """One version of a rule: editing makes a new version (the old one stays, inactive), and a warning keeps the
    version that raised it."""

    code = models.CharField(_("规则编码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("规则类型"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("预警等级"), max_length=6, choices=Level.choices)
    scope = models.CharField(_("预警范围"), max_length=10, choices=Scope.choices)
    window_days = models.PositiveIntegerField(_("时间窗（天）"))
    params = models.JSONField(_("参数"), default=dict, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    is_current = models.BooleanField(_("现行版本"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="warnings_rule_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="warnings_rule_one_current"
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"{self.name}（v{self.version}）"


class RiskWarning(models.Model):
    """A raised warning: routed to the office owning its scope (the station of the township, else the county
    desk), on its clock raised → acknowledged → investigating → closed; a repeat inside the window merges here."""

    class State(models.TextChoices):
        RAISED = "raised", _("已发出")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        INVESTIGATING = "investigating", _("核查中")
        CLOSED = "closed", _("已办结")

    rule = models.ForeignKey(WarningRule, verbose_name=_("规则版本"), on_delete=models.PROTECT, related_name="+")
    rule_code = models.CharField(_("规则编码"), max_length=40)
    level = models.CharField(_("预警等级"), max_length=6, choices=Level.choices)
    scope_key = models.CharField(_("范围键"), max_length=120)
    label = models.CharField(_("预警内容"), max_length=300)
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("regions.Region", verbose_name=_("承办单位区划"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    station = models.ForeignKey("inspections.Station", verbose_name=_("承办市场监管所"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")  # fmt: skip
    entity = models.ForeignKey("entities.Entity", verbose_name=_("市场主体"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")  # fmt: skip
    state = models.CharField(_("状态"), max_length=14, choices=State.choices, default=State.RAISED)
    hits = models.PositiveIntegerField(_("触发次数"), default=1)
    evidence = models.JSONField(_("触发记录"), default=list)
    links = models.JSONField(_("处置关联记录"), default=list, blank=True)
    raised_at = models.DateTimeField(_("预警时间"))
    last_seen_at = models.DateTimeField(_("最近触发"))
    step_due = models.DateTimeField(_("当前步骤期限"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    escalated_to = models.CharField(_("升级至区划"), max_length=12, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    investigating_at = models.DateTimeField(_("启动核查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # each step's deadline, kept after the step so the figures of a past day know which step was late then
    # (docs/kpis.md); the closing one also makes "closed on time" one comparison
    ack_due = models.DateTimeField(_("签收期限"), null=True, blank=True)
    investigate_due = models.DateTimeField(_("启动核查期限"), null=True, blank=True)
    close_due = models.DateTimeField(_("办结期限"), null=True, blank=True)
    finding = models.TextField(_("核查结论"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("风险预警")
        verbose_name_plural = _("风险预警")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["rule_code", "scope_key", "state"], name="warnings_open_key"),
            models.Index(fields=["region", "level", "state"], name="warnings_region_level"),
        ]

    def __str__(self):
        return f"{self.get_level_display()}预警：{self.label}"
