"""How many wrong passwords an account takes before each try waits (docs/security.md A5, D row).

Three limits, each for a different attacker (docs/security.md, "Brute force and lockout"):

- **per address** (allauth, `ACCOUNT_RATE_LIMITS["login_failed"]` `.../ip`): one machine
  guessing many accounts;
- **per address and account** (allauth `.../key`, the key being address + sign-in email):
  one machine guessing one person's password. Tight, and it only ever holds up that
  address, so a stranger failing from elsewhere can't lock the DSL out of her own network;
- **per account, from anywhere** (here): many machines guessing one password. It lets
  `SIGN_IN_ACCOUNT_FREE_FAILURES` failures a day through, then each further try waits twice
  as long as the last, up to `SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS`: guessing stays bounded
  (a few hundred tries a day at most) while the person is at worst delayed a few minutes.
  When the account first crosses the line the holder is emailed, once a day at most.

Counted by sign-in email, whether or not an account has it, so the answers never say
which addresses have accounts. Failures are kept in the shared cache, like allauth's.
"""

import hashlib
import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

WINDOW_SECONDS = 24 * 3600


def _key(login: str, what: str) -> str:
    digest = hashlib.sha256(login.strip().lower().encode()).hexdigest()
    return f"safeguard:sign-in:{what}:{digest}"


def _failures(login: str, now: float) -> list[float]:
    """Times of this account's failed sign-ins in the last day, newest first."""
    return [t for t in cache.get(_key(login, "failures"), []) if t > now - WINDOW_SECONDS]


def delay_after(failures: int) -> float:
    """Seconds the next try must wait after the `failures`-th failure in a day."""
    free = int(settings.SIGN_IN_ACCOUNT_FREE_FAILURES)
    if failures < free:
        return 0
    base = float(settings.SIGN_IN_ACCOUNT_FIRST_DELAY_SECONDS)
    return min(base * 2 ** (failures - free), float(settings.SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS))


def must_wait(login: str) -> bool:
    """Whether a try for `login` must wait for the per-account delay now."""
    now = time.time()
    failures = _failures(login, now)
    return bool(failures) and now - failures[0] < delay_after(len(failures))


def record_failure(login: str) -> None:
    """Count a wrong password for `login`; tell its holder once it crosses the line."""
    now = time.time()
    failures = [now, *_failures(login, now)]
    cache.set(_key(login, "failures"), failures, WINDOW_SECONDS)
    if len(failures) >= int(settings.SIGN_IN_ACCOUNT_FREE_FAILURES):
        _tell_holder(login)


def clear(login: str) -> None:
    """Forget the failures (after a successful password reset)."""
    cache.delete(_key(login, "failures"))


def _tell_holder(login: str) -> None:
    from safeguard.accounts.models import User
    from safeguard.accounts.notices import Change, notify

    user = User.objects.filter(email__iexact=login.strip()).first()
    if user is None:
        return
    # cache.add is atomic: one email per account per day, however many failures follow.
    if not cache.add(_key(login, "notified"), True, WINDOW_SECONDS):
        return
    transaction.on_commit(
        partial(notify, user=user, change=Change.SIGN_IN_FAILURES, at=timezone.now())
    )
