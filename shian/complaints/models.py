"""Complaints and reports (docs/complaints.md): one record per item received, whichever its channel; the kind keeps
a complaint (投诉, a consumer's dispute, Order 20) apart from a report (举报, a clue of a violation).

The clock (docs/complaints.md §4, docs/domain.md §9 and §15): each step keeps its due instant (`accept_due`,
`mediation_due`, `check_due`, `notify_due`) and the rule that set it (`due_rules[step]`); `due_at` is the due
instant of the step now open (None when none is), so "overdue" is one indexed range over every open item."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The food category an item is about (the 12315 platform's food classes, simplified)."""

    CATERING = "catering", _("餐饮服务")
    SALE = "sale", _("食品销售")
    PRODUCTION = "production", _("食品生产加工")
    ONLINE = "online", _("网络订餐")
    AGRICULTURAL = "agricultural", _("食用农产品")
    HEALTH = "health", _("保健食品")
    SPECIAL = "special", _("特殊医学用途、婴幼儿配方食品")
    SMALL = "small", _("小作坊、小摊点")
    OTHER = "other", _("其他食品")


class Complaint(models.Model):
    """A complaint or a report: where it came from, whom it names, where it is routed, and its state."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("投诉")
        REPORT = "report", _("举报")

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("电话")
        PORTAL = "portal", _("网上")
        P12315 = "12315", _("12315平台")
        P12345 = "12345", _("12345热线")
        VISIT = "visit", _("来访")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        RECEIVED = "received", _("待受理")  # a complaint awaiting acceptance; a report awaiting its decision
        ACCEPTED = "accepted", _("已受理（调解中）")
        REFUSED = "refused", _("不予受理")
        MEDIATED = "mediated", _("调解终结")
        DECIDED = "decided", _("已作出处理决定")
        TOLD = "told", _("已告知举报人")
        DUPLICATE = "duplicate", _("重复件（已关联）")
        CLOSED = "closed", _("已办结")

    class Match(models.TextChoices):
        NONE = "none", _("未匹配")
        FUZZY = "fuzzy", _("模糊匹配待确认")
        MATCHED = "matched", _("已匹配")

    class Mediation(models.TextChoices):
        AGREED = "agreed", _("调解成功")
        FAILED = "failed", _("调解不成")
        WITHDRAWN = "withdrawn", _("投诉人撤回")

    number = models.CharField(_("受理编号"), max_length=40, unique=True)
    lookup_code = models.CharField(_("查询码"), max_length=8, default="")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    source_number = models.CharField(_("平台工单号"), max_length=40, blank=True, default="", db_index=True)
    category = models.CharField(_("食品类别"), max_length=20, choices=Category.choices, default=Category.OTHER)
    region = models.ForeignKey("regions.Region", verbose_name=_("承办区划"), on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(
        "inspections.Station", verbose_name=_("承办市场监管所"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("被投诉举报主体"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    match = models.CharField(_("主体匹配"), max_length=8, choices=Match.choices, default=Match.NONE)
    entity_name = models.CharField(_("被投诉举报单位（原文）"), max_length=200, blank=True, default="")
    entity_uscc = models.CharField(_("统一社会信用代码（原文）"), max_length=18, blank=True, default="")
    entity_address = models.CharField(_("地址（原文）"), max_length=300, blank=True, default="")
    facts = models.TextField(_("诉求内容"))
    facts_key = models.CharField(max_length=40, default="", editable=False)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    informant_name = models.CharField(_("投诉举报人"), max_length=50, blank=True, default="")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, default="")
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True, default="")
    received_at = models.DateTimeField(_("收到时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    # the clock
    clock_started_at = models.DateTimeField(_("本机关起算时间"), null=True, blank=True)
    accept_due = models.DateTimeField(_("受理期限"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    refuse_reason = models.CharField(_("不予受理理由"), max_length=300, blank=True, default="")
    mediation_due = models.DateTimeField(_("调解期限"), null=True, blank=True)
    mediation_result = models.CharField(_("调解结果"), max_length=10, choices=Mediation.choices, blank=True, default="")
    check_due = models.DateTimeField(_("核查处理期限"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True, default="")
    extension_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("延期批准人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    extended_at = models.DateTimeField(_("延期批准时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("处理决定时间"), null=True, blank=True)
    filed = models.BooleanField(_("立案"), null=True, blank=True)
    case_number = models.CharField(_("案件编号"), max_length=40, blank=True, default="")
    notify_due = models.DateTimeField(_("告知期限"), null=True, blank=True)
    told_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.TextField(_("处理结果"), blank=True, default="")
    due_at = models.DateTimeField(_("当前期限"), null=True, blank=True)
    due_rules = models.JSONField(_("期限规则"), default=dict)
    late_steps = models.JSONField(_("逾期环节"), default=list)
    overdue_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报县级时间"), null=True, blank=True)
    in_transfer = models.BooleanField(_("转办中"), default=False)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["region", "received_at"], name="complaint_region_time"),
            models.Index(fields=["due_at"], name="complaint_due", condition=models.Q(due_at__isnull=False)),
            models.Index(fields=["region", "due_at"], name="complaint_region_due"),
            models.Index(fields=["entity", "facts_key", "received_at"], name="complaint_dup"),
            models.Index(fields=["client_ip", "created_at"], name="complaint_client"),
        ]

    def __str__(self):
        return self.number

    @property
    def step(self) -> str:
        """The clock step now open: accept, mediation, check, notify, or '' (none)."""
        if self.due_at is None:
            return ""
        for name in ("accept", "mediation", "check", "notify"):
            if getattr(self, f"{name}_due") == self.due_at:
                return name
        return ""


class Transfer(models.Model):
    """An item sent to another office (转办): visible on the item; the receiving office's clock starts on receipt."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉举报"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_region = models.ForeignKey(
        "regions.Region", verbose_name=_("转出区划"), on_delete=models.PROTECT, related_name="+"
    )
    to_region = models.ForeignKey(
        "regions.Region", verbose_name=_("接收区划"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("转办理由"), max_length=300)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("转出时间"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("转办记录")
        verbose_name_plural = _("转办记录")
        ordering = ["sent_at", "id"]

    def __str__(self):
        return f"{self.complaint_id}: {self.from_region_id} → {self.to_region_id}"
