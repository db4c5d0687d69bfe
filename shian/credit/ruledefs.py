"""Rule numbers of credit files (docs/credit.md §2, docs/domain.md §11) with their defaults and sources; a region
overrides one in the rule store.

The credit class: every entity starts from `credit.base_points`; each event in its records takes off (or, for good
records, adds) its kind's points, decayed linearly to zero over the kind's window (an event `age` days old counts
points × (window − age) / window); a state that lasts (a current dishonesty entry, an expired licence, an open
problem past its deadline, a policy in force) counts in full while it lasts. The total, capped to 0..base, is
banded by the cut-offs: at least `credit.band_a` is A, at least `credit.band_b` B, at least `credit.band_c` C,
else D. All numbers are this platform's proposal (the seed asks for "a credit-risk classification model for
producers" without giving one): verify locally and override per region."""

from django.utils.translation import gettext_noop as N_

from shian.core.rules import CALENDAR_DAYS, COUNT, HOURS, register_rule

SOURCE = "本平台约定（docs/domain.md §11 信用档案、信用风险分类；待核实）"


def _rule(code, default, unit, name, source=SOURCE):
    return register_rule(code, default=default, unit=unit, name=name, source=source)


BASE_POINTS = _rule("credit.base_points", 100, COUNT, "信用基础分")
BAND_A = _rule("credit.band_a", 90, COUNT, "信用A级（守信）最低分")
BAND_B = _rule("credit.band_b", 75, COUNT, "信用B级（基本守信）最低分")
BAND_C = _rule("credit.band_c", 60, COUNT, "信用C级（失信风险较高）最低分；低于为D级")

# Event kinds: (key, label, points rule, window rule). Points are taken off (a good record's points are added).
# Each kind is counted set-based by shian/credit/services/events.py.
EVENT_RULES = {
    "sample_fail": (N_("抽检不合格"), _rule("credit.points.sample_fail", 10, COUNT, "抽检不合格每批次扣分"),
                    _rule("credit.window.sample_fail", 730, CALENDAR_DAYS, "抽检不合格扣分衰减期（线性降至0）")),
    "penalty": (N_("行政处罚"), _rule("credit.points.penalty", 15, COUNT, "行政处罚决定每件扣分"),
                _rule("credit.window.penalty", 1095, CALENDAR_DAYS, "行政处罚扣分衰减期（线性降至0）")),
    "complaint": (N_("投诉举报查实"), _rule("credit.points.complaint", 5, COUNT, "投诉举报查实每件扣分"),
                  _rule("credit.window.complaint", 365, CALENDAR_DAYS, "投诉举报查实扣分衰减期（线性降至0）")),
    "inspection_fail": (N_("监督检查不符合"),
                        _rule("credit.points.inspection_fail", 8, COUNT, "监督检查结果不符合每次扣分"),
                        _rule("credit.window.inspection_fail", 730, CALENDAR_DAYS,
                              "监督检查不符合扣分衰减期（线性降至0）")),
    "inspection_basic": (N_("监督检查基本符合"),
                         _rule("credit.points.inspection_basic", 2, COUNT, "监督检查结果基本符合每次扣分"),
                         _rule("credit.window.inspection_basic", 365, CALENDAR_DAYS,
                               "监督检查基本符合扣分衰减期（线性降至0）")),
    "problem_late": (N_("包保问题逾期整改"),
                     _rule("credit.points.problem_late", 3, COUNT, "包保督导问题逾期整改（或逾期未整改）每个扣分"),
                     _rule("credit.window.problem_late", 365, CALENDAR_DAYS, "包保问题逾期扣分衰减期（线性降至0）")),
    "black_list": (N_("列入黑榜"), _rule("credit.points.black_list", 10, COUNT, "列入红黑榜黑榜每期扣分"),
                   _rule("credit.window.black_list", 365, CALENDAR_DAYS, "黑榜扣分衰减期（线性降至0）")),
    "red_list": (N_("列入红榜"), _rule("credit.points.red_list", 5, COUNT, "列入红黑榜红榜每期加分"),
                 _rule("credit.window.red_list", 365, CALENDAR_DAYS, "红榜加分衰减期（线性降至0）")),
}  # fmt: skip
# States counted in full while they last (no decay).
STATE_RULES = {
    "dishonesty": (N_("列入严重违法失信名单"),
                   _rule("credit.points.dishonesty", 45, COUNT, "列入严重违法失信名单期间扣分")),
    "license_expired": (N_("许可证过期未换证"),
                        _rule("credit.points.license_expired", 10, COUNT, "许可证过期仍在营扣分")),
    "problem_open": (N_("包保问题逾期未销号"),
                     _rule("credit.points.problem_open", 5, COUNT, "包保问题逾期未销号每个扣分（整改前）")),
    "insured": (N_("投保食品安全责任保险"),
                _rule("credit.points.insured", 3, COUNT, "投保食品安全责任保险（保单有效期内）加分")),
}  # fmt: skip
GOOD_KINDS = ("red_list", "insured")

# Recompute and reminders
RECOMPUTE_HOUR = _rule("credit.recompute_hour", 3, HOURS, "信用等级每日重算时间（每天几点；时间衰减）")
EXPIRY_NOTICE = _rule("credit.insurance_expiry_days", 30, CALENDAR_DAYS, "责任保险到期提醒（到期前天数）")
REMIND_HOUR = _rule("credit.insurance_remind_hour", 9, HOURS, "责任保险到期提醒时间（每天几点）")
IMPORT_MAX_ROWS = _rule("credit.import_max_rows", 20000, COUNT, "一次导入保单的最多行数")
RURAL_DINNER_TARGET = _rule(
    "credit.insurance_rural_dinner_target_pct", 80, COUNT, "农村集体聚餐食品安全责任保险覆盖率目标（%）",
    source="docs/domain.md §11（S2：2023年农村集体聚餐投保率不低于80%）",
)  # fmt: skip
PRIORITY_TARGET = _rule(
    "credit.insurance_priority_target_pct", 100, COUNT, "重点领域食品安全责任保险覆盖率目标（%）",
    source="docs/domain.md §11（S1：重点领域推行食品安全责任保险；目标值待核实）",
)  # fmt: skip

# Priority categories for liability insurance (docs/domain.md §11, S1): policy data, not code. Each maps to
# entities by business_type/sub_type and, for the producers of meat, eggs, milk and baijiu (the register has no
# product field), by words in the entity's name.
PRIORITY_CATEGORIES = (
    {"key": "meat", "label": N_("肉制品生产企业"), "sub_types": ("food_producer",), "words": ("肉",)},
    {"key": "egg", "label": N_("蛋制品生产企业"), "sub_types": ("food_producer",), "words": ("蛋",)},
    {"key": "milk", "label": N_("乳制品生产企业"), "sub_types": ("food_producer",), "words": ("乳", "奶")},
    {"key": "baijiu", "label": N_("白酒生产企业"), "sub_types": ("food_producer",), "words": ("酒",)},
    {"key": "school", "label": N_("学校食堂"), "sub_types": ("school_canteen", "kindergarten_canteen"), "words": ()},
    {"key": "rural_dinner", "label": N_("农村集体聚餐"), "sub_types": ("rural_dinner",), "words": ()},
    {"key": "group_meal", "label": N_("集体用餐配送单位"), "sub_types": ("group_meal",), "words": ()},
    {"key": "central_kitchen", "label": N_("中央厨房"), "sub_types": ("central_kitchen",), "words": ()},
)
