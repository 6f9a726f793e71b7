from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from safeguard.accounts.models import User
from safeguard.accounts.permissions import Role
from safeguard.accounts.services import create_school, find_or_create_trust, invite_staff


class Command(BaseCommand):
    help = (
        "Add a school and invite its first DSL, who then invites everyone else from the "
        "Staff screen. The operator (a superuser, named by --operator) is recorded as the "
        "inviter in the audit trail. The DSL's invitation email is sent by the background worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the school's name")
        parser.add_argument("--urn", default="", help="the school's URN (6 or 7 digits)")
        parser.add_argument(
            "--email-domains", default="", help="staff email domains, comma-separated"
        )
        parser.add_argument("--trust", default="", help="the trust's name (created if new)")
        parser.add_argument("--operator", required=True, help="the superuser's email address")
        parser.add_argument("--dsl-email", required=True)
        parser.add_argument("--dsl-first-name", required=True)
        parser.add_argument("--dsl-last-name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        operator = User.objects.filter(
            email=options["operator"].strip().lower(), is_superuser=True
        ).first()
        if operator is None:
            raise CommandError(
                "--operator must be the email address of a superuser (manage.py createsuperuser)."
            )
        try:
            with transaction.atomic():
                trust = None
                if options["trust"]:
                    trust = find_or_create_trust(name=options["trust"], created_by=operator)
                school = create_school(
                    name=options["name"].strip(),
                    trust=trust,
                    urn=options["urn"].strip(),
                    email_domains=options["email_domains"].strip(),
                    created_by=operator,
                )
                invite_staff(
                    school=school,
                    invited_by=operator,
                    email=options["dsl_email"],
                    first_name=options["dsl_first_name"],
                    last_name=options["dsl_last_name"],
                    role=Role.DSL,
                    job_title="Designated Safeguarding Lead",
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            f"Added {school.name} (id {school.pk}) and invited {options['dsl_email']} as its DSL."
        )
