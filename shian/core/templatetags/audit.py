"""`{{ entry.action|action_label }}`: an audit action's Chinese label (shian.core.actionlabels)."""

from django import template

from shian.core.actionlabels import label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return label(code)
