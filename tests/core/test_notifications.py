"""Notifications people read: grouped by kind and object (one "3 个问题逾期未整改…（宝都街道）" instead of three rows),
a badge that counts distinct things needing action, per-user preferences, and a daily digest job."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shian.core import digest, schedule, selectors, services
from shian.core.models import Notification, NotificationPreference
from shian.visits import services as visit_services
from shian.visits.models import Problem
from tests.visits.conftest import sign, world  # noqa: F401  (the visit world fixture)

RECORDER = "tests.core.test_notifications.Recorder"
IN_APP = "shian.core.notifiers.InAppNotifier"


class Recorder:
    """A channel that keeps what it was asked to send (an SMS gateway stand-in)."""

    label = "记录器"
    sent: list = []

    def send(self, *, users, text, url="", **grouping):
        Recorder.sent.extend((u.username, text) for u in users)
        return len(users)


@pytest.fixture
def recorder(settings):
    settings.SHIAN_NOTIFIERS = [IN_APP, RECORDER]
    Recorder.sent = []
    return Recorder


@pytest.fixture
def escalated(world):  # noqa: F811
    """Three problems of one entity, a month past their deadline, escalated to the township and then the county."""
    visit, _created = sign(world, fail={1: "后厨地面积水", 2: "留样不全", 3: "消毒记录缺失"})
    Problem.objects.filter(visit=visit).update(due_at=timezone.now() - datetime.timedelta(days=30))
    assert visit_services.escalate_overdue() == {"station": 3, "county": 3}
    return world


@pytest.mark.django_db
def test_escalations_are_one_group_per_area(client, escalated):
    """The county gets three messages but one line and a badge of 1: the township they happened in."""
    county = escalated.county_admin
    assert Notification.objects.filter(user=county).count() == 3
    assert selectors.unread_count(user=county) == 1
    assert selectors.unread_count(user=escalated.township_admin) == 1  # one village
    client.force_login(county)
    body = client.get("/core/notifications/").content.decode()
    assert "3 个问题逾期未整改，已升级至县级督办（宝都街道）" in body
    assert body.count('data-count="3"') == 1


@pytest.mark.django_db
def test_opening_a_group_reads_the_whole_group_and_follows_its_list(client, escalated):
    county = escalated.county_admin
    note = Notification.objects.filter(user=county).first()
    client.force_login(county)
    response = client.post(f"/core/notifications/{note.pk}/open/")
    assert response.status_code == 302
    assert "escalated=2" in response["Location"] and "region=370725001" in response["Location"]
    assert selectors.unread_count(user=county) == 0
    assert not Notification.objects.filter(user=county, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_badge_counts_groups_and_single_messages(make_user):
    from shian.accounts.models import Role

    user = make_user(Role.COUNTY_ADMIN, "370725")
    for _ in range(4):
        services.notify(users=[user], text="逾期", kind="problem.escalated", group="a", group_text="%(n)d 个逾期")
    services.notify(users=[user], text="另一处逾期", kind="problem.escalated", group="b")
    services.notify(users=[user], text="一条单独的消息")
    services.notify(users=[user], text="又一条单独的消息")
    assert selectors.unread_count(user=user) == 4  # group a, group b, two singles
    services.mark_read(actor=user)
    assert selectors.unread_count(user=user) == 0


@pytest.mark.django_db
def test_muted_kind_is_not_sent(escalated, make_user):
    """A user who muted escalations gets none; the others still do."""
    from shian.accounts.models import Role

    muted = make_user(Role.COUNTY_ADMIN, "370725")
    services.set_preferences(actor=muted, muted_kinds=["problem.escalated"], digest=True)
    before = Notification.objects.filter(user=escalated.county_admin).count()
    visit, _created = sign(escalated, fail={4: "冷藏温度超标"})
    Problem.objects.filter(visit=visit).update(due_at=timezone.now() - datetime.timedelta(days=30))
    visit_services.escalate_overdue()
    assert not Notification.objects.filter(user=muted).exists()
    assert Notification.objects.filter(user=escalated.county_admin).count() == before + 1


@pytest.mark.django_db
def test_preferences_refuse_unknown_kinds_and_channels(make_user, recorder):
    from shian.accounts.models import Role

    user = make_user(Role.CADRE, "370725001001")
    with pytest.raises(ValidationError) as exc:
        services.set_preferences(actor=user, muted_kinds=["no.such_kind"], digest=True)
    assert "no.such_kind" in str(exc.value)
    with pytest.raises(ValidationError):
        services.set_preferences(actor=user, muted_kinds=[], digest=True, channel="os.system")
    pref = services.set_preferences(actor=user, muted_kinds=[], digest=False, channel=RECORDER)
    assert (pref.digest, pref.channel) == (False, RECORDER)


@pytest.mark.django_db
def test_settings_page_saves_the_users_choices(client, make_user, recorder):
    from shian.accounts.models import Role

    user = make_user(Role.TOWNSHIP_ADMIN, "370725001")
    client.force_login(user)
    page = client.get("/core/notifications/settings/")
    assert page.status_code == 200 and "问题逾期升级" in page.content.decode()
    from shian.core.notifykinds import kinds

    # every kind but one (later modules register kinds of their own)
    wanted = [code for code, _label in kinds() if code != "problem.escalated"]
    response = client.post("/core/notifications/settings/", {"wanted": wanted, "channel": RECORDER})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=user)
    assert pref.muted_kinds == ["problem.escalated"] and pref.digest is False and pref.channel == RECORDER
    bad = client.post("/core/notifications/settings/", {"wanted": ["nope"], "digest": "on"})
    assert bad.status_code == 422


def _at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour, 0)))


@pytest.mark.django_db
def test_daily_digest_job(escalated, recorder, make_user):
    """From 08:00, each account with unread messages gets one digest through the configured channel, once a
    day; an account that turned the digest off gets none."""
    from shian.accounts.models import Role

    assert "core.notification_digest" in {job.name for job in schedule.jobs()}
    quiet = make_user(Role.COUNTY_ADMIN, "370725")
    services.notify(users=[quiet], text="一条消息")
    services.set_preferences(actor=quiet, muted_kinds=[], digest=False)
    assert not digest.due(_at(7))
    assert digest.due(_at(9))
    unread_users = set(Notification.objects.filter(read_at__isnull=True).values_list("user__username", flat=True))
    sent = digest.send_digests(now=_at(9))
    assert sent == len(unread_users - {quiet.username})
    by_user = dict(Recorder.sent)
    assert quiet.username not in by_user
    assert by_user[escalated.county_admin.username].startswith("您有 1 项待处理：3 个问题逾期未整改")
    assert not digest.due(_at(10))  # sent today: idempotent
    assert digest.send_digests(now=_at(10)) == 0


@pytest.mark.django_db
def test_digest_needs_a_channel_besides_the_bell(escalated, settings):
    settings.SHIAN_NOTIFIERS = [IN_APP]
    assert not digest.due(_at(9))
    assert digest.send_digests(now=_at(9)) == 0
