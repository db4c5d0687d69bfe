"""The entity page's panel registry (shian/core/entitypanels.py): panels render in order and are left out when they
have nothing to show; a panel that raises is left out in production (logged) and fails loudly in development and
the tests (SHIAN_STRICT_PANELS), so a broken module cannot pass unseen."""

import pytest

from shian.core import entitypanels
from shian.core.entitypanels import Panel


def _broken(**_kw):
    raise RuntimeError("panel bug")


@pytest.fixture
def only(monkeypatch):
    def install(*panels):
        monkeypatch.setattr(entitypanels, "_PANELS", {p.key: p for p in panels})

    return install


def test_panels_render_in_order_and_empty_ones_are_left_out(only):
    only(
        Panel("b", "乙", "b.html", lambda **kw: {"x": 1}, order=20),
        Panel("a", "甲", "a.html", lambda **kw: {"y": 2}, order=10),
        Panel("c", "丙", "c.html", lambda **kw: None, order=5),
    )
    assert [s.key for s in entitypanels.panels_for(user=None, entity=None)] == ["a", "b"]


def test_a_failing_panel_raises_when_strict(only, settings):
    settings.SHIAN_STRICT_PANELS = True
    only(Panel("bad", "坏", "bad.html", _broken))
    with pytest.raises(RuntimeError, match="panel bug"):
        entitypanels.panels_for(user=None, entity=None)


def test_a_failing_panel_is_logged_and_left_out_in_production(only, settings, caplog):
    settings.SHIAN_STRICT_PANELS = False
    only(Panel("bad", "坏", "bad.html", _broken), Panel("ok", "好", "ok.html", lambda **kw: {"z": 3}))
    shown = entitypanels.panels_for(user=None, entity=None)
    assert [s.key for s in shown] == ["ok"]
    assert "entity panel bad failed" in caplog.text
