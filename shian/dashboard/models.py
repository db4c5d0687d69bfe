from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """Precomputed parts of a region above county level (national, province, city), per child area.

    A province's figures add up a million rows; they are computed off the request (every 4 minutes by the
    scheduler) and the page shows `computed_at`. Counties and below are always computed live."""

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True, blank=True)
    as_of = models.DateField(_("统计日"))
    computed_at = models.DateTimeField(_("计算时间"))
    seconds = models.FloatField(_("用时（秒）"), default=0)
    groups = models.JSONField(_("分区计数"), default=dict)

    class Meta:
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")

    def __str__(self):
        return f"{self.region_code or '-'} {self.computed_at:%Y-%m-%d %H:%M}"


class DispatchReport(models.Model):
    """One region's weekly dispatch report (每周一调度) for one week, kept as generated."""

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    week = models.DateField(_("周（周一）"))
    data = models.JSONField(_("报告数据"))
    docx = models.FileField(_("Word 文件"), upload_to="dispatch/%Y/")
    pdf = models.FileField(_("PDF 文件"), upload_to="dispatch/%Y/")
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("生成人"), help_text=_("空表示定时任务生成"),
    )  # fmt: skip
    seconds = models.FloatField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("调度周报")
        verbose_name_plural = _("调度周报")
        ordering = ["-week", "region_id"]
        constraints = [models.UniqueConstraint(fields=["region", "week"], name="dispatch_region_week")]

    def __str__(self):
        return f"{self.region_id} {self.week:%Y-%m-%d}"


class KpiHistory(models.Model):
    """One region's KPI parts at the end of one day (every region down to the township), written once a day by
    the scheduler (and backfilled by the demo): the trend charts and the weekly report's change since last week
    read it when it exists. Parts, not values, so that any KPI registered later still computes from them."""

    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    day = models.DateField(_("日期"))
    parts = models.JSONField(_("计数"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("指标历史")
        verbose_name_plural = _("指标历史")
        ordering = ["region_code", "-day"]
        constraints = [models.UniqueConstraint(fields=["region_code", "day"], name="kpi_history_region_day")]

    def __str__(self):
        return f"{self.region_code or '-'} {self.day:%Y-%m-%d}"
