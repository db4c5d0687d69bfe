"""The market-entity registry (市场主体): entities, their licences and key personnel."""

from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class BusinessType(models.TextChoices):
    """业态 (docs/domain.md §3.1)."""

    PRODUCTION = "production", _("食品生产")
    SALES = "sales", _("食品销售")
    CATERING = "catering", _("餐饮服务")
    CANTEEN = "canteen", _("单位食堂")
    SMALL = "small", _("三小（小作坊、小餐饮、摊贩）")
    SPECIAL = "special", _("特殊食品")
    MARKET = "market", _("集中交易市场")
    ONLINE = "online", _("网络平台")


class SubType(models.TextChoices):
    FOOD_PRODUCER = "food_producer", _("食品生产企业")
    ADDITIVE_PRODUCER = "additive_producer", _("食品添加剂生产企业")
    RELATED_PRODUCER = "related_producer", _("食品相关产品生产企业")
    SUPERMARKET = "supermarket", _("超市")
    CHAIN_HQ = "chain_hq", _("连锁总部")
    WHOLESALER = "wholesaler", _("批发商")
    SMALL_SHOP = "small_shop", _("食杂店")
    COLD_STORAGE = "cold_storage", _("冷藏冷冻贮存")
    SCHOOL_PERIPHERY = "school_periphery", _("校园周边食品经营者")
    LARGE_RESTAURANT = "large_restaurant", _("大型餐馆")
    MEDIUM_RESTAURANT = "medium_restaurant", _("中型餐馆")
    SMALL_RESTAURANT = "small_restaurant", _("小型餐馆")
    CENTRAL_KITCHEN = "central_kitchen", _("中央厨房")
    GROUP_MEAL = "group_meal", _("集体用餐配送单位")
    ONLINE_ONLY = "online_only", _("网络餐饮（无堂食）")
    RURAL_DINNER = "rural_dinner", _("农村集体聚餐")
    SCHOOL_CANTEEN = "school_canteen", _("学校食堂")
    KINDERGARTEN_CANTEEN = "kindergarten_canteen", _("幼儿园食堂")
    ELDERLY_CANTEEN = "elderly_canteen", _("养老机构食堂")
    HOSPITAL_CANTEEN = "hospital_canteen", _("医疗机构食堂")
    OFFICE_CANTEEN = "office_canteen", _("机关企事业单位食堂")
    SITE_CANTEEN = "site_canteen", _("建筑工地食堂")
    SMALL_WORKSHOP = "small_workshop", _("食品小作坊")
    SMALL_EATERY = "small_eatery", _("小餐饮")
    STALL = "stall", _("食品摊贩")
    HEALTH_FOOD = "health_food", _("保健食品")
    INFANT_FORMULA = "infant_formula", _("婴幼儿配方食品")
    FSMP = "fsmp", _("特殊医学用途配方食品")
    MARKET_OPERATOR = "market_operator", _("市场开办者")
    FARMERS_MARKET = "farmers_market", _("农贸市场")
    ORDERING_PLATFORM = "ordering_platform", _("网络订餐平台")
    LIVE_STREAM = "live_stream", _("直播带货")
    FRESH_ECOMMERCE = "fresh_ecommerce", _("生鲜电商")


SUBTYPES_BY_TYPE = {
    BusinessType.PRODUCTION: [SubType.FOOD_PRODUCER, SubType.ADDITIVE_PRODUCER, SubType.RELATED_PRODUCER],
    BusinessType.SALES: [
        SubType.SUPERMARKET,
        SubType.CHAIN_HQ,
        SubType.WHOLESALER,
        SubType.SMALL_SHOP,
        SubType.COLD_STORAGE,
        SubType.SCHOOL_PERIPHERY,
    ],
    BusinessType.CATERING: [
        SubType.LARGE_RESTAURANT,
        SubType.MEDIUM_RESTAURANT,
        SubType.SMALL_RESTAURANT,
        SubType.CENTRAL_KITCHEN,
        SubType.GROUP_MEAL,
        SubType.ONLINE_ONLY,
        SubType.RURAL_DINNER,
    ],
    BusinessType.CANTEEN: [
        SubType.SCHOOL_CANTEEN,
        SubType.KINDERGARTEN_CANTEEN,
        SubType.ELDERLY_CANTEEN,
        SubType.HOSPITAL_CANTEEN,
        SubType.OFFICE_CANTEEN,
        SubType.SITE_CANTEEN,
    ],
    BusinessType.SMALL: [SubType.SMALL_WORKSHOP, SubType.SMALL_EATERY, SubType.STALL],
    BusinessType.SPECIAL: [SubType.HEALTH_FOOD, SubType.INFANT_FORMULA, SubType.FSMP],
    BusinessType.MARKET: [SubType.MARKET_OPERATOR, SubType.FARMERS_MARKET],
    BusinessType.ONLINE: [SubType.ORDERING_PLATFORM, SubType.LIVE_STREAM, SubType.FRESH_ECOMMERCE],
}


