"""A member of staff's keys, under /school/staff/<membership_id>/keys/ (in the school namespace)."""

from django.urls import path

from safeguard.accounts import key_views

urlpatterns = [
    path("", key_views.staff_keys, name="staff-keys"),
    path("revoke/", key_views.staff_keys_revoke, name="staff-keys-revoke"),
]
