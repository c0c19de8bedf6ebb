"""Events the operations app publishes."""

# access.changed is the accounts app's event; the operations services publish it too.
from apps.accounts.events import ACCESS_CHANGED, access_changed, officer_group  # noqa: F401


def room_group(room_id: int) -> str:
    return f"room.{room_id}"
