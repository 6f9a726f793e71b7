from django.urls import include, path

from safeguard.accounts import school_views as views

app_name = "school"
urlpatterns = [
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/invite/", views.staff_invite, name="staff-invite"),
    path("staff/<int:membership_id>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:membership_id>/role/", views.staff_change_role, name="staff-change-role"),
    path("staff/<int:membership_id>/keys/", include("safeguard.accounts.key_urls")),
    path(
        "staff/<int:membership_id>/resend-invitation/",
        views.staff_resend_invitation,
        name="staff-resend-invitation",
    ),
    path("staff/<int:membership_id>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
    path("staff/<int:membership_id>/reactivate/", views.staff_reactivate, name="staff-reactivate"),
    path("groups/", views.group_list, name="group-list"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:group_id>/edit/", views.group_update, name="group-update"),
    path("groups/<int:group_id>/members/", views.group_members, name="group-members"),
    path("groups/<int:group_id>/delete/", views.group_delete, name="group-delete"),
    path("settings/", views.school_settings, name="school-settings"),
]
