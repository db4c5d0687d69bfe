"""The inspection-priority model (docs/riskmodel.md §4): each trained version stored as data (feature names,
scaler, coefficients, metrics; no pickle) and the scores of the entities under the version in use."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """One trained logistic regression: enough numbers to score without scikit-learn, and how good it was."""

    version = models.CharField(_("版本"), max_length=20, unique=True)
    region_code = models.CharField(_("训练范围"), max_length=12, blank=True)
    cutoff = models.DateField(_("训练截止日"))
    features = models.JSONField(_("特征"))
    means = models.JSONField(_("标准化均值"))
    scales = models.JSONField(_("标准化尺度"))
    coefficients = models.JSONField(_("系数"))
    intercept = models.FloatField(_("截距"))
    rows = models.PositiveIntegerField(_("训练样本数"))
    positives = models.PositiveIntegerField(_("重点项不符合样本数"))
    auc = models.FloatField(_("留出期 AUC"))
    baseline_auc = models.FloatField(_("现行计划排序 AUC"))
    metrics = models.JSONField(_("评估明细"), default=dict)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trained_at = models.DateTimeField(_("训练时间"))
    in_use = models.BooleanField(_("在用"), default=False)

    class Meta:
        verbose_name = _("模型版本")
        verbose_name_plural = _("模型版本")
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["in_use"], condition=Q(in_use=True), name="riskmodel_one_in_use")
        ]

    def __str__(self):
        return self.version


class EntityScore(models.Model):
    """An operating entity's probability of a 重点项 failure at its next inspection under one model version, with
    the three features that pushed it up most ([[code, contribution in log-odds], ...])."""

    # No database constraints: a region's scores are derived rows, rewritten in one transaction from the rows read
    # in it, and three million reference checks at commit cost more than the scoring (docs/riskmodel.md §5).
    # Django still cascades and protects on delete.
    model = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="scores", db_constraint=False)
    entity = models.ForeignKey("entities.Entity", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    probability = models.FloatField(_("不符合概率"))
    reasons = models.JSONField(_("主要因素"), default=list)
    scored_at = models.DateTimeField(_("评分时间"))

    class Meta:
        verbose_name = _("主体评分")
        verbose_name_plural = _("主体评分")
        constraints = [models.UniqueConstraint(fields=["model", "entity"], name="riskmodel_score_model_entity")]
        indexes = [models.Index(fields=["model", "region", "probability"], name="riskmodel_score_region")]

    def __str__(self):
        return f"{self.entity_id} {self.probability:.3f}"
