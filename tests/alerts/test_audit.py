"""Reading alerts is reading reports: every channel writes an audit line."""

from django.urls import reverse


def test_reading_alerts_over_rest_and_the_page_is_audited(world, post, api_as, client, audit_lines):
    # given: a match between GR's report and BG's
    post(world.bg_officer, world.postal, "intel", body="Phone +306941234567.")
    mine = post(world.gr_officer, world.postal, "intel", body="Phone 6941234567.")
    audit_lines.clear()

    # when
    api_as(world.gr_officer).get("/api/v1/alerts/")
    client.force_login(world.gr_officer)
    client.get(reverse("alerts"))

    # then
    reports = [line for line in audit_lines if line.startswith("read reports=")]
    assert len(reports) == 2
    assert all(f"{mine.pk}" in line and "by=gr.officer" in line for line in reports)
    assert any("via=rest-alerts" in line for line in reports)
    assert any("via=page-alerts" in line for line in reports)
