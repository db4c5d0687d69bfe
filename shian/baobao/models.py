"""包保 (docs/domain.md §4): the cadres who personally guarantee food businesses."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.core.rules import DEFAULT_VALID_FROM


class CadreLevel(models.TextChoices):
    """The four 包保 levels; each matches one level of the region tree (docs/domain.md §4.1)."""

    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡级")
    VILLAGE = "village", _("村级")


# Region.Level value a cadre of each level serves (a county cadre's region is a county, ...).
REGION_LEVEL_OF = {CadreLevel.CITY: 2, CadreLevel.COUNTY: 3, CadreLevel.TOWNSHIP: 4, CadreLevel.VILLAGE: 5}


class Cadre(models.Model):
    """A 包保干部: a named official of one level and region; optionally bound to a login account."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        LEFT = "left", _("已离岗")

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    level = models.CharField(_("包保层级"), max_length=10, choices=CadreLevel.choices)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    is_regulator = models.BooleanField(
        _("监管人员"), default=False, help_text=_("市场监管所等专业人员，可作为包保保障")
    )
    capacity = models.PositiveSmallIntegerField(_("包保上限"), null=True, blank=True, help_text=_("空则按层级默认"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("包保干部")
        verbose_name_plural = _("包保干部")
        ordering = ["region_id", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=~models.Q(id_number=""), name="cadre_id_unique"),
        ]
        indexes = [models.Index(fields=["region", "level", "status"], name="cadre_region_level_status")]

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}）"


class Policy(models.Model):
    """Versioned 包保 settings (⚙ in docs/domain.md §4): grading rules, the level each grade goes to, workloads and
    department matches. The newest version of the most specific region applies from its `valid_from`, picked by
    the rule store's resolver (shian.core.rules.most_specific); region blank = defaults."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    version = models.PositiveIntegerField(_("版本"))
    valid_from = models.DateField(_("生效日期"), default=DEFAULT_VALID_FROM)
    grade_rules = models.JSONField(_("分级规则"))
    level_for_grade = models.JSONField(_("各级包保层级"))
    capacity = models.JSONField(_("各层级包保上限"))
    department_match = models.JSONField(_("行业主管部门对应"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("包保规则")
        verbose_name_plural = _("包保规则")
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="policy_region_version")]

    def __str__(self):
        return f"{self.region_id or '默认'} v{self.version}"


class EntityGrade(models.Model):
    """Why an entity has its 包保 grade: the policy version and rules that fired, or an override with reason."""

    # A first grading of a province writes a million rows by COPY. PostgreSQL checks a key constraint row by row at
    # commit, locking the referenced row each time (a million entity rows rewritten, 32 of 46 s at load 6): the
    # keys carry no database constraint or index beyond the primary key (docs/performance.md). The grading service
    # writes only ids it has just read; Django still applies CASCADE and PROTECT.
    entity = models.OneToOneField(
        "entities.Entity",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="grading",
        verbose_name=_("主体"),
        db_constraint=False,
    )
    computed_grade = models.CharField(_("计算等级"), max_length=1)
    fired = models.JSONField(_("命中规则"), default=list)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False)
    override_grade = models.CharField(_("人工调整等级"), max_length=1, blank=True)
    override_reason = models.CharField(_("调整理由"), max_length=200, blank=True)
    # the grade in force (the override, else the computed grade), stored so readers join one column
    grade = models.CharField(_("包保等级"), max_length=1)
    overridden_by = models.ForeignKey(  # nearly always empty: no index of a million empty values
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    graded_at = models.DateTimeField(_("评定时间"), auto_now=True)

    class Meta:
        verbose_name = _("包保分级")
        verbose_name_plural = _("包保分级")

    def __str__(self):
        return f"{self.entity_id}: {self.grade}"

    def save(self, *args, **kwargs):
        self.grade = self.override_grade or self.computed_grade
        super().save(*args, **kwargs)


class AssignmentRun(models.Model):
    """One solve of the assignment for a region: a draft until a reviewer publishes it (docs/domain.md §4.4)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被替代")

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    incremental = models.BooleanField(_("增量调整"), default=False)
    params = models.JSONField(_("参数"), default=dict)
    counts = models.JSONField(_("统计"), default=dict)
    shortages = models.JSONField(_("缺口"), default=list)
    objective = models.BigIntegerField(_("目标值"), default=0)
    seconds = models.FloatField(_("用时（秒）"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("包保匹配方案")
        verbose_name_plural = _("包保匹配方案")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.region_id} #{self.pk} {self.get_status_display()}"


class Assignment(models.Model):
    """One entity's responsible cadre in a run, with the station contact who supports the visits."""

    # A province's run is a million rows written at once; the database checks of its entity and cadre keys (three
    # lookups per row at commit) cost more than the write (docs/performance.md). The ids come from the rows the
    # solve read, Django still applies on_delete, and publishing copies them into Guarantee, whose keys are checked.
    run = models.ForeignKey(AssignmentRun, on_delete=models.CASCADE, related_name="assignments")
    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    supporter = models.ForeignKey(
        Cadre, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    grade = models.CharField(_("包保等级"), max_length=1)
    cost = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "entity"], name="assignment_run_entity")]

    def __str__(self):
        return f"{self.entity_id} -> {self.cadre_id}"


