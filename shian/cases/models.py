"""Cases (docs/cases.md): one record per case opened (立案), whatever its source, with its parties, evidence, legal
basis, decision and closure on the 90-day clock (docs/domain.md §9, §15), and 挂牌督办 by a higher level."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.checklists.models import StoredFile


class LegalArticle(models.Model):
    """A commonly cited article (常用法律条款): policy data seeded by migration, extended by an administrator."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    law = models.CharField(_("法律法规"), max_length=100)
    article = models.CharField(_("条款"), max_length=40)
    summary = models.CharField(_("违法行为摘要"), max_length=300)
    penalty = models.CharField(_("处罚幅度"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("常用法律条款")
        verbose_name_plural = _("常用法律条款")
        ordering = ["law", "code"]

    def __str__(self):
        return f"《{self.law}》{self.article}"


class Case(models.Model):
    """A case: where it came from, whom it is against, the facts and evidence, the legal basis, the decision and
    the closure, with the decision deadline (`decision_due`, the rule kept in `due_rules`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("调查中")
        DECIDED = "decided", _("已作出决定")
        CLOSED = "closed", _("已结案")

    class Source(models.TextChoices):
        REPORT = "report", _("举报")
        INSPECTION = "inspection", _("监督检查移送")
        DISPOSAL = "disposal", _("抽检不合格核查处置")
        PROBLEM = "problem", _("包保问题逾期未整改")
        OTHER = "other", _("其他")

    class Penalty(models.TextChoices):
        WARNING = "warning", _("警告")
        FINE = "fine", _("罚款")
        CONFISCATE_GAINS = "confiscate_gains", _("没收违法所得")
        CONFISCATE_GOODS = "confiscate_goods", _("没收违法食品及工具设备")
        SUSPEND = "suspend", _("责令停产停业")
        REVOKE = "revoke", _("吊销许可证")
        BAN = "ban", _("从业禁止")
        NONE = "none", _("不予行政处罚")

    number = models.CharField(_("案件编号"), max_length=40, unique=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("承办区划"), on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("当事人（主体）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    title = models.CharField(_("案由"), max_length=200)
    opened_at = models.DateTimeField(_("立案时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # -- source: exactly the one FK its `source` names (none for "other") --
    source = models.CharField(_("案件来源"), max_length=12, choices=Source.choices, default=Source.OTHER)
    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("举报"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    referral = models.ForeignKey(
        "inspections.CaseReferral", verbose_name=_("案件移送"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    disposal = models.ForeignKey(
        "sampling.Disposal", verbose_name=_("核查处置"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    problem = models.ForeignKey(
        "visits.Problem", verbose_name=_("包保问题"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    # -- investigation --
    facts = models.TextField(_("违法事实"), blank=True)
    articles = models.ManyToManyField(LegalArticle, verbose_name=_("适用条款"), blank=True, related_name="+")
    legal_basis = models.TextField(_("法律依据"), blank=True)

    # -- the clock --
    decision_due = models.DateTimeField(_("处理决定期限"), db_index=True)
    due_rules = models.JSONField(_("期限规则"), default=dict)
    extended_at = models.DateTimeField(_("延期时间"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    extension_approval = models.CharField(_("延期审批文号"), max_length=60, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("延期批准人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    overdue_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("逾期升级时间"), null=True, blank=True)

    # -- decision --
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=60, blank=True)
    penalties = models.JSONField(_("处罚种类"), default=list)
    fine_amount = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, default=0)
    confiscated_amount = models.DecimalField(_("没收违法所得（元）"), max_digits=12, decimal_places=2, default=0)
    decision_text = models.TextField(_("处理决定内容"), blank=True)
    decided_on_time = models.BooleanField(_("按期作出决定"), null=True, blank=True)

    # -- closure --
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    closure_note = models.TextField(_("结案说明"), blank=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["region", "opened_at"], name="case_region_time"),
            models.Index(fields=["status", "decision_due"], name="case_status_due"),
            models.Index(fields=["entity", "decided_at"], name="case_entity_decided"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["complaint"], name="case_one_per_complaint"),
            models.UniqueConstraint(fields=["referral"], name="case_one_per_referral"),
            models.UniqueConstraint(fields=["disposal"], name="case_one_per_disposal"),
            models.UniqueConstraint(fields=["problem"], name="case_one_per_problem"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def is_overdue(self, now) -> bool:
        return self.status == self.Status.OPEN and now > self.decision_due

    def penalty_labels(self) -> list[str]:
        labels = dict(self.Penalty.choices)
        return [str(labels.get(p, p)) for p in self.penalties]


class CaseParty(models.Model):
    """A named person party to the case (the entity itself is `Case.entity`): ID and phone numbers are PII,
    shown masked; the clear values only with the right and an audited view."""

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        LEGAL_REP = "legal_rep", _("法定代表人/负责人")
        OTHER = "other", _("其他组织")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("当事人类型"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = models.CharField(_("身份证件号码"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["id"]

    def __str__(self):
        return self.name


class CaseEvidence(StoredFile):
    """A file of evidence (photo, record, test report): a StoredFile held by the case."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    note = models.CharField(_("证据说明"), max_length=200, blank=True)
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/")
    original = models.FileField(_("原始文件"), upload_to="cases/original/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["uploaded_at", "id"]


class Supervision(models.Model):
    """挂牌督办: a higher level (`level`, a region above the handling county) supervises a serious case."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="supervision")
    level = models.ForeignKey("regions.Region", verbose_name=_("督办单位区划"), on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    reason = models.CharField(_("督办事由"), max_length=300)
    started_at = models.DateTimeField(_("挂牌时间"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("摘牌时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.case_id} @ {self.level_id}"


class ReportRequest(models.Model):
    """A report the supervising level demands on a supervised case, with its own due instant, answered by the
    handling office."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="requests")
    question = models.CharField(_("报告要求"), max_length=500)
    requested_at = models.DateTimeField(_("要求时间"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("报送期限"), db_index=True)
    due_rule = models.JSONField(_("期限规则"), default=dict)
    answer = models.TextField(_("报告内容"), blank=True)
    answered_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办报告")
        verbose_name_plural = _("督办报告")
        ordering = ["due_at", "id"]

    def __str__(self):
        return f"{self.supervision_id} {self.question[:30]}"
