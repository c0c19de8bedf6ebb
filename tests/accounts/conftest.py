import pytest


@pytest.fixture
def published(monkeypatch):
    """Events sent to the channel layer, as (group, event)."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "apps.core.events.publish", lambda group, event: sent.append((group, event))
    )
    return sent
