import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shian.accounts.models import ENTITY_ROLES
from shian.entities.models import BusinessType

from .models import KnowledgeTest, QuestionKind

_LOCAL = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=_LOCAL, **kwargs)


def _minute(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value).replace(second=0, microsecond=0, tzinfo=None)


class ScheduleForm(forms.Form):
    title = forms.CharField(label=_("抽考名称"), max_length=100)
    opens_at = forms.DateTimeField(label=_("开始时间"), input_formats=[_LOCAL], widget=LocalDateTimeInput())
    closes_at = forms.DateTimeField(label=_("截止时间"), input_formats=[_LOCAL], widget=LocalDateTimeInput())
    duration_minutes = forms.IntegerField(label=_("答题时长（分钟）"), min_value=5, max_value=180, initial=30)
    question_count = forms.IntegerField(label=_("每份试卷题目数"), min_value=1, max_value=100, initial=10)
    pass_mark = forms.IntegerField(label=_("合格线（%）"), min_value=1, max_value=100, initial=80)
    target_roles = forms.MultipleChoiceField(
        label=_("抽考岗位"),
        choices=ENTITY_ROLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("都不选为全部岗位（含未填写岗位的企业账号）"),
    )
    selection = forms.ChoiceField(
        label=_("抽取方式"),
        choices=KnowledgeTest.Selection.choices,
        initial=KnowledgeTest.Selection.CHOSEN,
        widget=forms.RadioSelect,
    )
    sample_size = forms.IntegerField(label=_("随机抽取主体数"), min_value=1, max_value=5000, required=False)
    business_types = forms.MultipleChoiceField(
        label=_("随机抽取的业态"),
        choices=BusinessType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("都不选为全部业态；只从在营主体中抽取"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.now()
            self.initial.setdefault("opens_at", _minute(now))
            self.initial.setdefault("closes_at", _minute(now + datetime.timedelta(days=7)))

    def clean(self):
        data = super().clean()
        if data.get("selection") == KnowledgeTest.Selection.RANDOM and not data.get("sample_size"):
            self.add_error("sample_size", _("随机抽取须填写抽取主体数。"))
        return data


class BankFilterForm(forms.Form):
    q = forms.CharField(label=_("题干"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("题型"), required=False, choices=[("", _("全部")), *QuestionKind.choices])


class BankUploadForm(forms.Form):
    file = forms.FileField(label=_("题库文件（xlsx）"))
