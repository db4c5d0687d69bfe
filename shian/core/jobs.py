"""Core's recurring jobs (shian.core.schedule): the daily notification digest."""

from .digest import due, send_digests
from .schedule import Job, register

register(Job(name="core.notification_digest", due=due, run=lambda now: {"sent": send_digests(now=now)}))