class SalesBand(models.TextChoices):
    UNDER_1M = "lt1m", _("100 万元以下")
    FROM_1M = "1m_10m", _("100 万–1000 万元")
    FROM_10M = "10m_100m", _("1000 万–1 亿元")
    OVER_100M = "gt100m", _("1 亿元以上")


class Entity(models.Model):
    class Status(models.TextChoices):
        OPERATING = "operating", _("在营")
        SUSPENDED = "suspended", _("停业")
        DEREGISTERED = "deregistered", _("注销")

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    name = models.CharField(_("主体名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    uscc_override_reason = models.CharField(_("校验码例外说明"), max_length=200, blank=True)
    business_type = models.CharField(_("业态"), max_length=20, choices=BusinessType.choices)
    sub_type = models.CharField(_("细分类型"), max_length=30, choices=SubType.choices, blank=True)
    floor_area = models.DecimalField(_("经营面积（㎡）"), max_digits=10, decimal_places=1, null=True, blank=True)
    diners = models.PositiveIntegerField(_("就餐人数"), null=True, blank=True)
    sales_band = models.CharField(_("年销售额"), max_length=10, choices=SalesBand.choices, blank=True)
    address = models.CharField(_("经营地址"), max_length=300)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("经营状态"), max_length=15, choices=Status.choices, default=Status.OPERATING)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("行业主管部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    # 包保等级 (docs/baobao.md) is not a column here either: the grade is the entity's baobao grading, joined
    # through `baobao_grade()`. The register only keeps the grade a ledger declared, which stands until the
    # first grading (a province's grading then writes one narrow table, never this one; docs/performance.md).
    declared_grade = models.CharField(_("台账登记等级"), max_length=1, choices=Grade.choices, blank=True)
    # 风险等级 (docs/inspections.md §2) is not a column here: it is the entity's current inspections.RiskGrade,
    # joined where it is read (a province's regrading then never rewrites this wide, much-indexed table).
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("所属网格"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_key = models.CharField(max_length=400, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("市场主体")
        verbose_name_plural = _("市场主体")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~models.Q(uscc=""), name="entity_uscc_unique"),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=73, longitude__lte=136),
                name="entity_longitude_in_china",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=3, latitude__lte=54),
                name="entity_latitude_in_china",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "business_type", "status"], name="entity_region_type_status"),
            # the list's order within a jurisdiction: the first page of a county is an index range scan
            models.Index(fields=["region", "name", "id"], name="entity_region_name"),
            # USCC prefix search; the operator class (PostgreSQL only, ignored elsewhere) makes LIKE 'x%' use it
            models.Index(fields=["uscc"], opclasses=["varchar_pattern_ops"], name="entity_uscc_prefix"),
        ]

    def __str__(self):
        return self.name


def baobao_grade(prefix: str = "") -> Coalesce:
    """An entity's 包保 grade as one expression, e.g. `Entity.objects.annotate(baobao_grade=baobao_grade())` or
    `Guarantee.objects.annotate(grade=baobao_grade("entity__"))`: the grade of its grading (the baobao app's
    one row per entity, reverse name `grading`), else the grade its ledger declared; "" = not graded."""
    return Coalesce(F(f"{prefix}grading__grade"), F(f"{prefix}declared_grade"))


def listed_baobao_grade() -> Coalesce:
    """`baobao_grade()` for a page of entities: a subquery per row returned, which PostgreSQL evaluates after the
    sort and limit, where a join is made for every matching row before the sort (a name search that matches
    8,000 entities then reads 8,000 gradings for a page of 50; docs/performance.md)."""
    grading = Entity.objects.filter(pk=OuterRef("pk")).values("grading__grade")[:1]
    return Coalesce(Subquery(grading), F("declared_grade"))


class License(models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "JY", _("食品经营许可证")
        PRODUCTION = "SC", _("食品生产许可证")
        WORKSHOP = "workshop", _("小作坊登记证")
        EATERY = "eatery", _("小餐饮登记证")
        STALL = "stall", _("摊贩备案卡")
        FILING = "filing", _("仅销售预包装食品备案")

    entity = models.ForeignKey(Entity, verbose_name=_("主体"), on_delete=models.CASCADE, related_name="licenses")
    kind = models.CharField(_("证照类型"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("证照编号"), max_length=50)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("许可证照")
        verbose_name_plural = _("许可证照")
        ordering = ["entity_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="license_number_unique"),
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True)
                | models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("issued_on")),
                name="license_expiry_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["number"], opclasses=["varchar_pattern_ops"], name="license_number_prefix")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


class KeyPerson(models.Model):
    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_rep", _("法定代表人")
        PRINCIPAL = "principal", _("主要负责人")
        SAFETY_DIRECTOR = "safety_director", _("食品安全总监")
        SAFETY_OFFICER = "safety_officer", _("食品安全员")

    class IdType(models.TextChoices):
        RESIDENT = "resident", _("居民身份证")
        OTHER = "other", _("其他证件")

    entity = models.ForeignKey(Entity, verbose_name=_("主体"), on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices)
    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(_("证件类型"), max_length=10, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("关键人员")
        verbose_name_plural = _("关键人员")
        ordering = ["entity_id", "role", "name"]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"
