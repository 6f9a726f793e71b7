"""URLs for actions and tasks (joined into incidents/urls.py)."""

from django.urls import path

from safeguard.incidents import action_views

urlpatterns = [
    path("<incident:incident_id>/actions/add/", action_views.action_add, name="action-add"),
    path(
        "<incident:incident_id>/actions/staff-search/",
        action_views.action_staff_search,
        name="action-staff-search",
    ),
    path("tasks/", action_views.task_list, name="task-list"),
]
