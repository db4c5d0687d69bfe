import datetime
import io
import re
import zipfile
import zlib

import docx
import pypdf
import pytest
from django.contrib.messages import get_messages
from django.test import Client

from shian.accounts.models import Role
from shian.baobao import documents, selectors, services, views
from shian.baobao.models import AssignmentRun, Cadre, Commitment, Guarantee
from shian.core.models import AuditEntry
from shian.entities.models import Entity
from shian.reports.pdf import OfflineURLFetcher, html_to_pdf

TITLES = [
    "食品安全包保责任清单",
    "食品安全包保任务清单",
    "食品安全包保督查清单",
    "食品安全包保问题整改清单",
    "食品安全责任与任务承诺书",
]
ENTITIES = [
    ("站前社区红星饭店", "catering", "large_restaurant"),
    ("宝都惠民超市", "sales", "supermarket"),
    ("昌乐宏达食品有限公司", "production", "food_producer"),
]


@pytest.fixture
def county_admin(make_user):
    return make_user(Role.COUNTY_ADMIN, "370725")


@pytest.fixture
def cadre_user(make_user):
    return make_user(Role.CADRE, "370725001001")


@pytest.fixture
def setup(regions, cadre_user):
    """A village cadre with three entities and a township cadre with one, both in 宝都街道."""
    run = AssignmentRun.objects.create(region_id="370725", status="published")
    supporter = Cadre.objects.create(
        name="王保障", level="township", region_id="370725001", is_regulator=True, position="市场监管所所长"
    )
    cadre = Cadre.objects.create(
        name="张建国",
        level="village",
        position="村党支部书记",
        region_id="370725001001",
        phone="13805361234",
        user=cadre_user,
    )
    township_cadre = Cadre.objects.create(name="李卫东", level="township", position="副镇长", region_id="370725001")
    since = datetime.date(2026, 1, 1)
    entities = []
    for n, (name, business_type, sub_type) in enumerate(ENTITIES):
        entity = Entity.objects.create(
            name=name,
            region_id="370725001001",
            business_type=business_type,
            sub_type=sub_type,
            address=f"昌乐县宝都街道站前路{n + 1}号",
            declared_grade="D",
        )
        Guarantee.objects.create(entity=entity, cadre=cadre, supporter=supporter, run=run, since=since)
        entities.append(entity)
    school = Entity.objects.create(
        name="宝都街道中心小学食堂", region_id="370725001", business_type="canteen", address="宝都街道学府路1号"
    )
    Guarantee.objects.create(entity=school, cadre=township_cadre, run=run, since=since)
    return {"cadre": cadre, "township_cadre": township_cadre, "entities": entities}


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_streams(data: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # font programs and images that are not Flate-compressed
    return out


def pdf_text(data: bytes) -> str:
    """The PDF's text layer as a reader copying it would get it (pypdf reads each font's ToUnicode map), with the
    white space of line breaks taken out."""
    return re.sub(r"\s", "", "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def pdf_contains_text(data: bytes, text: str) -> bool:
    return text in pdf_text(data)


def build(user, cadre, fmt, commitment=None):
    guarantees = selectors.cadre_guarantees(user=user, cadre=cadre)
    return documents.build(cadre, guarantees, commitment, fmt=fmt, year=2026)


def test_docx_has_five_parts_entities_and_layout(db, setup, county_admin):
    name, data = build(county_admin, setup["cadre"], "docx")
    assert name == "站前社区_张建国_包保清单与承诺书.docx"
    text = docx_text(data)
    assert "张建国" in text
    for title in TITLES:
        assert title in text
    for entity in setup["entities"]:
        assert entity.name in text and entity.address in text
    assert "王保障" in text and "餐饮服务" in text and "督导≥1次" in text
    assert "15个工作日内" in text and "村级包保干部职责" in text
    # only the formats the cadre's entities have: catering, sales, production — not special food
    assert "餐饮服务检查事项" in text and "食品生产检查事项" in text and "特殊食品检查事项" not in text
    assert "承诺人（签字）" in text and "在线确认" not in text
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(s.mm) for s in sizes] == [210, 297, 37, 35, 28, 26]
    titles = [p for p in document.paragraphs if p.style.name == "GW Title"]
    assert [p.text for p in titles] == TITLES
    assert all(p.paragraph_format.page_break_before for p in titles[1:])
    styles = document.styles.element.xml
    assert 'w:eastAsia="方正小标宋简体"' in styles and 'w:eastAsia="仿宋"' in styles and 'w:eastAsia="黑体"' in styles
    footer = section.footer._element.xml
    assert "PAGE" in footer and "—" in footer
    assert len(document.tables) >= 5


def test_confirmed_commitment_is_shown_with_its_date(db, setup, cadre_user):
    commitment = services.confirm_commitment(actor=cadre_user, cadre=setup["cadre"], year=2026)
    Commitment.objects.filter(pk=commitment.pk).update(
        confirmed_at=datetime.datetime(2026, 3, 5, 1, 0, tzinfo=datetime.UTC)
    )
    commitment.refresh_from_db()
    text = docx_text(build(cadre_user, setup["cadre"], "docx", commitment)[1])
    assert "已于 2026年3月5日 在线确认" in text and "承诺人（签字）" not in text
    assert "包保食品生产经营主体3家" in text


def test_pdf_embeds_a_cjk_font_and_has_a_text_layer(db, setup, county_admin):
    name, data = build(county_admin, setup["cadre"], "pdf")
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    inflated = b"\n".join(pdf_streams(data))
    assert b"/FontFile" in inflated and b"Noto-Serif-CJK-SC" in inflated
    assert pdf_contains_text(data, "张建国")
    assert pdf_contains_text(data, "承诺书")
    assert pdf_contains_text(data, ENTITIES[1][0])


def test_pdf_renderer_never_fetches():
    fetcher = OfflineURLFetcher()
    for url in ("http://example.com/a.png", "https://example.com/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    html = '<html><body><img src="http://192.0.2.1/x.png"><p>好</p></body></html>'
    assert html_to_pdf(html).startswith(b"%PDF")


def test_detail_page_masks_phone_and_lists_entities(db, setup, county_admin):
    client = Client()
    client.force_login(county_admin)
    page = client.get(f"/baobao/cadres/{setup['cadre'].pk}/").content.decode()
    assert "138****1234" in page and "13805361234" not in page
    for entity in setup["entities"]:
        assert entity.name in page
    assert "documents.docx" in page and "documents.pdf" in page
    assert "尚未确认" in page and "确认承诺书" in page  # an administrator may confirm for the cadre
    assert "/baobao/townships/370725001/documents.zip" in page


def test_document_downloads(db, setup, county_admin, make_user):
    client = Client()
    client.force_login(county_admin)
    pk = setup["cadre"].pk
    r = client.get(f"/baobao/cadres/{pk}/documents.docx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert "张建国" in docx_text(b"".join(r.streaming_content))
    r = client.get(f"/baobao/cadres/{pk}/documents.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content).startswith(b"%PDF")
    client.force_login(make_user(Role.COUNTY_ADMIN, "370304"))
    assert client.get(f"/baobao/cadres/{pk}/documents.docx").status_code == 404
    assert client.get(f"/baobao/cadres/{pk}/").status_code == 404
    anonymous = Client().get(f"/baobao/cadres/{pk}/documents.pdf")
    assert anonymous.status_code == 302


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_township_zip_has_one_file_per_cadre(db, setup, county_admin, fmt):
    client = Client()
    client.force_login(county_admin)
    r = client.get(f"/baobao/townships/370725001/documents.zip?format={fmt}")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))
    names = sorted(archive.namelist())
    assert names == sorted([f"站前社区_张建国_包保清单与承诺书.{fmt}", f"宝都街道_李卫东_包保清单与承诺书.{fmt}"])
    if fmt == "docx":
        assert "宝都街道中心小学食堂" in docx_text(archive.read(f"宝都街道_李卫东_包保清单与承诺书.{fmt}"))
    else:
        assert all(archive.read(n).startswith(b"%PDF") for n in names)


def test_township_zip_scope_and_input(db, setup, county_admin, make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_ADMIN, "370304"))
    assert client.get("/baobao/townships/370725001/documents.zip").status_code == 404
    client.force_login(make_user(Role.TOWNSHIP_ADMIN, "370725107"))
    assert client.get("/baobao/townships/370725001/documents.zip").status_code == 404
    client.force_login(county_admin)
    assert client.get("/baobao/townships/370725/documents.zip").status_code == 404  # a county, not a township
    assert client.get("/baobao/townships/370725999/documents.zip").status_code == 404
    assert client.get("/baobao/townships/370725001/documents.zip?format=xlsx").status_code == 400


def test_township_zip_is_capped(db, setup, county_admin, monkeypatch):
    monkeypatch.setattr(views, "ZIP_MAX_CADRES", 1)
    client = Client()
    client.force_login(county_admin)
    r = client.get("/baobao/townships/370725001/documents.zip")
    assert r.status_code == 302
    assert "超过一次打包下载的上限" in " ".join(str(m) for m in get_messages(r.wsgi_request))


def test_cadre_confirms_own_commitment_once(db, setup, cadre_user):
    cadre = setup["cadre"]
    client = Client()
    client.force_login(cadre_user)
    page = client.get(f"/baobao/cadres/{cadre.pk}/").content.decode()
    assert "确认承诺书" in page
    url = f"/baobao/cadres/{cadre.pk}/commitment/"
    assert client.get(url).status_code == 405
    r = client.post(url)
    assert r.status_code == 302 and r["Location"] == f"/baobao/cadres/{cadre.pk}/"
    commitment = Commitment.objects.get()
    assert commitment.cadre == cadre and commitment.confirmed_by == cadre_user
    assert commitment.confirmed_at is not None and commitment.entity_count == 3
    entry = AuditEntry.objects.get(action="commitment.confirm")
    assert entry.region_code == "370725001001" and entry.actor == cadre_user
    client.post(url)
    assert Commitment.objects.count() == 1 and AuditEntry.objects.filter(action="commitment.confirm").count() == 1
    page = client.get(f"/baobao/cadres/{cadre.pk}/").content.decode()
    assert "在线确认" in page and 'data-testid="commitment-confirm"' not in page
    text = docx_text(b"".join(client.get(f"/baobao/cadres/{cadre.pk}/documents.docx").streaming_content))
    assert "在线确认" in text


def test_others_cannot_confirm(db, setup, make_user):
    cadre = setup["cadre"]
    url = f"/baobao/cadres/{cadre.pk}/commitment/"
    client = Client()
    station = make_user(Role.STATION_STAFF, "370725001")  # sees the cadre, is not the cadre, no admin right
    client.force_login(station)
    page = client.get(f"/baobao/cadres/{cadre.pk}/").content.decode()
    assert 'data-testid="commitment-confirm"' not in page
    assert client.post(url).status_code == 403
    client.force_login(make_user(Role.CADRE, "370725107201"))  # another cadre elsewhere: not even visible
    assert client.post(url).status_code == 404
    assert not Commitment.objects.exists()
