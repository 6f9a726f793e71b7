from django.urls import path, re_path

from safeguard.accounts import sessions, views

app_name = "accounts"
urlpatterns = [
    path("switch-school/", views.switch_school, name="switch-school"),
    path("details/", views.own_details, name="own-details"),
    path("session/keep-alive/", sessions.keep_alive, name="session-keep-alive"),
    path("session/status/", sessions.session_status, name="session-status"),
    # Before the keyed pattern, which "set-password" would otherwise match.
    path(
        "invitation/set-password/",
        views.invitation_set_password,
        name="invitation-set-password",
    ),
    re_path(
        r"^invitation/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.invitation_accept,
        name="invitation-accept",
    ),
]
