"""The matrix world's evaluation objects (docs/evaluation.md): at each position's county an evaluation against its
own small catalog (kinds "evaluation", "evaluation_task"), the task the education department's, and a rejected
catalog upload by the county's administrator (kind "catalog_upload")."""


def add_all(w, users) -> None:
    import datetime

    from shian.evaluation.models import Aspect, Catalog, CatalogUpload, Evaluation, Item, SubItem, Task

    from .world import Instance, w_admin

    for pos, entity in w.entities.items():
        county = entity.region_id[:6]
        catalog = Catalog.objects.create(version=f"matrix-{pos}", title="矩阵细则", total_points=1)
        aspect = Aspect.objects.create(catalog=catalog, no=1, name="方面", points=1)
        item = Item.objects.create(aspect=aspect, no=1, title="项", points=1)
        sub = SubItem.objects.create(catalog=catalog, item=item, no=1, text="小项", points=1)
        evaluation = Evaluation.objects.create(region_id=county, catalog=catalog, started_on=datetime.date.today())
        w.objects.setdefault("evaluation", []).append(Instance(pos, {"pk": evaluation.pk}, county))
        task = Task.objects.create(evaluation=evaluation, sub_item=sub, department_id="education",
                                   due=datetime.date.today())  # fmt: skip
        w.objects.setdefault("evaluation_task", []).append(Instance(pos, {"pk": task.pk}, county))
        upload = CatalogUpload.objects.create(region_id=county, file_name=f"细则-{pos}.xlsx", file_hash="0" * 64,
                                              file="evaluation/catalogs/x.xlsx", created_by=w_admin(county),
                                              status=CatalogUpload.Status.REJECTED)  # fmt: skip
        w.objects.setdefault("catalog_upload", []).append(Instance(pos, {"pk": upload.pk}, county))


EXTENSIONS = [add_all]
