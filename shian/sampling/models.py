"""Sampling and testing (docs/sampling.md): the food-category table, yearly plans and their lines, tasks, samples
with their item results, lab-result imports, disposal cases with the 五到位 steps, cross-region notices, 你点我检
campaigns and rapid-test rooms."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.checklists.models import StoredFile
from shian.core.rules import DEFAULT_VALID_FROM
from shian.imports.models import ImportBatchBase, ImportRowBase


class SamplingKind(models.TextChoices):
    """Kept apart in plans, tasks and figures (Order 15 art. 3)."""

    SUPERVISION = "supervision", _("监督抽检")
    MONITORING = "monitoring", _("风险监测")
    EVALUATION = "evaluation", _("评价性抽检")


class CategoryTable(models.Model):
    """A version of the food-category table a plan splits batches by (rule data, per region like every policy
    table: `core.rules.most_specific`). `rows`: [{"code", "name", "weight", "focus": [...], "kind"}] where weight is
    the share of the plan's batches and focus names the hazards the seeds stress (microbes, heavy metals,
    pesticide/veterinary residues, 两超一非). Defaults in `sampling.defaults`."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"))
    valid_from = models.DateField(_("生效日期"), default=DEFAULT_VALID_FROM)
    rows = models.JSONField(_("食品类别"))
    source = models.CharField(_("依据"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("抽检食品类别表")
        verbose_name_plural = _("抽检食品类别表")
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="categorytable_region_version")]

    def __str__(self):
        return f"{self.region_id or '默认'} v{self.version}"


