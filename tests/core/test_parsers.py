"""Request bodies the REST edge cannot parse are a 400, never a 500."""

from apps.intel.models import ImportRun
from apps.reports.models import Report

DEEP = b"[" * 100_000 + b"]" * 100_000


def test_a_body_nested_too_deeply_is_a_400(world, api_as):
    # given a JSON body deeper than Python's parser goes
    client = api_as(world.gr_officer)
    before = Report.objects.count()

    # when
    report = client.post(
        f"/api/v1/rooms/{world.postal.pk}/reports/", DEEP, content_type="application/json"
    )
    score = client.post(
        f"/api/v1/operations/{world.operation.pk}/score/", DEEP, content_type="application/json"
    )

    # then
    assert report.status_code == 400
    assert report.json() == {"detail": "JSON parse error - nested too deeply."}
    assert score.status_code == 400
    assert score.json() == {"detail": "JSON parse error - nested too deeply."}
    assert Report.objects.count() == before


def test_an_import_sent_as_json_nested_too_deeply_is_a_400(world, api_as):
    # given the imports endpoint, which also takes JSON bodies
    client = api_as(world.coordinator)
    before = ImportRun.objects.count()

    # when
    response = client.post(
        f"/api/v1/operations/{world.operation.pk}/imports/", DEEP, content_type="application/json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested too deeply."}
    assert ImportRun.objects.count() == before
