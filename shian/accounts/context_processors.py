from django.urls import resolve, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from shian.core.access import declared
from shian.core.current_region import current_region_code
from shian.core.selectors import unread_count
from shian.regions.models import Region

# (url name, label, permission or None)
NAV = [
    ("home", _("首页"), None),
    ("dashboard:index", _("一张图"), "dashboard.view"),
    ("entities:list", _("市场主体"), None),
    ("baobao:overview", _("分层分级包保"), None),
    ("visits:mine", _("包保督导"), None),
    ("knowledge:home", _("监督抽考"), None),
    ("duties:home", _("主体责任"), None),
    ("inspections:overview", _("监督检查"), None),
    ("inspections:tasks", _("检查任务"), None),
    ("inspections:orders", _("责令整改"), None),
    ("sampling:overview", _("抽检监测"), None),
    ("sampling:samples", _("抽检样品"), None),
    ("sampling:disposals", _("核查处置"), None),
    ("complaints:list", _("投诉举报"), None),
    ("cases:case_list", _("案件查办"), None),
    ("emergency:readiness", _("应急管理"), None),
    ("lists:edition_list", _("红黑榜"), None),
    ("lists:entry_list", _("严重违法失信名单"), None),
    ("credit:rating_list", _("信用档案"), None),
    ("riskmodel:priority_list", _("检查优先级"), None),
    ("notices:notice_list", _("三书一函"), None),
    ("commission:index", _("食安委统筹协调"), None),
    ("markets:market_list", _("智慧菜市场"), None),
    ("trace:overview", _("追溯与召回"), None),
    ("trace:scan", _("扫码录入流通"), None),
    ("trace:import", _("导入流通记录"), None),
    ("dinners:dinner_list", _("农村集体聚餐"), None),
    ("dinners:task_list", _("聚餐指导任务"), None),
    ("foodborne:report_list", _("食源性疾病报告"), None),
    ("surveys:survey_list", _("满意度与知晓率调查"), None),
    ("evaluation:evaluation_list", _("示范创建评价"), None),
    ("warnings:warning_list", _("风险预警"), None),
    ("portal:home", _("公众服务"), None),
    ("ledgers:list", _("台账导入"), "ledgers.import_ledger"),
    ("regions:browse", _("行政区划与网格"), None),
    ("accounts:list", _("账号管理"), "accounts.view_accounts"),
    ("accounts:tokens", _("API 令牌"), "accounts.manage_tokens"),
    ("accounts:enterprise", _("企业账号"), "accounts.view_entity_staff"),
    ("core:rules", _("规则与时限"), "core.view_rules"),
    ("core:audit", _("审计日志"), "core.view_audit"),
    ("core:operations", _("运行状态"), "core.view_operations"),
    ("api:openapi-view", _("API 文档"), None),
]


def _nav(request):
    """The menu entries the user may open: a permission where one is named, and always the route's own access
    declaration (so an enterprise account is not offered a regulator's page that would answer 403)."""
    user = request.user
    items = []
    for name, label, perm in NAV:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(name)
        rule = declared(resolve(url).func)
        if rule is not None and not rule.allows(user):
            continue
        active = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return items


def shell(request):
    """Navigation for the user's role and the region chosen in the switcher."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    code = current_region_code(request)
    return {
        "shell": {
            "nav": SimpleLazyObject(lambda: _nav(request)),
            "current_region": SimpleLazyObject(lambda: Region.objects.filter(code=code).first() if code else None),
            "unread": SimpleLazyObject(lambda: unread_count(user=request.user)),
        }
    }
