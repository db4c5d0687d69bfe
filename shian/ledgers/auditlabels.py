"""Labels of the ledgers' audit actions (shian.core.actionlabels); the import engine names them after the
pipeline's `audit_prefix` ("ledger")."""

from django.utils.translation import gettext_lazy as _

from shian.core.actionlabels import register_labels

register_labels(
    {
        "ledger.import": _("导入台账"),
        "ledger.rollback": _("撤销台账导入"),
        "ledger.export": _("导出台账"),
    }
)
