"""The current request's id and client IP, for audit entries written deep inside services."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
