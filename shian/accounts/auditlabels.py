"""Labels of the accounts app's audit actions (shian.core.actionlabels)."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "account.create": _("新建账号"),
        "account.update": _("修改账号"),
        "account.reset_password": _("重置密码"),
        "account.registration_code": _("发送注册验证码"),
        "account.self_register": _("企业自助注册"),
        "account.self_register_failed": _("企业自助注册失败"),
        "invitation.create": _("发出邀请"),
        "invitation.accept": _("接受邀请"),
        "invitation.revoke": _("撤销邀请"),
        "token.create": _("创建接口令牌"),
        "token.revoke": _("吊销接口令牌"),
    }
)
