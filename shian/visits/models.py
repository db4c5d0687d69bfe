"""包保 supervision visits (docs/domain.md §4.5): signed visits on the checklist engine's versioned checklists, and
problems tracked to closure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.checklists.models import ChecklistItem, RecordAddendum, Severity, SignedAnswer, SignedRecord, StoredFile


class ChecklistKind(models.TextChoices):
    """The 督导检查表 families; an entity's business type and sub-type pick one (see checklists.kind_for).
    Registered with the checklist engine in VisitsConfig.ready()."""

    CATERING = "catering", _("餐饮服务")
    SALES = "sales", _("食品销售")
    PRODUCTION = "production", _("食品生产")
    SCHOOL_CANTEEN = "school_canteen", _("学校（幼儿园）食堂")
    ELDERLY_CANTEEN = "elderly_canteen", _("养老机构食堂")
    MARKET = "market", _("集中交易市场")


class Visit(SignedRecord):
    """A signed supervision visit (督导). It exists only once signed; the phone keeps the draft until then."""

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("现场督导")
        REMOTE = "remote", _("远程督导（电话、视频、群报）")

    # no index of its own: (entity, quarter) serves lookups by entity and "visited this quarter" in one range
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    cadre = models.ForeignKey("baobao.Cadre", verbose_name=_("包保干部"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("督导方式"), max_length=10, choices=Mode.choices, default=Mode.ON_SITE)
    inspectors = models.CharField(_("陪同人员"), max_length=200, blank=True)
    summary = models.TextField(_("督导意见"), blank=True)
    visited_on = models.DateField(_("督导日期"), db_index=True)
    quarter = models.PositiveIntegerField(_("季度"), help_text=_("年份×10+季度，如 20264"))
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距主体登记位置（米）"), null=True, blank=True)
    review_reasons = models.JSONField(_("需复核原因"), default=list, blank=True)
    needs_review = models.BooleanField(_("需复核"), default=False)
    problem_count = models.PositiveSmallIntegerField(_("发现问题数"), default=0)

    class Meta:
        verbose_name = _("包保督导记录")
        verbose_name_plural = _("包保督导记录")
        ordering = ["-signed_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "quarter"], name="visit_entity_quarter"),
            models.Index(fields=["cadre", "quarter"], name="visit_cadre_quarter"),
            models.Index(fields=["region", "quarter"], name="visit_region_quarter"),
        ]

    def __str__(self):
        return f"{self.visited_on} {self.entity_id}"


class Answer(SignedAnswer):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")

    class Meta:
        ordering = ["visit", "item__position"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="answer_visit_item")]


class Addendum(RecordAddendum):
    """A correction to a signed visit: the visit stays as signed, the addendum says what was wrong."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="addenda")


class Problem(models.Model):
    """A 不符合 item to be rectified by the entity and verified by the cadre (问题清单台账, docs/domain.md §4.5)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        SUBMITTED = "submitted", _("已提交整改，待核验")
        CLOSED = "closed", _("已销号")

    class Escalation(models.IntegerChoices):
        NONE = 0, _("未升级")
        STATION = 1, _("已升级至乡镇（监管所）")
        COUNTY = 2, _("已升级至县级")

    visit = models.ForeignKey(Visit, verbose_name=_("督导记录"), on_delete=models.PROTECT, related_name="problems")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey("baobao.Cadre", verbose_name=_("督促干部"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("问题描述"), max_length=800)
    severity = models.CharField(_("项目类型"), max_length=10, choices=Severity.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    found_on = models.DateField(_("发现日期"))
    due_at = models.DateTimeField(_("整改期限"))
    due_rule = models.JSONField(_("期限规则"))
    escalation = models.PositiveSmallIntegerField(_("升级"), choices=Escalation.choices, default=Escalation.NONE)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["region", "status"], name="problem_region_status"),
            models.Index(fields=["entity", "status"], name="problem_entity_status"),
            models.Index(fields=["cadre", "status"], name="problem_cadre_status"),
            models.Index(fields=["status", "due_at"], name="problem_status_due"),
        ]

    def __str__(self):
        return self.description[:60]

    def overdue(self, now=None) -> bool:
        from django.utils import timezone

        return self.status != self.Status.CLOSED and (now or timezone.now()) > self.due_at


class ProblemEvent(models.Model):
    """The problem's history: evidence submitted, returned with a reason, closed, escalated."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("提交整改材料")
        RETURNED = "returned", _("退回重新整改")
        CLOSED = "closed", _("核验销号")
        ESCALATED = "escalated", _("逾期升级")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.problem_id} {self.kind}"


class Attachment(StoredFile):
    """A photo or file: on a visit's answer, or on a problem's evidence (see StoredFile for file/original)."""

    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(ProblemEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="visits/%Y/%m/")
    original = models.FileField(_("原始文件"), upload_to="visits/original/%Y/%m/", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer__isnull=True) | models.Q(event__isnull=True), name="attachment_one_owner"
            )
        ]
