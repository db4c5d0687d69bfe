"""The shipped catalog file (seed 001 transcribed) passes the stand-alone checker, and the checker refuses the two
broken files issue 23 names (a sub-item number twice; points that don't add up to the item) with messages naming
the entry."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "shian" / "evaluation" / "data" / "catalog_nm2023.toml"


def _load_checker():
    spec = importlib.util.spec_from_file_location("check_catalog", ROOT / "scripts" / "check_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checker = _load_checker()


def _broken_copy(tmp_path, pattern, replacement):
    text = CATALOG.read_text(encoding="utf-8")
    broken, n = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert n == 1, pattern
    path = tmp_path / "catalog.toml"
    path.write_text(broken, encoding="utf-8")
    return path


def test_shipped_catalog_counts():
    assert checker.check_file(CATALOG) == {
        "aspects": 5,
        "items": 36,
        "sub_items": 107,
        "veto_items": 4,
        "max_points": 130,
    }


def test_shipped_catalog_numbers_every_sub_item_once(capsys):
    assert checker.main([str(CATALOG)]) == 0
    assert '"sub_items": 107' in capsys.readouterr().out
    data = checker.tomllib.loads(CATALOG.read_text(encoding="utf-8"))
    nos = [s["no"] for a in data["aspects"] for i in a["items"] for s in i["sub_items"]]
    assert nos == list(range(1, 108))
    assert [v["no"] for v in data["vetoes"]] == [108, 109, 110, 111]


def test_duplicate_sub_item_number_is_refused(tmp_path, capsys):
    # (5) renumbered as (4): both sit in item 2.
    path = _broken_copy(tmp_path, r"^(\[\[aspects\.items\.sub_items\]\]\nno = )5$", r"\g<1>4")
    with pytest.raises(checker.CatalogError) as caught:
        checker.check_file(path)
    assert caught.value.messages == ["第 2 项第 (4) 小项：小项编号 (4) 重复（第 2 项第 (4) 小项已用）"]
    assert checker.main([str(path)]) == 1
    assert "小项编号 (4) 重复" in capsys.readouterr().err


def test_points_that_do_not_add_up_are_refused(tmp_path):
    # (72) raised from 10 to 12: item 26 (20 points) no longer adds up, nor does aspect 5 or the total.
    path = _broken_copy(tmp_path, r"^(no = 72\ntext = .*\npoints = )10$", r"\g<1>12")
    with pytest.raises(checker.CatalogError) as caught:
        checker.check_file(path)
    assert caught.value.messages == ["第 26 项：小项分值合计 22 分，与大项 20 分不符"]


def test_pick_item_beyond_its_sub_items_is_refused(tmp_path):
    # item 36 picks 2 of (104)-(107); picking 5 of 4 is refused.
    path = _broken_copy(tmp_path, r"^(no = 36\ntitle = .*\npoints = 5\nmandatory = false\npick = )2$", r"\g<1>5")
    with pytest.raises(checker.CatalogError) as caught:
        checker.check_file(path)
    assert caught.value.messages == ["第 36 项：任选 5 项，但只有 4 个小项"]
