"""The seeded warning rules (version 1), written by migration 0002: (code, name, kind, level, scope, window days,
parameters, source). County staff edit them (a new version each time, audited)."""

SEED = "seed 002（食品安全风险预警平台与预警模型）"

RULES = [
    ("samples_fail_cluster", "同乡镇同类食品抽检不合格聚集", "failed_samples", "orange", "township", 30,
     {"min_count": 2}, f"{SEED}；docs/domain.md §8 多批次不合格闭环处置"),
    ("complaints_above_baseline", "投诉举报高于自身基线", "complaint_baseline", "yellow", "entity", 30,
     {"min_count": 3, "baseline_days": 180, "p_permille": 10}, f"{SEED}；泊松尾概率检验，docs/domain.md §9"),
    ("repeat_violation", "重复违法违规", "repeat_violation", "orange", "entity", 365,
     {"min_count": 2}, "docs/domain.md §6：12 个月内同一事项两次不合格标记为重复违规"),
    ("high_risk_overdue", "高风险主体检查逾期", "high_risk_overdue", "red", "entity", 30,
     {"min_band": 3}, "docs/domain.md §6：C/D 级主体的重点检查频次"),
    ("licence_expired", "许可证过期仍在营", "licence_expired", "yellow", "entity", 30,
     {"ahead_days": 0}, "《食品经营许可和备案管理办法》：许可证有效期届满未延续不得继续经营"),
    ("opinion_burst", "舆情集中指向同一主体", "opinion_burst", "red", "entity", 7,
     {"min_count": 3}, f"{SEED}；docs/domain.md §10"),
]
