"""Factories for the domain; thin wrappers over the real services where it matters."""

import uuid
from datetime import timedelta

import factory
from rest_framework.authtoken.models import Token

from apps.accounts.models import Agency, Country, Officer, Role
from apps.operations.models import Operation, Participation, Phase, Room, RoomMembership


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    country = factory.LazyFunction(lambda: Country.objects.get(code="GR"))
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = "customs"


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"officer{n}")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def token(self, create, extracted, **kwargs):
        if create:
            self.save()
            Token.objects.get_or_create(user=self)


def token_expiry(token: Token, hours: float = 12) -> str:
    """`expires_at` of a token as the API writes it (API_TOKEN_TTL_HOURS after issue)."""
    return (token.created + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation

    code_name = factory.Sequence(lambda n: f"OPERATION {n}")
    phase = Phase.ACTION


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    operation = factory.SubFactory(OperationFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


def take_part(operation: Operation, *agencies: Agency, coordinating: bool | None = None) -> None:
    """Agencies take part; coordinator bodies coordinate unless told otherwise."""
    for agency in agencies:
        Participation.objects.get_or_create(
            operation=operation,
            agency=agency,
            defaults={
                "coordinating": agency.kind == "coordinator"
                if coordinating is None
                else coordinating
            },
        )


def join(room: Room, *agencies: Agency) -> None:
    take_part(room.operation, *agencies)
    for agency in agencies:
        RoomMembership.objects.get_or_create(room=room, agency=agency)


def report_data(kind: str = "update", **fields) -> dict:
    data = {"client_id": str(uuid.uuid4()), "kind": kind}
    if kind == "update":
        data["body"] = "Day 2: all hubs staffed."
    elif kind == "check":
        data.update(outcome="clear", checks_count=10)
    elif kind == "hit":
        data["seizures"] = [{"category": "firearm", "quantity": 1}]
    elif kind == "intel":
        data["body"] = "Vendor seen on a market."
    data.update(fields)
    return data
