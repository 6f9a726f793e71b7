"""The unread alert count in the header, on every page (school policy section 5 step 11)."""

from django.http import HttpRequest

from safeguard.incidents.selectors import unread_alerts_shown_to


def unread_alerts(request: HttpRequest) -> dict[str, int | None]:
    """`unread_alerts`: None for people who get no alerts (governors, the operator).

    It counts incidents with an alert the person hasn't read, in every school where
    they hold an active role, not only the one they are working in.
    """
    return {
        "unread_alerts": unread_alerts_shown_to(
            getattr(request, "membership", None), getattr(request, "memberships", [])
        )
    }