class Guarantee(models.Model):
    """Who guarantees an entity now: the published assignment in effect (one primary cadre per entity)."""

    entity = models.OneToOneField(
        "entities.Entity", primary_key=True, on_delete=models.CASCADE, related_name="guarantee"
    )
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="guarantees", verbose_name=_("包保干部"))
    supporter = models.ForeignKey(
        Cadre, null=True, blank=True, on_delete=models.PROTECT, related_name="supported", verbose_name=_("监管保障")
    )
    run = models.ForeignKey(AssignmentRun, on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("包保起始日期"))

    class Meta:
        verbose_name = _("包保关系")
        verbose_name_plural = _("包保关系")
        indexes = [models.Index(fields=["cadre"], name="guarantee_cadre")]

    def __str__(self):
        return f"{self.entity_id} -> {self.cadre_id}"


class Commitment(models.Model):
    """A cadre's signed 《食品安全责任与任务承诺书》 for a year (三清单一承诺, docs/domain.md §4.2)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="commitments")
    year = models.PositiveSmallIntegerField(_("年度"))
    confirmed_at = models.DateTimeField(_("确认时间"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entity_count = models.PositiveIntegerField(_("包保主体数"))

    class Meta:
        verbose_name = _("承诺书")
        verbose_name_plural = _("承诺书")
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="commitment_cadre_year")]

    def __str__(self):
        return f"{self.cadre_id} {self.year}"


class Change(models.Model):
    """A 包保 change (docs/domain.md §4.5): an entity opens or closes, its grade changes, or a cadre leaves. It must be
    reported within the status-report rule counted from the day it happened and reassigned within the reassign
    rule counted from when the system learned of it; both deadlines keep the rule they were computed with."""

    class Kind(models.TextChoices):
        ENTITY_NEW = "entity_new", _("新增主体")
        ENTITY_CLOSED = "entity_closed", _("主体注销")
        GRADE_CHANGED = "grade_changed", _("等级变化")
        CADRE_LEFT = "cadre_left", _("干部离岗")

    kind = models.CharField(_("变动类型"), max_length=20, choices=Kind.choices)
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("主体"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("包保干部"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField(_("发生日期"))
    recorded_at = models.DateTimeField(_("登记时间"))
    report_due = models.DateTimeField(_("报告时限"))
    report_rule = models.JSONField(_("报告时限规则"))
    reassign_due = models.DateTimeField(_("调整时限"))
    reassign_rule = models.JSONField(_("调整时限规则"))
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolved_by_run = models.ForeignKey(
        AssignmentRun, verbose_name=_("办结方案"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("包保变动事项")
        verbose_name_plural = _("包保变动事项")
        ordering = ["reassign_due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entity__isnull=False) | models.Q(cadre__isnull=False), name="change_has_subject"
            ),
            # One open change of a kind per entity (and per leaving cadre): detection can run daily.
            models.UniqueConstraint(
                fields=["kind", "entity"], condition=models.Q(resolved_at__isnull=True), name="change_open_entity"
            ),
            models.UniqueConstraint(
                fields=["kind", "cadre"],
                condition=models.Q(resolved_at__isnull=True, entity__isnull=True),
                name="change_open_cadre",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "reassign_due"],
                condition=models.Q(resolved_at__isnull=True),
                name="change_open_region",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.entity_id or self.cadre_id}"

    @property
    def report_late(self) -> bool:
        """Recorded after the report deadline: the change was reported late."""
        return self.recorded_at > self.report_due

    def reassign_overdue(self, now=None) -> bool:
        """Still open past the reassignment deadline (templates call it without `now`)."""
        return self.resolved_at is None and (now or timezone.now()) > self.reassign_due
