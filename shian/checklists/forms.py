"""Reading a checklist form as posted, and the one-line-per-item text an administrator edits a version in.

The checklist form itself is the module's template, built from the engine's includes
(`checklists/_item.html` for each item: result, note and photos; `checklists/_outbox.html` for the offline
draft and outbox script). The posted field names are `result_<item pk>`, `note_<item pk>` and
`photo_<item pk>` (files)."""

import uuid
from collections.abc import Callable, Iterable

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import ChecklistItem, Severity


def int_or_404(value) -> int:
    """A posted or routed id as an int; anything else is a 404 (a form tampered with, not a user's typo)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def uuid_or_none(value) -> uuid.UUID | None:
    """A posted client key as a UUID, None when it is not one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def wants_json(request) -> bool:
    """The offline outbox posts with `Accept: application/json` and reads a JSON reply."""
    return request.headers.get("Accept", "").startswith("application/json")


def signed_reply(request, record, url_name: str, message: str):
    """The reply to a signed record's form: JSON {ok, url, id} for the outbox, else the message and a redirect
    to the record (`url_name` takes its pk)."""
    url = reverse(url_name, args=[record.pk])
    if wants_json(request):
        return JsonResponse({"ok": True, "url": url, "id": record.pk})
    messages.success(request, message)
    return redirect(url)


def rejected_reply(errors: list[str]) -> JsonResponse:
    """The outbox's reply when signing was refused: the messages, status 422 (the form page shows the same)."""
    return JsonResponse({"ok": False, "errors": errors}, status=422)


def posted_answers(post, files, items: Iterable[ChecklistItem], store_photo: Callable) -> list[dict]:
    """The answered items of a posted checklist form as `services.check_answers` takes them: item id, result,
    note and the ids of the photos, each stored first by `store_photo(upload)` (which returns the stored row).
    Unanswered items are left out: the check names what is missing."""
    answers = []
    for item in items:
        if not post.get(f"result_{item.pk}"):
            continue
        answers.append(
            {
                "item": item.pk,
                "result": post.get(f"result_{item.pk}", ""),
                "note": post.get(f"note_{item.pk}", "")[:500],
                "attachments": [store_photo(f).pk for f in files.getlist(f"photo_{item.pk}")],
            }
        )
    return answers


def parse_item_lines(text: str) -> list[dict]:
    """One item per line: 类别 | 重点项/一般项 | 检查内容 | 检查要点 (the last part optional)."""
    severity = {str(label): value for value, label in Severity.choices} | {v: v for v in Severity.values}
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        parts += [""] * (4 - len(parts))
        items.append(
            {"category": parts[0], "severity": severity.get(parts[1], parts[1]), "text": parts[2], "guidance": parts[3]}
        )
    return items


def item_lines(items: Iterable[ChecklistItem]) -> str:
    """A version's items as the lines `parse_item_lines` reads back."""
    return "\n".join(f"{i.category} | {i.get_severity_display()} | {i.text} | {i.guidance}" for i in items)
