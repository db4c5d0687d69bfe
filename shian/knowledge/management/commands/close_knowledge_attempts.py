from django.core.management.base import BaseCommand

from shian.knowledge import services


class Command(BaseCommand):
    help = (
        "把答题时间已到仍未交卷的监督抽考试卷按已保存的答案自动交卷并评分；宜每隔几分钟运行（查看结果时也会自动处理）。"
    )

    def handle(self, *args, **options):
        closed = services.close_expired()
        self.stdout.write(f"已自动交卷：{closed} 份。")
