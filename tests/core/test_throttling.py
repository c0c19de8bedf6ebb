"""The REST posting limit when its shared cache (Redis) cannot be reached."""

import logging
import socket

import pytest

from apps.core import throttling
from apps.reports.models import Report
from tests.factories import report_data


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cache_unreachable(settings, monkeypatch):
    """The default cache on a port nothing listens on (and no retries)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "retry": None},
        }
    }
    monkeypatch.setattr(throttling, "_shared_down_until", 0.0)
    throttling._local_cache.clear()


def test_a_report_is_saved_when_the_rate_limit_cache_is_unreachable(
    api_as, world, cache_unreachable, caplog, django_capture_on_commit_callbacks
):
    # given the cache that counts the posting rate is on a closed port
    client = api_as(world.gr_officer)

    # when a report is posted
    with caplog.at_level(logging.WARNING, logger="apps.core.throttling"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/v1/rooms/{world.postal.pk}/reports/", report_data(), format="json"
            )

    # then it is saved, and the fallback to a per-process count is logged
    assert response.status_code == 201, response.content
    assert Report.objects.filter(pk=response.json()["id"]).exists()
    assert [r.getMessage() for r in caplog.records if r.name == "apps.core.throttling"] == [
        "rate limit cache unreachable: counting report_post in this process for 5 s"
    ]


def test_the_per_process_count_still_limits(api_as, world, cache_unreachable, monkeypatch):
    # given a limit of 2 posts a minute and an unreachable cache
    monkeypatch.setattr(
        throttling.ScopedRateThrottleWithFallback, "THROTTLE_RATES", {"report_post": "2/min"}
    )
    client = api_as(world.gr_officer)
    url = f"/api/v1/rooms/{world.postal.pk}/reports/"

    # when three are posted
    statuses = [client.post(url, report_data(), format="json").status_code for _ in range(3)]

    # then the third is refused, and only two were saved
    assert statuses == [201, 201, 429]
    assert Report.objects.count() == 2
