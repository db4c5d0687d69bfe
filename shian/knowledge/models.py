"""监督抽考 (random knowledge tests of enterprise food-safety staff, docs/domain.md §5): a question bank, tests scheduled
by regulators for chosen or randomly drawn entities, and one timed attempt per person with its paper kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shian.accounts.models import ENTITY_ROLES

OPTION_LETTERS = "ABCDEF"


def tags(values) -> str:
    """A set of codes as stored: "|a|b|" (so `contains="|a|"` finds it in any database), "" for all."""
    values = sorted({str(v) for v in values if v})
    return f"|{'|'.join(values)}|" if values else ""


def untag(text: str) -> list[str]:
    return [v for v in (text or "").split("|") if v]


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    JUDGE = "judge", _("判断")


class Judgement(models.TextChoices):
    """The answer of a 判断 question."""

    TRUE = "T", _("对")
    FALSE = "F", _("错")


class Question(models.Model):
    """One question of the bank. Identified by its text: importing the same text again updates it."""

    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题干"), max_length=500, unique=True)
    options = models.JSONField(_("选项"), default=list, blank=True, help_text=_("选项 A 起依次排列；判断题为空"))
    answer = models.CharField(_("答案"), max_length=6, help_text=_("选项字母，如 A、ABD；判断题 T（对）或 F（错）"))
    roles = models.CharField(_("适用岗位"), max_length=80, blank=True, help_text=_("空为全部岗位"))
    business_types = models.CharField(_("适用业态"), max_length=200, blank=True, help_text=_("空为全部业态"))
    points = models.PositiveSmallIntegerField(_("分值"), default=1)
    explanation = models.CharField(_("解析"), max_length=1000, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("抽考题目")
        verbose_name_plural = _("抽考题库")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def role_list(self) -> list[str]:
        return untag(self.roles)

    @property
    def business_type_list(self) -> list[str]:
        return untag(self.business_types)

    def role_labels(self) -> str:
        names = dict(ENTITY_ROLES)
        return "、".join(str(names.get(r, r)) for r in self.role_list) or str(_("全部"))

    def business_type_labels(self) -> str:
        from shian.entities.models import BusinessType

        names = dict(BusinessType.choices)
        return "、".join(str(names.get(t, t)) for t in self.business_type_list) or str(_("全部"))

    def answer_label(self) -> str:
        return answer_label(self.kind, self.answer)

    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(OPTION_LETTERS, self.options or [], strict=False))


def answer_label(kind: str, answer: str) -> str:
    if kind == QuestionKind.JUDGE:
        return str(dict(Judgement.choices).get(answer, answer))
    return answer


class KnowledgeTest(models.Model):
    """A scheduled 监督抽考: who is tested (targets x roles), when (window), how (questions, minutes, pass mark)."""

    class Selection(models.TextChoices):
        CHOSEN = "chosen", _("指定主体")
        RANDOM = "random", _("随机抽取")

    title = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("组织区划"), on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    duration_minutes = models.PositiveSmallIntegerField(_("答题时长（分钟）"))
    question_count = models.PositiveSmallIntegerField(_("题目数量"))
    pass_mark = models.PositiveSmallIntegerField(_("合格线（%）"))
    target_roles = models.CharField(_("抽考岗位"), max_length=80, blank=True, help_text=_("空为全部岗位"))
    selection = models.CharField(_("抽取方式"), max_length=10, choices=Selection.choices)
    business_types = models.CharField(_("抽取业态"), max_length=200, blank=True, help_text=_("随机抽取时的业态范围"))
    sample_size = models.PositiveIntegerField(_("抽取数量"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("监督抽考")
        verbose_name_plural = _("监督抽考")
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["region", "opens_at"], name="ktest_region_opens")]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="ktest_window"),
            models.CheckConstraint(condition=models.Q(pass_mark__gte=1, pass_mark__lte=100), name="ktest_pass_mark"),
        ]

    def __str__(self):
        return self.title

    @property
    def role_list(self) -> list[str]:
        return untag(self.target_roles)

    def role_labels(self) -> str:
        names = dict(ENTITY_ROLES)
        return "、".join(str(names.get(r, r)) for r in self.role_list) or str(_("全部岗位"))

    def business_type_labels(self) -> str:
        from shian.entities.models import BusinessType

        names = dict(BusinessType.choices)
        return "、".join(str(names.get(t, t)) for t in untag(self.business_types)) or str(_("全部业态"))

    def state(self, now) -> str:
        if self.cancelled_at:
            return "cancelled"
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at:
            return "open"
        return "closed"

    def state_label(self, now) -> str:
        return str(TEST_STATES[self.state(now)])


TEST_STATES = {
    "upcoming": _("未开始"),
    "open": _("进行中"),
    "closed": _("已结束"),
    "cancelled": _("已取消"),
}


class Target(models.Model):
    """An entity a test covers. Its region is copied so results group and scope without a join."""

    test = models.ForeignKey(KnowledgeTest, on_delete=models.CASCADE, related_name="targets")
    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("抽考主体")
        verbose_name_plural = _("抽考主体")
        ordering = ["test", "region_id", "entity_id"]
        constraints = [models.UniqueConstraint(fields=["test", "entity"], name="ktarget_test_entity")]
        indexes = [models.Index(fields=["test", "region"], name="ktarget_test_region")]

    def __str__(self):
        return f"{self.test_id}:{self.entity_id}"


class Attempt(models.Model):
    """One person's sitting of a test. The paper (questions as they were, answers included, and the seed they
    were drawn with) is stored, so later edits of the bank never change a paper or its score."""

    test = models.ForeignKey(KnowledgeTest, verbose_name=_("抽考"), on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("考生"), on_delete=models.PROTECT, related_name="+"
    )
    entity = models.ForeignKey("entities.Entity", verbose_name=_("主体"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    entity_role = models.CharField(_("岗位"), max_length=20, blank=True)
    seed = models.BigIntegerField(_("抽题种子"))
    paper = models.JSONField(_("试卷"))
    answers = models.JSONField(_("作答"), default=dict, blank=True)
    started_at = models.DateTimeField(_("开始答题"))
    deadline = models.DateTimeField(_("交卷期限"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("超时自动交卷"), default=False)
    score = models.PositiveIntegerField(_("得分"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("满分"))
    percent = models.DecimalField(_("得分率（%）"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("合格"), null=True, blank=True)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["test", "user"], name="kattempt_test_user")]
        indexes = [
            models.Index(fields=["test", "region"], name="kattempt_test_region"),
            models.Index(fields=["submitted_at", "deadline"], name="kattempt_open"),
        ]

    def __str__(self):
        return f"{self.test_id}:{self.user_id}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None
