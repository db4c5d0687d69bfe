from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from shian.core.access import access
from shian.core.current_region import current_region_code
from shian.core.forms import apply_service_errors
from shian.core.paging import filtered_page
from shian.core.permissions import require_perm
from shian.core.pii import unmask
from shian.entities import selectors as entity_selectors

from . import registration, selectors, services
from .access import ACCOUNT_READERS, ADMINS, ANYONE, ENTITY_STAFF_KEEPERS, ENTITY_STAFF_READERS
from .forms import (
    AcceptInvitationForm,
    AccountFilterForm,
    AccountForm,
    EntitySearchForm,
    InvitationForm,
    SelfRegistrationForm,
    TokenForm,
)
from .models import Invitation, Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@access(ACCOUNT_READERS)
def account_list(request):
    require_perm(request.user, "accounts.view_accounts")
    code = current_region_code(request)
    form, page = filtered_page(
        request, AccountFilterForm, lambda **f: selectors.account_list(user=request.user, region_code=code, **f)
    )
    return render(request, "accounts/list.html", {"form": form, "page": page})


@access(ACCOUNT_READERS, objects="account")
def account_detail(request, pk: int):
    account = selectors.account_get(user=request.user, pk=pk)
    clear = None
    if request.method == "POST" and "unmask" in request.POST:
        clear = unmask(
            user=request.user, obj=account, fields={"phone": account.phone}, region_code=account.region_id or ""
        )
    return render(request, "accounts/detail.html", {"account": account, "clear": clear})


@access(ADMINS)
def account_create(request):
    require_perm(request.user, "accounts.manage_accounts")
    form = AccountForm(request.POST or None, initial={"region_code": current_region_code(request)})
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_account(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("账号已创建：%(u)s") % {"u": account.username})
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("新建账号")})


@access(ADMINS, objects="account")
def account_edit(request, pk: int):
    account = selectors.account_get(user=request.user, pk=pk)
    require_perm(request.user, "accounts.manage_accounts")
    initial = {
        "username": account.username,
        "name": account.name,
        "phone": account.phone,
        "role": account.role,
        "region_code": account.region_id,
        "department_code": account.department_id,
        "entity_id": account.entity_id,
    }
    form = AccountForm(request.POST or None, initial=initial)
    form.fields["username"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        data.pop("username")
        password = data.pop("password")
        try:
            services.update_account(actor=request.user, account=account, **data)
            if password:
                services.reset_password(actor=request.user, account=account, password=password)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("账号已保存。"))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("修改账号"), "account": account})


