"""Attach the signed-in person's current school and role to every request."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from safeguard.accounts.models import Membership
from safeguard.accounts.requests import SafeguardRequest

SESSION_SCHOOL_KEY = "safeguard_school_id"


class SchoolMembershipMiddleware:
    """Sets request.membership, request.school and request.memberships.

    Roles are read afresh on every request, so a role change or deactivation
    takes effect on the person's very next click (ASVS 8.3.2). Someone signed
    in with no active role anywhere is signed out at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: SafeguardRequest) -> HttpResponse:
        request.membership = None
        request.school = None
        request.memberships = []
        user = request.user
        if user.is_authenticated:
            memberships = list(
                Membership.objects.active_for_user(user)
                .select_related("school")
                .order_by("school__name")
            )
            for membership in memberships:
                membership.user = user  # the person already read: no query per membership.user
            if not memberships and not user.is_superuser:
                logout(request)
                messages.error(request, "Your account is not active at any school.")
                return redirect("account_login")
            wanted = request.session.get(SESSION_SCHOOL_KEY)
            current = next((m for m in memberships if m.school_id == wanted), None)
            if current is None and memberships:
                current = memberships[0]
                request.session[SESSION_SCHOOL_KEY] = current.school_id
            request.memberships = memberships
            request.membership = current
            request.school = current.school if current else None
        return self.get_response(request)
