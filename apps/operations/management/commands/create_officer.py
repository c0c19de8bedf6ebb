from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.models import AgencyKind, Role
from apps.accounts.services import AccountError, agency_get_or_create, officer_create
from apps.operations.models import Operation
from apps.operations.services import participation_add


class Command(BaseCommand):
    help = "Create an officer (and their agency if it does not exist)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2")
        parser.add_argument("--agency", required=True, help="agency name")
        parser.add_argument("--kind", required=True, choices=AgencyKind.values)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--operation", help="code name: the agency takes part and joins all its rooms"
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                agency = agency_get_or_create(
                    country=options["country"], name=options["agency"], kind=options["kind"]
                )
                officer = officer_create(
                    username=options["username"],
                    password=options["password"],
                    agency=agency,
                    role=options["role"],
                )
                if options["operation"]:
                    operation = Operation.objects.filter(code_name=options["operation"]).first()
                    if operation is None:
                        raise CommandError(f"No operation {options['operation']!r}.")
                    # A coordinator body's agency coordinates the operation it joins;
                    # a national agency only takes part, whatever its officers' roles.
                    participation_add(
                        operation=operation,
                        agency=agency,
                        all_rooms=True,
                        coordinating=agency.kind == AgencyKind.COORDINATOR,
                    )
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created {officer.username} ({officer.role}, {agency})")
