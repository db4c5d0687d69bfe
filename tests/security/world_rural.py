"""The matrix world's dinners and foodborne objects (docs/dinners.md, docs/foodborne.md): at each position's place a
chef, a dinner with its guidance task, a case report (of the education department's account) and its cluster (kinds
"chef", "dinner", "dinner_task", "foodborne_report", "foodborne_cluster"), each named with the position's marker."""


def add_all(w, users) -> None:
    import datetime

    from django.utils import timezone

    from shian.dinners.models import Chef, Dinner, GuidanceTask
    from shian.foodborne.models import CaseReport, Cluster

    from .world import MARKERS, Instance, w_admin

    now = timezone.now()
    for n, (pos, entity) in enumerate(w.entities.items(), 1):
        m, place = MARKERS[pos], entity.region_id
        author = w_admin(place[:6])
        chef = Chef.objects.create(name=f"{m}厨师", id_number=f"37072519800101{n:03d}X", phone="13800138000",
                                   region_id=place, cert_expires_on=now.date() + datetime.timedelta(days=10),
                                   created_by=author)  # fmt: skip
        w.objects.setdefault("chef", []).append(Instance(pos, {"pk": chef.pk}, place))
        dinner = Dinner.objects.create(region_id=place, place=f"{m}院落", held_on=now.date(), host_name=f"{m}户主",
                                       diners=150, chef=chef, menu=f"{m}菜单", sources=f"{m}集市", grade="guided",
                                       reported_by=author)  # fmt: skip
        w.objects.setdefault("dinner", []).append(Instance(pos, {"pk": dinner.pk}, place))
        task = GuidanceTask.objects.create(dinner=dinner, region_id=place)
        w.objects.setdefault("dinner_task", []).append(Instance(pos, {"pk": task.pk}, place))
        onset = now - datetime.timedelta(hours=6)
        report = CaseReport.objects.create(
            region_id=place, department_id="education", institution=f"{m}卫生院", patient_name=f"{m}患者",
            id_number="110105194912310021", phone="13900139000", symptoms=f"{m}腹泻", suspected_food=f"{m}凉菜",
            food_key=f"food{n}", suspected_place=entity.name, place_key=f"e{entity.pk}", entity=entity,
            onset_at=onset, reported_by=author,
        )  # fmt: skip
        w.objects.setdefault("foodborne_report", []).append(Instance(pos, {"pk": report.pk}, place))
        cluster = Cluster.objects.create(county=place[:6], region_id=place, kind="place", key=f"e{entity.pk}",
                                         label=entity.name, entity=entity, cases=3, first_onset=onset,
                                         last_onset=onset, warned_at=now - datetime.timedelta(hours=1))  # fmt: skip
        cluster.reports.add(report)
        w.objects.setdefault("foodborne_cluster", []).append(Instance(pos, {"pk": cluster.pk}, place))


EXTENSIONS = [add_all]
