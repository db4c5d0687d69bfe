"""Cases (docs/cases.md): one record per case opened (立案), whatever its source."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    """A case: the entity, where it is handled, and its state on the 90-day clock."""

    number = models.CharField(_("案件编号"), max_length=40, unique=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("承办区划"), on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("当事人（主体）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    title = models.CharField(_("案由"), max_length=200)
    opened_at = models.DateTimeField(_("立案时间"))
    status = models.CharField(_("状态"), max_length=12, default="open")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["region", "opened_at"], name="case_region_time")]

    def __str__(self):
        return self.number
