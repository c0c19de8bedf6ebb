"""Services that take access away publish access.changed on commit, and only then."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apps.accounts.admin import OfficerAdmin
from apps.accounts.models import Officer
from apps.accounts.services import officer_deactivate, token_revoke


def access_changed(officer) -> tuple[str, dict]:
    return (
        f"officer.{officer.pk}",
        {"type": "access.changed", "agency_id": None, "officer_id": officer.pk},
    )


def test_deactivating_tells_the_officers_sockets_after_commit(
    world, published, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks() as callbacks:
        # when
        officer_deactivate(officer=world.bg_officer)
        assert published == []
    for callback in callbacks:
        callback()

    # then
    assert published == [access_changed(world.bg_officer)]
    assert list(Officer.objects.filter(is_active=False).values_list("username", flat=True)) == [
        "bg.officer"
    ]
    token = world.bg_officer.auth_token.key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/operations/").status_code == 401


def test_revoking_a_token_that_is_gone_publishes_nothing(
    world, published, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        assert token_revoke(officer=world.gr_officer) is True

    # when
    with django_capture_on_commit_callbacks(execute=True):
        again = token_revoke(officer=world.gr_officer)

    # then
    assert again is False
    assert published == [access_changed(world.gr_officer)]


def test_deactivate_officer_command(world, published, django_capture_on_commit_callbacks):
    # given
    out = StringIO()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        call_command("deactivate_officer", "bg.officer", stdout=out)

    # then
    assert out.getvalue() == "deactivated bg.officer\n"
    assert not Officer.objects.get(username="bg.officer").is_active
    assert published == [access_changed(world.bg_officer)]


def test_deactivate_officer_command_refuses_an_unknown_name(world, published):
    # given
    before = sorted(Officer.objects.values_list("username", "is_active"))

    # when
    with pytest.raises(CommandError) as refused:
        call_command("deactivate_officer", "nobody")

    # then
    assert str(refused.value) == "No officer named 'nobody'."
    assert sorted(Officer.objects.values_list("username", "is_active")) == before
    assert published == []


@pytest.mark.parametrize(
    ("changed", "told"), [(["is_active"], True), (["role"], True), (["first_name"], False)]
)
def test_an_admin_edit_that_can_take_access_away_tells_the_sockets(
    world, published, rf, django_capture_on_commit_callbacks, changed, told
):
    # given
    officer = world.bg_officer
    officer.is_active = False
    form = SimpleNamespace(changed_data=changed)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        OfficerAdmin(Officer, admin.site).save_model(rf.post("/admin/"), officer, form, True)

    # then
    assert published == ([access_changed(officer)] if told else [])
    assert Officer.objects.get(pk=officer.pk).is_active is False
