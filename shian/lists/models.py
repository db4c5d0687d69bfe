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
