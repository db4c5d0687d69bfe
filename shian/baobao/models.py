"""包保 (DOMAIN §4): the cadres who personally guarantee food businesses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CadreLevel(models.TextChoices):
    """The four 包保 levels; each matches one level of the region tree (DOMAIN §4.1)."""

    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡级")
    VILLAGE = "village", _("村级")


# Region.Level value a cadre of each level serves (a county cadre's region is a county, ...).
REGION_LEVEL_OF = {CadreLevel.CITY: 2, CadreLevel.COUNTY: 3, CadreLevel.TOWNSHIP: 4, CadreLevel.VILLAGE: 5}


class Cadre(models.Model):
    """A 包保干部: a named official of one level and region; optionally bound to a login account."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        LEFT = "left", _("已离岗")

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    level = models.CharField(_("包保层级"), max_length=10, choices=CadreLevel.choices)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    is_regulator = models.BooleanField(
        _("监管人员"), default=False, help_text=_("市场监管所等专业人员，可作为包保保障")
    )
    capacity = models.PositiveSmallIntegerField(_("包保上限"), null=True, blank=True, help_text=_("空则按层级默认"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("包保干部")
        verbose_name_plural = _("包保干部")
        ordering = ["region_id", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=~models.Q(id_number=""), name="cadre_id_unique"),
        ]
        indexes = [models.Index(fields=["region", "level", "status"], name="cadre_region_level_status")]

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}）"
