"""Survey pages (docs/surveys.md): the staff list, a survey's page (questionnaire, plan quota vs got, weighted results
with intervals, open/close, draw the plan, the QR poster), the interviewer's entry, and the public form behind the QR
code (phone-friendly, the texted code, one response per phone; limited per client address). The public form shows
no personal data: the phone is masked when echoed and kept only as a keyed hash."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.accounts.access import ADMINS, ANYONE, REGULATORS
from shian.core.access import access
from shian.core.feedback import service_errors_as_messages
from shian.core.forms import error_messages
from shian.core.masking import mask_phone
from shian.core.phonecodes import TooManyCodes
from shian.core.ratelimit import over_limit
from shian.core.regioncodes import COUNTY, ancestor
from shian.reports.documents import attachment
from shian.reports.pdf import render_pdf
from shian.reports.qr import qr_svg_data_url

from ..models import Survey
from ..ruledefs import PUBLIC_PER_MINUTE
from ..selectors import surveys as selectors
from ..services import responses as response_services
from ..services import surveys as services
from ..services.responses import INTERVIEWERS


def _date(value: str):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@access(REGULATORS)
def survey_list(request):
    surveys = selectors.surveys_for(request.user)
    region = request.GET.get("region", "")
    if region:
        surveys = surveys.filter(region_id=ancestor(region, COUNTY) or region)
    return render(request, "surveys/survey_list.html", {"surveys": surveys[:100]})


@access(ADMINS)
def survey_new(request):
    """A new survey with the default questionnaire of its kind (other questionnaires: the API or `load_survey`)."""
    errors: list[str] = []
    county = ancestor(request.user.region_id or "", COUNTY)
    if request.method == "POST":
        post = request.POST
        try:
            kind = post.get("kind", "")
            questions = services.default_questionnaire(kind)["questions"] if kind in Survey.Kind.values else []
            survey = services.create_survey(actor=request.user, region_code=post.get("region", county), kind=kind,
                                            title=post.get("title", ""), period_start=_date(post.get("period_start")),
                                            period_end=_date(post.get("period_end")), questions=questions)  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            return redirect("surveys:survey_detail", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"errors": errors, "posted": request.POST, "county": county,
                                                        "kinds": Survey.Kind.choices},
                  status=422 if errors else 200)  # fmt: skip


def _public_url(request, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("surveys:public_form", args=[survey.pk]))


@access(REGULATORS, objects="survey")
def survey_detail(request, pk: int):
    survey = selectors.survey_for(request.user, pk)
    context = {
        "survey": survey, "questions": selectors.questionnaire(survey), "results": selectors.results(survey),
        "public_url": _public_url(request, survey), "can_manage": request.user.is_superuser
        or request.user.role in ADMINS, "can_interview": request.user.is_superuser
        or request.user.role in INTERVIEWERS,
    }  # fmt: skip
    return render(request, "surveys/survey_detail.html", context)


@access(ADMINS, objects="survey")
@require_POST
def survey_action(request, pk: int):
    """Open, close, or (re)draw the plan with an optional margin of error."""
    survey = selectors.survey_for(request.user, pk)
    action = request.POST.get("action", "")
    with service_errors_as_messages(request):
        if action in ("open", "closed"):
            services.set_status(actor=request.user, survey=survey, status=action)
        elif action == "plan":
            margin = request.POST.get("margin_permille", "").strip()
            services.make_plan(actor=request.user, survey=survey,
                               margin_permille=int(margin) if margin.isdigit() else None)  # fmt: skip
            messages.success(request, _("抽样方案已生成。"))
        else:
            raise ValidationError(_("未知的操作。"))
    return redirect("surveys:survey_detail", pk=pk)


@access(REGULATORS, objects="survey")
def survey_poster(request, pk: int):
    """A printable A4 poster (PDF) with the QR code of the public form."""
    survey = selectors.survey_for(request.user, pk)
    url = _public_url(request, survey)
    pdf = render_pdf("surveys/poster.html", {"survey": survey, "url": url, "qr": qr_svg_data_url(url, scale=8)})
    return attachment(f"调查二维码-{survey.pk}.pdf", pdf)


def _answers(post) -> dict:
    return {k.removeprefix("q"): v for k, v in post.items() if k.startswith("q") and k[1:].isdigit()}


@access(frozenset(INTERVIEWERS), objects="survey")
def interview_form(request, pk: int):
    """The interviewer's entry, door to door: township and answers; no phone, the interviewer recorded."""
    survey = selectors.survey_for(request.user, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            response_services.submit_interview(actor=request.user, survey=survey,
                                               township=request.POST.get("township", ""),
                                               answers=_answers(request.POST))  # fmt: skip
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            messages.success(request, _("答卷已录入，可继续录入下一份。"))
            return redirect("surveys:interview_form", pk=pk)
    context = {"survey": survey, "questions": selectors.questionnaire(survey), "errors": errors,
               "townships": response_services.townships(survey), "posted": request.POST, "interview": True}  # fmt: skip
    return render(request, "surveys/answer_form.html", context, status=422 if errors else 200)


@access(ANYONE, objects="survey")
def public_form(request, pk: int):
    """The public form (QR code): township, answers, phone and texted code; one response per phone."""
    survey = selectors.public_survey(pk)
    context = {"survey": survey, "questions": selectors.questionnaire(survey), "errors": [],
               "townships": response_services.townships(survey), "posted": request.POST, "interview": False,
               "phone": request.session.get(f"survey-phone-{pk}", "")}  # fmt: skip
    if request.method == "POST":
        wait = over_limit(request, rule=PUBLIC_PER_MINUTE.code, bucket="survey-public")
        if wait:
            context["errors"] = [_("提交过于频繁，请稍后再试。")]
            response = render(request, "surveys/answer_form.html", context, status=429)
            response["Retry-After"] = str(wait)
            return response
        post = request.POST
        phone = post.get("phone", "").strip()[:20]
        try:
            if post.get("action") == "code":
                minutes = response_services.send_code(survey=survey, phone=phone)
                request.session[f"survey-phone-{pk}"] = phone
                context["phone"] = phone
                messages.success(request, _("验证码已发送至 %(p)s，%(m)d 分钟内有效。") % {"p": mask_phone(phone),
                                                                                     "m": minutes})  # fmt: skip
            else:
                response_services.submit_public(survey=survey, township=post.get("township", ""),
                                                answers=_answers(post), phone=phone, code=post.get("code", ""))  # fmt: skip
                request.session.pop(f"survey-phone-{pk}", None)
                return render(request, "surveys/public_done.html", {"survey": survey})
        except TooManyCodes as exc:
            context["errors"] = error_messages(exc)
            return render(request, "surveys/answer_form.html", context, status=429)
        except ValidationError as exc:
            context["errors"] = error_messages(exc)
            context["phone"] = phone
            return render(request, "surveys/answer_form.html", context, status=422)
    return render(request, "surveys/answer_form.html", context)
