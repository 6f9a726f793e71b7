from django.urls import path

from safeguard.accounts import school_views as views

app_name = "school"
urlpatterns = [
    path("staff/", views.staff_list, name="staff-list"),
    path("groups/", views.group_list, name="group-list"),
    path("settings/", views.school_settings, name="school-settings"),
]
