from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import Officer
from apps.accounts.services import officer_deactivate


class Command(BaseCommand):
    help = "Deactivate an officer: no sign-in, no token, and their open sockets close at once."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        officer = Officer.objects.filter(username=username).first()
        if officer is None:
            raise CommandError(f"No officer named {username!r}.")
        officer_deactivate(officer=officer)
        self.stdout.write(f"deactivated {officer.username}")
