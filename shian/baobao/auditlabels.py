"""Labels of the 包保 app's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "baobao.policy_version": _("修订包保规则"),
        "baobao.assign": _("生成包保分配方案"),
        "baobao.publish": _("发布包保分配方案"),
        "baobao.grade": _("包保分级"),
        "baobao.grade_override": _("人工调整包保等级"),
        "baobao.detect_changes": _("检测包保变动"),
        "cadre.create": _("新增包保干部"),
        "cadre.update": _("修改包保干部"),
        "cadre.left": _("包保干部离岗"),
        "commitment.confirm": _("确认包保承诺书"),
    }
)
