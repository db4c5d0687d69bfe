"""The knowledge tests' recurring job (see core.schedule): hand in the papers whose time ran out."""

from django.utils.translation import gettext_lazy as _

from shian.core.schedule import Job, every, register

from . import services

register(Job("knowledge.close_attempts", run=lambda now: f"closed={services.close_expired(now=now)}",
             timing=every("knowledge.close_attempts_minutes"), label=_("超时试卷自动交卷")))  # fmt: skip
