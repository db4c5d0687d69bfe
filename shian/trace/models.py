"""一品一码 and recall (docs/trace.md; docs/domain.md §13): products and batches registered by their producer (or a
wholesaler for unpackaged goods), one revocable signed code per batch, the chain events that hand a batch's quantity
from business to business, and recalls with their holders' confirmations.

What a business holds of a batch is never stored: it is what the events brought in minus what they took out
(`selectors.trace.holdings`), so an event is the only thing written when goods change hands."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A product category with the extra fields its chain events carry, as data (docs/trace.md §3): pig products at
    market entry carry the origin and quarantine certificate numbers, imported cold-chain goods the customs
    declaration and the 核酸/消杀 certificates. `fields` is a list of {"key", "label", "required", "events"}:
    `events` names the event kinds that must (when `required`) or may carry the field."""

    code = models.SlugField(_("类别编码"), max_length=30, unique=True)
    name = models.CharField(_("类别名称"), max_length=50)
    fields = models.JSONField(_("附加字段定义"), default=list, blank=True)

    class Meta:
        verbose_name = _("追溯产品类别")
        verbose_name_plural = _("追溯产品类别")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Product(models.Model):
    """A product of a producer: its name and specification and, where it has one, its GS1 GTIN."""

    producer = models.ForeignKey(
        "entities.Entity", verbose_name=_("生产经营者"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("产品名称"), max_length=200)
    spec = models.CharField(_("规格"), max_length=100, blank=True)
    unit = models.CharField(_("计量单位"), max_length=10, default="件")
    gtin = models.CharField(_("商品条码（GTIN）"), max_length=14, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("追溯产品")
        verbose_name_plural = _("追溯产品")
        ordering = ["producer_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["producer", "name", "spec"], name="trace_product_unique"),
            models.UniqueConstraint(fields=["gtin"], condition=~models.Q(gtin=""), name="trace_product_gtin"),
        ]
        indexes = [models.Index(fields=["region", "name"], name="trace_product_region")]

    def __str__(self):
        return f"{self.name}{'（' + self.spec + '）' if self.spec else ''}"

    @property
    def gtin14(self) -> str:
        """The GTIN as the 14 digits of a GS1 element string (AI 01)."""
        return self.gtin.zfill(14) if self.gtin else ""


class Batch(models.Model):
    """One production batch (or lot of unpackaged goods) of a product and the quantity produced."""

    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="batches")
    producer = models.ForeignKey(
        "entities.Entity", verbose_name=_("生产经营者"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    batch_number = models.CharField(_("批号"), max_length=60)
    produced_on = models.DateField(_("生产日期"))
    quantity = models.PositiveBigIntegerField(_("数量"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["-produced_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["product", "batch_number"], name="trace_batch_unique")]
        indexes = [
            models.Index(fields=["region", "produced_on"], name="trace_batch_region"),
            models.Index(fields=["producer", "batch_number"], name="trace_batch_producer"),
        ]

    def __str__(self):
        return f"{self.product.name} {self.batch_number}"


class TraceCode(models.Model):
    """The code printed on a batch: a random token; the public URL carries the token and its HMAC signature
    (`shian.trace.codes`). Revoking a code keeps the row, so a scan of it answers "revoked" (410), not "unknown"."""

    batch = models.ForeignKey(Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="codes")
    token = models.CharField(_("码标识"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("追溯码")
        verbose_name_plural = _("追溯码")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.token


class EventKind(models.TextChoices):
    PRODUCED = "produced", _("生产")
    RECEIVED = "received", _("收货")
    SOLD = "sold", _("销售给企业")
    STALL_RECEIVED = "stall_received", _("市场摊位进货")
    RETAIL_SOLD = "retail_sold", _("零售")


class ChainEvent(models.Model):
    """One hand-over of a quantity of a batch: from a business (none for `produced`) to a business (none for
    `retail_sold`, which leaves the chain). `region` is the recording side's region (the scope of the row)."""

    # batch, to_entity and region lead the composite indexes below, so they carry no index of their own: each index
    # is paid for on every imported row (docs/performance.md). No foreign key carries a database constraint
    # (`db_constraint=False`): PostgreSQL would check each key of each row at commit (six checks a row, a third of a
    # large import's time). The writers resolve every reference first (the import checks and locks them once per
    # file: `services.importing._present`), and deleting a referenced row stays refused by Django's PROTECT, which
    # does not depend on the constraint; only a raw SQL delete, or one racing the write, is no longer stopped
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("批次"),
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="events",
        db_index=False,
    )
    kind = models.CharField(_("环节"), max_length=16, choices=EventKind.choices)
    from_entity = models.ForeignKey(
        "entities.Entity",
        verbose_name=_("交出方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
    )
    to_entity = models.ForeignKey(
        "entities.Entity",
        verbose_name=_("接收方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区划"),
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )
    quantity = models.PositiveBigIntegerField(_("数量"))
    occurred_at = models.DateTimeField(_("发生时间"))
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)
    # a `received` entered by the receiver for goods its supplier already recorded as `sold` confirms that event and
    # moves nothing (`counted` False), so one hand-over is never counted twice
    confirms = models.ForeignKey(
        "self",
        verbose_name=_("确认的销售记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_constraint=False,
        related_name="+",
    )
    counted = models.BooleanField(_("计入持有量"), default=True)
    source = models.CharField(_("来源"), max_length=10, default="web")
    idempotency_key = models.CharField(_("幂等键"), max_length=80, blank=True, default="")
    request_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_constraint=False, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流通记录")
        verbose_name_plural = _("流通记录")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="trace_event_idempotency",
                                    condition=~models.Q(idempotency_key="")),
            models.CheckConstraint(name="trace_event_quantity_positive", condition=models.Q(quantity__gt=0)),
        ]  # fmt: skip
        # the trace walks batch -> from_entity -> to_entity; holdings sum per (batch, to) and (batch, from)
        indexes = [
            models.Index(fields=["batch", "from_entity", "to_entity"], name="trace_event_walk"),
            models.Index(fields=["batch", "to_entity"], name="trace_event_in"),
            models.Index(fields=["to_entity", "batch"], name="trace_event_holder"),
            models.Index(fields=["region", "occurred_at"], name="trace_event_region"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity}"


class RecallLevel(models.IntegerChoices):
    I = 1, _("一级召回")  # noqa: E741
    II = 2, _("二级召回")
    III = 3, _("三级召回")


class Recall(models.Model):
    """A recall of a set of batches (食品召回管理办法): voluntary by the producer or ordered by the regulator, level
    I/II/III with its start and finish deadlines (rules trace.recall_start_hours_N / trace.recall_finish_days_N),
    the holders notified and their confirmations (`RecallNotice`); complete when every holder has confirmed."""

    class Kind(models.TextChoices):
        VOLUNTARY = "voluntary", _("主动召回")
        ORDERED = "ordered", _("责令召回")

    class Status(models.TextChoices):
        OPEN = "open", _("召回中")
        COMPLETED = "completed", _("已完成")

    number = models.CharField(_("召回编号"), max_length=30, unique=True)
    kind = models.CharField(_("召回类型"), max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("召回级别"), choices=RecallLevel.choices)
    producer = models.ForeignKey(
        "entities.Entity", verbose_name=_("召回主体"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    batches = models.ManyToManyField(Batch, verbose_name=_("召回批次"), related_name="recalls")
    reason = models.CharField(_("召回原因"), max_length=500)
    sample = models.ForeignKey(
        "sampling.Sample", verbose_name=_("不合格样品"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    learned_at = models.DateTimeField(_("知悉风险时间"))
    announced_at = models.DateTimeField(_("发布召回时间"))
    start_due = models.DateTimeField(_("启动期限"))
    started_on_time = models.BooleanField(_("按期启动"))
    finish_due = models.DateTimeField(_("完成期限"), db_index=True)
    due_rules = models.JSONField(_("期限规则"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("召回")
        verbose_name_plural = _("召回")
        ordering = ["-announced_at", "-id"]
        indexes = [
            models.Index(fields=["region", "announced_at"], name="trace_recall_region"),
            models.Index(fields=["status", "finish_due"], name="trace_recall_status_due"),
        ]

    def __str__(self):
        return self.number

    def is_overdue(self, now) -> bool:
        return self.status == self.Status.OPEN and now > self.finish_due


class RecallNotice(models.Model):
    """A holder of a recalled batch: what it held when the recall reached it and its confirmation of removal."""

    recall = models.ForeignKey(Recall, verbose_name=_("召回"), on_delete=models.CASCADE, related_name="notices")
    entity = models.ForeignKey("entities.Entity", verbose_name=_("持有者"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    held_quantity = models.PositiveBigIntegerField(_("通知时持有数量"))
    received_quantity = models.PositiveBigIntegerField(_("累计收货数量"))
    notified_at = models.DateTimeField(_("通知时间"))
    confirmed_at = models.DateTimeField(_("确认下架时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_quantity = models.PositiveBigIntegerField(_("下架数量"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("召回通知")
        verbose_name_plural = _("召回通知")
        ordering = ["recall_id", "entity_id"]
        constraints = [models.UniqueConstraint(fields=["recall", "entity"], name="trace_recall_notice_unique")]
        indexes = [models.Index(fields=["entity", "confirmed_at"], name="trace_notice_entity")]

    def __str__(self):
        return f"{self.recall_id}:{self.entity_id}"
