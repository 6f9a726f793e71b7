"""Password rules on top of Django's (school policy section 4; docs/security.md)."""

import re
import string
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from safeguard.accounts.models import User

MAX_PASSWORD_LENGTH = 512


class CharacterMixValidator:
    """The school policy's rule: lower case, upper case, a digit and a symbol."""

    def validate(self, password: str, user: "User | None" = None) -> None:
        missing = []
        if not re.search(r"[a-z]", password):
            missing.append("a lower-case letter")
        if not re.search(r"[A-Z]", password):
            missing.append("an upper-case letter")
        if not re.search(r"[0-9]", password):
            missing.append("a digit")
        if not any(c in string.punctuation or c == " " for c in password):
            missing.append("a symbol such as ! ? # or a space")
        if missing:
            raise ValidationError(
                "Your password needs " + ", ".join(missing) + ".", code="password_mix"
            )

    def get_help_text(self) -> str:
        return "Use lower- and upper-case letters, a digit and a symbol."


class MaximumLengthValidator:
    """Long passphrases are welcome; only absurd lengths are refused."""

    def validate(self, password: str, user: "User | None" = None) -> None:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                f"Your password can be at most {MAX_PASSWORD_LENGTH} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Passphrases of up to {MAX_PASSWORD_LENGTH} characters are welcome."


class ContextWordValidator:
    """Refuse passwords built on this service's or the school's own name (ASVS 6.2.11)."""

    SERVICE_WORDS = ("safeguard", "cpoms", "myconcern")
    GUESSABLE_WORDS = ("password", "school")

    def validate(self, password: str, user: "User | None" = None) -> None:
        lowered = re.sub(r"[^a-z]", "", password.lower())
        found = self._built_on(lowered, self.SERVICE_WORDS)
        if found:
            raise ValidationError(
                f"Your password is built on the name of this service ({found}).",
                code="password_context",
            )
        found = self._built_on(lowered, self._school_words(user))
        if found:
            raise ValidationError(
                f"Your password is built on the name of your school ({found}).",
                code="password_context",
            )
        found = self._built_on(lowered, self.GUESSABLE_WORDS)
        if found:
            raise ValidationError(
                f'Your password is built on the word "{found}", one of the first guesses.',
                code="password_context",
            )

    @staticmethod
    def _built_on(lowered: str, words: Iterable[str]) -> str:
        """The word the password is mostly made of, or ""."""
        for word in words:
            if word in lowered and len(lowered) - len(word) < 8:
                return word
        return ""

    @staticmethod
    def _school_words(user: "User | None") -> list[str]:
        if user is None or not getattr(user, "pk", None):
            return []
        return [
            word
            for membership in user.memberships.select_related("school")
            for word in re.findall(r"[a-z]+", membership.school.name.lower())
            if len(word) > 3
        ]

    def get_help_text(self) -> str:
        return "Don't base your password on the school's or this service's name."
