"""Complaints and reports (docs/complaints.md): one record per item received, whichever its channel; the kind keeps
a complaint (投诉, a consumer's dispute, Order 20) apart from a report (举报, a clue of a violation)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    number = models.CharField(_("受理编号"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("承办区划"), on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("被投诉举报主体"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    facts = models.TextField(_("诉求内容"))
    received_at = models.DateTimeField(_("收到时间"))
    status = models.CharField(_("状态"), max_length=12, default="received")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["region", "received_at"], name="complaint_region_time")]

    def __str__(self):
        return self.number
