"""Where reminders go. Each backend in settings.SHIAN_NOTIFIERS gets every message; the built-in ones are the
in-app notification and a log backend (named as such: it only writes to the log, for trying a new channel).
An SMS or WeChat backend is a class with the same `send` method, added to the setting."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from .services import notify

log = logging.getLogger("shian.notifiers")


class InAppNotifier:
    """The bell in the top bar (core.Notification)."""

    def send(self, *, users: list, text: str, url: str = "") -> int:
        return notify(users=users, text=text, url=url)


class LogNotifier:
    """Writes each message to the `shian.notifiers` log instead of sending it anywhere."""

    def send(self, *, users: list, text: str, url: str = "") -> int:
        for user in users:
            log.info("notify %s (%s): %s %s", user.username, getattr(user, "phone", ""), text, url)
        return len(users)


def deliver(*, users: Iterable, text: str, url: str = "") -> int:
    """Send through every configured backend; returns how many accounts were addressed."""
    users = list(users)
    for path in getattr(settings, "SHIAN_NOTIFIERS", ["shian.core.notifiers.InAppNotifier"]):
        import_string(path)().send(users=users, text=text, url=url)
    return len(users)