@access(ADMINS)
def token_list(request):
    require_perm(request.user, "accounts.manage_tokens")
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            account = selectors.account_get(user=request.user, pk=form.cleaned_data["account_id"])
            token, new_key = services.create_api_token(
                actor=request.user, account=account, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
    page = Paginator(selectors.token_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/tokens.html", {"form": form, "page": page, "new_key": new_key})


@access(ADMINS, objects="token")
@require_POST
def token_revoke(request, pk: int):
    token = selectors.token_get(user=request.user, pk=pk)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:tokens")


# --------------------------------------------------------------------------- enterprise accounts (issue 8)


@access(ENTITY_STAFF_READERS)
def enterprise_home(request):
    """Station and administrators: find an entity to manage its accounts; pending invitations and recent
    self-registrations to check. An entity's principal goes straight to their own entity's page."""
    require_perm(request.user, "accounts.view_entity_staff")
    if request.user.role == Role.ENTERPRISE:
        return redirect("accounts:entity-staff", entity_id=request.user.entity_id)
    code = current_region_code(request)
    form, page = filtered_page(
        request,
        EntitySearchForm,
        lambda q="": entity_selectors.entity_list(user=request.user, region_code=code, q=q),
        per_page=20,
    )
    context = {
        "form": form,
        "page": page,
        "pending": selectors.invitation_list(user=request.user, region_code=code, status=Invitation.Status.PENDING)[
            :20
        ],
        "self_registered": selectors.recent_self_registrations(user=request.user, region_code=code)[:20],
    }
    return render(request, "accounts/enterprise_home.html", context)


@access(ENTITY_STAFF_READERS, objects="entity_id")
@never_cache
def entity_staff(request, entity_id: int):
    """An entity's enterprise accounts and invitations; inviting a colleague shows the link once."""
    entity = selectors.staff_entity_get(user=request.user, entity_id=entity_id)
    can_invite = request.user.has_perm("accounts.invite_entity_staff")
    form = InvitationForm(request.POST or None) if can_invite else None
    new_link = new_invitation = None
    if request.method == "POST":
        require_perm(request.user, "accounts.invite_entity_staff")
        if form.is_valid():
            try:
                new_invitation, token = services.invite_entity_staff(
                    actor=request.user, entity=entity, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                new_link = request.build_absolute_uri(reverse("accounts:invite-accept", args=[token]))
                form = InvitationForm()
    accounts = Paginator(selectors.entity_accounts(user=request.user, entity=entity), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "entity": entity,
        "page": accounts,
        "invitations": selectors.invitation_list(user=request.user, entity=entity)[:50],
        "form": form,
        "new_link": new_link,
        "new_invitation": new_invitation,
        "valid_days": services.invitation_valid_days(entity),
        "can_manage": request.user.has_perm("accounts.switch_entity_staff"),
    }
    return render(request, "accounts/entity_staff.html", context)


@access(ENTITY_STAFF_KEEPERS, objects="invitation")
@require_POST
def invitation_revoke(request, pk: int):
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    try:
        services.revoke_invitation(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("邀请已撤销，链接已失效。"))
    return redirect("accounts:entity-staff", entity_id=invitation.entity_id)


@access(ENTITY_STAFF_KEEPERS, objects="account")
@require_POST
def enterprise_account_active(request, pk: int):
    account = selectors.enterprise_account_get(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_enterprise_account_active(actor=request.user, account=account, is_active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("账号已启用。") if active else _("账号已停用，该账号不能再登录。"))
    return redirect("accounts:entity-staff", entity_id=account.entity_id)


def _refused(request, message: str, status: int):
    return render(request, "accounts/invite_refused.html", {"message": message}, status=status)


def _log_in(request, account) -> None:
    """Sign the new account in: it was just created with the password the person typed."""
    login(request, account, backend="django.contrib.auth.backends.ModelBackend")


@never_cache
@sensitive_post_parameters("password", "password2")
@access(ANYONE, objects="invite_token")
def invitation_accept(request, token: str):
    """Public: the invitee opens the link, chooses a username and password, and is signed in."""
    invitation = selectors.invitation_for_token(token)
    refusal = services.invitation_refusal(invitation)
    if refusal:
        return _refused(request, refusal, 404 if invitation is None else 410)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.accept_invitation(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "token" in exc.error_dict:
                return _refused(request, " ".join(exc.message_dict["token"]), 410)
            apply_service_errors(form, exc)
        else:
            _log_in(request, account)
            messages.success(
                request,
                _("欢迎，%(name)s！您的账号已开通，已绑定“%(entity)s”。")
                % {"name": account.name, "entity": invitation.entity.name},
            )
            return redirect("home")
    return render(request, "accounts/invite_accept.html", {"invitation": invitation, "form": form})


@never_cache
@sensitive_post_parameters("password", "password2", "code")
@access(ANYONE)
def register(request):
    """Public: a business's principal proves control of the phone the station holds for them with a texted code, then
    gets an account at once (accounts.registration)."""
    step = "send_code" if request.POST.get("action") == "send_code" else "register"
    form = SelfRegistrationForm(request.POST or None, step=step)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if step == "send_code":
                masked = registration.send_registration_code(
                    uscc=data["uscc"], license_number=data["license_number"], phone=data["phone"]
                )
            else:
                data.pop("password2")
                account = registration.register_enterprise(**data)
        except registration.TooManyAttempts as exc:
            form.add_error(None, exc.messages)
            status = 429
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if step == "send_code":
                messages.success(request, _("验证码已发送至 %(phone)s，请在下方填写。") % {"phone": masked})
                form = SelfRegistrationForm(initial=data, step="register")
                return render(request, "accounts/register.html", {"form": form, "code_sent": True})
            _log_in(request, account)
            messages.success(request, _("注册成功，已绑定“%(entity)s”。") % {"entity": account.entity.name})
            return redirect("home")
    return render(request, "accounts/register.html", {"form": form}, status=status)
