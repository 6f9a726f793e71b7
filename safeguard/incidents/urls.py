"""Incident URLs. Each feature keeps its own list; they share the "incidents" namespace."""

from django.urls import path, re_path

from safeguard.incidents import views
from safeguard.incidents.action_urls import urlpatterns as action_urls
from safeguard.incidents.attachment_urls import urlpatterns as attachment_urls
from safeguard.incidents.correction_urls import urlpatterns as correction_urls
from safeguard.incidents.recording_urls import urlpatterns as recording_urls

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="incident-list"),
    path("mine/", views.my_incidents, name="my-incidents"),
    path("<incident:incident_id>/", views.incident_detail, name="incident-detail"),
    *recording_urls,
    *action_urls,
    *attachment_urls,
    *correction_urls,
    # Addresses by number from before the keys (bookmarks, old emails): checked, then sent on.
    re_path(r"^(?P<incident_id>[0-9]+)/", views.incident_old_link, name="incident-old-link"),
]
