from django.core.management.base import BaseCommand, CommandError

from safeguard.audit.services import verify_chain


class Command(BaseCommand):
    help = (
        "Check the whole audit trail's hash chain. Exits non-zero and names the first "
        "event whose hash or link to its predecessor does not match (SECURITY.md R4)."
    )

    def handle(self, *args, **options) -> None:
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at event #{broken.pk} ({broken.action}, "
                f"{broken.created_at.isoformat()}); {checked} events before it are intact."
            )
        self.stdout.write(f"Audit chain intact: {checked} events checked.")
