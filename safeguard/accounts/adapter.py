from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody signs themselves up: a DSL invites each member of staff."""
        return False

    def clean_email(self, email: str) -> str:
        """A signed-in person adding an address (allauth's email page) must keep it at one of
        their schools' domains (issue 7, finding 9; services.own_email_domain_error)."""
        from safeguard.accounts.services import own_email_domain_error

        email = super().clean_email(email)
        user = getattr(context.request, "user", None)
        if user is not None and user.is_authenticated:
            problem = own_email_domain_error(user, email)
            if problem:
                raise ValidationError(problem)
        return email
