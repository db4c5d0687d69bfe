from django import forms
from django.utils.translation import gettext_lazy as _

from shian.core.forms import DATE_INPUT


class DailyIssuesForm(forms.Form):
    """The day's findings, up to five rows of 风险点 / 问题 / 整改措施 (area_n, issue_n, fix_n); parsing only:
    `cleaned_data["issues"]` holds the rows with anything filled in, the service checks them."""

    SLOTS = 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, self.SLOTS + 1):
            for key in ("area", "issue", "fix"):
                self.fields[f"{key}_{n}"] = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        rows = []
        for n in range(1, self.SLOTS + 1):
            area, issue, fix = (data.get(f"{k}_{n}", "") for k in ("area", "issue", "fix"))
            if area or issue or fix:
                rows.append({"area": area, "issue": issue, "fix": fix})
        data["issues"] = rows
        return data


class WeeklyForm(forms.Form):
    week = forms.DateField(label=_("本周周一"), widget=DATE_INPUT)
    findings = forms.CharField(label=_("排查发现的风险隐患"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("整改措施及落实情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.CharField(label=_("本周食品安全状况评价"), widget=forms.Textarea(attrs={"rows": 2}))


class MonthlyForm(forms.Form):
    held_on = forms.DateField(label=_("会议日期"), widget=DATE_INPUT)
    chair = forms.CharField(label=_("主持人（主要负责人）"), max_length=50)
    attendees = forms.CharField(label=_("参会人员"), max_length=300)
    issues = forms.CharField(label=_("本月食品安全管理情况及问题"), widget=forms.Textarea(attrs={"rows": 3}))
    decisions = forms.CharField(label=_("调度事项及工作安排"), widget=forms.Textarea(attrs={"rows": 3}))


class RiskItemForm(forms.Form):
    area = forms.CharField(label=_("风险点"), max_length=100)
    measure = forms.CharField(label=_("管控措施"), max_length=300)


class TrainingForm(forms.Form):
    person = forms.TypedChoiceField(label=_("人员"), coerce=int)
    day = forms.DateField(label=_("培训日期"), widget=DATE_INPUT)
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1, min_value=0.5, max_value=40)
    topic = forms.CharField(label=_("培训内容"), max_length=200)
    provider = forms.CharField(label=_("培训机构"), max_length=100, required=False)
