"""What every CLI front door needs: the acting account, and service errors as clear command errors."""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.http import Http404


def actor_for(username: str) -> AbstractUser:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"账号不存在或已停用：{username}")
    return user


@contextmanager
def service_errors(what: str):
    """Turn a service's refusal into `CommandError("<what>：<reason>")` (exit 1, no traceback)."""
    try:
        yield
    except ValidationError as exc:
        raise CommandError(f"{what}：{'；'.join(exc.messages)}") from exc
    except (PermissionDenied, Http404) as exc:
        raise CommandError(f"{what}：{exc or '无权操作或不在管辖范围内'}") from exc
