"""Text messages to phones (one-time codes). `settings.SHIAN_SMS_BACKEND` names the class that sends them.

The default, `ConsoleBackend`, writes each message to the `shian.sms` log and keeps it in `outbox` (like Django's
locmem e-mail backend), for development and tests: no message leaves the machine. A production backend for a
carrier or an SMS gateway is a class with the same `send(phone, text)` method, named in the setting.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("shian.sms")
outbox: list[tuple[str, str]] = []


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))
        log.info("SMS to %s: %s", phone, text)


def send(phone: str, text: str) -> None:
    import_string(getattr(settings, "SHIAN_SMS_BACKEND", "shian.core.sms.ConsoleBackend"))().send(phone, text)
