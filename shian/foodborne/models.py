"""Foodborne-disease case reports (docs/foodborne.md): the cases medical institutions report (§1) and the clusters
the reports form in one place or one food within a window (§2), with the incident a cluster opened (§3). The
patient's identity is personal data: masked everywhere unless unmasked (audited), never public."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseReport(models.Model):
    """One report from a medical institution: the patient(s), symptoms, suspected food and place, onset."""

    region = models.ForeignKey("regions.Region", verbose_name=_("可疑场所所在区划"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    department = models.ForeignKey("accounts.Department", verbose_name=_("报告部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")  # fmt: skip
    institution = models.CharField(_("报告医疗机构"), max_length=100)
    patient_name = models.CharField(_("患者姓名"), max_length=50)
    id_number = models.CharField(_("患者身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("患者电话"), max_length=20, blank=True)
    patient_count = models.PositiveIntegerField(_("病例数"), default=1)
    symptoms = models.CharField(_("主要症状"), max_length=500)
    suspected_food = models.CharField(_("可疑食品"), max_length=100, blank=True)
    food_key = models.CharField(max_length=100, blank=True, db_index=True)
    suspected_place = models.CharField(_("可疑就餐（购买）场所"), max_length=200, blank=True)
    place_key = models.CharField(max_length=200, blank=True, db_index=True)
    entity = models.ForeignKey("entities.Entity", verbose_name=_("对应市场主体"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")  # fmt: skip
    onset_at = models.DateTimeField(_("发病时间"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("食源性疾病病例报告")
        verbose_name_plural = _("食源性疾病病例报告")
        ordering = ["-onset_at", "-id"]
        indexes = [models.Index(fields=["region", "onset_at"], name="foodborne_report_region_onset")]

    def __str__(self):
        return f"{self.onset_at:%Y-%m-%d} {self.suspected_food or self.suspected_place}"


class Cluster(models.Model):
    """Reports with the same suspected place or food in one county within the window: a warning to the county,
    and the incident opened from it."""

    class Kind(models.TextChoices):
        PLACE = "place", _("同一场所")
        FOOD = "food", _("同一食品")

    county = models.CharField(_("县（区）"), max_length=6, db_index=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("聚集类型"), max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=200)
    label = models.CharField(_("可疑场所或食品"), max_length=200)
    entity = models.ForeignKey("entities.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reports = models.ManyToManyField(CaseReport, related_name="clusters")
    cases = models.PositiveIntegerField(_("病例数"), default=0)
    first_onset = models.DateTimeField(_("最早发病"))
    last_onset = models.DateTimeField(_("最近发病"))
    rule = models.JSONField(_("判定规则"), default=dict, blank=True)
    warned_at = models.DateTimeField(_("预警时间"))
    incident = models.OneToOneField("emergency.Incident", verbose_name=_("已开立事故"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("食源性疾病聚集性病例")
        verbose_name_plural = _("食源性疾病聚集性病例")
        ordering = ["-warned_at", "-id"]
        indexes = [models.Index(fields=["county", "kind", "key", "last_onset"], name="foodborne_cluster_key")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.label}"
