from django.urls import path

from core import session, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("your-work/", views.work, name="work"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("styleguide/", views.styleguide, name="styleguide"),
    path("healthz", views.healthz, name="healthz"),
    path("session/keep-alive/", session.keep_alive, name="session-keep-alive"),
]
