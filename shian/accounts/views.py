from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shian.core.paging import filtered_page
from shian.core.permissions import require_perm
from shian.core.pii import unmask

from . import selectors, services
from .current_region import current_region_code
from .forms import AccountFilterForm, AccountForm, TokenForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def _apply_errors(form, exc: ValidationError):
    """Show a service's ValidationError on the form fields it names (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def account_list(request):
    require_perm(request.user, "accounts.view_accounts")
    code = current_region_code(request)
    form, page = filtered_page(
        request, AccountFilterForm, lambda **f: selectors.account_list(user=request.user, region_code=code, **f)
    )
    return render(request, "accounts/list.html", {"form": form, "page": page})


@login_required
def account_detail(request, pk: int):
    account = selectors.account_get(user=request.user, pk=pk)
    clear = None
    if request.method == "POST" and "unmask" in request.POST:
        clear = unmask(
            user=request.user, obj=account, fields={"phone": account.phone}, region_code=account.region_id or ""
        )
    return render(request, "accounts/detail.html", {"account": account, "clear": clear})


@login_required
def account_create(request):
    require_perm(request.user, "accounts.manage_accounts")
    form = AccountForm(request.POST or None, initial={"region_code": current_region_code(request)})
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_account(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("账号已创建：%(u)s") % {"u": account.username})
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("新建账号")})


@login_required
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
            _apply_errors(form, exc)
        else:
            messages.success(request, _("账号已保存。"))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("修改账号"), "account": account})


@login_required
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
            _apply_errors(form, exc)
    page = Paginator(selectors.token_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/tokens.html", {"form": form, "page": page, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.token_get(user=request.user, pk=pk)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:tokens")
