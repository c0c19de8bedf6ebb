"""Officers, an operation and a room for benchmarks; writes their tokens to a JSON file."""

import json

from django.core.management.base import BaseCommand
from django.db import transaction
from rest_framework.authtoken.models import Token

from apps.accounts.models import Officer, Role
from apps.accounts.services import agency_get_or_create
from apps.operations.services import (
    operation_get_or_create,
    participation_add,
    room_get_or_create,
    room_member_add,
)
from apps.reports.management.commands.load_demo import COUNTRIES


class Command(BaseCommand):
    help = "Create N benchmark officers in one room (idempotent) and write their tokens as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--officers", type=int, default=1000)
        parser.add_argument("--out", default="bench-fixture.json")
        parser.add_argument("--origin", default="http://127.0.0.1:8000")
        parser.add_argument("--code-name", default="BENCH")

    @transaction.atomic
    def handle(self, *args, officers: int, out: str, origin: str, code_name: str, **options):
        operation, _ = operation_get_or_create(code_name=code_name, phase="action")
        room = room_get_or_create(operation=operation, name="Bench room")
        agencies = []
        for code in COUNTRIES:
            agency = agency_get_or_create(
                country=code, name=f"Bench customs {code}", kind="customs"
            )
            participation_add(operation=operation, agency=agency)
            room_member_add(room=room, agency=agency)
            agencies.append(agency)
        existing = {o.username: o for o in Officer.objects.filter(username__startswith="bench.")}
        tokens = []
        for index in range(officers):
            username = f"bench.{index:05d}"
            officer = existing.get(username)
            if officer is None:
                officer = Officer(
                    username=username, agency=agencies[index % len(agencies)], role=Role.OFFICER
                )
                officer.set_unusable_password()
                officer.save()
            token, _ = Token.objects.get_or_create(user=officer)
            tokens.append(token.key)
        with open(out, "w") as fh:
            json.dump(
                {"room": room.pk, "operation": operation.pk, "origin": origin, "tokens": tokens}, fh
            )
        self.stdout.write(f"{officers} officers in room {room.pk}; tokens in {out}")
