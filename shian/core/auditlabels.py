"""Labels of core's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "rule.version": _("修订规则版本"),
        "core.rule": _("修改规则版本"),
        "notification.read": _("通知标为已读"),
        "notification.preferences": _("修改通知设置"),
        "notification.digest": _("发送每日通知摘要"),
        "pii.unmask": _("查看完整个人信息"),
        "request.too_large": _("拒绝过大的请求"),
    }
)
