"""三书一函 (docs/notices.md; docs/domain.md §11): the commission's graded official notices to a township, a department
or an entity, with a reply due on the working-day clock (docs/domain.md §15) and escalation to the next grade.

The notice types are data (`NoticeType`, seeded by migration 0002 with four example types in escalating order): a
region (a province, city or county) overrides a type by its own row with the same code; the row of the most specific
region wins (`selectors.types.types_in_force`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.checklists.models import StoredFile


class NoticeType(models.Model):
    """A grade of notice (提醒敦促函, 整改建议书, 约谈通知书, 督办通知书 ...): its title, its place in the escalation order
    (`grade`, low to high), the reply period in working days, the prefix of its document number and the standard text
    printed between the facts and the requirement. `region_prefix` '' is the national default; a region's own row
    with the same code overrides it there."""

    region_prefix = models.CharField(_("适用区划"), max_length=12, blank=True, default="")
    code = models.SlugField(_("类型编码"), max_length=30)
    title = models.CharField(_("文书名称"), max_length=30)
    grade = models.PositiveSmallIntegerField(_("等级（升级顺序）"))
    reply_days = models.PositiveSmallIntegerField(_("答复期限（工作日）"))
    doc_prefix = models.CharField(_("文号代字"), max_length=20)
    template_text = models.TextField(_("文书固定用语"), blank=True)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("文书类型")
        verbose_name_plural = _("文书类型")
        ordering = ["grade", "code", "region_prefix"]
        constraints = [models.UniqueConstraint(fields=["region_prefix", "code"], name="notice_type_region_code")]

    def __str__(self):
        return self.title


class Notice(models.Model):
    """One notice: who issues it (the commission of `issuer_region`), to whom (a township, a department's office in
    `region`, or an entity), what it says, its number once issued, its delivery, the reply due (`reply_due` and the
    rule in `due_rule`), the recipient's reply and the issuer's acceptance; `previous` is the lower-grade notice whose
    overdue reply it escalates."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿（待签发）")
        ISSUED = "issued", _("已签发待送达")
        DELIVERED = "delivered", _("已送达待答复")
        REPLIED = "replied", _("已答复待审核")
        ACCEPTED = "accepted", _("已办结")

    class Recipient(models.TextChoices):
        TOWNSHIP = "township", _("乡镇（街道）")
        DEPARTMENT = "department", _("部门")
        ENTITY = "entity", _("市场主体")

    class Delivery(models.TextChoices):
        SYSTEM = "system", _("平台送达")
        HAND = "hand", _("直接送达")
        MAIL = "mail", _("邮寄送达")
        EMAIL = "email", _("电子邮件送达")

    notice_type = models.ForeignKey(NoticeType, verbose_name=_("文书类型"), on_delete=models.PROTECT, related_name="+")
    type_title = models.CharField(_("文书名称"), max_length=30)
    grade = models.PositiveSmallIntegerField(_("等级"))
    issuer_region = models.ForeignKey(
        "regions.Region", verbose_name=_("发文机关区划"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("收文区划"), on_delete=models.PROTECT, related_name="+")
    recipient_kind = models.CharField(_("收文对象类型"), max_length=12, choices=Recipient.choices)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("收文部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("收文主体"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    recipient_name = models.CharField(_("收文单位"), max_length=200)
    subject = models.CharField(_("事由"), max_length=200)
    facts = models.TextField(_("发现的问题"))
    requirement = models.TextField(_("工作要求"))
    previous = models.OneToOneField(
        "self", verbose_name=_("升级自"), null=True, blank=True, on_delete=models.PROTECT, related_name="escalation"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(_("拟稿时间"))

    # -- issue and number --
    number = models.CharField(_("文号"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    seq = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")  # fmt: skip

    # -- delivery and the clock --
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=10, choices=Delivery.choices, blank=True)
    delivery_note = models.CharField(_("送达说明"), max_length=200, blank=True)
    reply_due = models.DateTimeField(_("答复期限"), null=True, blank=True, db_index=True)
    due_rule = models.JSONField(_("期限规则"), default=dict)
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)

    # -- reply and acceptance --
    reply_text = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    replied_on_time = models.BooleanField(_("按期答复"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)

    class Meta:
        verbose_name = _("三书一函")
        verbose_name_plural = _("三书一函")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region", "created_at"], name="notice_region_time"),
            models.Index(fields=["issuer_region", "issued_at"], name="notice_issuer_time"),
            models.Index(fields=["status", "reply_due"], name="notice_status_due"),
            models.Index(fields=["entity", "issued_at"], name="notice_entity_issued"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["issuer_region", "year", "seq"], name="notice_number_seq"),
            models.CheckConstraint(
                name="notice_recipient_matches_kind",
                condition=(
                    models.Q(recipient_kind="township", department__isnull=True, entity__isnull=True)
                    | models.Q(recipient_kind="department", department__isnull=False, entity__isnull=True)
                    | models.Q(recipient_kind="entity", department__isnull=True, entity__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.number or self.type_title} {self.subject}"

    def is_overdue(self, now) -> bool:
        return self.status == self.Status.DELIVERED and self.reply_due is not None and now > self.reply_due


class NoticeAttachment(StoredFile):
    """A file the recipient attaches to its reply (a rectification report, photos)."""

    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="notices/%Y/%m/")
    original = models.FileField(_("原始文件"), upload_to="notices/original/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("答复附件")
        verbose_name_plural = _("答复附件")
        ordering = ["uploaded_at", "id"]
