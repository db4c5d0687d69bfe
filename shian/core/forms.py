from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import actionlabels

# <input type=date> reads only ISO dates; Django would render the locale format (2026/11/23 in Chinese).
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_service_errors(
    form: forms.Form, exc: ValidationError, aliases: dict | None = None, *, keep_unplaced: bool = False
) -> list[str]:
    """Show a service's ValidationError on the form: each message on the field it names (`aliases` maps the
    service's argument names to the form's field names), the rest above the form as non-field errors, or, with
    `keep_unplaced`, returned for the page to show on its own. Returns the messages not placed on the form."""
    pairs = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    unplaced: list[str] = []
    for field, messages in pairs:
        name = (aliases or {}).get(field, field)
        if name in form.fields:
            form.add_error(name, messages)
        elif keep_unplaced:
            unplaced.extend(messages)
        else:
            form.add_error(None, messages)
    return unplaced


def error_messages(exc: ValidationError) -> list[str]:
    """A service's ValidationError as one flat list of messages (field names dropped), for pages and JSON
    answers that list them above a form the service's fields do not map to."""
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return exc.messages


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("对象或请求编号"), required=False, max_length=200)
    action = forms.ChoiceField(label=_("动作"), required=False, choices=())
    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the actions by their Chinese labels (shian.core.actionlabels), never the codes
        labels = sorted(actionlabels.labels().items(), key=lambda pair: (pair[0].split(".")[0], pair[1]))
        self.fields["action"].choices = [("", _("全部"))] + [(code, text) for code, text in labels]


class NotificationSettingsForm(forms.Form):
    """Which kinds of notification a user wants, and the daily digest (shian.core.digest)."""

    wanted = forms.MultipleChoiceField(
        label=_("接收的通知类型"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    digest = forms.BooleanField(label=_("每天汇总未读通知发给我"), required=False)
    channel = forms.ChoiceField(label=_("摘要发送渠道"), required=False, choices=())

    def __init__(self, *args, kinds=(), channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted"].choices = list(kinds)
        self.fields["channel"].choices = [("", _("全部已配置的渠道"))] + list(channels)


def int_or_none(value) -> int | None:
    """A posted id or number, or None when it is not one (the service then names the field)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def date_or_none(text: str | None):
    """A posted date (`type=date`, ISO) or None when it is blank or not one (the service then names the field)."""
    from django.utils.dateparse import parse_date

    try:
        return parse_date((text or "").strip())
    except ValueError:
        return None


def parse_moment(text: str | None):
    """A posted date-time (`datetime-local` or ISO) as an aware datetime in the current time zone, or None."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    try:
        value = parse_datetime((text or "").strip())
    except ValueError:
        return None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
