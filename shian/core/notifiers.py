"""Where reminders go. Each backend in settings.SHIAN_NOTIFIERS gets every message; the built-in ones are the
in-app notification and a log backend (named as such: it only writes to the log, for trying a new channel).
An SMS or WeChat backend is a class with the same `send(*, users, text, url="", **grouping)` method and a
`label`, added to the setting. The daily digest (shian.core.digest) goes through the backends other than the
in-app one (the bell already shows every message), or the one a user chose on the settings page."""

import logging
from collections.abc import Iterable

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .channels import configured
from .services import muting, notify

log = logging.getLogger("shian.notifiers")


class InAppNotifier:
    """The bell in the top bar (core.Notification)."""

    label = _("站内通知")

    def send(self, *, users: list, text: str, url: str = "", **grouping) -> int:
        return notify(users=users, text=text, url=url, **grouping)


class LogNotifier:
    """Writes each message to the `shian.notifiers` log instead of sending it anywhere."""

    label = _("日志（试用渠道）")

    def send(self, *, users: list, text: str, url: str = "", **grouping) -> int:
        for user in users:
            log.info("notify %s (%s): %s %s", user.username, getattr(user, "phone", ""), text, url)
        return len(users)


def deliver(*, users: Iterable, text: str, url: str = "", kind: str = "", **grouping) -> int:
    """Send through every configured backend; returns how many accounts were addressed. Accounts that muted
    `kind` are left out on every channel; `group`, `group_text` and `group_url` group the in-app messages
    (shian.core.services.notify)."""
    users = muting(list(users), kind)
    for path in configured():
        import_string(path)().send(users=users, text=text, url=url, kind=kind, **grouping)
    return len(users)
