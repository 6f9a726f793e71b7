from django.http import HttpRequest

from safeguard.accounts.permissions import Capability, capabilities_of


def membership(request: HttpRequest) -> dict[str, object]:
    current = getattr(request, "membership", None)
    caps = capabilities_of(current.role) if current else frozenset()
    return {
        "current_membership": current,
        "current_school": getattr(request, "school", None),
        "other_memberships": [
            m for m in getattr(request, "memberships", []) if current is None or m.pk != current.pk
        ],
        "can": {cap.name: cap in caps for cap in Capability},
    }
