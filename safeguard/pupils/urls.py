from django.urls import path

from safeguard.pupils import views

app_name = "pupils"
urlpatterns = [
    path("", views.pupil_list, name="pupil-list"),
    path("add/", views.pupil_add, name="pupil-add"),
    path("<int:pupil_id>/", views.pupil_detail, name="pupil-detail"),
    path("<int:pupil_id>/edit/", views.pupil_edit, name="pupil-edit"),
    path("<int:pupil_id>/archive/", views.pupil_archive, name="pupil-archive"),
    path("<int:pupil_id>/restore/", views.pupil_restore, name="pupil-restore"),
    path("<int:pupil_id>/statuses/add/", views.status_add, name="status-add"),
    path("<int:pupil_id>/statuses/<int:status_id>/end/", views.status_end, name="status-end"),
]
