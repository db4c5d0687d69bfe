"""The access matrix's small world: two townships, two businesses in one village, and a business in another
province, each with one of every kind of object a route can name.

Positions (a marker in every name, so a leaked row shows in any page or JSON):
- own        站前社区 (370725001001), 本店: the business the enterprise accounts belong to
- neighbour  站前社区 (370725001001), 邻店: the shop next door, guaranteed by another cadre
- township   乔官村 (370725107201), in the other township of the county
- outside    朝阳区 (110105), a county in another province: nobody's jurisdiction but a superuser's

Each object is an `Instance`: the URL keyword arguments that name it, its region, and the business it belongs to
(None when it belongs to none). `visible(user, instance)` is the rule the matrix holds the app to: a regulator sees
what lies under its region; an enterprise account sees only what belongs to its own business.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from shian.accounts.models import ApiToken, Invitation, Role, User
from shian.baobao.models import AssignmentRun, Cadre, Guarantee
from shian.checklists.models import Checklist
from shian.core import audit
from shian.core.models import Notification
from shian.core.periods import quarter_of
from shian.dashboard.models import DispatchReport
from shian.duties.models import DailyCheck
from shian.entities.models import Entity, KeyPerson, License
from shian.knowledge.models import Attempt, KnowledgeTest, Target
from shian.ledgers.models import ImportBatch
from shian.regions.models import Region
from shian.visits.models import Attachment, Problem, ProblemEvent, Visit

from .world_cases import EXTENSIONS as CASES
from .world_commission import EXTENSIONS as COMMISSION
from .world_complaints import EXTENSIONS as COMPLAINTS
from .world_credit import EXTENSIONS as CREDIT
from .world_emergency import EXTENSIONS as EMERGENCY
from .world_evaluation import EXTENSIONS as EVALUATION
from .world_inspections import EXTENSIONS as INSPECTIONS
from .world_lists import EXTENSIONS as LISTS
from .world_markets import EXTENSIONS as MARKETS
from .world_notices import EXTENSIONS as NOTICES
from .world_portal import EXTENSIONS as PORTAL
from .world_riskmodel import EXTENSIONS as RISKMODEL
from .world_rural import EXTENSIONS as RURAL
from .world_sampling import EXTENSIONS as SAMPLING
from .world_surveys import EXTENSIONS as SURVEYS
from .world_trace import EXTENSIONS as TRACE
from .world_warnings import EXTENSIONS as WARNINGS

MARKERS = {"own": "〔本店〕", "neighbour": "〔邻店〕", "township": "〔乔官〕", "outside": "〔外省〕"}
PLACES = {"own": "370725001001", "neighbour": "370725001001", "township": "370725107201", "outside": "110105"}
EXTRA_REGIONS = [("110105001", "建外街道", "110105")]


@dataclass
class Instance:
    """One object a route can name: its URL keyword arguments, where it lies, whose it is."""

    position: str
    kwargs: dict
    region: str | None
    entity_id: int | None = None
    enterprise_visible: bool = False  # not about one business, yet an enterprise account may see it (its region)
    only_user_id: int | None = None  # personal objects (notifications): only their owner sees them
    applies_downward: bool = False  # configuration (checklist versions): seen from above and from below


@dataclass
class World:
    users: dict = field(default_factory=dict)  # label -> User (or None for anonymous)
    objects: dict = field(default_factory=dict)  # kind -> [Instance]
    entities: dict = field(default_factory=dict)  # position -> Entity


def visible(user, inst: Instance) -> bool:
    if user is None:
        return False
    if user.is_superuser:
        return True
    if inst.only_user_id is not None:
        return inst.only_user_id == user.pk
    if user.role == Role.ENTERPRISE:
        if inst.entity_id is not None:
            return inst.entity_id == user.entity_id
        if not inst.enterprise_visible:
            return False
    if inst.region is None:  # national defaults (e.g. the province-default checklists)
        return True
    if inst.applies_downward and (user.region_id or "").startswith(inst.region):
        return True
    return inst.region.startswith(user.region_id or "~")


def forbidden_markers(user, world: World) -> list[str]:
    """The markers of positions whose business this user may not see."""
    return [
        MARKERS[pos]
        for pos, entity in world.entities.items()
        if not visible(user, Instance(pos, {}, entity.region_id, entity.pk))
    ]


ROLE_HOMES = {
    "province_admin": (Role.PROVINCE_ADMIN, "37"),
    "city_admin": (Role.CITY_ADMIN, "3707"),
    "county_admin": (Role.COUNTY_ADMIN, "370725"),
    "township_admin": (Role.TOWNSHIP_ADMIN, "370725001"),
    "station_staff": (Role.STATION_STAFF, "370725001"),
    "department_staff": (Role.DEPARTMENT_STAFF, "370725"),
    "cadre": (Role.CADRE, "370725001001"),
    "grid_worker": (Role.GRID_WORKER, "370725001001"),
    "auditor": (Role.AUDITOR, "370725"),
}


def _user(username, role, region, **fields) -> User:
    if role == Role.DEPARTMENT_STAFF:
        fields.setdefault("department_id", "education")
    return User.objects.create_user(
        username=username, password="matrix-pass-2026", role=role, region_id=region, name=fields.pop("name", username),
        **fields,
    )  # fmt: skip


def build() -> World:
    """Create the world (the caller holds it in a transaction it rolls back)."""
    for code, name, parent in EXTRA_REGIONS:
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": Region.level_for_code(code), "parent_id": parent}
        )
    w = World()
    now = timezone.now()
    checklist = Checklist.objects.filter(region__isnull=True).order_by("kind", "version").first()
    item = checklist.items.order_by("position").first()
    w.objects["checklist"] = [Instance("default", {"pk": checklist.pk}, None, enterprise_visible=True)]
    for pos, place in PLACES.items():
        if pos in ("township", "outside"):
            items = list(checklist.items.order_by("position").values("category", "severity", "text", "guidance"))
            regional = Checklist.objects.create(
                kind=checklist.kind, region_id=place[:6], version=checklist.version + 1, title=f"{place[:6]}检查表"
            )
            for n, row in enumerate(items, 1):
                regional.items.create(position=n, **row)
            w.objects["checklist"].append(Instance(pos, {"pk": regional.pk}, place[:6], applies_downward=True))

    runs = {}
    for pos, place in PLACES.items():
        m = MARKERS[pos]
        entity = Entity.objects.create(
            name=f"{m}饭店", region_id=place, business_type="catering", declared_grade="B", address=f"{m}路1号"
        )
        w.entities[pos] = entity
        ent = entity.pk
        License.objects.create(entity=entity, kind=License.Kind.BUSINESS, number=f"JY1{entity.pk:013d}",
                               expires_on=now.date() + datetime.timedelta(days=20))  # fmt: skip
        KeyPerson.objects.create(entity=entity, role=KeyPerson.Role.PRINCIPAL, name=f"{m}店长", phone="13800138000")
        w.objects.setdefault("entity", []).append(Instance(pos, {"pk": ent}, place, ent))
        w.objects.setdefault("entity_id", []).append(Instance(pos, {"entity_id": ent}, place, ent))

        county = place[:6]
        if county not in runs:
            runs[county] = AssignmentRun.objects.create(region_id=county, status=AssignmentRun.Status.PUBLISHED)
            w.objects.setdefault("run", []).append(Instance(pos, {"pk": runs[county].pk}, county))
        cadre_user = _user(f"matrix-cadre-{pos}", Role.CADRE, place, name=f"{m}干部")
        cadre = Cadre.objects.create(name=f"{m}干部", level="village", region_id=place, user=cadre_user,
                                     phone="13900139000")  # fmt: skip
        Guarantee.objects.create(entity=entity, cadre=cadre, run=runs[county], since=now.date())
        w.objects.setdefault("cadre", []).append(Instance(pos, {"pk": cadre.pk}, place, ent))

        staff = _user(f"matrix-officer-{pos}", Role.ENTERPRISE, place, name=f"{m}安全员", entity=entity,
                      entity_role=KeyPerson.Role.SAFETY_OFFICER, phone="13700137000")  # fmt: skip
        w.objects.setdefault("account", []).append(Instance(pos, {"pk": staff.pk}, place, ent))
        token = ApiToken.objects.create(user=staff, name=f"{m}令牌", prefix=f"t{pos[:6]}",
                                        key_hash=hashlib.sha256(pos.encode()).hexdigest(), created_by=cadre_user)  # fmt: skip
        w.objects.setdefault("token", []).append(Instance(pos, {"pk": token.pk}, place, ent))
        invitation = Invitation.objects.create(
            entity=entity, name=f"{m}受邀人", phone="13600136000", entity_role=KeyPerson.Role.SAFETY_OFFICER,
            token_hash=hashlib.sha256(f"inv-{pos}".encode()).hexdigest(), created_by=cadre_user,
            expires_at=now + datetime.timedelta(days=7),
        )  # fmt: skip
        w.objects.setdefault("invitation", []).append(Instance(pos, {"pk": invitation.pk}, place, ent))

        signed = now - datetime.timedelta(days=3)
        visit = Visit.objects.create(
            entity=entity, cadre=cadre, region_id=place, checklist=checklist, started_at=signed, signed_at=signed,
            visited_on=signed.date(), quarter=quarter_of(signed.date()), signer_name=f"{m}干部",
            signed_by=cadre_user, summary=f"{m}督导记录",
        )  # fmt: skip
        w.objects.setdefault("visit", []).append(Instance(pos, {"pk": visit.pk}, place, ent))
        problem = Problem.objects.create(
            visit=visit, item=item, entity=entity, cadre=cadre, region_id=place, description=f"{m}问题",
            severity=item.severity, found_on=signed.date(), due_at=now + datetime.timedelta(days=5),
            due_rule={"code": "matrix", "amount": 5, "unit": "WD"},
        )  # fmt: skip
        w.objects.setdefault("problem", []).append(Instance(pos, {"pk": problem.pk}, place, ent))
        event = ProblemEvent.objects.create(problem=problem, kind=ProblemEvent.Kind.EVIDENCE, note=f"{m}整改说明",
                                            actor=staff)  # fmt: skip
        attachment = Attachment(event=event, name=f"{m}照片.txt", content_type="text/plain", size=5, uploaded_by=staff)
        attachment.file.save(f"matrix-{pos}.txt", ContentFile(b"hello"), save=False)
        attachment.save()
        w.objects.setdefault("attachment", []).append(Instance(pos, {"pk": attachment.pk}, place, ent))

        daily = DailyCheck.objects.create(entity=entity, region_id=place, day=now.date(), checked_by=staff,
                                          checker_name=f"{m}安全员")  # fmt: skip
        w.objects.setdefault("duty_record", []).append(
            Instance(pos, {"kind": "daily", "pk": daily.pk, "fmt": "docx"}, place, ent)
        )

        test = KnowledgeTest.objects.create(
            title=f"{m}抽考", region_id=place, opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=6), duration_minutes=30, question_count=1, pass_mark=60,
            selection=KnowledgeTest.Selection.choices[0][0], created_by=cadre_user,
        )  # fmt: skip
        Target.objects.create(test=test, entity=entity, region_id=place)
        w.objects.setdefault("knowledge_test", []).append(Instance(pos, {"pk": test.pk}, place, ent))
        attempt = Attempt.objects.create(
            test=test, user=staff, entity=entity, region_id=place, seed=1, paper=[], started_at=now,
            deadline=now + datetime.timedelta(minutes=30), max_score=0,
        )  # fmt: skip
        w.objects.setdefault("attempt", []).append(Instance(pos, {"pk": attempt.pk}, place, ent))

        entry = audit.record(actor=None, action="matrix.write", object_type="matrix", region_code=place,
                             object_repr=f"{m}审计")  # fmt: skip
        w.objects.setdefault("audit_entry", []).append(Instance(pos, {"pk": entry.pk}, place))
        note = Notification.objects.create(user=staff, text=f"{m}通知", url="/")
        w.objects.setdefault("notification", []).append(Instance(pos, {"pk": note.pk}, place, only_user_id=staff.pk))

    for pos, code in (("own", "370725001"), ("township", "370725107"), ("outside", "110105001")):
        w.objects.setdefault("township", []).append(Instance(pos, {"code": code}, code, enterprise_visible=True))
        report = DispatchReport.objects.create(region_id=code, week=now.date(), data={}, generated_at=now,
                                               docx=ContentFile(b"PK", name=f"{pos}.docx"),
                                               pdf=ContentFile(b"%PDF-", name=f"{pos}.pdf"))  # fmt: skip
        w.objects.setdefault("dispatch_report", []).append(Instance(pos, {"pk": report.pk, "fmt": "docx"}, code))
        batch = ImportBatch.objects.create(kind="entity", file_name=f"{MARKERS[pos]}.xlsx", file_hash=pos * 4,
                                           file=ContentFile(b"PK", name=f"{pos}.xlsx"), region_id=code,
                                           created_by=w_admin(code))  # fmt: skip
        w.objects.setdefault("batch", []).append(Instance(pos, {"pk": batch.pk}, code))
    w.objects["region"] = [
        Instance(pos, {"code": PLACES[pos]}, PLACES[pos], enterprise_visible=True)
        for pos in ("own", "township", "outside")
    ]
    w.objects["ledger_kind"] = [Instance("any", {"kind": "entity"}, None, enterprise_visible=True)]
    w.objects["rule"] = [Instance("any", {"code": "problem.rectify_key"}, None, enterprise_visible=True)]
    w.objects["invite_token"] = [Instance("any", {"token": "no-such-invitation-token"}, None, enterprise_visible=True)]

    for label, (role, region) in ROLE_HOMES.items():
        w.users[label] = _user(f"matrix-{label}", role, region)
    own = w.entities["own"]
    w.users["enterprise_principal"] = _user("matrix-principal", Role.ENTERPRISE, own.region_id, entity=own,
                                            entity_role=KeyPerson.Role.PRINCIPAL)  # fmt: skip
    w.users["enterprise_staff"] = _user("matrix-staff", Role.ENTERPRISE, own.region_id, entity=own,
                                        entity_role=KeyPerson.Role.SAFETY_OFFICER)  # fmt: skip
    w.users["anonymous"] = None
    extensions = INSPECTIONS + SAMPLING + COMPLAINTS + CASES + EMERGENCY + LISTS + NOTICES + MARKETS + CREDIT + PORTAL
    for extend in extensions + TRACE + RURAL + SURVEYS + COMMISSION + EVALUATION + WARNINGS + RISKMODEL:
        extend(w, w.users)
    return w


def w_admin(code: str) -> User:
    """An administrator where a batch or report was made (created on first use)."""
    user, _ = User.objects.get_or_create(
        username=f"matrix-importer-{code}", defaults={"role": Role.STATION_STAFF, "region_id": code[:6]}
    )
    return user
