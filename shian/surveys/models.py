"""Surveys (docs/surveys.md): a questionnaire of single-choice questions for a county and a period (§1), its
sampling plan of township strata with population and quota (§2), and the responses — from the public form, the phone
kept only as a keyed hash (shian.core.phonecodes), or entered by an interviewer door to door (§3). Each response keeps
its score (satisfaction: mean option score 0–100; awareness: share of right answers ×100) so results are SQL sums."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    class Kind(models.TextChoices):
        SATISFACTION = "satisfaction", _("满意度调查")
        AWARENESS = "awareness", _("知晓率调查")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    region = models.ForeignKey("regions.Region", verbose_name=_("区划（县）"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=100)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("结束日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    margin_permille = models.PositiveIntegerField(_("允许误差（‰）"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("调查")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("题目"), max_length=300)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["survey", "order"], name="survey_question_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("选项"), max_length=200)
    score = models.PositiveSmallIntegerField(_("分值（满意度 0–100）"), null=True, blank=True)
    correct = models.BooleanField(_("正确选项（知晓率）"), default=False)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text


class Stratum(models.Model):
    """One township of the plan: its population (the registry's, or entered here) and its quota."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="strata")
    township = models.ForeignKey("regions.Region", verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    population = models.PositiveIntegerField(_("常住人口"))
    quota = models.PositiveIntegerField(_("样本配额"), default=0)

    class Meta:
        ordering = ["township_id"]
        constraints = [models.UniqueConstraint(fields=["survey", "township"], name="survey_stratum_once")]

    def __str__(self) -> str:
        return f"{self.township_id}: {self.quota}"


class Response(models.Model):
    class Mode(models.TextChoices):
        PUBLIC = "public", _("扫码填写")
        INTERVIEW = "interview", _("入户调查")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    township = models.ForeignKey("regions.Region", verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    mode = models.CharField(_("方式"), max_length=10, choices=Mode.choices)
    phone_hash = models.CharField(max_length=64, blank=True, default="")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("调查员"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip
    answers = models.JSONField(_("答案"), default=dict)  # question order -> option order
    score = models.FloatField(_("得分"))
    created_at = models.DateTimeField(_("提交时间"))

    class Meta:
        indexes = [models.Index(fields=["survey", "township"], name="survey_resp_township")]
        constraints = [
            models.UniqueConstraint(fields=["survey", "phone_hash"], condition=~models.Q(phone_hash=""),
                                    name="survey_response_once_per_phone"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"
