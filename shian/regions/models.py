"""Region tree (GB/T 2260 + NBS statistical codes), grids and the holiday table.

A region's code is its significant prefix: 37, 3707, 370725, 370725001,
370725001001. Jurisdiction is `code.startswith(user_code)`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.core.regioncodes import LENGTHS, level_of


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省")
        CITY = 2, _("市")
        COUNTY = 3, _("县")
        TOWNSHIP = 4, _("乡镇（街道）")
        VILLAGE = 5, _("村（社区）")

    CODE_LENGTHS = dict(zip(Level, LENGTHS, strict=True))  # from the one helper, shian.core.regioncodes

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices, db_index=True)
    population = models.PositiveIntegerField(
        _("常住人口"), null=True, blank=True, help_text=_("抽检计划按每千人批次计算（docs/sampling.md §2）")
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("继承区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"),
                name="region_code_digits",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @classmethod
    def level_for_code(cls, code: str) -> int:
        level = level_of(code)
        if not level:
            raise ValueError(code)
        return cls.Level(level)


class Grid(models.Model):
    """A grid of the 1+N+X model: N areas (片区) under a station, X community grids under them."""

    class Kind(models.TextChoices):
        AREA = "area", _("片区")
        COMMUNITY = "community", _("社区网格")

    code = models.CharField(_("网格编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="grids")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids",
    )

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self):
        return self.name


class HolidayDay(models.Model):
    """A day whose working status differs from the Monday-Friday rule: a holiday or a make-up working day (调休)."""

    class Source(models.TextChoices):
        STATE_COUNCIL = "state_council", _("国务院通知")
        OVERRIDE = "override", _("本地调整")

    date = models.DateField(_("日期"), primary_key=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.STATE_COUNCIL)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class Boundary(models.Model):
    """A region's outline for the 一张图 map: a GeoJSON Polygon or MultiPolygon, lon/lat as the file gave it."""

    region = models.OneToOneField(
        Region, verbose_name=_("行政区划"), primary_key=True, on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.JSONField(_("边界几何（GeoJSON）"))
    source = models.CharField(_("数据来源"), max_length=200)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("区划边界")
        verbose_name_plural = _("区划边界")
        ordering = ["region"]

    def __str__(self):
        return str(self.region_id)
