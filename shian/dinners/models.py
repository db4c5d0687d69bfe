"""Rural collective dinners (docs/dinners.md): the 流动厨师 registry with health certificates and trainings (§3), the
dinners reported with their guidance grade and insurance (§1, §2), and the guidance task with its signed on-site
checklist (§4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.checklists.models import SignedAnswer, SignedRecord

GUIDANCE_KIND = "dinner_guidance"  # the checklist kind this app registers (shian.checklists.kinds)


class Chef(models.Model):
    """A 流动厨师 (itinerant village chef): who, where registered, the health certificate and its expiry. ID and
    phone numbers are personal data: masked unless unmasked (audited)."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18)
    phone = models.CharField(_("手机号"), max_length=20)
    region = models.ForeignKey("regions.Region", verbose_name=_("登记区划"), on_delete=models.PROTECT, related_name="+")
    cert_number = models.CharField(_("健康证明编号"), max_length=50, blank=True)
    cert_expires_on = models.DateField(_("健康证明有效期至"))
    reminded_for = models.DateField(_("已提醒的到期日"), null=True, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("流动厨师")
        verbose_name_plural = _("流动厨师")
        ordering = ["region", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["id_number"], name="dinners_chef_id_number")]
        indexes = [models.Index(fields=["region", "cert_expires_on"], name="dinners_chef_region_cert")]

    def __str__(self):
        return self.name


class ChefTraining(models.Model):
    """One training a chef attended (date, title, class hours)."""

    chef = models.ForeignKey(Chef, on_delete=models.CASCADE, related_name="trainings")
    held_on = models.DateField(_("培训日期"))
    title = models.CharField(_("培训内容"), max_length=200)
    hours = models.PositiveSmallIntegerField(_("学时"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("厨师培训记录")
        verbose_name_plural = _("厨师培训记录")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.title}"


class Grade(models.TextChoices):
    """The guidance grade a dinner's number of diners reaches (rules dinners.guidance_diners / key_diners)."""

    FILED = "filed", _("备案")
    GUIDED = "guided", _("现场指导")
    KEY = "key", _("重点指导")


class Dinner(models.Model):
    """A reported rural collective dinner (农村集体聚餐): when, where, how many, the chef, menu, ingredient sources,
    its insurance, and the guidance grade with the rule values it was graded on."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("举办地点"), max_length=200)
    held_on = models.DateField(_("聚餐日期"))
    occasion = models.CharField(_("事由"), max_length=50, blank=True)
    host_name = models.CharField(_("举办者"), max_length=50)
    host_phone = models.CharField(_("举办者电话"), max_length=20, blank=True)
    diners = models.PositiveIntegerField(_("就餐人数"))
    tables = models.PositiveIntegerField(_("桌数"), default=0)
    chef = models.ForeignKey(Chef, verbose_name=_("厨师"), on_delete=models.PROTECT, related_name="dinners")
    menu = models.TextField(_("菜单"))
    sources = models.TextField(_("食材来源"))
    insured = models.BooleanField(_("已投保"), default=False)
    insurer = models.CharField(_("保险机构"), max_length=100, blank=True)
    policy_number = models.CharField(_("保单号"), max_length=50, blank=True)
    grade = models.CharField(_("指导等级"), max_length=8, choices=Grade.choices)
    grade_rules = models.JSONField(_("定级规则"), default=dict, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("农村集体聚餐")
        verbose_name_plural = _("农村集体聚餐")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["region", "held_on"], name="dinners_dinner_region_day")]

    def __str__(self):
        return f"{self.held_on} {self.place}（{self.diners}人）"


class GuidanceTask(models.Model):
    """The on-site guidance a graded dinner needs: assigned to the grid worker of the village's grid (or the
    station's staff), done when the checklist is signed."""

    class Status(models.TextChoices):
        OPEN = "open", _("待指导")
        DONE = "done", _("已指导")

    dinner = models.OneToOneField(Dinner, on_delete=models.CASCADE, related_name="task")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("指导人员"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("聚餐指导任务")
        verbose_name_plural = _("聚餐指导任务")
        ordering = ["status", "dinner__held_on", "id"]
        indexes = [models.Index(fields=["region", "status"], name="dinners_task_region_status")]

    def __str__(self):
        return str(self.dinner)


class GuidanceVisit(SignedRecord):
    """The signed on-site checklist of a guidance task (the checklist engine's locked record)."""

    task = models.OneToOneField(GuidanceTask, on_delete=models.PROTECT, related_name="visit")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    host_signer = models.CharField(_("举办者签字"), max_length=50)
    summary = models.TextField(_("指导意见"), blank=True)
    failed = models.PositiveSmallIntegerField(_("不符合项数"), default=0)

    class Meta:
        verbose_name = _("聚餐现场指导记录")
        verbose_name_plural = _("聚餐现场指导记录")
        ordering = ["-signed_at", "-id"]

    def __str__(self):
        return f"{self.task} {self.signed_at:%Y-%m-%d}"


class GuidanceAnswer(SignedAnswer):
    visit = models.ForeignKey(GuidanceVisit, on_delete=models.CASCADE, related_name="answers")

    class Meta:
        ordering = ["visit", "item__position"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="dinners_answer_visit_item")]
