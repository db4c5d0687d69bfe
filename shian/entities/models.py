"""The market-entity registry (市场主体)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entity(models.Model):
    name = models.CharField(_("主体名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("市场主体")
        verbose_name_plural = _("市场主体")

    def __str__(self):
        return self.name
