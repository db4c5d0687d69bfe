"""Models of emergency (docs/emergency.md): incidents graded I-IV with their reports (§1), public-opinion items
(§2), the register of emergency plans and the trainings and drills held on them (§3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """Incident grades of the national plan (docs/domain.md §10), I the gravest."""

    I = "I", _("特别重大（I级）")  # noqa: E741
    II = "II", _("重大（II级）")
    III = "III", _("较大（III级）")
    IV = "IV", _("一般（IV级）")


# gravest first: a grade's rank is its index here
GRADE_ORDER = [Grade.I, Grade.II, Grade.III, Grade.IV]
VETO_GRADES = (Grade.I, Grade.II)


class Incident(models.Model):
    """A food-safety incident (食品安全事故, suspected ones included): where and when, its grade, the people
    affected, the 2-hour first report from awareness (§1, §4), the records it is linked to, and its closure."""

    class Status(models.TextChoices):
        OPEN = "open", _("处置中")
        CLOSED = "closed", _("已结案")

    number = models.CharField(_("事故编号"), max_length=40, unique=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("发生地"), on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("涉事主体"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("事故名称"), max_length=200)
    place = models.CharField(_("发生地点"), max_length=300, blank=True)
    summary = models.TextField(_("基本情况"))
    suspected = models.BooleanField(_("疑似事故"), default=False)
    grade = models.CharField(_("事故等级"), max_length=3, choices=Grade.choices)
    grade_basis = models.CharField(_("定级依据"), max_length=300, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    aware_at = models.DateTimeField(_("获知时间"))
    affected = models.PositiveIntegerField(_("受害（发病）人数"), default=0)
    hospitalized = models.PositiveIntegerField(_("住院人数"), default=0)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    first_report_due = models.DateTimeField(_("首报期限"))
    due_rules = models.JSONField(_("期限规则"), default=dict, blank=True)
    first_reported_at = models.DateTimeField(_("首报时间"), null=True, blank=True)
    first_report_late = models.BooleanField(_("迟报"), default=False)
    overdue_at = models.DateTimeField(_("标记逾期时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报上一级时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closure = models.TextField(_("结案情况"), blank=True)
    samples = models.ManyToManyField("sampling.Sample", verbose_name=_("关联样品"), blank=True, related_name="+")
    complaints = models.ManyToManyField("complaints.Complaint", verbose_name=_("关联投诉举报"), blank=True,
                                        related_name="+")  # fmt: skip
    cases = models.ManyToManyField("cases.Case", verbose_name=_("关联案件"), blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("食品安全事故")
        verbose_name_plural = _("食品安全事故")
        ordering = ["-aware_at", "-id"]
        indexes = [
            models.Index(fields=["region", "aware_at"], name="incident_region_time"),
            models.Index(fields=["first_reported_at", "first_report_due"], name="incident_first_report"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def vetoing(self) -> bool:
        return self.grade in VETO_GRADES


class IncidentReport(models.Model):
    """One report of an incident to the authority above: the first report (timed against the 2-hour clock), the
    follow-ups and the final one, each with the counts known then."""

    class Kind(models.TextChoices):
        FIRST = "first", _("首报")
        FOLLOW_UP = "follow_up", _("续报")
        FINAL = "final", _("终报")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("报告类型"), max_length=10, choices=Kind.choices)
    reported_at = models.DateTimeField(_("报告时间"))
    recipient = models.CharField(_("报告对象"), max_length=100)
    content = models.TextField(_("报告内容"))
    affected = models.PositiveIntegerField(_("受害人数"), default=0)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    late = models.BooleanField(_("迟报"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("事故报告")
        verbose_name_plural = _("事故报告")
        ordering = ["reported_at", "id"]

    def __str__(self):
        return f"{self.incident.number} {self.get_kind_display()}"


class Opinion(models.Model):
    """A public-opinion item (舆情): where it was seen, what it says, how hot it is, the 24-hour feedback clock
    from when it was found, the verification and the complaint or case it led to (§2)."""

    class Verification(models.TextChoices):
        PENDING = "pending", _("待核实")
        TRUE = "true", _("属实")
        PARTLY = "partly", _("部分属实")
        FALSE = "false", _("不实")

    class Status(models.TextChoices):
        OPEN = "open", _("处置中")
        CLOSED = "closed", _("已办结")

    number = models.CharField(_("舆情编号"), max_length=40, unique=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("涉及区划"), on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("涉及主体"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_url = models.URLField(_("来源链接"), max_length=500)
    source_name = models.CharField(_("来源平台"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    # the product the item names, if any: the warnings' "burst naming one product" groups by it (docs/warnings.md §1)
    product = models.CharField(_("涉及产品"), max_length=60, blank=True)
    summary = models.TextField(_("内容摘要"))
    heat = models.PositiveIntegerField(_("热度（阅读/转发量）"), default=0)
    found_at = models.DateTimeField(_("发现时间"))
    feedback_due = models.DateTimeField(_("反馈期限"))
    due_rules = models.JSONField(_("期限规则"), default=dict, blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    feedback = models.TextField(_("反馈情况"), blank=True)
    feedback_late = models.BooleanField(_("逾期反馈"), default=False)
    overdue_at = models.DateTimeField(_("标记逾期时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报上一级时间"), null=True, blank=True)
    verification = models.CharField(_("核实结果"), max_length=8, choices=Verification.choices,
                                    default=Verification.PENDING)  # fmt: skip
    verification_note = models.TextField(_("核实情况"), blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("转为投诉举报"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    case = models.ForeignKey("cases.Case", verbose_name=_("转为案件"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("舆情")
        verbose_name_plural = _("舆情")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["region", "found_at"], name="opinion_region_time"),
            models.Index(fields=["fed_back_at", "feedback_due"], name="opinion_feedback"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class EmergencyPlan(models.Model):
    """An emergency plan (应急预案) in the register: its version, the department that keeps it, when it was
    approved, and the file (§3)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("预案名称"), max_length=200)
    version = models.CharField(_("版本"), max_length=40)
    department = models.CharField(_("制定部门"), max_length=100)
    approved_on = models.DateField(_("批准日期"))
    file = models.FileField(_("预案文件"), upload_to="emergency/plans/%Y/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["-approved_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "title", "version"], name="emergency_plan_version_unique")
        ]

    def __str__(self):
        return f"{self.title}（{self.version}）"


class Exercise(models.Model):
    """A training on an emergency plan, or a drill (tabletop or live): when, how many took part, what it found,
    and the file (§3)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("预案培训")
        TABLETOP = "tabletop", _("桌面推演")
        LIVE = "live", _("实战演练")

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("应急预案"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="exercises")  # fmt: skip
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("日期"))
    organizer = models.CharField(_("组织单位"), max_length=100, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    findings = models.TextField(_("发现问题及改进"), blank=True)
    file = models.FileField(_("附件"), upload_to="emergency/exercises/%Y/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培训演练")
        verbose_name_plural = _("培训演练")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["region", "held_on"], name="exercise_region_day")]

    def __str__(self):
        return f"{self.held_on} {self.title}"

    @property
    def is_drill(self) -> bool:
        return self.kind != self.Kind.TRAINING
