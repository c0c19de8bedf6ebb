"""The REST edge of imports and indicators."""

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.intel.models import ImportRun, Indicator

from .test_imports import BAD_WEIGHT, GOOD_1, HEADER

MATCHING_INTEL = (
    "AL-20-5,AL,Albanian Police,intel,green,2020-05-01T00:00:00Z,"
    '"Buyer uses +30 694 123 4567",,,,,,,,,\n'
)


def test_upload_api_imports_the_file_and_shows_the_run_and_its_matches(
    world, analyst, partners, api_as, django_capture_on_commit_callbacks
):
    client = api_as(analyst)
    upload = SimpleUploadedFile(
        "earlier.csv", (HEADER + GOOD_1 + BAD_WEIGHT + MATCHING_INTEL).encode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/operations/{world.operation.pk}/imports/",
            {"file": upload, "name": "GR+AL 2020"},
            format="multipart",
        )

    assert response.status_code == 202
    run_id = response.data["id"]
    detail = client.get(f"/api/v1/imports/{run_id}/").data
    assert (detail["name"], detail["status"], detail["format"]) == ("GR+AL 2020", "done", "csv")
    assert detail["rows"] == {"total": 3, "created": 2, "existing": 0, "rejected": 1}
    assert detail["errors"] == [
        {"line": 3, "reason": "parcel.weight_g: Ensure this value is greater than or equal to 1."}
    ]
    assert detail["matches_found"] == 1
    assert ImportRun.objects.get().source is None
    matches = client.get(f"/api/v1/imports/{run_id}/matches/").data
    assert matches["count"] == 1
    (match,) = matches["results"]
    assert match["selector"] == {"type": "phone", "value": "+306941234567"}
    assert [r["country"] for r in match["reports"]] == ["GR", "AL"]
    listing = client.get(f"/api/v1/operations/{world.operation.pk}/imports/").data
    assert [r["id"] for r in listing["results"]] == [run_id]


def test_a_file_larger_than_the_limit_is_refused_by_the_api_and_nothing_is_queued(
    world, analyst, api_as, settings, django_capture_on_commit_callbacks
):
    # given a limit of 10 bytes
    settings.INTEL_UPLOAD_MAX_BYTES = 10
    upload = SimpleUploadedFile("earlier.csv", (HEADER + GOOD_1).encode())

    # when the analyst uploads a larger file
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_as(analyst).post(
            f"/api/v1/operations/{world.operation.pk}/imports/",
            {"file": upload},
            format="multipart",
        )

    # then it is refused with the limit, and no run is recorded or queued
    assert response.status_code == 400
    assert response.json() == {"file": ["Larger than 10 bytes: use manage.py import_seizures."]}
    assert (ImportRun.objects.count(), len(callbacks)) == (0, 0)


def test_officers_may_not_import_or_define_indicators_and_nothing_changes(world, api_as):
    client = api_as(world.gr_officer)
    upload = SimpleUploadedFile("earlier.csv", (HEADER + GOOD_1).encode())

    imported = client.post(
        f"/api/v1/operations/{world.operation.pk}/imports/", {"file": upload}, format="multipart"
    )
    defined = client.post(
        f"/api/v1/operations/{world.operation.pk}/indicators/",
        {"name": "US", "kind": "origin_country", "params": {"countries": ["US"]}},
        format="json",
    )
    listed = client.get(f"/api/v1/operations/{world.operation.pk}/imports/")
    outsider = api_as(world.fr_officer).get(f"/api/v1/operations/{world.operation.pk}/indicators/")

    assert (imported.status_code, defined.status_code, listed.status_code) == (403, 403, 403)
    assert outsider.status_code == 404
    assert (ImportRun.objects.count(), Indicator.objects.count()) == (0, 0)


def test_indicator_api_create_patch_and_errors(world, analyst, api_as):
    client = api_as(analyst)
    url = f"/api/v1/operations/{world.operation.pk}/indicators/"

    bad = client.post(url, {"name": "x", "kind": "carrier", "params": {}}, format="json")
    made = client.post(
        url,
        {
            "name": "Express",
            "kind": "carrier",
            "params": {"carriers": ["DHL*", "UPS"]},
            "weight": 5,
            "explanation": "tracked and fast",
        },
        format="json",
    )
    again = client.post(
        url, {"name": "Express", "kind": "carrier", "params": {"carriers": ["x"]}}, format="json"
    )
    patched = client.patch(
        f"/api/v1/indicators/{made.data['id']}/", {"weight": 7, "active": False}, format="json"
    )
    kind_change = client.patch(
        f"/api/v1/indicators/{made.data['id']}/", {"kind": "route"}, format="json"
    )

    assert bad.status_code == 400 and bad.data == {"params.carriers": ["Give at least one."]}
    assert made.status_code == 201
    assert made.data["params"] == {"carriers": ["dhl*", "ups"]}
    assert made.data["stats"] == {"flagged": 0, "checked": 0, "hits": 0, "hit_rate": None}
    assert again.status_code == 400 and again.data == {
        "name": ["This operation already has an indicator of that name."]
    }
    assert (patched.status_code, patched.data["weight"], patched.data["active"]) == (
        200,
        7.0,
        False,
    )
    assert kind_change.status_code == 400