class SamplingPlan(models.Model):
    """A yearly plan for a region: batches = residents ÷ 1,000 × rate, split into lines by category, township,
    month and kind."""

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    residents = models.PositiveIntegerField(_("常住人口"))
    rate = models.DecimalField(_("每千人批次"), max_digits=5, decimal_places=2)
    batches = models.PositiveIntegerField(_("计划批次"))
    categories = models.ForeignKey(CategoryTable, on_delete=models.PROTECT, related_name="+")
    summary = models.JSONField(_("统计"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("抽检计划")
        verbose_name_plural = _("抽检计划")
        ordering = ["-year", "-created_at"]

    def __str__(self):
        return f"{self.region_id} {self.year}"


class PlanLine(models.Model):
    """Batches of one category in one township and month, of one kind; from the plan's split or from a
    你点我检 campaign's winner."""

    plan = models.ForeignKey(SamplingPlan, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("类型"), max_length=12, choices=SamplingKind.choices, default=SamplingKind.SUPERVISION)
    category = models.CharField(_("食品类别"), max_length=30)
    township = models.ForeignKey("regions.Region", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("月份"))
    batches = models.PositiveIntegerField(_("批次"))
    campaign = models.ForeignKey(
        "Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_lines"
    )

    class Meta:
        verbose_name = _("抽检计划明细")
        verbose_name_plural = _("抽检计划明细")
        indexes = [models.Index(fields=["plan", "township", "month"], name="planline_township_month")]

    def __str__(self):
        return f"{self.category} {self.township_id} {self.month}: {self.batches}"


class Lab(models.Model):
    """A testing lab (承检机构). Its staff accounts may never sample (抽检分离)."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=30, unique=True)
    accreditation = models.CharField(_("资质认定证书编号"), max_length=50, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检验人员账号"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("承检机构")
        verbose_name_plural = _("承检机构")
        ordering = ["code"]

    def __str__(self):
        return self.name


class SamplingTask(models.Model):
    """A station's batches to sample in a month (from a plan line)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待抽样")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    line = models.ForeignKey(PlanLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    station = models.ForeignKey(
        "inspections.Station", null=True, blank=True, on_delete=models.PROTECT, related_name="sampling_tasks"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=SamplingKind.choices, default=SamplingKind.SUPERVISION)
    category = models.CharField(_("食品类别"), max_length=30)
    month = models.PositiveIntegerField(_("月份"), help_text=_("年份×100+月，如 202612"))
    batches = models.PositiveIntegerField(_("批次"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("抽样任务")
        verbose_name_plural = _("抽样任务")
        ordering = ["month", "id"]
        indexes = [models.Index(fields=["station", "month"], name="samplingtask_station_month")]

    def __str__(self):
        return f"{self.category} {self.month}"


class Sample(models.Model):
    """One sampled batch: where and from whom, the product and its nominal producer, the two samplers, the lab,
    and the clock (to the lab within `sampling.to_lab`, report within `sampling.report` of receipt)."""

    class Status(models.TextChoices):
        SAMPLED = "sampled", _("已抽样")
        SENT = "sent", _("已送检")
        RECEIVED = "received", _("检验机构已接收")
        REPORTED = "reported", _("已出报告")

    class Conclusion(models.TextChoices):
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    number = models.CharField(_("抽样单编号"), max_length=40, unique=True)
    client_key = models.UUIDField(_("提交编号"), unique=True, null=True, blank=True)
    task = models.ForeignKey(SamplingTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="samples")
    kind = models.CharField(_("类型"), max_length=12, choices=SamplingKind.choices, default=SamplingKind.SUPERVISION)
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("被抽样单位"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("食品类别"), max_length=30)
    product = models.CharField(_("样品名称"), max_length=200)
    brand = models.CharField(_("商标"), max_length=100, blank=True)
    spec = models.CharField(_("规格型号"), max_length=100, blank=True)
    batch_number = models.CharField(_("生产日期/批号"), max_length=100, blank=True)
    quantity = models.CharField(_("抽样数量"), max_length=50)
    backup_quantity = models.CharField(_("备样数量"), max_length=50, blank=True)
    producer_name = models.CharField(_("标称生产者"), max_length=200, blank=True)
    producer_address = models.CharField(_("标称生产者地址"), max_length=300, blank=True)
    producer_uscc = models.CharField(_("标称生产者统一社会信用代码"), max_length=18, blank=True)
    producer_region = models.ForeignKey(
        "regions.Region", verbose_name=_("标称生产者所在区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    samplers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("抽样人员"), related_name="+")
    entity_signer = models.CharField(_("被抽样单位签字人"), max_length=50, blank=True)
    lab = models.ForeignKey(Lab, verbose_name=_("承检机构"), null=True, blank=True, on_delete=models.PROTECT)
    sampled_at = models.DateTimeField(_("抽样时间"))
    sent_at = models.DateTimeField(_("送检时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("检验机构接收时间"), null=True, blank=True)
    to_lab_due = models.DateTimeField(_("送检期限"))
    report_due = models.DateTimeField(_("报告期限"), null=True, blank=True)
    due_rules = models.JSONField(_("期限规则"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SAMPLED)
    conclusion = models.CharField(_("检验结论"), max_length=4, choices=Conclusion.choices, blank=True)
    report_number = models.CharField(_("报告编号"), max_length=50, null=True, blank=True, unique=True)
    report_date = models.DateField(_("报告日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("样品")
        verbose_name_plural = _("样品")
        ordering = ["-sampled_at", "-id"]
        indexes = [
            models.Index(fields=["region", "sampled_at"], name="sample_region_time"),
            models.Index(fields=["entity", "conclusion"], name="sample_entity_conclusion"),
            # producer coverage (kpis.count_producers): was a producer named on a label sampled this year
            models.Index(fields=["producer_uscc", "sampled_at"], name="sample_producer_time"),
            models.Index(fields=["entity", "sampled_at"], name="sample_entity_time"),
            models.Index(fields=["status", "to_lab_due"], name="sample_status_due"),
            # the public page and the open API: newest published first, keyset-paged (docs/sampling.md §5)
            models.Index(fields=["published_at", "id"], name="sample_published"),
            # ... filtered by region: the region's rows read from the index alone (conclusion, category included)
            models.Index(
                fields=["region", "published_at", "id", "conclusion", "category"], name="sample_region_published"
            ),  # fmt: skip
        ]

    def __str__(self):
        return self.number


class SampleResult(models.Model):
    """One tested item of a sample (检验项目) with its value, limit and verdict."""

    class Verdict(models.TextChoices):
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="results")
    item = models.CharField(_("检验项目"), max_length=100)
    value = models.CharField(_("检测值"), max_length=50)
    limit = models.CharField(_("标准值/限量"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    verdict = models.CharField(_("单项判定"), max_length=4, choices=Verdict.choices)
    batch = models.ForeignKey("LabResultBatch", null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("检验结果")
        verbose_name_plural = _("检验结果")
        constraints = [models.UniqueConstraint(fields=["sample", "item"], name="result_sample_item")]

    def __str__(self):
        return f"{self.sample_id} {self.item}: {self.verdict}"


class SamplePhoto(StoredFile):
    file = models.FileField(_("文件"), upload_to="sampling/%Y/%m/")
    original = models.FileField(_("原始文件"), upload_to="sampling/original/%Y/%m/", blank=True)
    sample = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    disposal = models.ForeignKey("Disposal", null=True, blank=True, on_delete=models.CASCADE, related_name="files")


class LabResultBatch(ImportBatchBase):
    """One imported lab-result file (the import engine: cell errors, all-or-nothing)."""

    file = models.FileField(_("上传文件"), upload_to="sampling/uploads/%Y/%m/")
    report = models.FileField(_("错误报告"), upload_to="sampling/reports/%Y/%m/", blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("导入区划"), null=True, on_delete=models.PROTECT)

    class Meta(ImportBatchBase.Meta):
        verbose_name = _("检验结果导入批次")
        verbose_name_plural = _("检验结果导入批次")

    def __str__(self):
        return self.file_name


class LabResultRow(ImportRowBase):
    """What one row of a lab-result file wrote (the import engine's per-row outcome)."""

    batch = models.ForeignKey(LabResultBatch, on_delete=models.CASCADE, related_name="rows")


class Disposal(models.Model):
    """核查处置 of a failed sample: opened automatically, the re-test window, the 五到位 steps with evidence, the
    90-calendar-day deadline (`sampling.disposal`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("处置中")
        RETEST = "retest", _("复检中")
        CLOSED = "closed", _("已办结")

    STEPS = [
        ("controlled", _("问题产品控制到位")),
        ("recalled", _("召回下架到位")),
        ("causes", _("原因排查到位")),
        ("rectified", _("整改落实到位")),
        ("penalised", _("依法处罚到位")),
    ]

    sample = models.OneToOneField(Sample, on_delete=models.PROTECT, related_name="disposal")
    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("启动时间"))
    due_at = models.DateTimeField(_("办结期限"), db_index=True)
    retest_due = models.DateTimeField(_("复检申请期限"))
    due_rules = models.JSONField(_("期限规则"), default=dict)
    retest_applied_at = models.DateTimeField(_("申请复检时间"), null=True, blank=True)
    retest_passed = models.BooleanField(_("复检合格"), null=True, blank=True)
    steps = models.JSONField(_("五到位"), default=dict)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期办结"), null=True, blank=True)
    published_at = models.DateTimeField(_("处置结果公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("核查处置")
        verbose_name_plural = _("核查处置")
        ordering = ["due_at", "id"]

    def __str__(self):
        return f"{self.sample_id} {self.status}"


class CrossRegionNotice(models.Model):
    """A failed sample made elsewhere: the nominal producer's region is told, and answers (closed loop)."""

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="notices")
    to_region = models.ForeignKey(
        "regions.Region", verbose_name=_("通报区划"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("通报时间"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    reply = models.TextField(_("核查处置情况"), blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("跨区域协查通报")
        verbose_name_plural = _("跨区域协查通报")

    def __str__(self):
        return f"{self.sample_id} → {self.to_region_id}"


class Campaign(models.Model):
    """你点我检: the public proposes and votes on what to test; staff turn winners into plan lines."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        VOTING = "voting", _("投票中")
        CLOSED = "closed", _("投票结束")
        DONE = "done", _("已出结果")

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=100)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    winners = models.PositiveSmallIntegerField(_("入选数量"), default=5)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("你点我检活动")
        verbose_name_plural = _("你点我检活动")
        ordering = ["-opens_at"]

    def __str__(self):
        return self.title


class Proposal(models.Model):
    """A food the public (or staff) proposes for testing in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="proposals")
    product = models.CharField(_("食品"), max_length=100)
    category = models.CharField(_("食品类别"), max_length=30, blank=True)
    place = models.CharField(_("购买场所"), max_length=200, blank=True)
    approved = models.BooleanField(_("已审核"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "id"]

    def __str__(self):
        return self.product


class Vote(models.Model):
    """One vote per verified phone per campaign; the phone is kept only as a keyed hash."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    phone_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "phone_hash"], name="vote_once_per_phone")]

    def __str__(self):
        return f"{self.campaign_id} {self.proposal_id}"


class RapidTestRoom(models.Model):
    """A station's rapid-test room (快检室); its tests are counted apart from lab results."""

    station = models.ForeignKey("inspections.Station", on_delete=models.PROTECT, related_name="rapid_test_rooms")
    name = models.CharField(_("名称"), max_length=100)
    since = models.DateField(_("建成日期"))
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("快检室")
        verbose_name_plural = _("快检室")

    def __str__(self):
        return self.name


class RapidTest(models.Model):
    """One rapid test (快检): product, item, result, on a day."""

    class Result(models.TextChoices):
        NEGATIVE = "negative", _("阴性（合格）")
        POSITIVE = "positive", _("阳性（疑似不合格）")

    room = models.ForeignKey(RapidTestRoom, on_delete=models.PROTECT, related_name="tests")
    day = models.DateField(_("日期"), db_index=True)
    entity = models.ForeignKey("entities.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    product = models.CharField(_("样品"), max_length=100)
    item = models.CharField(_("检测项目"), max_length=100)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("快检记录")
        verbose_name_plural = _("快检记录")
        ordering = ["-day", "-id"]

    def __str__(self):
        return f"{self.day} {self.product} {self.item}"
