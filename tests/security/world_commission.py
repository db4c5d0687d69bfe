"""The matrix world's commission objects (docs/commission.md): at each position's county a meeting with a decision
led by the education department, a key-work line, a sharing package and an assessment round (kinds
"commission_decision", "commission_meeting", "commission_keywork", "commission_package", "commission_round"), each named with the
position's marker."""


def add_all(w, users) -> None:
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from shian.commission.models import AssessmentRound, Decision, KeyWork, Meeting, ScoringSheet, SharingPackage

    from .world import MARKERS, Instance, w_admin

    today = timezone.localdate()
    for pos, entity in w.entities.items():
        m, county = MARKERS[pos], entity.region_id[:6]
        author = w_admin(county)
        meeting = Meeting.objects.create(region_id=county, kind="plenary", title=f"{m}全体会议", held_on=today,
                                         agenda=f"{m}议程", created_by=author)  # fmt: skip
        decision = Decision.objects.create(meeting=meeting, region_id=county, seq=1, text=f"{m}议定事项",
                                           lead_department_id="education",
                                           deadline=today + datetime.timedelta(days=30))  # fmt: skip
        w.objects.setdefault("commission_decision", []).append(Instance(pos, {"pk": decision.pk}, county))
        w.objects.setdefault("commission_meeting", []).append(Instance(pos, {"pk": meeting.pk}, county))
        line = KeyWork.objects.create(region_id=county, year=today.year, project=f"{m}重点工作",
                                      lead_department_id="education", deadline=today)  # fmt: skip
        w.objects.setdefault("commission_keywork", []).append(Instance(pos, {"pk": line.pk}, county))
        package = SharingPackage(region_id=county, year=today.year, half=1, version=len(w.objects.get(
            "commission_package", [])) + 1, sha256="0" * 64, size=5, generated_at=timezone.now())  # fmt: skip
        package.file.save(f"matrix-sharing-{pos}.xlsx", ContentFile(b"hello"), save=False)
        package.save()
        w.objects.setdefault("commission_package", []).append(Instance(pos, {"pk": package.pk}, county))
        sheet = ScoringSheet.objects.create(region_id=county, name=f"{m}评分表", target="department")
        round_ = AssessmentRound.objects.create(sheet=sheet, period_start=today, period_end=today)
        w.objects.setdefault("commission_round", []).append(Instance(pos, {"pk": round_.pk}, county))


EXTENSIONS = [add_all]
