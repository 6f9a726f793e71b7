"""The audit trail's screens, for DSLs and deputies.

They live under /audit/ with the URL names `audit:...`: the screens show the audit trail,
and their addresses and names stayed the same when they moved out of the audit app.
"""

from django.urls import path

from safeguard.oversight import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("export.csv", views.export_csv, name="export"),
    path("pupil/<int:pupil_id>/", views.pupil_access, name="pupil-access"),
]
