"""Training, scoring and the back-test as commands and services (docs/riskmodel.md §2–§6): the JSON last lines,
the stored version and `selectors.current_model()`, the refusals that leave the model in use in use."""

import datetime
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from shian.core.models import AuditEntry, DeadlineRule
from shian.riskmodel import selectors
from shian.riskmodel.features import CODES
from shian.riskmodel.models import EntityScore, ModelVersion
from shian.riskmodel.services.backtest import replay

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _run(*args) -> dict:
    out = io.StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_train_stores_a_version_in_use_and_current_model_reads_it(rw):
    assert selectors.current_model() is None
    out = _run("train_risk_model", "--cutoff", TODAY.isoformat())
    assert set(out) == {"model", "rows", "features", "auc", "baseline_auc"}
    model = ModelVersion.objects.get(in_use=True)
    assert out["model"] == model.version and out["features"] == len(CODES) == len(model.coefficients)
    assert out["rows"] == 48 * 8 and model.positives > 10
    weights = dict(zip(model.features, model.coefficients, strict=True))
    assert weights["last_key_failed"] > 0 and weights["format_catering"] > 0  # the planted signal
    assert out["auc"] > out["baseline_auc"]
    summary = selectors.current_model()
    assert (summary.version, summary.rows, summary.cutoff) == (model.version, model.rows, TODAY)
    assert summary.features == CODES and summary.auc == model.auc
    assert AuditEntry.objects.filter(action="riskmodel.train").exists()
    second = _run("train_risk_model", "--cutoff", (TODAY - datetime.timedelta(days=30)).isoformat())
    assert second["model"] != out["model"] and ModelVersion.objects.filter(in_use=True).count() == 1
    assert second["rows"] < out["rows"]  # only the records before the earlier cut-off


def test_too_few_failures_or_no_data_is_refused_and_the_model_in_use_stays(rw):
    _run("train_risk_model", "--cutoff", TODAY.isoformat())
    in_use = ModelVersion.objects.get(in_use=True)
    with pytest.raises(CommandError, match="2000-01-01 之前没有检查记录"):
        call_command("train_risk_model", "--cutoff", "2000-01-01")
    DeadlineRule.objects.create(code="riskmodel.min_positives", name="测试", region_prefix="", version=3, unit="n",
                                amount=100_000, valid_from=datetime.date(2000, 1, 1))  # fmt: skip
    with pytest.raises(CommandError, match="少于训练所需的 100000 次（规则 riskmodel.min_positives）"):
        call_command("train_risk_model", "--cutoff", TODAY.isoformat())
    with pytest.raises(CommandError, match="日期格式"):
        call_command("train_risk_model", "--cutoff", "2026-13-01")
    assert list(ModelVersion.objects.filter(in_use=True)) == [in_use] and ModelVersion.objects.count() == 1


def test_scoring_writes_every_operating_entity_with_reasons(rw):
    with pytest.raises(CommandError, match="还没有在用的模型"):
        call_command("score_risk_model")
    _run("train_risk_model", "--cutoff", TODAY.isoformat())
    out = _run("score_risk_model", "--region", "370725")
    assert out["entities"] == 48 == EntityScore.objects.count()
    scores = dict(EntityScore.objects.values_list("entity__name", "probability"))
    catering = [v for k, v in scores.items() if k.startswith("饭店")]
    shops = [v for k, v in scores.items() if k.startswith("商店")]
    assert sum(catering) / len(catering) > 2 * sum(shops) / len(shops)  # the planted signal
    top = EntityScore.objects.order_by("-probability").first()
    assert 1 <= len(top.reasons) <= 3 and all(code in CODES and part > 0 for code, part in top.reasons)
    _run("score_risk_model", "--region", "370725001")  # a re-score replaces, never duplicates
    assert EntityScore.objects.count() == 48


def test_a_model_trained_on_another_feature_set_is_refused(rw):
    _run("train_risk_model", "--cutoff", TODAY.isoformat())
    model = ModelVersion.objects.get(in_use=True)
    model.features = [*model.features[:-1], "weather"]
    model.save()
    with pytest.raises(CommandError, match="缺少：summer；多出：weather"):
        call_command("score_risk_model")
    assert not EntityScore.objects.exists()


def test_backtest_reports_chicagos_two_measures(rw):
    cutoff = TODAY - datetime.timedelta(days=240)
    out = _run("backtest_risk_model", "--cutoff", cutoff.isoformat())
    assert {"failures", "days_earlier_mean", "first_month_share_model", "first_month_share_baseline"} <= set(out)
    assert out["failures"] > 0 and "不代表真实环境" in out["note"]
    assert 0 <= out["first_month_share_model"] <= 1 and out["days_earlier_mean"] > 0
    assert not ModelVersion.objects.exists()  # a back-test stores nothing
    with pytest.raises(CommandError, match="之后.*没有检查记录"):
        call_command("backtest_risk_model", "--cutoff", TODAY.isoformat())


def test_replay_keeps_the_actual_days():
    days = replay(order=np.array([2, 0, 1]), slots=np.array([30, 10, 20]))
    assert list(days) == [20, 30, 10]  # entity 2 first (day 10), then 0 (20), then 1 (30)
