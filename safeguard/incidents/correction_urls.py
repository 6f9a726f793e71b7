"""URLs for DSL corrections and mistake reports (joined into incidents/urls.py)."""

from django.urls import path

from safeguard.incidents import correction_views

urlpatterns = [
    path(
        "<incident:incident_id>/correct/categories/",
        correction_views.incident_recategorise,
        name="incident-recategorise",
    ),
    path(
        "<incident:incident_id>/correct/pupil/",
        correction_views.incident_move,
        name="incident-move",
    ),
    path(
        "<incident:incident_id>/correct/withdraw/",
        correction_views.incident_withdraw,
        name="incident-withdraw",
    ),
    path(
        "<incident:incident_id>/correct/status/",
        correction_views.incident_status,
        name="incident-status",
    ),
    path(
        "<incident:incident_id>/report-mistake/",
        correction_views.incident_report_mistake,
        name="incident-report-mistake",
    ),
]
