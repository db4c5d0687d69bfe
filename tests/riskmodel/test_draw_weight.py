# ruff: noqa: F811  (the `pw` fixture is imported from the inspections' planning world)
"""The model's score as the 双随机 draw's weight, algorithm sha256-sample-v2 (docs/inspections.md §4,
docs/riskmodel.md §5): reproducible from the stored weights, refused without a model in use, favouring high scores
without excluding anyone; a draw without it stays v1 and unchanged."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from shian.inspections.models import InspectionTask, RandomDraw
from shian.inspections.services import draws
from shian.inspections.services.draws import run_draw, verify_draw
from shian.riskmodel.features import CODES
from shian.riskmodel.models import EntityScore, ModelVersion
from tests.inspections.planning_world import pw  # noqa: F401

pytestmark = pytest.mark.django_db
COUNTY = "370725"


def model_in_use(version="v3") -> ModelVersion:
    n = len(CODES)
    return ModelVersion.objects.create(
        version=version, cutoff=datetime.date(2026, 12, 1), features=list(CODES), means=[0.0] * n, scales=[1.0] * n,
        coefficients=[0.0] * n, intercept=0.0, rows=1, positives=1, auc=0.5, baseline_auc=0.5,
        trained_at=timezone.now(), in_use=True,
    )  # fmt: skip


def scored_world(pw, n=24):
    """n entities of the county, every other one scored high; the last one left unscored."""
    entities = [pw.entity() for _ in range(n)]
    model = model_in_use()
    for i, e in enumerate(entities[:-1]):
        EntityScore.objects.create(model=model, entity=e, region_id=e.region_id, scored_at=timezone.now(),
                                   probability=0.6 if i % 2 else 0.01)  # fmt: skip
    return entities, model


def crews(draw):
    return [(r["entity"], r["inspectors"]) for r in draw.result]


def test_same_seed_and_scores_give_the_same_tasks_and_verify_reproduces_from_the_stored_weights(pw):
    entities, model = scored_world(pw)
    a = run_draw(actor=pw.county_admin, region_code=COUNTY, count=6, seed="v2", use_score=True)
    b = run_draw(actor=pw.county_admin, region_code=COUNTY, count=6, seed="v2", use_score=True)
    assert crews(a) == crews(b) and a.weights == b.weights and a.weights_sha256 == b.weights_sha256
    assert a.algorithm == "sha256-sample-v2" and a.model_version == "v3"
    assert len(a.weights) == len(a.candidates) and min(a.weights) > 0
    by_id = dict(zip((c[0] for c in a.candidates), a.weights, strict=True))
    assert by_id[entities[-1].pk] == 0.1  # unscored: the rule's 10 %
    assert by_id[entities[0].pk] == 0.05  # 1 % lifted to the 5 % floor
    # the scores are replaced by the next nightly scoring: the draw still verifies from its own record
    EntityScore.objects.filter(model=model).update(probability=0.5)
    assert verify_draw(a.pk) == {"draw": a.pk, "algorithm": "sha256-sample-v2", "reproduced": True, "problems": []}
    c = run_draw(actor=pw.county_admin, region_code=COUNTY, count=6, seed="v2", use_score=True)
    assert c.weights != a.weights and c.weights_sha256 != a.weights_sha256


def test_a_tampered_weight_does_not_verify(pw):
    scored_world(pw)
    draw = run_draw(actor=pw.county_admin, region_code=COUNTY, count=4, seed="t", use_score=True)
    weights = list(draw.weights)
    weights[0] = weights[0] * 10
    RandomDraw.objects.filter(pk=draw.pk).update(weights=weights)
    result = verify_draw(draw.pk)
    assert result["reproduced"] is False and "权重" in result["problems"][0]
    # re-hashed to match, a zero weight (an excluded entity) is still refused
    weights[0] = 0
    RandomDraw.objects.filter(pk=draw.pk).update(weights=weights, weights_sha256=draws.sha256_of(weights))
    assert verify_draw(draw.pk)["reproduced"] is False


def test_without_a_model_in_use_the_score_draw_is_refused_and_nothing_written(pw, superuser):
    for _ in range(5):
        pw.entity()
    with pytest.raises(ValidationError, match="没有在用的检查优先级模型"):
        run_draw(actor=pw.county_admin, region_code=COUNTY, count=2, seed="x", use_score=True)
    with pytest.raises(CommandError, match="train_risk_model"):
        call_command("draw_inspections", "--region", COUNTY, "--count", "2", "--use-score", "--user", "root")
    assert not RandomDraw.objects.exists() and not InspectionTask.objects.exists()


def test_a_draw_without_the_score_stays_v1_and_unchanged_while_a_model_is_in_use(pw):
    entities = [pw.entity() for _ in range(20)]
    before = run_draw(actor=pw.county_admin, region_code=COUNTY, count=5, seed="same")
    model = model_in_use()
    for e in entities:
        EntityScore.objects.create(model=model, entity=e, region_id=e.region_id, scored_at=timezone.now(),
                                   probability=0.9 if e.pk % 2 else 0.01)  # fmt: skip
    after = run_draw(actor=pw.county_admin, region_code=COUNTY, count=5, seed="same")
    assert after.algorithm == "sha256-sample-v1" and after.model_version == "" and after.weights is None
    assert [r["entity"] for r in after.result] == [r["entity"] for r in before.result]
    assert verify_draw(before.pk)["reproduced"] is True and verify_draw(after.pk)["reproduced"] is True


def test_an_unknown_algorithm_version_does_not_verify(pw):
    pw.entity()
    draw = run_draw(actor=pw.county_admin, region_code=COUNTY, count=1, seed="u")
    RandomDraw.objects.filter(pk=draw.pk).update(algorithm="sha256-sample-v9")
    result = verify_draw(draw.pk)
    assert result["reproduced"] is False and "sha256-sample-v9" in result["problems"][0]


def test_high_scores_are_drawn_more_often_over_many_seeds_and_the_floor_keeps_everyone_drawable():
    # a fixed set of seeds: the same counts on every run, not a flaky sample
    rows = [[n, f"U{n}", "", 1] for n in range(1, 1001)]
    probabilities = {n: (0.5 if n % 2 else 0.0) for n in range(1, 1001)}
    weights = draws.score_weights(rows, probabilities, weighted=False, floor_pct=5, unscored_pct=10)
    assert min(weights) == 0.05
    high = low = 0
    for seed in range(40):
        picked = draws.select_entities(rows, seed=str(seed), count=50, weighted=False, weights=weights)
        here = sum(1 for r in picked if r[0] % 2)
        assert here > len(picked) - here  # every seed favours the high scores
        high, low = high + here, low + len(picked) - here
    assert high > 5 * low  # weights 0.5 : 0.05, so about 10 : 1
    assert low > 0  # a zero probability is lifted to the floor: still drawn sometimes
    plain = [r[0] % 2 for s in range(40) for r in draws.select_entities(rows, seed=str(s), count=50, weighted=False)]
    assert abs(2 * sum(plain) - len(plain)) < len(plain) // 5  # v1 unweighted: about half and half


def test_band_weights_multiply_the_score_when_weighted():
    rows = [[1, "", "A", 1], [2, "", "D", 1], [3, "", "", 1]]
    weights = draws.score_weights(rows, {1: 0.2, 2: 0.2, 3: 0.2}, weighted=True, floor_pct=5, unscored_pct=10)
    assert weights == [0.2, 0.8, 0.4]  # A 1, D 4, ungraded as B 2


def test_cli_json_keeps_its_keys_adds_the_algorithm_and_verify_prints_it(pw, superuser):
    scored_world(pw, n=8)
    out = io.StringIO()
    args = ["--region", COUNTY, "--count", "3", "--seed", "cli", "--use-score", "--user", "root", "--json"]
    call_command("draw_inspections", *args, stdout=out)
    first = json.loads(out.getvalue().strip().splitlines()[-1])
    assert {"draw", "seed", "candidates_sha256", "tasks"} <= set(first)
    assert first["algorithm"] == "sha256-sample-v2" and first["model"] == "v3"
    again = io.StringIO()
    call_command("draw_inspections", *args, stdout=again)
    assert json.loads(again.getvalue().strip().splitlines()[-1])["tasks"] == first["tasks"]
    verified = io.StringIO()
    call_command("verify_draw", str(first["draw"]), "--json", stdout=verified)
    assert json.loads(verified.getvalue().strip().splitlines()[-1]) == {
        "draw": first["draw"],
        "reproduced": True,
        "algorithm": "sha256-sample-v2",
    }


def test_the_draw_page_runs_a_score_draw_and_shows_algorithm_and_model(client, pw):
    scored_world(pw, n=6)
    client.force_login(pw.county_admin)
    page = client.post(reverse("inspections:draws"), {"count": "2", "seed": "pg", "use_score": "1"},
                       follow=True).content.decode()  # fmt: skip
    draw = RandomDraw.objects.get()
    assert draw.algorithm == "sha256-sample-v2"
    assert "sha256-sample-v2" in page and "v3" in page and draw.weights_sha256 in page


def test_the_api_runs_a_score_draw_and_refuses_one_without_a_model(client, pw):
    pw.entity()
    client.force_login(pw.county_admin)
    api = "/api/v1/inspections/draws"
    refused = client.post(api, {"count": 1, "use_score": True}, content_type="application/json")
    assert refused.status_code == 422 and "没有在用的检查优先级模型" in refused.json()["message"]
    assert not RandomDraw.objects.exists()
    scored_world(pw, n=4)
    made = client.post(api, {"count": 2, "seed": "api", "use_score": True}, content_type="application/json")
    body = made.json()
    assert made.status_code == 201 and body["algorithm"] == "sha256-sample-v2" and body["model_version"] == "v3"
    assert body["weights_sha256"] == RandomDraw.objects.get().weights_sha256
    verified = client.get(f"{api}/{body['id']}/verify").json()
    assert verified["reproduced"] is True and verified["algorithm"] == "sha256-sample-v2"
