"""The commission's coordination (docs/commission.md; docs/domain.md §14): meetings and their decisions (each a tracked
task of a lead department or township), the key-work ledger, the half-yearly data-sharing packages, the assessment
(评议考核) of townships and member units with its scoring sheet as data, and the volunteers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    """A plenary (全体会议) or topical (专题会议) meeting of a region's food-safety commission."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("全体会议")
        TOPIC = "topic", _("专题会议")

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("会议类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    agenda = models.TextField(_("议程"))
    attendees = models.ManyToManyField("accounts.Department", verbose_name=_("参会部门"), related_name="+", blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    minutes_file = models.FileField(_("纪要文件"), upload_to="commission/minutes/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("食安委会议")
        verbose_name_plural = _("食安委会议")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """A decision of a meeting, tracked as a task: its lead department (or township), deadline, status, progress notes
    and evidence. `overdue_at` is set once by the deadline check when the deadline passes unfinished."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未开始")
        PROGRESS = "progress", _("推进中")
        DONE = "done", _("已完成")

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="decisions")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("议定事项"))
    lead_department = models.ForeignKey("accounts.Department", verbose_name=_("牵头部门"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")  # fmt: skip
    lead_township = models.ForeignKey("regions.Region", verbose_name=_("牵头乡镇"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")  # fmt: skip
    deadline = models.DateField(_("办理期限"), db_index=True)
    due_rule = models.JSONField(_("期限规则"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="commission/evidence/%Y/", blank=True)
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "seq"], name="commission_decision_seq"),
            models.CheckConstraint(
                name="commission_decision_one_lead",
                condition=models.Q(lead_department__isnull=False, lead_township__isnull=True)
                | models.Q(lead_department__isnull=True, lead_township__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.meeting.title}（{self.seq}）"

    @property
    def lead_name(self) -> str:
        return str(self.lead_department or self.lead_township)

    def on_time(self) -> bool | None:
        """Finished by its deadline; None while open and not yet due."""
        if self.status == self.Status.DONE and self.completed_on:
            return self.completed_on <= self.deadline
        return None


class DecisionNote(models.Model):
    """A progress note on a decision (who, when, what was done)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("进展情况"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.text[:40]


class KeyWork(models.Model):
    """A line of the key-work ledger (重点工作台账): project, lead and supporting departments, deadline, status,
    progress and evidence. Department users update only the lines their department leads."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未开始")
        PROGRESS = "progress", _("推进中")
        DONE = "done", _("已完成")

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    project = models.CharField(_("工作项目"), max_length=200)
    lead_department = models.ForeignKey("accounts.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT,
                                        related_name="+")  # fmt: skip
    supporting = models.ManyToManyField("accounts.Department", verbose_name=_("配合部门"), related_name="+", blank=True)
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.TextField(_("进展情况"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="commission/keywork/%Y/", blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("重点工作")
        verbose_name_plural = _("重点工作台账")
        ordering = ["year", "deadline", "id"]

    def __str__(self):
        return self.project


class SharingPackage(models.Model):
    """One half-year's statistics of a region's departments, one Excel workbook, archived with its sha256; a
    regenerated package is a new version, the old file stays."""

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))])
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    file = models.FileField(_("文件"), upload_to="commission/sharing/%Y/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sheets = models.JSONField(_("工作表"), default=list)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    generated_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("数据共享包")
        verbose_name_plural = _("数据共享包")
        ordering = ["-year", "-half", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "half", "version"], name="commission_package_version")
        ]

    def __str__(self):
        return f"{self.year}H{self.half} v{self.version}"


class ScoringSheet(models.Model):
    """The assessment's scoring sheet as data: criteria with weights (summing to 100) and a source each
    (shian.commission.sources)."""

    class Target(models.TextChoices):
        TOWNSHIP = "township", _("乡镇（街道）")
        DEPARTMENT = "department", _("成员单位")

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("评分表名称"), max_length=200)
    target = models.CharField(_("考核对象"), max_length=12, choices=Target.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评议考核评分表")
        verbose_name_plural = _("评议考核评分表")
        ordering = ["-id"]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    sheet = models.ForeignKey(ScoringSheet, on_delete=models.CASCADE, related_name="criteria")
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("考核内容"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("分值"))
    source = models.CharField(_("数据来源"), max_length=40)
    param = models.CharField(_("来源参数"), max_length=60, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["sheet", "seq"], name="commission_criterion_seq")]

    def __str__(self):
        return self.name


class AssessmentRound(models.Model):
    """One computation of a sheet for a period: a score per township / department with a line per criterion."""

    sheet = models.ForeignKey(ScoringSheet, verbose_name=_("评分表"), on_delete=models.PROTECT, related_name="rounds")
    period_start = models.DateField(_("考核期起"))
    period_end = models.DateField(_("考核期止"))
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评议考核")
        verbose_name_plural = _("评议考核")
        ordering = ["-period_end", "-id"]

    def __str__(self):
        return f"{self.sheet.name}（{self.period_start}—{self.period_end}）"


class ManualPoints(models.Model):
    """Points given by hand for a `manual` criterion to one township or department, with the reason."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="manual_points")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    note = models.CharField(_("评分说明"), max_length=500)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.points}"


class AssessmentScore(models.Model):
    """The total of one assessed township or department in a round; its `lines` trace every point to its source."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="scores")
    township = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    name = models.CharField(_("考核对象"), max_length=100)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    lines = models.JSONField(_("得分明细"), default=list)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self):
        return f"{self.name} {self.total}"


class AssessmentNotice(models.Model):
    """A 通报 / 交办 / 督办 sent to an assessed township or department after a round: a 三书一函 notice
    (shian.notices: document, delivery, reply and acceptance) tied to the score it follows."""

    class Kind(models.TextChoices):
        BULLETIN = "bulletin", _("通报")
        ASSIGN = "assign", _("交办")
        SUPERVISE = "supervise", _("督办")

    score = models.ForeignKey(AssessmentScore, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    notice = models.OneToOneField("notices.Notice", on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return self.get_kind_display()


class Volunteer(models.Model):
    """A registered food-safety volunteer of a township (name and phone are PII: masked when shown)."""

    township = models.ForeignKey("regions.Region", verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    joined_on = models.DateField(_("加入日期"))
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("食品安全志愿者")
        verbose_name_plural = _("食品安全志愿者")
        ordering = ["township_id", "id"]

    def __str__(self):
        return f"{_('志愿者')} #{self.pk}"


class VolunteerTask(models.Model):
    """A volunteer's task: report a problem through the public channel (with the complaint's number) or attend an
    activity; counted per township once completed."""

    class Kind(models.TextChoices):
        REPORT = "report", _("通过公众渠道反映问题")
        ACTIVITY = "activity", _("参加志愿活动")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("任务类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("任务内容"), max_length=200)
    on = models.DateField(_("日期"))
    completed = models.BooleanField(_("已完成"), default=False)
    reference = models.CharField(_("关联编号"), max_length=40, blank=True)

    class Meta:
        ordering = ["-on", "id"]

    def __str__(self):
        return self.title
