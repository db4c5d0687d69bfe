"""Rule numbers live in the rule store (shian.core.rules) and region levels in shian.core.regioncodes: the
literals that used to be scattered through the apps, in the forms they had, must not come back.

Each app declares its rules with their defaults in its `ruledefs.py`; migrations, `defaults.py` (seed data)
and the demo are data, not rules, and are not searched."""

import re
from pathlib import Path

import pytest

import shian

ROOT = Path(shian.__file__).parent
SKIP_DIRS = {"migrations", "demo", "locale", "static", "__pycache__"}
SKIP_FILES = {"ruledefs.py", "defaults.py", "regioncodes.py"}

FORBIDDEN = [
    # licence expiry (entities.licence_expiry_days)
    (r"timedelta\(days=30\)", "a 30-day period: entities.licence_expiry_days or visits.draft_max_age_days"),
    (r"\bEXPIRY_DAYS\s*=\s*\d", "licence-expiry days: the rule entities.licence_expiry_days"),
    (r"\bdays\s*(:\s*int\s*)?=\s*30\b", "licence-expiry days: the rule entities.licence_expiry_days", "entities/"),
    (r"\bField\(30\b", "licence-expiry days: the rule entities.licence_expiry_days", "entities/"),
    (r"\bor 30\b", "licence-expiry days: the rule entities.licence_expiry_days", "entities/"),
    # yearly training hours (duties.training_hours)
    (r"Decimal\(\"40\"\)", "training hours: the rule duties.training_hours"),
    (r"\bhours\s*(:\s*int\s*)?=\s*40\b", "training hours: the rule duties.training_hours"),
    (r"\belse 40\b", "training hours: the rule duties.training_hours"),
    (r"\bdefault=40\b", "training hours: the rule duties.training_hours"),
    # visit frequency and the 包保 change report, printed into the letters (baobao.visits_per_quarter,
    # baobao.status_report)
    (r"\bVISITS_PER_QUARTER\s*=\s*\d", "visit frequency: the rule baobao.visits_per_quarter"),
    (r"至少督导\s*\d+\s*次|督导≥\s*\d", "visit frequency: the rule baobao.visits_per_quarter"),
    (r"\bREPORT_CHANGE_WORKING_DAYS\s*=\s*\d", "change report: the rule baobao.status_report"),
    (r"在\s*\d+\s*个工作日内报告", "change report: the rule baobao.status_report"),
    # suspicious visits, offline drafts (visits.short_visit_minutes, visits.far_visit_metres,
    # visits.draft_max_age_days)
    (r"\bSHORT_VISIT_MINUTES\s*=\s*\d", "short visit: the rule visits.short_visit_minutes"),
    (r"\bFAR_VISIT_METRES\s*=\s*\d", "far visit: the rule visits.far_visit_metres"),
    (r"\bMAX_DRAFT_AGE\s*=\s*(datetime\.)?timedelta", "draft age: the rule visits.draft_max_age_days"),
    (r"最近\s*\d+\s*天内", "draft age: the rule visits.draft_max_age_days"),
    # daily-check backfill (duties.backfill_days), invitation validity (accounts.invitation_valid_days)
    (r"\bBACKFILL_DAYS\s*=\s*\d", "backfill days: the rule duties.backfill_days"),
    (r"\bINVITATION_VALID_DAYS\s*=\s*\d", "invitation validity: the rule accounts.invitation_valid_days"),
    # region levels as code lengths (shian.core.regioncodes)
    (r"\(0?,?\s*2, 4, 6(, 9)?(, 12)?\)", "code lengths per level: shian.core.regioncodes"),
    (r"\{0: 2, 2: 4", "child code lengths: shian.core.regioncodes.child_length"),
    (
        r"len\(([\w.]*\.)?(code|region_id|region_code|prefix)( or \"\")?\)\s*(<|<=|>|>=|==|!=)\s*(2|4|6|9|12)\b",
        "a level as a code length: shian.core.regioncodes.level_of",
    ),
    (r"(code|region_id)\[:(2|4|6|9)\]", "an ancestor as a code slice: shian.core.regioncodes.ancestor"),
    (r"Substr\([^()]*,\s*1,\s*(2|4|6|9|12)\)", "a level as a code length: shian.core.regioncodes"),
]


def sources():
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in (".py", ".html") or path.name in SKIP_FILES:
            continue
        if SKIP_DIRS & set(path.relative_to(ROOT).parts):
            continue
        yield path


def test_the_search_covers_the_apps():
    searched = {path.relative_to(ROOT).as_posix() for path in sources()}
    assert {"visits/selectors.py", "baobao/documents.py", "duties/services.py", "entities/kpis.py"} <= searched
    assert not any(name.endswith("ruledefs.py") or "/migrations/" in name for name in searched)


@pytest.mark.parametrize("forbidden", FORBIDDEN, ids=[f[0] for f in FORBIDDEN])
def test_no_rule_literal_outside_the_rule_store(forbidden):
    """Each entry: (pattern, the rule to read instead[, the folder a too common form is searched in])."""
    pattern, rule, *under = forbidden
    regex = re.compile(pattern)
    hits = [
        f"{path.relative_to(ROOT).as_posix()}:{n}: {line.strip()}"
        for path in sources()
        if not under or path.relative_to(ROOT).as_posix().startswith(under[0])
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if regex.search(line)
    ]
    assert not hits, f"read {rule} instead of:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    "line",
    [
        "horizon = as_of + datetime.timedelta(days=30)",
        "def expiring_licenses(*, user, days: int = 30):",
        '"training_hours": policy.training_hours if policy else 40,',
        "if not Decimal('0.5') <= amount <= Decimal(\"40\"):",
        "VISITS_PER_QUARTER = 1",
        "SHORT_VISIT_MINUTES = 3",
        "BACKFILL_DAYS = 3",
        "INVITATION_VALID_DAYS = 7",
        "return [code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n]",
        "if not code or len(code) < 6:",
        "township = cadre.region_id[:9]",
    ],
)
def test_the_patterns_catch_the_old_forms(line):
    assert any(re.search(forbidden[0], line) for forbidden in FORBIDDEN)
