"""Routine inspections (docs/inspections.md): stations and their inspectors, risk grades, yearly plans, random
draws, tasks, signed inspections on the checklist engine, rectification orders with re-checks, case referrals,
catering 量化分级 and the 明厨亮灶 registry."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import FilteredRelation, Q
from django.utils.translation import gettext_lazy as _

from shian.checklists.models import RecordAddendum, SignedAnswer, SignedRecord, StoredFile
from shian.core.rules import DEFAULT_VALID_FROM


class InspectionKind(models.TextChoices):
    """The 监督检查要点表 families (2016 check-table notice), registered with the checklist engine. Prefixed so
    they never clash with the 包保 checklist kinds."""

    CATERING = "insp_catering", _("餐饮服务监督检查要点表")
    SALES = "insp_sales", _("食品销售监督检查要点表")
    PRODUCTION = "insp_production", _("食品生产监督检查要点表")


class RiskBand(models.TextChoices):
    """风险等级: A is the LOWEST risk (the 包保 grades run the other way: 包保 A is the most important)."""

    A = "A", _("A级（低风险）")
    B = "B", _("B级（一般风险）")
    C = "C", _("C级（较高风险）")
    D = "D", _("D级（高风险）")


class Station(models.Model):
    """A 市场监管所: its inspectors and the townships (region prefixes) it covers. A station may cover several
    townships, and a township belongs to one station."""

    code = models.CharField(_("所编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属县区"), on_delete=models.PROTECT, related_name="+")
    townships = models.ManyToManyField("regions.Region", verbose_name=_("辖区乡镇（街道）"), related_name="stations")
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), blank=True, related_name="inspection_stations"
    )

    class Meta:
        verbose_name = _("市场监管所")
        verbose_name_plural = _("市场监管所")
        ordering = ["code"]

    def __str__(self):
        return self.name


class InspectorConflict(models.Model):
    """A declared conflict of interest: the inspector is never drawn for this entity."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("回避原因"), max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")
        constraints = [models.UniqueConstraint(fields=["inspector", "entity"], name="conflict_inspector_entity")]

    def __str__(self):
        return f"{self.inspector_id} ≠ {self.entity_id}"


