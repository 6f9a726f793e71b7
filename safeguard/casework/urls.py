"""Every casework URL, one namespace ("casework:"), mounted at the site's root: the review
queue and review page under /casework/, the school's decisions under /school/decisions/."""

from django.urls import path

from safeguard.casework import views

app_name = "casework"

urlpatterns = [
    path("casework/review/", views.review_queue_page, name="review-queue"),
    path(
        "casework/review/<incident:incident_id>/",
        views.review_incident,
        name="review-incident",
    ),
    path("school/decisions/", views.decision_option_list, name="decision-option-list"),
    path("school/decisions/add/", views.decision_option_add, name="decision-option-add"),
    path(
        "school/decisions/<int:option_id>/edit/",
        views.decision_option_edit,
        name="decision-option-edit",
    ),
    path(
        "school/decisions/<int:option_id>/retire/",
        views.decision_option_retire,
        name="decision-option-retire",
    ),
    path(
        "school/decisions/<int:option_id>/reinstate/",
        views.decision_option_reinstate,
        name="decision-option-reinstate",
    ),
    path(
        "school/decisions/<int:option_id>/up/",
        views.decision_option_move_up,
        name="decision-option-move-up",
    ),
    path(
        "school/decisions/<int:option_id>/down/",
        views.decision_option_move_down,
        name="decision-option-move-down",
    ),
]
