"""The API-wide tests run a real server on PostgreSQL and Redis, as tests/integration does.

`stack` (a migrated database of its own, a Redis namespace, the officers of
tests/integration/conftest.py) is shared from there rather than set up a second way.
"""

from tests.integration.conftest import stack  # noqa: F401
