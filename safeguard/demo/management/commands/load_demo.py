"""Fill the database with an obviously fictional trust, two schools, staff, pupils and a
term of records (incidents, actions, alerts, corrections: `safeguard.demo.records`).

Safe to re-run: everything is looked up by a stable key (school name, email
address, UPN, a record's fixed submit key) and reused, so a second run creates
nothing and takes a moment.
Demo passwords, and the authenticator-app keys of the people whose role needs a
second factor, are put back to the printed ones on every run, so the tables at the
end are always true.
"""

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from safeguard.accounts.models import User
from safeguard.accounts.permissions import Role
from safeguard.demo.people import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRETS,
    FERNHILL,
    LARKSPUR,
    PEOPLE,
    load_people,
)
from safeguard.demo.pupils import FERNHILL_CLASSES, LARKSPUR_CLASSES, load_pupils
from safeguard.demo.records import load_records


class Command(BaseCommand):
    help = (
        "Load fictional demo data: a trust, two schools, one account per role, about a "
        "hundred pupils and a term of incidents. Safe to re-run; it reuses what exists."
    )

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            schools, self.created = load_people()
            self.created += load_pupils(schools[LARKSPUR], LARKSPUR_CLASSES, estab="2001", seed=1)
            self.created += load_pupils(schools[FERNHILL], FERNHILL_CLASSES, estab="4001", seed=2)
            self.created += load_records(
                {"larkspur": (schools[LARKSPUR], "2001"), "fernhill": (schools[FERNHILL], "4001")}
            )
        self._print_accounts()

    # -- output ------------------------------------------------------------------------

    def _print_accounts(self) -> None:
        out = self.stdout.write
        out("")
        out(
            self.style.SUCCESS(
                f"Demo data ready ({self.created} new rows)."
                if self.created
                else "Demo data ready (already loaded; nothing new)."
            )
        )
        out("")
        out(f"  Open {settings.SITE_URL} and sign in as anyone below.")
        out("")
        rows = [
            (person.email, Role(role).label, school_name, DEMO_PASSWORD)
            for person in PEOPLE
            for school_name, role, _ in person.roles
        ]
        header = ("Email", "Role", "School", "Password")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, tuple("-" * w for w in widths), *rows]:
            out(("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))).rstrip())
        out("")
        self._print_authenticator_apps()
        if "console" in settings.MAILERS["default"]["BACKEND"]:
            out("  Emails (invitations, password resets) are printed in this terminal.")
        else:
            out("  Emails (invitations, password resets) go to the configured mail server.")
        out("")

    def _print_authenticator_apps(self) -> None:
        out = self.stdout.write
        out("  Second factor: DSLs, deputies and senior leaders need one. These accounts have an")
        out("  authenticator app already; after the password, Safeguard asks for its 6-digit code.")
        out("  Add the setup key to an authenticator app (or scan a QR code made from the")
        out("  otpauth:// link), or get the current code in a terminal with:")
        out("""    .venv/bin/python -c "import pyotp; print(pyotp.TOTP('SETUP-KEY').now())\"""")
        out("")
        adapter = get_mfa_adapter()
        width = max(len(email) for email in DEMO_TOTP_SECRETS)
        for email, secret in DEMO_TOTP_SECRETS.items():
            user = User.objects.get(email=email)
            out(f"  {email.ljust(width)}  setup key {secret}")
            out(f"  {''.ljust(width)}  {adapter.build_totp_url(user, secret)}")
        out("")
        out(
            "  Everyone else with a DSL, deputy or SLT role (such as dsl@fernhill.example) is asked"
        )
        out("  to set one up at first sign-in. Security keys and passkeys need the site opened")
        out(f"  as {settings.SITE_URL} (not 127.0.0.1).")
        out("")
