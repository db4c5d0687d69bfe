from django.core.management.base import BaseCommand

from shian.accounts import services
from shian.core.commands import actor_for, service_errors


class Command(BaseCommand):
    help = "为账号签发 API 令牌（明文只输出一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="令牌绑定的账号")
        parser.add_argument("--name", required=True, help="令牌用途")
        parser.add_argument("--actor", default="admin", help="执行签发的管理员账号（默认 admin）")

    def handle(self, *args, username, name, actor, **options):
        account, admin = actor_for(username), actor_for(actor)
        with service_errors("无法签发令牌"):
            token, key = services.create_api_token(actor=admin, account=account, name=name)
        self.stdout.write(key)
