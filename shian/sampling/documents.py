"""The 抽样单 (sampling record) of a sample, GB/T 9704-style through shian.reports (docs/sampling.md §3): the
entity and its signer, the product, quantities and backup sample, the nominal producer, the lab and the
to-lab deadline with its rule, both samplers' names."""

from django.utils import timezone
from django.utils.translation import gettext as _

from shian.reports.documents import Section, chinese_date, heading, paragraph, render_file, signature, table

from .models import Sample
from .selectors import samples as selectors

WIDTHS = (44, 112)  # mm, the 156 mm type area


def _rows(pairs) -> list[tuple[str, str]]:
    return [(str(label), str(value or "—")) for label, value in pairs]


def _rule_text(rule: dict) -> str:
    unit = {"WD": _("个工作日"), "CD": _("个自然日"), "h": _("小时")}.get(rule.get("unit", ""), "")
    return f"{rule.get('name', rule.get('code', ''))}：{rule.get('amount', '')}{unit}"


def sample_sections(sample: Sample) -> list[Section]:
    entity = sample.entity
    samplers = selectors.sample_samplers(sample)
    sampled = timezone.localtime(sample.sampled_at)
    producer_region = sample.producer_region.name if sample.producer_region_id else ""
    lab = sample.lab
    to_lab_rule = sample.due_rules.get("to_lab", {})
    blocks = [
        heading(_("一、被抽样单位")),
        table(
            (_("项目"), _("内容")),
            _rows(
                [
                    (_("单位名称"), entity.name),
                    (_("经营地址"), entity.address),
                    (_("统一社会信用代码"), entity.uscc),
                    (_("所在区划"), sample.region.name if sample.region_id else ""),
                ]
            ),
            WIDTHS,
        ),  # fmt: skip
        heading(_("二、样品信息")),
        table(
            (_("项目"), _("内容")),
            _rows(
                [
                    (_("样品名称"), sample.product),
                    (_("商标"), sample.brand),
                    (_("规格型号"), sample.spec),
                    (_("生产日期/批号"), sample.batch_number),
                    (_("食品类别"), selectors.category_name(sample.category, sample.region_id)),
                    (_("抽检类型"), sample.get_kind_display()),
                    (_("抽样数量"), sample.quantity),
                    (_("备样数量"), sample.backup_quantity),
                    (_("抽样时间"), sampled.strftime("%Y-%m-%d %H:%M")),
                ]
            ),
            WIDTHS,
        ),  # fmt: skip
        heading(_("三、标称生产者")),
        table(
            (_("项目"), _("内容")),
            _rows(
                [
                    (_("名称"), sample.producer_name),
                    (_("地址"), sample.producer_address),
                    (_("统一社会信用代码"), sample.producer_uscc),
                    (_("所在区划"), producer_region),
                ]
            ),
            WIDTHS,
        ),  # fmt: skip
        heading(_("四、承检机构与送检期限")),
        table(
            (_("项目"), _("内容")),
            _rows(
                [
                    (_("承检机构"), lab.name if lab else ""),
                    (_("资质认定证书编号"), lab.accreditation if lab else ""),
                    (_("送检期限"), timezone.localtime(sample.to_lab_due).strftime("%Y-%m-%d")),
                    (_("依据"), _rule_text(to_lab_rule) if to_lab_rule else ""),
                ]
            ),
            WIDTHS,
        ),  # fmt: skip
        paragraph(
            _(
                "本次抽取样品%(quantity)s，其中备样%(backup)s，由抽样人员与被抽样单位共同封样确认；备样由承检机构按规定保存。"
            )
            % {"quantity": sample.quantity, "backup": sample.backup_quantity or _("无")}
        ),
        signature(
            [
                _("抽样人员（签字）：%(names)s") % {"names": "、".join(u.name or u.username for u in samplers)},
                _("被抽样单位（签字）：%(name)s") % {"name": sample.entity_signer or "_" * 12},
                chinese_date(sampled.date()),
            ]
        ),  # fmt: skip
    ]
    return [Section("sample", _("食品安全抽样检验抽样单"), (_("编号：%(n)s") % {"n": sample.number},), blocks)]


def sample_sheet(sample: Sample, fmt: str = "pdf") -> tuple[str, bytes]:
    """(file name, bytes) of the sample's 抽样单."""
    title = _("抽样单 %(n)s") % {"n": sample.number}
    return render_file(sample_sections(sample), fmt=fmt, title=title, stem=f"抽样单_{sample.number}")
