"""The running totals over REST: GET /api/v1/operations/{id}/stats/ (dashboard/api.py)."""


def test_stats_return_the_running_totals(world, post, api_as):
    # given
    post(world.gr_officer, world.postal, kind="check", checks_count=412, outcome="clear")
    post(world.gr_officer, world.postal, kind="hit", seizures=[
        {"category": "firearm", "quantity": 2}, {"category": "ammunition", "quantity": 150},
    ])  # fmt: skip
    post(world.al_officer, world.balkan, kind="check", checks_count=30, outcome="hit")

    # when
    response = api_as(world.coordinator).get(f"/api/v1/operations/{world.operation.pk}/stats/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["operation"] == world.operation.pk
    stats = body["stats"]
    assert stats["total"] == {
        "reports": 3, "kind.check": 2, "kind.hit": 1, "items_checked": 442, "outcome.clear": 1,
        "outcome.hit": 1, "checks_hit": 1, "seized.firearm": 2, "seized.ammunition": 150,
        "hits": 2,  # the hit, and AL's check whose outcome was a hit
    }  # fmt: skip
    assert stats["country"]["AL"] == {
        "reports": 1, "kind.check": 1, "items_checked": 30, "outcome.hit": 1, "checks_hit": 1,
        "hits": 1,
    }  # fmt: skip
    assert stats["room"][str(world.postal.pk)]["seized.firearm"] == 2
    assert sorted(stats["country"]) == ["AL", "GR"]
    assert sum(hour["reports"] for hour in stats["hour"].values()) == 3
    assert stats["participants"] == {"agencies": 5, "countries": 5, "officers": 6}


def test_stats_are_for_the_operations_coordinators_and_liaison_officers(world, post, api_as):
    # given: an officer taking part, a liaison officer, an outsider
    post(world.gr_officer, world.postal, kind="check", checks_count=4, outcome="clear")
    url = f"/api/v1/operations/{world.operation.pk}/stats/"

    # when
    answers = {
        who.username: api_as(who).get(url).status_code
        for who in (world.de_officer, world.gr_officer, world.gr_liaison, world.fr_officer)
    }

    # then
    assert answers == {"de.officer": 403, "gr.officer": 403, "gr.liaison": 200, "fr.officer": 404}


def test_stats_count_amber_for_the_rooms_members_and_red_for_coordinators_only(world, post, api_as):
    # given: a red hit of 13 explosives and an amber hit of 2 firearms in the postal room
    post(world.gr_officer, world.postal, kind="hit", handling="red",
         seizures=[{"category": "explosive", "quantity": 13}])  # fmt: skip
    post(world.gr_officer, world.postal, kind="hit", handling="amber",
         seizures=[{"category": "firearm", "quantity": 2}])  # fmt: skip
    url = f"/api/v1/operations/{world.operation.pk}/stats/"

    # when: a liaison of the room (GR), a liaison outside it (AL), the coordinator
    seen = {
        who.username: api_as(who).get(url).json()["stats"]["total"]
        for who in (world.gr_liaison, world.al_officer, world.coordinator)
    }

    # then
    assert seen["gr.liaison"] == {"reports": 1, "kind.hit": 1, "hits": 1, "seized.firearm": 2}
    assert seen["al.officer"] == {}
    assert seen["coordinator"] == {
        "reports": 2, "kind.hit": 2, "hits": 2, "seized.firearm": 2, "seized.explosive": 13,
    }  # fmt: skip


def test_stats_are_only_for_participants(world, api_as):
    # given
    client = api_as(world.fr_officer)

    # when
    response = client.get(f"/api/v1/operations/{world.operation.pk}/stats/")

    # then
    assert response.status_code == 404
