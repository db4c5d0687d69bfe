"""Red/black list editions (红黑榜) and the serious-dishonesty list (严重违法失信名单) (docs/lists.md).

An edition is assembled by staff from records (each line names the record it comes from), reviewed and approved by
two people other than its drafter, then published: the public portal, the public API and a poster read only
published editions. A dishonesty entry comes from a case decision and runs for a fixed term unless repaired."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Edition(models.Model):
    """One edition (一期) of a region's 红黑榜."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEWED = "reviewed", _("已审核")
        APPROVED = "approved", _("已批准")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    region = models.ForeignKey("regions.Region", verbose_name=_("发布区划"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("期号"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window_start = models.DateField(_("取数期间起"), null=True, blank=True)
    window_end = models.DateField(_("取数期间止"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdraw_reason = models.CharField(_("撤回理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("红黑榜")
        verbose_name_plural = _("红黑榜")
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="lists_edition_number_unique")]
        indexes = [models.Index(fields=["status", "published_at"], name="lists_edition_published")]

    def __str__(self):
        return self.title


class EditionLine(models.Model):
    """One business on an edition's red or black board, with the reason and the record it was taken from."""

    class Board(models.TextChoices):
        RED = "red", _("红榜")
        BLACK = "black", _("黑榜")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="lines")
    board = models.CharField(_("榜单"), max_length=5, choices=Board.choices)
    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("上榜理由"), max_length=300)
    source_kind = models.CharField(_("来源记录类型"), max_length=40)  # e.g. "cases.case", "sampling.sample"
    source_id = models.BigIntegerField(_("来源记录编号"))
    position = models.PositiveIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("红黑榜条目")
        verbose_name_plural = _("红黑榜条目")
        ordering = ["edition", "board", "position"]
        constraints = [models.UniqueConstraint(fields=["edition", "board", "entity"], name="lists_line_entity_once")]

    def __str__(self):
        return f"{self.get_board_display()}: {self.reason}"


class DishonestyEntry(models.Model):
    """A business on the serious-dishonesty list, from a case decision with its legal basis, for a fixed term."""

    class Status(models.TextChoices):
        LISTED = "listed", _("列入")
        REPAIRED = "repaired", _("信用修复移出")
        EXPIRED = "expired", _("期满移出")
        REVOKED = "revoked", _("撤销")

    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(_("列入依据"), max_length=300)
    listed_on = models.DateField(_("列入日期"))
    ends_on = models.DateField(_("期满日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.LISTED)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("严重违法失信名单")
        verbose_name_plural = _("严重违法失信名单")
        indexes = [models.Index(fields=["entity", "status"], name="lists_dishonesty_entity")]

    def __str__(self):
        return f"{self.entity_id}: {self.legal_basis}"


class RepairApplication(models.Model):
    """信用修复 (credit repair): the business (or staff on its behalf) applies, a regulator reviews; approval removes
    the entry early (status REPAIRED)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("准予修复")
        REJECTED = "rejected", _("不予修复")

    entry = models.ForeignKey(DishonestyEntry, on_delete=models.PROTECT, related_name="repairs")
    statement = models.TextField(_("修复申请说明（履行义务、消除影响情况）"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("申请时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(status="pending"), name="lists_repair_one_pending"
            )
        ]

    def __str__(self):
        return f"{self.entry_id} {self.get_status_display()}"


class ListedIdentity(models.Model):
    """Who stands behind a listed business, kept only as a keyed hash (HMAC-SHA256) for the joint-punishment check:
    the business's USCC and its key persons' ID numbers; `masked` is what a flag shows."""

    class Kind(models.TextChoices):
        USCC = "uscc", _("统一社会信用代码")
        PERSON = "person", _("关键人员身份证件号码")

    entry = models.ForeignKey(DishonestyEntry, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("类型"), max_length=6, choices=Kind.choices)
    digest = models.CharField(_("比对摘要"), max_length=64, db_index=True)
    masked = models.CharField(_("脱敏显示"), max_length=40)
    role = models.CharField(_("职务"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("失信主体比对标识")
        verbose_name_plural = _("失信主体比对标识")
        constraints = [models.UniqueConstraint(fields=["entry", "kind", "digest"], name="lists_identity_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.masked}"


class JointFlag(models.Model):
    """联合惩戒提示: a listed business's legal person (USCC) or key person (ID number) turned up in a new licence or
    as key personnel of a business; staff check it and record what they did."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("申请新许可证照")
        KEY_PERSON = "key_person", _("被登记为其他主体的关键人员")

    class Status(models.TextChoices):
        OPEN = "open", _("待核查")
        HANDLED = "handled", _("已核查处理")

    entry = models.ForeignKey(DishonestyEntry, on_delete=models.PROTECT, related_name="flags")
    identity = models.ForeignKey(ListedIdentity, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("entities.Entity", verbose_name=_("出现的主体"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("情形"), max_length=12, choices=Kind.choices)
    source_kind = models.CharField(_("来源记录类型"), max_length=40)  # "entities.license", "entities.keyperson"
    source_id = models.BigIntegerField(_("来源记录编号"))
    masked = models.CharField(_("匹配标识（脱敏）"), max_length=40)
    created_at = models.DateTimeField(_("提示时间"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("核查处理情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("联合惩戒提示")
        verbose_name_plural = _("联合惩戒提示")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["identity", "source_kind", "source_id"], name="lists_flag_once")]
        indexes = [models.Index(fields=["region", "status"], name="lists_flag_region_status")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.masked}"


class SweepMark(models.Model):
    """How far the joint-punishment sweep has read a table that bulk imports write without signals."""

    key = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.key}>{self.last_id}"
