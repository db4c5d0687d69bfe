"""Cross-cutting tables: the append-only audit log and the rule store (versioned rule numbers per region)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write through a service. Rows are append-only (also enforced by database triggers)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=50, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_code = models.CharField(_("所属区划"), max_length=12, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class DeadlineRule(models.Model):
    """The rule store's table (shian.core.rules): a rule number as data, `amount` units per region and version.

    Deadlines (working days, calendar days, hours) and every other rule number (frequencies, thresholds,
    validity periods). The most specific `region_prefix` wins ('' is national); a newer version supersedes an
    older one from `valid_from`; with no row, the default the owning app registered applies. Deadlines copy the
    rule they were computed with. The table keeps the name it had when it held deadlines only.
    """

    class Unit(models.TextChoices):
        WORKING_DAYS = "WD", _("工作日")
        CALENDAR_DAYS = "CD", _("自然日")
        HOURS = "h", _("小时")
        COUNT = "n", _("次")
        MINUTES = "min", _("分钟")
        METRES = "m", _("米")
        CLASS_HOURS = "ch", _("学时")

    code = models.CharField(_("规则编码"), max_length=50)
    name = models.CharField(_("名称"), max_length=100)
    region_prefix = models.CharField(_("适用区划"), max_length=12, blank=True, default="")
    version = models.PositiveIntegerField(_("版本"), default=1)
    unit = models.CharField(_("单位"), max_length=3, choices=Unit.choices)
    amount = models.PositiveIntegerField(_("数值"))
    valid_from = models.DateField(_("生效日期"))
    source = models.CharField(_("依据"), max_length=200, blank=True)
    reason = models.CharField(_("修订理由"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修订人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("修订时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("规则")
        verbose_name_plural = _("规则（时限、频次、阈值）")
        ordering = ["code", "region_prefix", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "region_prefix", "version"], name="deadline_rule_version_unique")
        ]

    def __str__(self):
        return f"{self.name}：{self.amount}{self.get_unit_display()}"


class Notification(models.Model):
    """An in-app message to one account (a problem assigned, evidence to verify, an overdue escalation)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # Grouping (shian.core.notifykinds): one line per (kind, object) in the list and the badge, e.g. one
    # "12 个问题逾期未整改（朱刘街道）" instead of 12 rows. An empty group key: the message stands alone.
    kind = models.CharField(_("类型"), max_length=50, blank=True)
    group_key = models.CharField(_("分组"), max_length=120, blank=True)
    group_text = models.CharField(_("分组摘要"), max_length=300, blank=True)  # with %(n)d for the count
    group_url = models.CharField(_("分组链接"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.text


class NotificationPreference(models.Model):
    """What one account wants: the kinds it does not want, the daily digest on or off and its channel."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    muted_kinds = models.JSONField(_("不接收的通知类型"), default=list, blank=True)
    digest = models.BooleanField(_("每日摘要"), default=True)
    channel = models.CharField(_("摘要发送渠道"), max_length=200, blank=True)  # a SHIAN_NOTIFIERS path; '' = all
    digest_sent_on = models.DateField(_("最近一次摘要日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self):
        return str(self.user)


class JobLock(models.Model):
    """One row per scheduled job (shian.core.schedule): the lease a scheduler takes before running the job, so
    that two schedulers started by mistake never run it at once. Claimed by a conditional UPDATE
    (`lease_until < now`), which works the same on SQLite and PostgreSQL."""

    name = models.CharField(_("任务"), max_length=100, unique=True)
    lease_until = models.DateTimeField(_("占用至"))
    holder = models.CharField(_("占用者"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务锁")
        verbose_name_plural = _("定时任务锁")

    def __str__(self):
        return self.name


class JobRun(models.Model):
    """One run of a scheduled job: when it started and finished, how it ended and what it said."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("运行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")

    job = models.CharField(_("任务"), max_length=100)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField(_("信息"), blank=True)

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_started")]

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class PhoneCode(models.Model):
    """A one-time code texted to a phone for one purpose (shian.core.phonecodes, docs/security.md): only keyed
    hashes of the phone, the code and the client address are kept; the code expires, allows a few tries and is
    spent once."""

    purpose = models.CharField(max_length=60)
    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["purpose", "phone_hash", "created_at"], name="phonecode_purpose_phone"),
            models.Index(fields=["ip_hash", "created_at"], name="phonecode_ip"),
        ]

    def __str__(self):
        return f"{self.purpose}@{self.created_at:%Y-%m-%d %H:%M}"
