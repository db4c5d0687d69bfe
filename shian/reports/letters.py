"""Building blocks of the lists (清单) and letters (承诺书, 告知书) that the apps print, on top of
`reports.documents`. An app keeps only its texts; the shapes live here:

    blocks = [paragraph(intro), checklist_table(headers, items, widths)]
    section = letter("commitment", "食品安全责任与任务承诺书", intro, pledges, closing, signer="张三", confirmed_on=day)

- `checklist_table(headers, items, widths)` — numbered check items, each with a box to tick by hand
  (□符合 □不符合 □不适用);
- `blank_table(headers, widths, rows=8)` — a numbered table of empty rows to fill in by hand;
- `letter(key, title, intro, points, closing, signer=…, confirmed_on=…)` — a pledge or notice: an opening
  paragraph, points numbered 一、二、…, a closing paragraph and the signature lines of `signature_lines`;
- `signature_lines(signer, confirmed_on)` — "confirmed online on <date>" when confirmed, otherwise a line to sign
  and a date to write by hand.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from .documents import NUMERALS, Block, Section, chinese_date, paragraph, signature, table


def checklist_table(headers: Sequence[str], items: Iterable[tuple[str, str]], widths: Sequence[float]) -> Block:
    """A table of (item, what to check) pairs, numbered, with a box column to tick by hand."""
    box = _("□符合\n□不符合\n□不适用")
    rows = [[n, str(item), str(content), box] for n, (item, content) in enumerate(items, 1)]
    return table(headers, rows, widths)


def blank_table(headers: Sequence[str], widths: Sequence[float], *, rows: int, row_height: float = 10) -> Block:
    """A compact table of `rows` numbered empty rows, tall enough to write in."""
    blank = [[n] + [""] * (len(headers) - 1) for n in range(1, rows + 1)]
    return table(headers, blank, widths, compact=True, row_height=row_height)


def signature_lines(signer: str, confirmed_on: datetime.date | None) -> Block:
    """The signer's lines under a letter: the online confirmation if there is one, else blanks to sign by hand."""
    if confirmed_on is not None:
        lines = (
            _("承诺人：%(name)s") % {"name": signer},
            _("已于 %(date)s 在线确认") % {"date": chinese_date(confirmed_on)},
        )
    else:
        lines = (
            _("承诺人（签字）：%(blank)s") % {"blank": "_" * 14},
            _("　　年　　月　　日"),
        )
    return signature(lines)


def letter(
    key: str,
    title: str,
    intro: str,
    points: Sequence[str],
    closing: str,
    *,
    signer: str,
    confirmed_on: datetime.date | None = None,
    subtitle: tuple[str, ...] = (),
) -> Section:
    """A letter on its own page: `intro`, the `points` numbered 一、二、…, `closing`, and the signature."""
    blocks = [paragraph(intro)]
    blocks += [paragraph(f"{NUMERALS[n]}、{text}") for n, text in enumerate(points)]
    blocks.append(paragraph(closing))
    blocks.append(signature_lines(signer, confirmed_on))
    return Section(key, title, subtitle, blocks)