class RiskScheme(models.Model):
    """A version of the risk-grading tables for a region (blank = national defaults), picked like every policy
    table by `core.rules.most_specific`. `tables` holds the static and dynamic factor tables, `bands` the
    cut-offs and `frequency` the minimum inspections per band (docs/inspections.md §2; defaults in
    `inspections.defaults`)."""

    class Variant(models.TextChoices):
        V2016 = "2016", _("2016年风险分级管理办法（静态40+动态60）")
        V2022 = "2022", _("2022年征求意见稿（静态40+动态40+信用20）")

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    variant = models.CharField(_("评分办法"), max_length=4, choices=Variant.choices, default=Variant.V2016)
    version = models.PositiveIntegerField(_("版本"))
    valid_from = models.DateField(_("生效日期"), default=DEFAULT_VALID_FROM)
    tables = models.JSONField(_("评分表"))
    bands = models.JSONField(_("分级分值"))
    frequency = models.JSONField(_("各级最低检查频次"))
    source = models.CharField(_("依据"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("风险分级评分表")
        verbose_name_plural = _("风险分级评分表")
        constraints = [
            models.UniqueConstraint(fields=["region", "variant", "version"], name="riskscheme_region_version"),
        ]

    def __str__(self):
        return f"{self.get_variant_display()} {self.region_id or '默认'} v{self.version}"


class RiskFactorSet(models.Model):
    """One distinct list of scored factors, stored once and shared by every grade that scored alike (most of a
    province's entities share a few thousand lists): a grade row stays small, so a province run writes little.
    Rows are only ever added; `sha256` is the digest of the list's canonical JSON (`digest`)."""

    sha256 = models.CharField(max_length=64, unique=True)
    factors = models.JSONField(_("计分项"), default=list)

    class Meta:
        verbose_name = _("风险计分项")
        verbose_name_plural = _("风险计分项")

    def __str__(self):
        return self.sha256[:12]

    @staticmethod
    def digest(factors) -> str:
        """SHA-256 of the factors' canonical JSON (sorted keys, no spaces): the same list, the same digest."""
        text = json.dumps(factors, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


class RiskGrade(models.Model):
    """One grading of an entity: the scheme version, the factors that scored (`factor_set`, shared) and the band.
    The newest row per entity is current (`is_current`, at most one: a partial unique index) and is THE entity's
    band: readers join it (`current_grade()`); an entity without one is ungraded. A manual adjustment is a row of
    its own with a reason; automatic regrading keeps it (`manual`) until someone lifts it."""

    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="risk_grades")
    scheme = models.ForeignKey(RiskScheme, on_delete=models.PROTECT, related_name="+")
    static_score = models.DecimalField(_("静态风险分"), max_digits=5, decimal_places=1)
    dynamic_score = models.DecimalField(_("动态风险分"), max_digits=5, decimal_places=1)
    credit_score = models.DecimalField(_("信用风险分"), max_digits=5, decimal_places=1, default=0)
    total = models.DecimalField(_("风险总分"), max_digits=5, decimal_places=1)
    computed_band = models.CharField(_("计算等级"), max_length=1, choices=RiskBand.choices)
    band = models.CharField(_("风险等级"), max_length=1, choices=RiskBand.choices)
    factor_set = models.ForeignKey(RiskFactorSet, verbose_name=_("计分项"), on_delete=models.PROTECT, related_name="+")
    manual = models.BooleanField(_("人工调整"), default=False)
    reason = models.CharField(_("调整理由"), max_length=300, blank=True)
    trigger = models.CharField(_("评定起因"), max_length=50, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField(_("评定时间"))
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("风险等级评定")
        verbose_name_plural = _("风险等级评定")
        ordering = ["-graded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entity"], condition=Q(is_current=True), name="riskgrade_one_current"),
        ]

    def __str__(self):
        return f"{self.entity_id} {self.band}"

    @property
    def factors(self) -> list:
        """The factors that scored (the shared list; select_related("factor_set") when listing many)."""
        return self.factor_set.factors


def current_grade() -> FilteredRelation:
    """An entity's current grade as one LEFT JOIN on the partial unique index, e.g.
    `Entity.objects.annotate(grade=current_grade()).values("grade__band")`: band None = ungraded."""
    return FilteredRelation("risk_grades", condition=Q(risk_grades__is_current=True))


class InspectionPlan(models.Model):
    """A yearly inspection plan for a region: planned inspections per station and month, and the shortfall
    (months where the station has too few inspectors) named rather than dropped."""

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    scheme = models.ForeignKey(RiskScheme, null=True, on_delete=models.PROTECT, related_name="+")
    summary = models.JSONField(_("统计"), default=dict)
    shortfall = models.JSONField(_("人力缺口"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度检查计划")
        verbose_name_plural = _("年度检查计划")
        ordering = ["-year", "-created_at"]

    def __str__(self):
        return f"{self.region_id} {self.year}"


class PlannedInspection(models.Model):
    """One planned inspection: an entity in a month, at its station, with the inspector the balance picked, and
    why it is in the plan (band minimum, the 2-year coverage floor, a 100 % target)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items")
    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, null=True, on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("月份"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("列入原因"), max_length=30)

    class Meta:
        verbose_name = _("计划检查")
        verbose_name_plural = _("计划检查")
        indexes = [
            models.Index(fields=["plan", "station", "month"], name="planned_station_month"),
            models.Index(fields=["entity"], name="planned_entity"),
        ]

    def __str__(self):
        return f"{self.plan_id} {self.entity_id} {self.month}"


class RandomDraw(models.Model):
    """A 双随机一公开 draw, frozen so anyone can recompute it (`verify_draw`): the algorithm version, the seed, the
    candidate entities and inspectors as drawn from (with their SHA-256), the exclusions, who ran it and when; a
    score-weighted draw also the model version and the candidates' weights (with their SHA-256).
    Results are published within the rule `inspection.publish` working days."""

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=100)
    algorithm = models.CharField(_("算法版本"), max_length=30)
    seed = models.CharField(_("随机种子"), max_length=64)
    count = models.PositiveIntegerField(_("抽取数量"))
    weighted = models.BooleanField(_("按风险等级加权"), default=False)
    candidates = models.JSONField(_("候选主体"))
    candidates_sha256 = models.CharField(max_length=64)
    inspectors = models.JSONField(_("候选执法人员"))
    inspectors_sha256 = models.CharField(max_length=64)
    exclusions = models.JSONField(_("排除情况"), default=list)
    # algorithm sha256-sample-v2 only: the model whose scores weighted the draw, and each candidate's weight (in
    # the order of `candidates`) frozen with its SHA-256, since the model's scores are replaced every night
    model_version = models.CharField(_("评分模型版本"), max_length=20, blank=True)
    weights = models.JSONField(_("候选主体权重"), null=True, blank=True)
    weights_sha256 = models.CharField(max_length=64, blank=True)
    result = models.JSONField(_("抽取结果"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    publish_due = models.DateField(_("公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class InspectionTask(models.Model):
    """Work for inspectors: an entity to inspect (or a grid worker's 巡查) by a date, from a plan, a draw or by
    hand. Done when its inspection is signed."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("日常检查")
        RANDOM = "random", _("双随机检查")
        KEY = "key", _("重点检查")
        FLYING = "flying", _("飞行检查")
        TERM_START = "term_start", _("开学季检查")
        PATROL = "patrol", _("网格巡查")
        RECHECK = "recheck", _("整改复查")

    class Status(models.TextChoices):
        OPEN = "open", _("待检查")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(_("检查类型"), max_length=12, choices=Kind.choices, default=Kind.ROUTINE)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(_("完成期限"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), related_name="+")
    draw = models.ForeignKey(RandomDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    planned = models.ForeignKey(
        PlannedInspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="task_status_due"),
            models.Index(fields=["entity", "status"], name="task_entity_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.entity_id}"


class Outcome(models.TextChoices):
    """The result of an inspection (〔2016〕58号): 基本符合 = no 重点项 failed and at most the rule
    `inspections.basic_general_max` 一般项 failed; 不符合 = any 重点项 failed or more 一般项."""

    CONFORM = "conform", _("符合")
    BASIC = "basic", _("基本符合")
    NONCONFORM = "nonconform", _("不符合")


class CateringLevel(models.TextChoices):
    """The dynamic 量化分级 of one catering inspection (docs/domain.md §7), shown as faces."""

    EXCELLENT = "excellent", _("优秀（大笑）")
    GOOD = "good", _("良好（微笑）")
    AVERAGE = "average", _("一般（平脸）")


class Inspection(SignedRecord):
    """A signed inspection (监督检查结果记录): the checklist answered, the outcome, two inspectors' signatures.
    It exists only once signed; the phone keeps the draft until then."""

    task = models.ForeignKey(InspectionTask, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("检查类型"), max_length=12, choices=InspectionTask.Kind.choices)
    inspected_on = models.DateField(_("检查日期"), db_index=True)
    outcome = models.CharField(_("检查结果"), max_length=10, choices=Outcome.choices)
    key_failed = models.PositiveSmallIntegerField(_("重点项不符合数"), default=0)
    general_failed = models.PositiveSmallIntegerField(_("一般项不符合数"), default=0)
    catering_level = models.CharField(_("量化等级"), max_length=10, choices=CateringLevel.choices, blank=True)
    repeat_items = models.JSONField(_("重复违规项"), default=list, blank=True)
    summary = models.TextField(_("检查意见"), blank=True)
    entity_signer = models.CharField(_("被检查单位签字人"), max_length=50, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    publish_due = models.DateField(_("结果公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("结果公示时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("监督检查记录")
        verbose_name_plural = _("监督检查记录")
        ordering = ["-signed_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "inspected_on"], name="inspection_entity_day"),
            models.Index(fields=["region", "inspected_on"], name="inspection_region_day"),
        ]

    def __str__(self):
        return f"{self.inspected_on} {self.entity_id}"


class Signature(models.Model):
    """An inspector's handwritten signature on an inspection (Order 49 art. 23: at least two inspectors)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("签字人"), max_length=50)
    image = models.TextField(_("签名图像"), blank=True, help_text=_("PNG data URL"))
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "inspector"], name="signature_once")]

    def __str__(self):
        return self.name


class InspectionAnswer(SignedAnswer):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="answers")

    class Meta:
        ordering = ["inspection", "item__position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="answer_inspection_item")]


class InspectionAddendum(RecordAddendum):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="addenda")


class InspectionPhoto(StoredFile):
    """A photo taken during an inspection (claimed by the inspection once signed) or sent with a
    rectification answer."""

    file = models.FileField(_("文件"), upload_to="inspections/%Y/%m/")
    original = models.FileField(_("原始文件"), upload_to="inspections/original/%Y/%m/", blank=True)
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    answer = models.ForeignKey(
        "RectificationAnswer", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    item_position = models.PositiveSmallIntegerField(null=True, blank=True)


class RectificationOrder(models.Model):
    """责令改正通知: the failed items of an inspection to put right by a working-day deadline; the enterprise
    answers with evidence, the inspector re-checks, an order still open past its deadline is escalated into a
    case referral."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        ANSWERED = "answered", _("已反馈待复查")
        CLOSED = "closed", _("已复查销号")
        ESCALATED = "escalated", _("逾期移送立案")

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="order")
    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("文书编号"), max_length=40, unique=True)
    items = models.JSONField(_("整改事项"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    issued_at = models.DateTimeField(_("下达时间"))
    due_at = models.DateTimeField(_("整改期限"), db_index=True)
    due_rule = models.JSONField(_("期限规则"))
    repeat = models.BooleanField(_("重复违规"), default=False)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("移送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("责令整改通知")
        verbose_name_plural = _("责令整改通知")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="order_status_due")]

    def __str__(self):
        return self.number


class RectificationAnswer(models.Model):
    """The enterprise's answer to an order, from its own account, with evidence files."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("整改情况"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "id"]

    def __str__(self):
        return self.text[:60]


class Recheck(models.Model):
    """The inspector's re-check of an answered order: passed closes it, failed reopens it."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.PROTECT, related_name="rechecks")
    passed = models.BooleanField(_("复查通过"))
    note = models.CharField(_("复查意见"), max_length=500, blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checked_at", "id"]

    def __str__(self):
        return f"{self.order_id} {self.passed}"


class CaseReferral(models.Model):
    """A matter handed to the case branch (立案): the complaints-and-cases module picks these up. Kept here so an
    unresolved rectification has somewhere to go before that module exists."""

    class Status(models.TextChoices):
        NEW = "new", _("待处理")
        TAKEN = "taken", _("已受理")
        DECLINED = "declined", _("不予立案")

    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=30)
    order = models.ForeignKey(
        RectificationOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    reason = models.CharField(_("移送理由"), max_length=500)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案件移送")
        verbose_name_plural = _("案件移送")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.source} {self.entity_id}"


class CateringYearGrade(models.Model):
    """The annual 量化分级 A/B/C of a catering entity, from its dynamic levels of the year."""

    class Grade(models.TextChoices):
        A = "A", _("A级（优秀）")
        B = "B", _("B级（良好）")
        C = "C", _("C级（一般）")

    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="catering_grades")
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("年度等级"), max_length=1, choices=Grade.choices)
    basis = models.JSONField(_("依据"), default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("餐饮量化分级（年度）")
        verbose_name_plural = _("餐饮量化分级（年度）")
        constraints = [models.UniqueConstraint(fields=["entity", "year"], name="catering_grade_entity_year")]

    def __str__(self):
        return f"{self.entity_id} {self.year} {self.grade}"


class KitchenLink(models.Model):
    """An entity's 互联网+明厨亮灶 connection: which platform and channel, since when, whether it is live. shian
    holds no video; the page links out to the platform."""

    class Status(models.TextChoices):
        ONLINE = "online", _("在线")
        OFFLINE = "offline", _("离线")
        STOPPED = "stopped", _("已停用")

    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("主体"), on_delete=models.CASCADE, related_name="kitchen_links"
    )
    platform = models.CharField(_("平台"), max_length=100)
    channel_id = models.CharField(_("通道编号"), max_length=100)
    url = models.URLField(_("查看地址"), blank=True)
    since = models.DateField(_("接入日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ONLINE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("明厨亮灶接入")
        verbose_name_plural = _("明厨亮灶接入")
        constraints = [models.UniqueConstraint(fields=["platform", "channel_id"], name="kitchen_platform_channel")]

    def __str__(self):
        return f"{self.platform} {self.channel_id}"
