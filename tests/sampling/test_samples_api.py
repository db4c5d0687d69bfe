"""Samples over /api/v1/sampling (docs/sampling.md §3): a photo uploaded then referenced, the sample created once
per client key (201, then 200 with the same record), refusals as 422 naming the field, sending and receipt, and
an enterprise token reading only its own entity's samples."""

import datetime
import io
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from shian.accounts.models import Role
from shian.sampling.models import Sample

from .samples_setup import station_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/sampling"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(world, **changes) -> dict:
    body = {
        "entity_id": world["shop"].pk, "client_key": str(uuid.uuid4()), "category": "dairy", "product": "纯牛奶",
        "quantity": "12盒", "backup_quantity": "6盒", "producer_name": "某乳业有限公司", "lab_id": world["lab"].pk,
        "sampler_ids": [world["li"].pk], "sampled_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "entity_signer": "孙店长",
    }  # fmt: skip
    body.update(changes)
    return body


def _photo(client) -> int:
    data = io.BytesIO()
    Image.new("RGB", (50, 50), (0, 0, 200)).save(data, format="JPEG")
    data.seek(0)
    data.name = "milk.jpg"
    answer = client.post(f"{API}/photos", {"file": data})
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def test_create_is_idempotent_by_client_key_and_claims_the_photo(station_world):
    client = _client(station_world["zhang"])
    body = _body(station_world, photo_ids=[_photo(client)])
    first = client.post(f"{API}/samples", body, content_type="application/json")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["number"].startswith("CJ") and len(data["photo_ids"]) == 1
    assert {s["name"] for s in data["samplers"]} == {"张抽样", "李抽样"}
    assert data["due_rules"]["to_lab"]["code"] == "sampling.to_lab"
    again = client.post(f"{API}/samples", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Sample.objects.count() == 1
    assert client.get(f"{API}/photos/{data['photo_ids'][0]}").status_code == 200


def test_refusals_are_422_naming_the_field_and_store_nothing(station_world):
    client = _client(station_world["zhang"])
    answer = client.post(
        f"{API}/samples", _body(station_world, sampler_ids=[station_world["wang"].pk]), content_type="application/json"
    )
    assert answer.status_code == 422
    assert "王乔官" in str(answer.json())
    answer = client.post(f"{API}/samples", _body(station_world, sampler_ids=[]), content_type="application/json")
    assert answer.status_code == 422 and "两名执法人员" in str(answer.json())
    assert not Sample.objects.exists()


def test_sent_and_received_over_the_api(station_world):
    client = _client(station_world["zhang"])
    pk = client.post(f"{API}/samples", _body(station_world), content_type="application/json").json()["id"]
    sent = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    answer = client.post(f"{API}/samples/{pk}/sent", {"sent_at": sent}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "sent"
    early = (timezone.now() - datetime.timedelta(days=3)).isoformat()
    answer = client.post(f"{API}/samples/{pk}/received", {"received_at": early}, content_type="application/json")
    assert answer.status_code == 422 and "不能早于送检时间" in str(answer.json())
    answer = client.post(f"{API}/samples/{pk}/received", {"received_at": sent}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["report_due"] is not None


def test_the_list_is_scoped_and_filtered(station_world, make_user):
    client = _client(station_world["zhang"])
    client.post(f"{API}/samples", _body(station_world), content_type="application/json")
    client.post(f"{API}/samples", _body(station_world, sampled_at=(timezone.now() - datetime.timedelta(days=20))
                                        .isoformat()), content_type="application/json")  # fmt: skip
    assert client.get(f"{API}/samples").json()["count"] == 2
    assert client.get(f"{API}/samples?overdue=to_lab").json()["count"] == 1
    assert client.get(f"{API}/samples?status=sent").json()["count"] == 0
    owner = make_user(Role.ENTERPRISE, "370725001001", entity=station_world["shop"])
    stranger = make_user(Role.ENTERPRISE, "370725001001")
    assert _client(owner).get(f"{API}/samples").json()["count"] == 2
    assert _client(stranger).get(f"{API}/samples").json()["count"] == 0
    other_station = _client(station_world["wang"])
    assert other_station.get(f"{API}/samples").json()["count"] == 0
    assert (
        _client(owner).post(f"{API}/samples", _body(station_world), content_type="application/json").status_code == 403
    )
