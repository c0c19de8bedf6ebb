"""How values look on the wire, the same over REST, sockets and exports."""

from datetime import datetime


def iso(value: datetime | None) -> str | None:
    """A time as clients see it: ISO 8601 in UTC with a Z."""
    return value.isoformat().replace("+00:00", "Z") if value else None
