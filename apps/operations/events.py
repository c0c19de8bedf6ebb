"""Events the operations app publishes."""

ACCESS_CHANGED = "access.changed"


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def officer_group(officer_id: int) -> str:
    """Every socket of one officer, whatever it is connected to."""
    return f"officer.{officer_id}"


def access_changed(*, agency_id: int | None = None, officer_id: int | None = None) -> dict:
    """Tell sockets to re-check whether their officer may still be connected."""
    return {"type": ACCESS_CHANGED, "agency_id": agency_id, "officer_id": officer_id}
