"""Deadlines of the modules still to come (docs/domain.md §15), declared here until their app exists to own them.

Seeded as national rows by migration 0003; a region overrides one by adding a newer version (shian.core.rules).
"""

from .rules import CALENDAR_DAYS, COUNT, HOURS, MINUTES, WORKING_DAYS, register_rule

for code, name, unit, default, source in (
    ("complaint.accept", "投诉受理决定", WORKING_DAYS, 7, "市场监管总局令第20号（待核实）"),
    ("complaint.mediation", "投诉调解终结", WORKING_DAYS, 45, "市场监管总局令第20号（待核实）"),
    ("report.check", "举报核查处理决定", WORKING_DAYS, 15, "行政处罚程序规定（待核实）"),
    ("report.notify_informant", "告知实名举报人", WORKING_DAYS, 5, "行政处罚程序规定（待核实）"),
    ("case.decision", "案件作出处理决定", CALENDAR_DAYS, 90, "行政处罚程序规定（待核实）"),
    ("incident.report", "食品安全事故（含疑似）报告", HOURS, 2, "昌乐县2024年工作要点（S4）"),
    ("worklist.due_soon_days", "工作台提前提示天数", CALENDAR_DAYS, 3, "本平台约定（工作台：临近期限的事项）"),
    ("notification.digest_hour", "每日通知摘要发送时刻（时）", HOURS, 8, "本平台约定（每日通知摘要）"),
    ("opinion.feedback", "舆情反馈", HOURS, 24, "昌乐县2024年工作要点（S4）"),
):
    register_rule(code, default=default, unit=unit, name=name, source=source)

# Backups (shian.core.jobs, docs/commands.md "Backup and restore"): the hour of the nightly backup and how many
# backups of each class retention keeps (the newest of each day, ISO week and month).
for code, name, unit, default in (
    ("backup.hour", "每日自动备份时刻（时）", HOURS, 2),
    ("backup.keep_daily", "保留每日备份份数", COUNT, 7),
    ("backup.keep_weekly", "保留每周备份份数", COUNT, 4),
    ("backup.keep_monthly", "保留每月备份份数", COUNT, 12),
):
    register_rule(code, default=default, unit=unit, name=name, source="运维约定（docs/commands.md）")

# The scheduler (shian.core.schedule): how it retries and how long a job's lease holds.
register_rule("schedule.retry_minutes", default=60, unit=MINUTES, name="定时任务失败后重试间隔",
              source="docs/architecture.md §6.3")  # fmt: skip
register_rule("schedule.lease_minutes", default=120, unit=MINUTES, name="定时任务占用时限（防止重复运行）",
              source="docs/architecture.md §6.3")  # fmt: skip
register_rule("schedule.keep_runs_days", default=90, unit=CALENDAR_DAYS, name="定时任务运行记录保留天数",
              source="docs/architecture.md §6.3")  # fmt: skip

# One-time phone codes (shian.core.phonecodes, docs/security.md): expiry, tries and the send limits per phone and
# per client address in a window.
for code, name, unit, default in (
    ("phonecodes.minutes", "短信验证码有效时间（分钟）", MINUTES, 10),
    ("phonecodes.tries", "短信验证码最多尝试次数", COUNT, 5),
    ("phonecodes.window_minutes", "短信验证码发送限额统计时段（分钟）", MINUTES, 60),
    ("phonecodes.per_phone", "同一手机号时段内最多发送次数", COUNT, 5),
    ("phonecodes.per_address", "同一客户端地址时段内最多发送次数", COUNT, 20),
    ("open_api.per_minute", "开放接口每个客户端地址每分钟请求上限", COUNT, 60),
):
    register_rule(code, default=default, unit=unit, name=name, source="docs/security.md §2")
