"""Demo evaluation (docs/evaluation.md): the demo county mid-way through seed 001's catalog — the catalog loaded,
the evaluation started this year, tasks in every state (待办, 已提交, 已退回, 已通过 with the 食安办's points),
evidence photos and links to shian pages, and a few sub-items 合理缺项 — all through the evaluation's services, so
every step is audited as a real one would be. The education account (教育局) keeps open tasks for the browser test
and for anyone trying the phone flow."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from shian.accounts.models import Role, User
from shian.evaluation.models import Evaluation, SubItem, Task
from shian.evaluation.services import catalog as catalogs
from shian.evaluation.services import tasks as services
from shian.regions.models import Region

# sub-item numbers of seed 001 by the state the demo leaves them in (and the share of points the 食安办 gave)
ACCEPTED = {1: Decimal(1), 2: Decimal(1), 3: Decimal("0.7"), 5: Decimal(1), 7: Decimal(1), 25: Decimal(1),
            39: Decimal(1), 40: Decimal("0.5"), 47: Decimal(1), 74: Decimal(1), 78: Decimal("0.5")}  # fmt: skip
SUBMITTED = (4, 6, 26, 35, 49, 76)
RETURNED = {
    11: "未附污水灌溉专项检查记录，请补充检查台账。",
    31: "刑行衔接会议纪要缺少签批页，请补充。",
    63: "集中定点采购合同未覆盖全部学校食堂，请补齐后再提交。",
}
NOT_APPLICABLE = {
    23: "本区无婴幼儿配方乳粉、特殊医学用途配方食品生产企业。",
    24: "本区无保健食品生产企业。",
    57: "本区无婴幼儿配方乳粉生产企业。",
}
LINKS = {2: "/commission/", 7: "/commission/", 35: "/public/", 39: "/dashboard/", 49: "/emergency/", 74: "/dashboard/"}


def _photo(label: str) -> SimpleUploadedFile:
    """A small generated photo of a document (the demo's evidence file), PNG."""
    image = Image.new("RGB", (480, 320), (246, 244, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 300), outline=(150, 40, 40), width=4)
    draw.text((40, 40), label.encode("ascii", "replace").decode(), fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{label}.png", out.getvalue(), content_type="image/png")


def _submit(task: Task, actor: User, no: int) -> None:
    services.add_evidence(actor=actor, task=task, upload=_photo(f"evidence-{no}-{task.pk}"),
                          link=LINKS.get(no, ""), note=f"第（{no}）项工作佐证：工作方案、台账和现场照片。")  # fmt: skip


@transaction.atomic
def load_evaluation(*, county: Region, seed: int, today: datetime.date) -> dict:
    """Load seed 001's catalog (once) and put the county's evaluation mid-way; nothing when it is already there."""
    office = User.objects.filter(role=Role.COUNTY_ADMIN, region=county, is_active=True).order_by("pk").first()
    if office is None:
        return {}
    try:
        data, sha = catalogs.read_file(catalogs.SHIPPED)
        catalog = catalogs.load(data, sha256=sha, actor=office)
    except catalogs.AlreadyLoaded as exc:
        catalog = exc.catalog
    if Evaluation.objects.filter(region=county, catalog=catalog).exists():
        return {}
    started = max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=150))
    evaluation = services.start_evaluation(actor=office, region_code=county.code, catalog_version=catalog.version,
                                           started_on=started)  # fmt: skip
    services.generate_tasks(evaluation, today)
    staff = {u.department_id: u for u in User.objects.filter(role=Role.DEPARTMENT_STAFF, region=county,
                                                             is_active=True).order_by("pk")}  # fmt: skip
    subs = {s.no: s for s in SubItem.objects.filter(catalog=catalog)}
    tasks = Task.objects.filter(evaluation=evaluation).select_related("department").order_by("pk")

    def actor_for(task: Task) -> User:  # the department's own account where the demo has one, else the 食安办
        return staff.get(task.department_id, office)

    made = {"submitted": 0, "returned": 0, "accepted": 0, "points": 0, "not_applicable": 0}
    for no, share in ACCEPTED.items():
        for task in tasks.filter(sub_item=subs[no]):
            _submit(task, actor_for(task), no)
            services.review(actor=office, task=task, accept=True)
            made["accepted"] += 1
        points = (subs[no].points * share).quantize(Decimal("0.1"))
        services.assign_points(actor=office, evaluation=evaluation, sub_item=subs[no], points=points)
        made["points"] += 1
    for no in SUBMITTED:
        task = tasks.filter(sub_item=subs[no], lead=True).first()
        _submit(task, actor_for(task), no)
        made["submitted"] += 1
    for no, reason in RETURNED.items():
        task = tasks.filter(sub_item=subs[no], lead=True).first()
        _submit(task, actor_for(task), no)
        services.review(actor=office, task=task, accept=False, reason=reason)
        made["returned"] += 1
    for no, reason in NOT_APPLICABLE.items():
        services.mark_not_applicable(actor=office, evaluation=evaluation, sub_item=subs[no], reason=reason)
        made["not_applicable"] += 1
    made["tasks"] = tasks.count()
    made["open"] = tasks.filter(status=Task.Status.OPEN).count()
    made["evaluation"] = evaluation.pk
    return made
