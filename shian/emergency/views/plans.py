"""Pages of the emergency-plan register, the trainings and drills, and the readiness of a region (docs/emergency.md
§3, §5): the rules met or not (a training a year, a drill within two years, a live drill within two years) and the
grade I/II veto."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shian.accounts.access import REGULATORS, STATION
from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import error_messages
from shian.core.uploads import stored_file_response
from shian.regions.models import Region

from .. import selectors
from ..models import Exercise
from ..services import plans as services
from . import common


@access(REGULATORS)
def readiness(request):
    """The emergency overview of the current region: readiness against the rules (the trainings and drills of the
    regions above count too) and the veto incidents in it."""
    code = current_region_code(request) or ""
    context = {"region": Region.objects.filter(code=code).first(), "status": selectors.readiness(code),
               "today": timezone.localdate()}  # fmt: skip
    return render(request, "emergency/readiness.html", context)


@access(REGULATORS)
def plan_list(request):
    rows = selectors.plan_list(user=request.user, region_code=current_region_code(request))
    page = Paginator(rows.order_by("-approved_on", "-pk"), common.PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "emergency/plan_list.html", {"page": page, "can_write": common.can_write(request.user)})


@access(STATION)
def plan_new(request):
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            plan = services.create_plan(
                actor=request.user, region_code=post.get("region", ""), title=post.get("title", ""),
                version=post.get("version", ""), department=post.get("department", ""),
                approved_on=common.day(post.get("approved_on")), upload=request.FILES.get("file"),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("已登记应急预案“%(t)s”。") % {"t": plan})
            return redirect("emergency:plans")
    context = {"errors": errors, "posted": post, "regions": common.region_choices(request.user)}
    return render(request, "emergency/plan_form.html", context, status=422 if errors else 200)


@access(REGULATORS, objects="emergency_plan")
def plan_file(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    if not plan.file:
        raise Http404
    return stored_file_response(plan.file, name=plan.file_name, content_type=plan.content_type, inline=True)


@access(REGULATORS)
def exercise_list(request):
    kind = request.GET.get("kind", "") if request.GET.get("kind") in Exercise.Kind.values else ""
    rows = selectors.exercise_list(user=request.user, region_code=current_region_code(request), kind=kind)
    page = Paginator(rows.order_by("-held_on", "-pk"), common.PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "kind": kind, "kinds": Exercise.Kind.choices, "can_write": common.can_write(request.user)}
    return render(request, "emergency/exercise_list.html", context)


@access(STATION)
def exercise_new(request):
    errors: list[str] = []
    post = request.POST
    if request.method == "POST":
        try:
            services.create_exercise(
                actor=request.user, region_code=post.get("region", ""), kind=post.get("kind", ""),
                title=post.get("title", ""), held_on=common.day(post.get("held_on")),
                organizer=post.get("organizer", ""), participants=post.get("participants") or 0,
                findings=post.get("findings", ""), plan_id=post.get("plan", "").strip() or None,
                upload=request.FILES.get("file"),
            )  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("已登记培训演练。"))
            return redirect("emergency:exercises")
    context = {"errors": errors, "posted": post, "regions": common.region_choices(request.user),
               "kinds": Exercise.Kind.choices,
               "plans": selectors.plan_list(user=request.user).order_by("-approved_on")[:100]}  # fmt: skip
    return render(request, "emergency/exercise_form.html", context, status=422 if errors else 200)


@access(REGULATORS, objects="exercise")
def exercise_file(request, pk: int):
    exercise = selectors.exercise_get(user=request.user, pk=pk)
    if not exercise.file:
        raise Http404
    return stored_file_response(exercise.file, name=exercise.file_name, content_type=exercise.content_type,
                                inline=True)  # fmt: skip
