from django.contrib.auth import views as auth_views
from django.urls import path

from shian.core.access import access

from . import views
from .access import ANYONE

app_name = "accounts"
urlpatterns = [
    path("login/", access(ANYONE)(views.LoginView.as_view()), name="login"),
    path("logout/", access(ANYONE)(auth_views.LogoutView.as_view()), name="logout"),
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    # enterprise accounts: invitations, self-registration, an entity's staff
    path("enterprise/", views.enterprise_home, name="enterprise"),
    path("entity/<int:entity_id>/staff/", views.entity_staff, name="entity-staff"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("enterprise/<int:pk>/active/", views.enterprise_account_active, name="enterprise-active"),
    path("invite/<str:token>/", views.invitation_accept, name="invite-accept"),
    path("register/", views.register, name="register"),
]
