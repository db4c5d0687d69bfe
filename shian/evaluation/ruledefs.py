"""Rule numbers of the evaluation (docs/evaluation.md §3, §4) with their defaults and sources; a region overrides one
in the rule store."""

from shian.core.rules import COUNT, HOURS, register_rule

NA_RESCALE = register_rule(
    "evaluation.na_rescale", default=1, unit=COUNT, name="合理缺项按比例折算（1 = 折算，0 = 不折算）",
    source="seed 001 评价细则：合理缺项得分 = 实得分 ÷（总分 − 缺项分）× 总分（docs/evaluation.md §3）",
)  # fmt: skip
TASKS_HOUR = register_rule(
    "evaluation.tasks_hour", default=1, unit=HOURS, name="评价周期任务生成时间（每天几点）",
    source="本平台约定（docs/evaluation.md §4）",
)  # fmt: skip
SNAPSHOT_WEEKDAY = register_rule(
    "evaluation.snapshot_weekday", default=1, unit=COUNT, name="评价得分快照日（星期几，1 为周一）",
    source="seed 001：每周一调度（docs/evaluation.md §4）",
)  # fmt: skip
SNAPSHOT_HOUR = register_rule(
    "evaluation.snapshot_hour", default=6, unit=HOURS, name="评价得分快照时间（几点，早于调度周报）",
    source="本平台约定（docs/evaluation.md §4）",
)  # fmt: skip

# Thresholds of the automatic indicators (docs/evaluation.md §6): percentages as whole numbers, counts as they are.
# Where seed 001 gives no number, the requirement is read as "every one" (100 %) and the reading is in the source.
INDICATOR_THRESHOLDS = [register_rule(code, default=default, unit=COUNT, name=name, source=source) for code, default,
                        name, source in (
    ("evaluation.baobao_pct", 100, "示范评价：包保落实率与季度督导完成率达标线（%）",
     "seed 001 第(73)项：建立健全分层分级包保机制，压实属地管理责任（无数值，读作每户落实、每季督导，docs/domain.md §4.5）"),
    ("evaluation.inspection_coverage_pct", 100, "示范评价：日常监督检查全覆盖率达标线（%）",
     "seed 001 第(20)项：在日常监督检查全覆盖基础上……（docs/domain.md §12.3）"),
    ("evaluation.sampling_pct", 100, "示范评价：监督抽检完成率、核查处置率、生产企业覆盖率与结果公开率达标线（%）",
     "seed 001 第(28)项：三项均达到100%；第(29)项依法公开（读作全部公开）（docs/domain.md §12.1）"),
    ("evaluation.samples_per_thousand_x10", 40, "示范评价：年均食品抽检量达标线（批次/千人×10）",
     "seed 001 第(44)项：年均食品抽检量达到4批次/千人（docs/domain.md §12.3）"),
    ("evaluation.cases_pct", 100, "示范评价：案件立案率与办结率达标线（%）",
     "seed 001 第(30)项：食品安全违法案件立案率和办结率达到100%（docs/domain.md §12.3）"),
    ("evaluation.complaints_on_time_pct", 98, "示范评价：食品类投诉按时办结率达标线（%）",
     "seed 001 第(38)项：食品类消费投诉按时办结率98%以上（docs/domain.md §12.3）"),
    ("evaluation.staffing_pct", 100, "示范评价：食品安全管理人员配备率达标线（%）",
     "seed 001 第(72)项：督促指导食品生产经营者配备食品安全管理人员（无数值，读作每户配备，docs/domain.md §5）"),
    ("evaluation.training_pct", 100, "示范评价：年度培训学时达标率达标线（%）",
     "seed 001 第(53)项：负责人、食品质量安全管理人员每年集中培训不低于40学时（读作人人达到；学时为规则 duties.training_hours）"),
    ("evaluation.test_pass_pct", 95, "示范评价：监督抽查考核合格率达标线（%）",
     "seed 001 第(53)项：监督抽查考核合格率达到95%以上"),
    ("evaluation.live_drills", 1, "示范评价：近两年实战应急演练次数达标线",
     "seed 001 第(48)项：近两年以旗县政府或食安办名义开展实战应急演练（至少1次）（docs/domain.md §12.3）"),
    ("evaluation.insurance_pct", 100, "示范评价：重点领域食品安全责任保险覆盖率达标线（%）",
     "seed 001 第(68)项：肉蛋奶和白酒生产企业、学校食堂等主动购买（读作全部投保）（docs/domain.md §12.3）"),
    ("evaluation.kitchen_school_pct", 100, "示范评价：学校食堂“互联网+明厨亮灶”覆盖率达标线（%）",
     "seed 001 第(95)项：覆盖率达到100%（docs/domain.md §12.3）"),
    ("evaluation.veto_incidents", 1, "示范评价：二年内重大及以上事故起数否决线（达到即否决）",
     "seed 001 第(109)项：二年内发生重大及以上食品安全事故即否决（docs/domain.md §12.1）"),
)]  # fmt: skip
