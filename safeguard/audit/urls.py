"""The audit trail's screens, for DSLs and deputies."""

from django.urls import path

from safeguard.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("export.csv", views.export_csv, name="export"),
    path("pupil/<int:pupil_id>/", views.pupil_access, name="pupil-access"),
]
