"""Smart markets (智慧菜市场, docs/markets.md): a market's stall registry, the stalls' daily rapid tests, and the
optional price board. A market is an entity of the registry (业态 集中交易市场); its stalls, tests and prices carry
the market's region so that every read is one region-prefix range (docs/architecture.md §3.1)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a stall sells (经营类别)."""

    VEGETABLES = "vegetables", _("蔬菜")
    FRUIT = "fruit", _("水果")
    MEAT = "meat", _("畜禽肉")
    AQUATIC = "aquatic", _("水产品")
    EGGS = "eggs", _("蛋类")
    GRAIN_OIL = "grain_oil", _("粮油")
    COOKED = "cooked", _("熟食")
    DRY_GOODS = "dry_goods", _("干货调料")
    OTHER = "other", _("其他")


class Stall(models.Model):
    """One stall (摊位) of a market: its number, its operator (an entity of the registry, or a named person whose
    phone is personal data) and what it sells, from `active_from` to `active_until` (open: still trading). A failed
    rapid test puts its goods on hold (`on_hold`) until the market or the station releases them."""

    market = models.ForeignKey("entities.Entity", verbose_name=_("市场"), on_delete=models.PROTECT,
                               related_name="market_stalls")  # fmt: skip
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    number = models.CharField(_("摊位号"), max_length=20)
    operator = models.ForeignKey("entities.Entity", verbose_name=_("经营主体"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="stalls_operated")  # fmt: skip
    operator_name = models.CharField(_("经营者姓名"), max_length=50, blank=True)
    operator_phone = models.CharField(_("经营者电话"), max_length=20, blank=True)
    categories = models.JSONField(_("经营类别"), default=list)
    active_from = models.DateField(_("启用日期"))
    active_until = models.DateField(_("停用日期"), null=True, blank=True)
    on_hold = models.BooleanField(_("暂停销售"), default=False)
    held_at = models.DateTimeField(_("暂停销售时间"), null=True, blank=True)
    hold_reason = models.CharField(_("暂停销售原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("摊位")
        verbose_name_plural = _("摊位")
        ordering = ["market_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["market", "number"], name="market_stall_number_unique"),
            models.CheckConstraint(
                condition=models.Q(active_until__isnull=True) | models.Q(active_until__gte=models.F("active_from")),
                name="market_stall_until_after_from",
            ),
        ]
        indexes = [models.Index(fields=["region", "market"], name="market_stall_region")]

    def __str__(self):
        return str(self.number)

    def operator_label(self) -> str:
        return self.operator.name if self.operator_id else self.operator_name

    def category_labels(self) -> list[str]:
        names = dict(Category.choices)
        return [str(names.get(c, c)) for c in self.categories or []]

    def active_on(self, day) -> bool:
        return self.active_from <= day and (self.active_until is None or self.active_until >= day)


class StallTest(models.Model):
    """One rapid test of a stall's product on a day (摊位快检), posted by the market's own testers or by the station.

    Why not `sampling.RapidTest` itself: a RapidTest belongs to a station's rapid-test room (快检室) and only station
    staff record it, while most stall tests are the market's own (its testers, its kit, its account); and a
    RapidTest has no stall. So the market's tests are records of their own, and a test the station makes at a stall
    goes through the rapid service (`shian.sampling.services.rapid.record_test`, counted with the room's tests)
    with this record pointing to it (`rapid_test`)."""

    class Result(models.TextChoices):
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    stall = models.ForeignKey(Stall, verbose_name=_("摊位"), on_delete=models.PROTECT, related_name="tests")
    market = models.ForeignKey("entities.Entity", verbose_name=_("市场"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    day = models.DateField(_("检测日期"))
    tested_at = models.DateTimeField(_("检测时间"))
    product = models.CharField(_("样品"), max_length=100)
    item = models.CharField(_("检测项目"), max_length=100)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    tester = models.CharField(_("检测人员"), max_length=50)
    rapid_test = models.OneToOneField("sampling.RapidTest", verbose_name=_("快检室记录"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="stall_test")  # fmt: skip
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("摊位快检记录")
        verbose_name_plural = _("摊位快检记录")
        ordering = ["-day", "stall_id", "-tested_at"]
        indexes = [
            models.Index(fields=["market", "day"], name="market_test_market_day"),
            models.Index(fields=["region", "day"], name="market_test_region_day"),
            models.Index(fields=["stall", "day"], name="market_test_stall_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.product} {self.item}"

    @property
    def failed(self) -> bool:
        return self.result == self.Result.FAIL


class StallPrice(models.Model):
    """A stall's price of a product on a day (价格公示), optional; one row per stall, day and product."""

    stall = models.ForeignKey(Stall, verbose_name=_("摊位"), on_delete=models.PROTECT, related_name="prices")
    market = models.ForeignKey("entities.Entity", verbose_name=_("市场"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    product = models.CharField(_("品名"), max_length=50)
    unit = models.CharField(_("计价单位"), max_length=10, default="斤")
    price = models.DecimalField(_("价格（元）"), max_digits=8, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("摊位价格")
        verbose_name_plural = _("摊位价格")
        ordering = ["stall_id", "product"]
        constraints = [
            models.UniqueConstraint(fields=["stall", "day", "product"], name="market_price_unique"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="market_price_positive"),
        ]
        indexes = [models.Index(fields=["market", "day"], name="market_price_market_day")]

    def __str__(self):
        return f"{self.product} {self.price}"
