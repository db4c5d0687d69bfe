"""Credit files (docs/credit.md): a business's credit class, recomputed from its records on each event, with the
events that set it; correction requests; liability insurance policies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditRating(models.Model):
    """The current credit class of a business and the events that set it (the credit file shows them)."""

    entity = models.OneToOneField(
        "entities.Entity", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    points = models.DecimalField(_("信用分"), max_digits=7, decimal_places=2)
    band = models.CharField(_("信用等级"), max_length=4)
    events = models.JSONField(_("计分事件"), default=list)
    rule_version = models.CharField(_("规则版本"), max_length=40, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("信用等级")
        verbose_name_plural = _("信用等级")
        indexes = [models.Index(fields=["band"], name="credit_rating_band")]

    def __str__(self):
        return f"{self.entity_id}: {self.band}"
