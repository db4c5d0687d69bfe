"""Labels of the lists' audit actions (shian.core.actionlabels) and notification kinds (shian.core.notifykinds)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels
from shian.core.notifykinds import register_kind

register_labels(
    {
        "edition.create": _("起草红黑榜"),
        "edition.line_add": _("红黑榜添加条目"),
        "edition.line_update": _("修改红黑榜上榜理由"),
        "edition.line_remove": _("红黑榜删除条目"),
        "edition.line_move": _("调整红黑榜条目顺序"),
        "edition.review": _("审核红黑榜"),
        "edition.send_back": _("红黑榜退回修改"),
        "edition.approve": _("批准红黑榜"),
        "edition.publish": _("发布红黑榜"),
        "edition.withdraw": _("撤回红黑榜"),
        "edition.poster": _("生成红黑榜张贴海报"),
        "dishonesty.list": _("列入严重违法失信名单"),
        "dishonesty.repair_apply": _("申请信用修复"),
        "dishonesty.repair_review": _("审核信用修复申请"),
        "dishonesty.repair": _("信用修复移出失信名单"),
        "dishonesty.revoke": _("撤销失信名单列入"),
        "dishonesty.revoke_reason": _("撤销失信名单列入的理由"),
        "dishonesty.expire": _("失信名单期满移出"),
        "joint.flag": _("联合惩戒提示"),
        "joint.handle": _("联合惩戒提示核查处理"),
    }
)
register_kind("lists.edition_waiting", _("红黑榜待审核、待批准"))
register_kind("lists.repair_applied", _("信用修复申请待审核"))
register_kind("lists.repair_reviewed", _("信用修复申请审核结果"))
register_kind("lists.joint_flag", _("联合惩戒提示"))
