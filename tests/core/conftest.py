import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_as():
    """api_as(officer) -> an APIClient that sends the officer's token."""

    def _client(officer) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {officer.auth_token.key}")
        return client

    return _client
