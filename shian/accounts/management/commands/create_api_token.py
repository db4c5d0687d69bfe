from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from shian.accounts import services
from shian.accounts.models import User


class Command(BaseCommand):
    help = "为账号签发 API 令牌（明文只输出一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="令牌绑定的账号")
        parser.add_argument("--name", required=True, help="令牌用途")
        parser.add_argument("--actor", default="admin", help="执行签发的管理员账号（默认 admin）")

    def handle(self, *args, username, name, actor, **options):
        users = {u.username: u for u in User.objects.filter(username__in=[username, actor])}
        for who in (username, actor):
            if who not in users:
                raise CommandError(f"账号不存在：{who}")
        try:
            token, key = services.create_api_token(actor=users[actor], account=users[username], name=name)
        except (ValidationError, PermissionDenied, Http404) as exc:
            raise CommandError(f"无法签发令牌：{exc}") from exc
        self.stdout.write(key)
