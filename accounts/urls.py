from django.urls import path

from accounts import oidc, views, views_notifications, views_staff, views_system

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/security-code/", views.two_factor, name="two-factor"),
    path("sign-in/set-up-security-codes/", views.two_factor_setup, name="two-factor-setup"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("password-reset/", views.ForgottenPasswordView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ChooseNewPasswordView.as_view(),
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]

# OpenID Connect (404 unless OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set).
urlpatterns += [
    path("oidc/start/", oidc.OIDCStartView.as_view(), name="oidc-start"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc-callback"),
]

# Running an organisation: its staff, in the product's own pages (accounts/views_staff.py).
urlpatterns += [
    path("invitation/<str:token>/", views_staff.invitation, name="invitation"),
    path("organisations/", views_staff.organisations, name="organisations"),
    path("organisations/<uuid:public_id>/", views_staff.organisation_staff, name="organisation"),
    path("organisations/<uuid:public_id>/invite/", views_staff.invite, name="invite"),
    path(
        "organisations/<uuid:public_id>/staff/<uuid:person_id>/",
        views_staff.staff_member,
        name="staff-member",
    ),
    path(
        "organisations/<uuid:public_id>/staff/<uuid:person_id>/roles/",
        views_staff.staff_roles,
        name="staff-roles",
    ),
    path(
        "organisations/<uuid:public_id>/staff/<uuid:person_id>/reset-two-factor/",
        views_staff.staff_reset_two_factor,
        name="staff-reset-two-factor",
    ),
    path(
        "organisations/<uuid:public_id>/staff/<uuid:person_id>/remove/",
        views_staff.staff_remove,
        name="staff-remove",
    ),
]

# The system administrator: organisations, teams, areas and API tokens (accounts/views_system.py).
urlpatterns += [
    path("organisations/new/", views_system.organisation_new, name="organisation-new"),
    path("organisations/<uuid:public_id>/edit/", views_system.organisation_edit, name="organisation-edit"),
    path("organisations/<uuid:public_id>/areas/", views_system.organisation_areas, name="organisation-areas"),
    path("organisations/<uuid:public_id>/api-tokens/", views_system.tokens, name="tokens"),
    path("api-tokens/<uuid:public_id>/rename/", views_system.token_rename, name="token-rename"),
    path("api-tokens/<uuid:public_id>/rotate/", views_system.token_rotate, name="token-rotate"),
    path("api-tokens/<uuid:public_id>/revoke/", views_system.token_revoke, name="token-revoke"),
]

# Notification preferences (accounts/views_notifications.py).
urlpatterns += [
    path("notifications/", views_notifications.my_notifications, name="my-notifications"),
    path(
        "organisations/<uuid:public_id>/notifications/",
        views_notifications.organisation_notifications,
        name="organisation-notifications",
    ),
]
