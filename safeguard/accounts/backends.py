from allauth.account.auth_backends import AuthenticationBackend

from safeguard.accounts.models import User


class SchoolStaffBackend(AuthenticationBackend):
    """Only people with an active role in at least one school may sign in.

    Checked on every request too (Django asks the backend again in get_user),
    so deactivating someone ends their open sessions at their next click.
    """

    def user_can_authenticate(self, user: User) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if user.is_superuser:
            return True
        return user.memberships.filter(is_active=True).exists()
