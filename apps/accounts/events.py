"""Events the accounts app publishes."""

from apps.core.events import INT, STR, declare, nullable

# Nothing reaches the client but, when access is gone, an error frame before 4403.
ACCESS_CHANGED = declare(
    "access.changed",
    groups=("officer.{id}", "room.{id}"),
    event={"agency_id": nullable(INT), "officer_id": nullable(INT)},
    frame={"code": {"const": "access_revoked"}, "message": STR},
    frame_type="error",
)


def officer_group(officer_id: int) -> str:
    """Every socket of one officer, whatever it is connected to."""
    return f"officer.{officer_id}"


def access_changed(*, agency_id: int | None = None, officer_id: int | None = None) -> dict:
    """Tell sockets to re-check at once whether their officer may still be connected.

    `{"type": "access.changed", "agency_id": int | None, "officer_id": int | None}`:
    published on commit by every service that takes access away (sign-out, token
    revocation, deactivation, an agency leaving a room or an operation), to the
    officer's group or to a room's group. The payload only says who is concerned;
    each socket re-reads its officer's account, credential and membership itself.
    """
    return {"type": ACCESS_CHANGED, "agency_id": agency_id, "officer_id": officer_id}
