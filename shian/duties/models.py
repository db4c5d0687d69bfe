"""Enterprise primary responsibility (docs/domain.md §5, SAMR Order 60): the risk-control list, 日管控/周排查/月调度
records, who must have a food-safety director, and the staff's training hours."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.core.rules import DEFAULT_VALID_FROM


class ListKind(models.TextChoices):
    """The seeded risk-control lists (docs/domain.md §5: production, sales, catering)."""

    PRODUCTION = "production", _("食品生产")
    SALES = "sales", _("食品销售")
    CATERING = "catering", _("餐饮服务")


class RiskItem(models.Model):
    """One line of a 风险管控清单: a province default for a kind (no entity) or an entity's own addition."""

    kind = models.CharField(_("清单类型"), max_length=20, choices=ListKind.choices, blank=True)
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("主体"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    area = models.CharField(_("风险点"), max_length=100)
    measure = models.CharField(_("管控措施"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险管控清单项")
        verbose_name_plural = _("风险管控清单")
        ordering = ["kind", "entity_id", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(entity__isnull=True) & ~models.Q(kind=""))
                | (models.Q(entity__isnull=False) & models.Q(kind="")),
                name="risk_item_default_or_own",
            )
        ]

    def __str__(self):
        return f"{self.area}：{self.measure}"


class DutyRecord(models.Model):
    """What the 日管控/周排查/月调度 records share: the entity's own record of one period (`PERIOD_FIELD`: a
    day, a week's Monday, a month's 1st), at most one per entity and period (each subclass declares that unique
    constraint with its own name), stored with the entity's region so reads scope by region prefix."""

    PERIOD_FIELD = ""

    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.entity_id} {self.period}"

    @property
    def period(self):
        return getattr(self, self.PERIOD_FIELD)


class DailyCheck(DutyRecord):
    """日管控: one record per entity per day, a zero-risk report included (nothing found is still recorded)."""

    PERIOD_FIELD = "day"

    # no index of its own: the unique (entity, day) index serves every lookup by entity, and with both
    # columns a week of one entity is a single index range
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("日期"))
    all_clear = models.BooleanField(_("未发现风险隐患"), default=True)
    issues = models.JSONField(_("发现的问题"), default=list, blank=True, help_text=_("[{风险点, 问题, 整改措施}]"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checker_name = models.CharField(_("检查人"), max_length=50)

    class Meta:
        verbose_name = _("每日食品安全检查记录")
        verbose_name_plural = _("日管控记录")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["entity", "day"], name="daily_check_entity_day")]
        # A month's records first, then the region range: completion reads one month of a county or province;
        # the entity too, so that completion per grade or type reads the index alone before joining the entity.
        indexes = [models.Index(fields=["day", "region", "entity"], name="daily_check_day_region_entity")]


class WeeklyReport(DutyRecord):
    """周排查: the director's or officer's weekly investigation, week starting Monday."""

    PERIOD_FIELD = "week"

    week = models.DateField(_("周（周一）"))
    days_checked = models.PositiveSmallIntegerField(_("本周日管控天数"))
    issues_found = models.PositiveSmallIntegerField(_("本周发现问题数"))
    findings = models.TextField(_("排查发现的风险隐患"), blank=True)
    measures = models.TextField(_("整改措施及落实情况"), blank=True)
    conclusion = models.TextField(_("本周食品安全状况评价"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reporter_name = models.CharField(_("报告人"), max_length=50)

    class Meta:
        verbose_name = _("每周食品安全排查治理报告")
        verbose_name_plural = _("周排查报告")
        ordering = ["-week"]
        constraints = [models.UniqueConstraint(fields=["entity", "week"], name="weekly_report_entity_week")]
        indexes = [models.Index(fields=["region", "week"], name="weekly_report_region_week")]


class MonthlyMeeting(DutyRecord):
    """月调度: the principal hears the director once a month; minutes with attendees, issues and decisions."""

    PERIOD_FIELD = "month"

    month = models.DateField(_("月份（1日）"))
    held_on = models.DateField(_("会议日期"))
    chair = models.CharField(_("主持人（主要负责人）"), max_length=50)
    attendees = models.CharField(_("参会人员"), max_length=300)
    issues = models.TextField(_("本月食品安全管理情况及问题"))
    decisions = models.TextField(_("调度事项及工作安排"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("每月食品安全调度会议纪要")
        verbose_name_plural = _("月调度纪要")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["entity", "month"], name="monthly_meeting_entity_month")]
        indexes = [models.Index(fields=["region", "month"], name="monthly_meeting_region_month")]

    def __str__(self):
        return f"{self.entity_id} {self.month:%Y-%m}"


class StaffingPolicy(models.Model):
    """Which entities must have a food-safety director (⚙ docs/domain.md §5), versioned per region like every
    configuration and picked by the rule store's resolver (shian.core.rules.most_specific); blank region = the
    defaults. The yearly training hours are the rule `duties.training_hours` of the rule store."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"))
    valid_from = models.DateField(_("生效日期"), default=DEFAULT_VALID_FROM)
    director_rules = models.JSONField(_("须配备食品安全总监的情形"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("人员配备规则")
        verbose_name_plural = _("人员配备规则")
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="staffing_policy_region_version")]

    def __str__(self):
        return f"{self.region_id or '默认'} v{self.version}"


class TrainingRecord(models.Model):
    """Hours of food-safety training one of the entity's people took (≥40 h a year for principals and
    safety managers, S1 53)."""

    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "entities.KeyPerson", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="trainings"
    )
    day = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    topic = models.CharField(_("培训内容"), max_length=200)
    provider = models.CharField(_("培训机构"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-day"]
        indexes = [models.Index(fields=["person", "day"], name="training_person_day")]

    def __str__(self):
        return f"{self.person_id} {self.day} {self.hours}h"
