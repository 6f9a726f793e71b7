"""The signed-in person's alerts, mounted at /alerts/ (the emailed link is /alerts/<key>/)."""

from django.urls import path

from safeguard.incidents import alert_views

app_name = "alerts"
urlpatterns = [
    path("", alert_views.alert_list, name="alert-list"),
    path("<uuid:key>/", alert_views.alert_open, name="alert-open"),
    path("<int:alert_id>/incident/", alert_views.alert_incident, name="alert-incident"),
    path("<int:alert_id>/read/", alert_views.alert_read, name="alert-read"),
    path("<int:alert_id>/acknowledge/", alert_views.alert_acknowledge, name="alert-acknowledge"),
]
