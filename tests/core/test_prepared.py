"""Querysets compiled once: the same instances as the queryset, for any values."""

import pytest
from rest_framework.authtoken.models import Token

from apps.core.prepared import PreparedQuery
from apps.operations.models import Room

token_with_officer = PreparedQuery(
    lambda key: Token.objects.select_related("user", "user__agency").filter(key=key)[:1], str
)


def test_a_prepared_query_gives_what_its_queryset_gives_for_each_value(world):
    # given two officers' tokens
    keys = [
        Token.objects.get_or_create(user=o)[0].key for o in (world.gr_officer, world.bg_officer)
    ]

    # when each is looked up through the one compiled query
    found = [token_with_officer.first(key) for key in keys]

    # then each comes with its own officer and agency, as select_related reads them
    assert [(t.key, t.user, t.user.agency) for t in found] == [
        (keys[0], world.gr_officer, world.gr_officer.agency),
        (keys[1], world.bg_officer, world.bg_officer.agency),
    ]
    assert token_with_officer.first("no-such-key") is None


def test_an_argument_that_does_not_reach_the_sql_as_a_parameter_is_refused(db):
    # given a build that turns its argument into something else
    prepared = PreparedQuery(lambda room_id: Room.objects.filter(pk=room_id + 1), int)

    # when / then
    with pytest.raises(ValueError, match="parameter of its own"):
        prepared(1)
