"""After an upgrade that keys names differently, `manage.py rebuild_name_keys` makes every
stored party's blocking keys again, so people stored before are found by the new keys."""

from io import StringIO

from django.core.management import call_command

from apps.crossmatch.blocking import party_keys
from apps.crossmatch.models import Match, NameKey
from apps.reports.models import Party


def _keys_of(party: Party) -> set[tuple[str, str]]:
    return set(NameKey.objects.filter(party=party).values_list("entity", "key"))


def test_stored_parties_get_the_current_keys_and_are_found_again(world, post):
    # given: a person stored under an older recipe (here: none of today's keys, one stale)
    earlier = post(
        world.gr_officer,
        world.postal,
        "intel",
        people=[{"name": "Jan Novák", "date_of_birth": "1980-04-02", "address": "Hlavní 12, Brno"}],
    )
    party = earlier.parties.get()
    NameKey.objects.filter(party=party).delete()
    NameKey.objects.create(report=earlier, party=party, entity="person", key="stale")

    # when
    out = StringIO()
    call_command("rebuild_name_keys", "--batch", "1", stdout=out)
    call_command("rebuild_name_keys", stdout=out)  # again: the same keys

    # then: exactly the current recipe's keys
    expected = set(
        party_keys(
            name=party.name,
            date_of_birth=party.date_of_birth,
            address=party.address,
            company=party.company,
            country=earlier.country_id,
        )
    )
    assert _keys_of(party) == expected and ("person", "stale") not in expected
    assert "blocking keys made again for" in out.getvalue()
    # and a later report naming the person finds the earlier one through them (matched
    # on commit, as the worker does)
    later = post(
        world.bg_officer,
        world.postal,
        "intel",
        people=[{"name": "Jan Novak", "date_of_birth": "1980-04-02"}],
    )
    assert Match.objects.filter(report_a=earlier, report_b=later).exists()
