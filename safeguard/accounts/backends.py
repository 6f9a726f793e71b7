from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef

from safeguard.accounts.models import Membership, User

# The kinds of authenticator that count as a key (mfa.KEY_TYPES; recovery codes don't).
KEY_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class SchoolStaffBackend(AuthenticationBackend):
    """Only people with an active role in at least one school may sign in.

    Checked on every request too (Django asks the backend again in get_user),
    so deactivating someone ends their open sessions at their next click.
    """

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in person, read with whether they hold an active role and a key in
        the same query: every request needs all three (`mfa.has_key`)."""
        user = (
            User.objects.annotate(
                has_active_role=Exists(
                    Membership.objects.filter(user=OuterRef("pk"), is_active=True)._as_scoped()
                ),
                has_second_factor_key=Exists(
                    Authenticator.objects.filter(user=OuterRef("pk"), type__in=KEY_TYPES)
                ),
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user: User) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if user.is_superuser:
            return True
        known: bool | None = getattr(user, "has_active_role", None)
        if known is not None:
            return known
        return user.memberships.filter(is_active=True).exists()
